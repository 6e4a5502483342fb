# mailops.hosted_mail: developer and CI entry points, thin calls of the nox sessions in
# noxfile.py (hack/README.md explains them).
# Needs: bash, git, make, Python 3.11 and 3.12 (pyenv or on PATH), a Python package index
# (or a mirror of one). Nothing else is installed by hand: nox comes from the package index into
# .venv/nox, the sessions' venvs go to .nox/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

NOX_VENV := .venv/nox
NOX := $(NOX_VENV)/bin/nox
# A copy of the lock the bootstrap venv was installed from: a changed lock rebuilds it.
NOX_STAMP := $(NOX_VENV)/installed-from-nox.lock
# `make test SESSIONS="units-2.21 ansible-lint"` runs only those sessions (`make list` names them).
SESSIONS ?=
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest version the .in files allow;
# without it, `make lock` keeps the current pins where they still fit.
LOCK_ARGS ?=

.PHONY: help test test-matrix test-live test-live-cleanup list sanity units integration live-selftest molecule lint docs changelog extra-checks controller ee docs-site ee-context demo bench sandbox bootstrap lock offline-pip clean

help: ## show this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(NOX_STAMP): hack/requirements/nox.lock
	rm -rf $(NOX_VENV)
	"$$(hack/find-python.sh 3.11)" -m venv $(NOX_VENV)
	$(NOX_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r hack/requirements/nox.lock
	cp hack/requirements/nox.lock $@

bootstrap: $(NOX_STAMP) ## install nox, antsibull-nox and uv into .venv/nox (the other targets do it when needed)

test: $(NOX_STAMP) ## every stage on the ansible-core versions hack/matrix.py names (sanity, units, integration, live-selftest, molecule, lint, ruff, mypy, docs, changelog, extra checks, controller, ee, docs-site) and a table of their times
	@mkdir -p build && rm -f build/nox-report.json
	@rc=0; $(NOX) --report build/nox-report.json $(if $(SESSIONS),--sessions $(SESSIONS)) </dev/null || rc=$$?; \
		$(NOX_VENV)/bin/python hack/stage_table.py build/nox-report.json || rc=1; exit $$rc

test-matrix: $(NOX_STAMP) ## the rest of the ansible-core matrix (hack/matrix.py marks it "matrix"; not run by CI), with the table of times
	@mkdir -p build && rm -f build/nox-report-matrix.json
	@rc=0; $(NOX) --report build/nox-report-matrix.json -t matrix </dev/null || rc=$$?; \
		$(NOX_VENV)/bin/python hack/stage_table.py build/nox-report-matrix.json || rc=1; exit $$rc

test-live: $(NOX_STAMP) ## the REAL vendor APIs: assumption probes, live-capable targets, bulk module, roles (credentials: docs/docsite/rst/live.rst); never part of `make test`
	@$(NOX) --sessions live

test-live-cleanup: $(NOX_STAMP) ## remove what an interrupted `make test-live` left (mailops-live-* mailboxes, test routing rules) and nothing else
	@$(NOX) --sessions live-cleanup

list: $(NOX_STAMP) ## every nox session with its description
	$(NOX) --list

sanity: $(NOX_STAMP) ## ansible-test sanity on the cores `make test` runs it on (hack/matrix.py)
	$(NOX) -t sanity

units: $(NOX_STAMP) ## ansible-test units --venv on the cores `make test` runs them on (hack/matrix.py)
	$(NOX) -t units

integration: $(NOX_STAMP) ## ansible-test integration against the API sandbox, then the secrets check, on the cores that run every target (TARGETS="a b" picks targets)
	$(NOX) -t integration $(if $(TARGETS),-- $(TARGETS))

live-selftest: $(NOX_STAMP) ## live mode against the API sandbox without its control interface (the report, a contradicted assumption, leftovers, cleanup)
	$(NOX) --sessions live-selftest

molecule: $(NOX_STAMP) ## the roles' molecule scenarios against the API sandbox, no container (ROLES="a b" picks roles)
	$(NOX) -t molecule $(if $(ROLES),-- $(ROLES))

lint: $(NOX_STAMP) ## ansible-lint --profile production, ruff check and mypy (plugins/)
	$(NOX) --sessions ansible-lint codeqa typing

docs: $(NOX_STAMP) ## ansible-doc parse check, then antsibull-docs lint-collection-docs --plugin-docs
	$(NOX) --sessions ansible-doc docs-check

changelog: $(NOX_STAMP) ## antsibull-changelog lint
	$(NOX) --sessions changelog

extra-checks: $(NOX_STAMP) ## antsibull-nox's extra checks (action groups, unwanted files, characters to avoid)
	$(NOX) --sessions extra-checks

controller: $(NOX_STAMP) ## AWX / Controller jobs run with ansible-runner (on each core hack/matrix.py names): credential types, no secret in output, lock_dir
	$(NOX) -t controller

ee: $(NOX_STAMP) ## galaxy build / install / verify --offline, and the execution environment's build context
	$(NOX) --sessions ee

docs-site: $(NOX_STAMP) ## build the HTML docs site offline into build/docs (warnings are errors)
	$(NOX) --sessions docs-site

ee-context: $(NOX_STAMP) ## render the execution environment's build context into build/ee-context (no container engine)
	$(NOX) --sessions ee-context

demo: $(NOX_STAMP) ## run demo/site.yml against a fresh API sandbox
	$(NOX) --sessions demo

bench: $(NOX_STAMP) ## request counts and wall-time ratios of the hot paths against baselines, then onboarding (BENCH_ARGS, ONBOARDING_BENCH_ARGS)
	$(NOX) --sessions bench $(if $(BENCH_ARGS),-- $(BENCH_ARGS))

sandbox: $(NOX_STAMP) ## run the API sandbox in the foreground (SANDBOX_PORT=8080 to fix the port)
	$(NOX) --sessions sandbox -- --port $(or $(SANDBOX_PORT),0)

offline-pip: $(NOX_STAMP) ## cache pip for ansible-test's venvs in ~/.ansible/test/cache (air-gapped machines)
	$(NOX) -t offline-pip

lock: $(NOX_STAMP) ## re-resolve hack/requirements/*.in into the *.lock pins (uv pip compile), one core-X.Y.lock per tested core
	cd hack/requirements && ../../$(NOX_VENV)/bin/uv pip compile --quiet $(LOCK_ARGS) --generate-hashes \
		--python-version 3.11 --custom-compile-command "make lock" nox.in -o nox.lock
	cd hack/requirements && ../../$(NOX_VENV)/bin/uv pip compile --quiet $(LOCK_ARGS) --universal \
		--python-version 3.11 --custom-compile-command "make lock" sessions.in -o sessions.lock
	$(NOX_VENV)/bin/python hack/lock_cores.py $(CURDIR)/$(NOX_VENV)/bin/uv $(LOCK_ARGS)

clean: ## remove build/, .nox/ and .venv/ (not ~/.ansible/test)
	rm -rf build .nox .venv
