# mailops.hosted_mail: developer and CI entry points. The logic lives in hack/*.
# Needs: bash, git, make, Python 3.11 and 3.12 (pyenv or on PATH), a Python package index
# (or a mirror of one). Nothing else is installed by hand; venvs go to .venv/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help test test-live test-live-cleanup sanity units integration molecule lint docs changelog controller ee docs-site ee-context demo bench sandbox venv lock build offline-pip clean

help: ## show this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

test: ## every stage: sanity, units, integration (ansible-core 2.19 and 2.21), molecule, lint, docs, changelog, controller, ee, docs-site
	hack/test.sh all

test-live: ## the REAL vendor APIs: assumption probes, live-capable targets, bulk module, roles (credentials: docs/docsite/rst/live.rst); never part of `make test`
	@hack/venv.sh core-2.19 >/dev/null
	@.venv/core-2.19/bin/python -m tests.live --report-dir build/live

test-live-cleanup: ## remove what an interrupted `make test-live` left (mailops-live-* mailboxes, test routing rules) and nothing else
	@hack/venv.sh core-2.19 >/dev/null
	@.venv/core-2.19/bin/python -m tests.live --cleanup --report-dir build/live

sanity: ## ansible-test sanity on ansible-core 2.19 (Python 3.11) and 2.21 (Python 3.12)
	hack/test.sh sanity

units: ## ansible-test units --venv on both ansible-core versions
	hack/test.sh units

integration: ## ansible-test integration against the API sandbox, then the secrets check
	hack/test.sh integration

molecule: ## the roles' molecule scenarios against the API sandbox (no container)
	hack/test.sh molecule

lint: ## ansible-lint --profile production
	hack/test.sh lint

docs: ## antsibull-docs lint-collection-docs --plugin-docs
	hack/test.sh docs

changelog: ## antsibull-changelog lint
	hack/test.sh changelog

controller: ## AWX / Controller jobs run with ansible-runner: credential types, no secret in output, lock_dir
	hack/test.sh controller

ee: ## galaxy build / install / verify --offline, and the execution environment's build context
	hack/test.sh ee

docs-site: ## build the HTML docs site offline into build/docs (warnings are errors)
	hack/test.sh docs-site

ee-context: ## render the execution environment's build context into build/ee-context (no container engine)
	hack/venv.sh core-2.19 >/dev/null
	.venv/core-2.19/bin/python hack/ee_context.py --context build/ee-context

demo: ## run demo/site.yml against a fresh API sandbox
	hack/demo.sh

bench: ## request counts and wall-time ratios of the hot paths against baselines (tests/benchmark)
	hack/bench.sh

sandbox: ## run the API sandbox in the foreground (SANDBOX_PORT=8080 to fix the port)
	hack/sandbox.sh

venv: ## create or refresh the tooling venvs in .venv/
	hack/venv.sh core-2.19
	hack/venv.sh core-2.21
	hack/venv.sh molecule

lock: ## re-resolve hack/requirements/*.in into the *.lock pins
	hack/venv.sh --lock core-2.19
	hack/venv.sh --lock core-2.21
	hack/venv.sh --lock molecule

build: ## copy the collection to build/ansible_collections/mailops/hosted_mail
	hack/build-copy.sh

offline-pip: ## cache pip for ansible-test's venvs in ~/.ansible/test/cache (air-gapped machines)
	hack/venv.sh core-2.19 >/dev/null
	hack/venv.sh core-2.21 >/dev/null
	.venv/core-2.19/bin/python hack/offline_get_pip.py
	.venv/core-2.21/bin/python hack/offline_get_pip.py

clean: ## remove build/ and .venv/ (not ~/.ansible/test)
	rm -rf build .venv
