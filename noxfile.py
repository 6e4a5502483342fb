# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's test stages as nox sessions, on antsibull-nox.

``make test`` runs the sessions in STAGES, in that order; ``nox --list`` describes every session.
antsibull-nox declares ansible-lint, docs-check and extra-checks (configured in
antsibull-nox.toml) and the ansible-test sanity and units sessions. This file adds what it
has no session for: integration against the API sandbox (start, stop, secrets check), the
roles' molecule scenarios, the AWX / Controller jobs, the execution environment, the docs site,
ansible-doc's parse check, the changelog lint, the offline pip bootstrap for ansible-test, and
the demo, benchmark and sandbox entry points. hack/README.md explains the design.

The tested ansible-core versions, their Pythons and which stage runs on which core come from
hack/matrix.py (the one place); the per-core sessions, STAGES and MATRIX_STAGES are generated
from it. To add a stage: define its session below (with a docstring: it is the description) and
add its name to STAGES. A new integration target needs nothing here: ansible-test finds it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import antsibull_nox
import nox
from antsibull_nox.sessions import prepare_collections

ROOT = Path(__file__).resolve().parent
HACK = ROOT / "hack"
BUILD = ROOT / "build"

sys.path.insert(0, str(HACK))
from matrix import CORES, SMOKE_TARGETS, requirement  # noqa: E402 pylint: disable=wrong-import-position


def per_core(stage: str, where: str) -> list[str]:
    """The sessions of ``stage`` (a field of hack/matrix.py's Core) that hack/matrix.py marks ``where``."""
    prefix = "integration-smoke" if stage == "smoke" else stage
    return ["%s-%s" % (prefix, core) for core, row in CORES.items() if getattr(row, stage) == where]


# What `make test` runs, in this order, generated from hack/matrix.py (the one place that says
# which cores and Pythons are tested). Every stage runs even when an earlier one failed.
STAGES = [
    *per_core("sanity", "test"),
    *per_core("units", "test"),
    *per_core("integration", "test"),
    *per_core("smoke", "test"),
    "live-selftest",
    *per_core("molecule", "test"),
    "ansible-lint",
    "codeqa",
    "typing",
    "ansible-doc",
    "docs-check",
    "changelog",
    "extra-checks",
    *per_core("controller", "test"),
    "ee",
    "docs-site",
]

# `make test-matrix` (not run by CI): the rest of the matrix.
MATRIX_STAGES = [
    *per_core("sanity", "matrix"),
    *per_core("units", "matrix"),
    *per_core("integration", "matrix"),
    *per_core("smoke", "matrix"),
    *per_core("molecule", "matrix"),
    *per_core("controller", "matrix"),
]

nox.options.sessions = STAGES
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"  # a warm run reinstalls nothing; a changed pin is applied in place
nox.options.error_on_missing_interpreters = True

# Every install in every session is held to the versions in sessions.lock (`make lock`); a
# session tied to one ansible-core to that core's lock instead (core_lock below).
os.environ.setdefault("UV_CONSTRAINT", str(HACK / "requirements" / "sessions.lock"))
# uv does not compile bytecode, and PYTHONDONTWRITEBYTECODE may keep Python from caching it:
# every ansible process then compiles ansible-core again (about 0.35 s each).
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")


def pip_index_url() -> str:
    """The package index pip is told to use (PIP_INDEX_URL, or index-url in a pip.conf), or ''."""
    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False)
    found = dict(line.split("=", 1) for line in listed.stdout.splitlines() if "=" in line)
    for key in (":env:.index-url", "global.index-url", "install.index-url"):
        if key in found:
            return found[key].strip("'\"")
    return ""


# uv does not read pip's configuration: a package-index mirror given to pip is given to uv too.
if not (os.environ.get("UV_DEFAULT_INDEX") or os.environ.get("UV_INDEX_URL")):
    os.environ["UV_DEFAULT_INDEX"] = pip_index_url() or "https://pypi.org/simple"

antsibull_nox.load_antsibull_nox_toml()


@functools.cache
def interpreter(version: str) -> str:
    """The path of a real Python X.Y (hack/find-python.sh), or X.Y for nox to report as missing."""
    found = subprocess.run([str(HACK / "find-python.sh"), version], capture_output=True, text=True, check=False)
    return found.stdout.strip() or version


def ansible_core(core: str) -> str:
    """The requirement for one ansible-core minor version (the lock pins the patch)."""
    return requirement(core)


def core_lock(name: str, core: str) -> None:
    """Hold every install of session ``name`` to hack/requirements/core-X.Y.lock (`make lock`).

    One constraints file cannot pin ansible-core 2.16 and 2.21 for the same Python, so each
    core has its own lock; the session switches UV_CONSTRAINT to it while it runs.
    """
    func = nox.registry.get()[name]
    body = func.func
    lock = str(HACK / "requirements" / ("core-%s.lock" % core))
    # `nox -t STAGE` (the Makefile's targets) runs a stage on the cores `make test` runs it on;
    # `nox -t matrix` (make test-matrix) runs the rest.
    stage = name.rsplit("-", 1)[0]
    func.tags = ["matrix"] if name in MATRIX_STAGES else [stage] if name in STAGES or stage == "offline-pip" else []

    @functools.wraps(body)
    def run(session: nox.Session) -> None:
        saved = os.environ["UV_CONSTRAINT"]
        os.environ["UV_CONSTRAINT"] = lock
        try:
            body(session)
        finally:
            os.environ["UV_CONSTRAINT"] = saved

    func.func = run


def collection_tree(session: nox.Session):
    """Copy the collection to a temporary .../ansible_collections/mailops/hosted_mail (antsibull-nox)."""
    return prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)


def need_shellcheck() -> None:
    """ansible-test skips its shellcheck test without the program; CI (REQUIRE_SHELLCHECK=1) must not."""
    if shutil.which("shellcheck"):
        return
    if os.environ.get("REQUIRE_SHELLCHECK") == "1":
        raise nox.command.CommandFailed("shellcheck is not installed and REQUIRE_SHELLCHECK=1 (apt-get install shellcheck)")
    print("NOTE: shellcheck is not installed, so ansible-test skips its 'shellcheck' sanity test"
          " (apt-get install shellcheck to run it; CI does).", flush=True)


# --- ansible-test: sanity and units (antsibull-nox), integration (below) --------------------------

def offline_pip_session(core: str) -> None:
    """offline-pip-X.Y: hack/offline_get_pip.py for that ansible-test (see hack/README.md)."""

    def offline_pip(session: nox.Session) -> None:
        session.install(ansible_core(core), "pip")  # pip downloads the wheel, from pip's configured index
        session.run("python", str(HACK / "offline_get_pip.py"))

    offline_pip.__doc__ = ("Cache the pip that ansible-core %s's ansible-test installs into its venvs, from the"
                           " package index (no access to ci-files.testing.ansible.com needed)" % core)
    nox.session(name="offline-pip-%s" % core, python=interpreter(CORES[core].python), default=False)(offline_pip)
    core_lock("offline-pip-%s" % core, core)


def drop_delegation_venv() -> None:
    """Remove the venv `ansible-test --venv` leaves in tests/output/.tmp (cwd: the collection copy).

    antsibull-nox copies tests/output back into the checkout after a passing run, and its copy
    fails on that venv (Errno 2 on a .dist-info/licenses folder); the venv is of no use there.
    """
    shutil.rmtree(Path("tests", "output", ".tmp"), ignore_errors=True)


def ansible_test_session(command: str, core: str, description: str, callback_before=None) -> None:
    """COMMAND-X.Y: `ansible-test COMMAND --venv --python P` with ansible-core X.Y from the package index."""
    name = "%s-%s" % (command, core)
    python = CORES[core].python
    antsibull_nox.add_ansible_test_session(
        name=name,
        description=description,
        ansible_test_params=[command, "--venv", "--python", python, "--color", "no"],
        default=False,
        ansible_core_version=core,
        ansible_core_source="pypi",
        callback_before=callback_before,
        callback_after=drop_delegation_venv,
    )
    # antsibull-nox lets nox pick any Python this ansible-core supports; each stage uses the one
    # in hack/matrix.py, and needs the offline pip bootstrap first.
    session = nox.registry.get()[name]
    session.python = interpreter(python)
    session.requires = ["offline-pip-%s" % core]
    core_lock(name, core)


for _core, _row in CORES.items():
    offline_pip_session(_core)
    if _row.sanity:
        ansible_test_session("sanity", _core, "ansible-test sanity, ansible-core %s (Python %s)" % (_core, _row.python),
                             callback_before=need_shellcheck)
    if _row.units:
        ansible_test_session("units", _core, "ansible-test units, ansible-core %s (Python %s)" % (_core, _row.python))


@contextlib.contextmanager
def tee(path: Path):
    """A pipe to pass as a command's output: what it writes is shown and saved to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with subprocess.Popen(["tee", str(path)], stdin=subprocess.PIPE) as process:
        try:
            yield process.stdin
        finally:
            process.stdin.close()


def check_secrets(session: nox.Session, log: Path, issued: Path, *extra: str) -> None:
    """hack/check_secrets.py on ``log``: the seed's secrets, those the sandbox issued or learnt, and ``extra`` options."""
    found = ["--issued", str(issued)] if issued.exists() else []
    session.run("python", str(HACK / "check_secrets.py"), "--seed", "tests/sandbox/seed.json", *found, *extra, str(log))


def run_integration(session: nox.Session, core: str, targets: list[str], label: str | None = None) -> None:
    """ansible-test integration of ``targets`` (all when empty) against a fresh API sandbox, then the secrets check.

    The one place the integration stages are written: the collection copy, hack/with_sandbox.py
    (the sandbox, integration_config.yml, the tokens it issued), the output shown and saved to
    build/integration-LABEL.log, the secrets check on that log even when ansible-test failed.
    """
    label = label or core
    python = CORES[core].python
    session.install(ansible_core(core), "flask", "requests")
    tree = collection_tree(session)
    log = BUILD / ("integration-%s.log" % label)
    issued = BUILD / ("issued-tokens-%s.json" % label)
    issued.unlink(missing_ok=True)
    verbosity = os.environ.get("INTEGRATION_VERBOSITY", "-vvvv")
    with session.chdir(tree.current_path):
        try:
            with tee(log) as output:
                session.run(
                    "python", str(HACK / "with_sandbox.py"),
                    "--config", "tests/integration/integration_config.yml", "--issued", str(issued), "--",
                    "ansible-test", "integration", "--venv", "--requirements", "--python", python, "--color", "no",
                    verbosity, *targets,
                    stdout=output,
                )
        finally:
            session.log("full output: %s" % log.relative_to(ROOT))
            check_secrets(session, log, issued, "--secrets-file", "tests/integration/secrets.txt")


def integration_session(core: str, kind: str) -> None:
    """integration-X.Y (every target) or integration-smoke-X.Y (SMOKE_TARGETS): run_integration on that core.

    posargs or INTEGRATION_TARGETS pick other targets.
    """
    python = CORES[core].python
    name = "integration-%s" % core if kind == "full" else "integration-smoke-%s" % core
    default_targets = [] if kind == "full" else SMOKE_TARGETS

    def integration(session: nox.Session) -> None:
        targets = session.posargs or os.environ.get("INTEGRATION_TARGETS", "").split() or default_targets
        run_integration(session, core, targets, label=name[len("integration-"):])

    integration.__doc__ = ("ansible-test integration against the API sandbox, then the secrets check, ansible-core %s"
                           " (Python %s): %s; posargs or INTEGRATION_TARGETS pick targets"
                           % (core, python, "every target" if kind == "full" else "the smoke set (hack/matrix.py)"))
    nox.session(name=name, python=interpreter(python), default=False, requires=["offline-pip-%s" % core])(integration)
    core_lock(name, core)


for _core, _row in CORES.items():
    if _row.integration:
        integration_session(_core, "full")
    if _row.smoke:
        integration_session(_core, "smoke")


# --- live mode (tests/live): the real vendor APIs, and its self-test against the sandbox -----------

def run_live(session: nox.Session, *args: str) -> None:
    """``python -m tests.live ARGS`` in a copy of the collection, with ansible-core 2.19 (see tests/live/__init__.py)."""
    session.install(ansible_core("2.19"), "flask", "requests")
    tree = collection_tree(session)
    with session.chdir(tree.current_path):
        session.run("python", "-m", "tests.live", *args)


@nox.session(python=interpreter("3.11"), default=False)
def live(session: nox.Session) -> None:
    """make test-live: assumption probes, live-capable targets, bulk module and roles against the REAL APIs (docs/docsite/rst/live.rst)"""
    run_live(session, "--report-dir", str(BUILD / "live"), *session.posargs)


@nox.session(name="live-cleanup", python=interpreter("3.11"), default=False)
def live_cleanup(session: nox.Session) -> None:
    """make test-live-cleanup: remove what an interrupted live run left (mailops-live-* mailboxes, test routing rules) and nothing else"""
    run_live(session, "--cleanup", "--report-dir", str(BUILD / "live"))


@nox.session(name="live-selftest", python=interpreter("3.11"), default=False)
def live_selftest(session: nox.Session) -> None:
    """Live mode against the sandbox without its control interface: skips, report, a contradicted assumption, leftovers, cleanup, bounds"""
    run_live(session, "--self-test", "--report-dir", str(BUILD / "live-selftest"))


# --- the roles' molecule scenarios -----------------------------------------------------------------

def run_molecule(session: nox.Session, core: str) -> None:
    """The roles' molecule scenarios on ansible-core ``core``, each output then searched for secrets; posargs pick roles."""
    session.install("molecule", ansible_core(core), "flask", "requests")
    tree = collection_tree(session)
    roles = session.posargs or sorted(path.parents[2].name for path in tree.current_path.glob("roles/*/molecule/default/molecule.yml"))
    if not roles:
        session.error("no role has a molecule scenario (roles/*/molecule/default/molecule.yml)")
    env = {
        "ANSIBLE_COLLECTIONS_PATH": str(tree.current_place),
        "ANSIBLE_NOCOLOR": "1",
        "PY_COLORS": "0",
        # every task's result is printed, so the secrets check means something
        "ANSIBLE_VERBOSITY": os.environ.get("MOLECULE_ANSIBLE_VERBOSITY", "2"),
    }
    failed = []
    for role in roles:
        scenario = tree.current_path / "roles" / role
        if not (scenario / "molecule" / "default" / "molecule.yml").is_file():
            session.error("role %s has no molecule scenario" % role)
        log = BUILD / ("molecule-%s-%s.log" % (core, role))
        issued = BUILD / ("molecule-%s-%s-issued.json" % (core, role))
        issued.unlink(missing_ok=True)
        try:
            with session.chdir(scenario), tee(log) as output:
                session.run("molecule", "--base-config", str(tree.current_path / "tests" / "molecule" / "config.yml"), "test",
                            env=dict(env, MOLECULE_SANDBOX_ISSUED=str(issued)), stdout=output)
            with session.chdir(tree.current_path):
                check_secrets(session, log, issued)
        except nox.command.CommandFailed:
            failed.append(role)
        session.log("molecule %s: %s (output: %s)" % (role, "FAIL" if role in failed else "PASS", log.relative_to(ROOT)))
    if failed:
        session.error("molecule failed for: %s" % " ".join(failed))


def molecule_session(core: str) -> None:
    """molecule-X.Y: run_molecule on that ansible-core."""

    def molecule(session: nox.Session) -> None:
        run_molecule(session, core)

    molecule.__doc__ = ("The roles' molecule scenarios against the API sandbox (no container), each then searched for secrets,"
                        " ansible-core %s (Python %s); posargs pick roles" % (core, CORES[core].python))
    nox.session(name="molecule-%s" % core, python=interpreter(CORES[core].python), default=False)(molecule)
    core_lock("molecule-%s" % core, core)


for _core, _row in CORES.items():
    if _row.molecule:
        molecule_session(_core)


# --- AWX / Controller jobs, the execution environment ---------------------------------------------

def controller_session(core: str) -> None:
    """controller-X.Y: pytest tests/controller with that ansible-core in the job's environment."""

    def controller(session: nox.Session) -> None:
        session.install(ansible_core(core), "ansible-runner", "pytest", "flask", "requests")
        tree = collection_tree(session)
        with session.chdir(tree.current_path):
            session.run("python", "-m", "pytest", "-p", "no:cacheprovider", "tests/controller", *session.posargs,
                        env={"PYTHONPATH": str(tree.current_place), "CONTROLLER_EXPECT_CORE": core})

    controller.__doc__ = ("AWX / Controller jobs run with ansible-runner: credential types, no secret in output or job events,"
                          " lock_dir, no 'does not support Ansible version' warning; ansible-core %s (Python %s)"
                          % (core, CORES[core].python))
    nox.session(name="controller-%s" % core, python=interpreter(CORES[core].python), default=False)(controller)
    core_lock("controller-%s" % core, core)


for _core, _row in CORES.items():
    if _row.controller:
        controller_session(_core)


@nox.session(python=interpreter("3.11"), default=False)
def ee(session: nox.Session) -> None:
    """galaxy build / install / verify --offline, and the execution environment's build context (pytest tests/ee)"""
    session.install(ansible_core("2.19"), "ansible-builder", "pytest")
    tree = collection_tree(session)
    with session.chdir(tree.current_path):
        session.run("python", "-m", "pytest", "-p", "no:cacheprovider", "tests/ee", *session.posargs)


@nox.session(name="ee-context", python=interpreter("3.11"), default=False)
def ee_context(session: nox.Session) -> None:
    """Render the execution environment's build context into build/ee-context, no container engine (make ee-context)"""
    session.install(ansible_core("2.19"), "ansible-builder")
    session.run("python", str(HACK / "ee_context.py"), "--context", str(BUILD / "ee-context"), *session.posargs)


# --- documentation and changelog ------------------------------------------------------------------

@nox.session(name="ansible-doc", default=False)
def ansible_doc(session: nox.Session) -> None:
    """ansible-doc --metadata-dump: every plugin's documentation parses (docs-check passes over those that do not)"""
    session.install("ansible-core")
    tree = collection_tree(session)
    session.run("ansible-doc", "--metadata-dump", "mailops.hosted_mail", silent=True,
                env={"ANSIBLE_COLLECTIONS_PATH": str(tree.current_place)})


@nox.session(name="docs-site", python=interpreter("3.11"), default=False)
def docs_site(session: nox.Session) -> None:
    """Build the HTML docs site offline into build/docs, warnings as errors, and check it is complete (make docs-site)"""
    session.install(ansible_core("2.19"), "antsibull-docs")
    tree = collection_tree(session)
    with session.chdir(tree.current_path):
        session.run("python", "hack/docs_site.py", "--dest", str(BUILD / "docs"),
                    env={"ANSIBLE_COLLECTIONS_PATH": str(tree.current_place)})


@nox.session(default=False)
def changelog(session: nox.Session) -> None:
    """antsibull-changelog lint: the changelog fragments and changelogs/changelog.yaml are valid"""
    session.install("antsibull-changelog")
    session.run("antsibull-changelog", "lint")


# --- entry points that are not stages: make demo, make bench, make sandbox ------------------------

@nox.session(python=interpreter("3.11"), default=False)
def demo(session: nox.Session) -> None:
    """Run demo/site.yml against a fresh API sandbox (make demo); posargs go to ansible-playbook"""
    session.install(ansible_core("2.19"), "flask", "requests")
    tree = collection_tree(session)
    session.run("python", str(HACK / "with_sandbox.py"), "--env", "--", "ansible-playbook", "demo/site.yml", *session.posargs,
                env={"ANSIBLE_COLLECTIONS_PATH": str(tree.current_place)})


def pip_venv(session: nox.Session, path: Path, *requirements: str) -> Path:
    """A venv at ``path`` made the way users make one: ``python -m venv``, then ``pip install``.

    pip compiles the bytecode of what it installs (uv does not unless told), and nothing else is
    in the venv, so an ansible-playbook started from it starts as a user's does. The versions are
    held to sessions.lock. Made again when ``requirements`` or the lock change.
    """
    lock = HACK / "requirements" / "sessions.lock"
    stamp = path / "installed-from.txt"
    wanted = "\n".join(requirements) + "\n" + lock.read_text()
    if not (stamp.is_file() and stamp.read_text() == wanted):
        shutil.rmtree(path, ignore_errors=True)
        session.run("python", "-m", "venv", str(path))
        session.run(str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-c", str(lock), *requirements, external=True)
        stamp.write_text(wanted)
    return path


@nox.session(python=interpreter("3.11"), default=False)
def bench(session: nox.Session) -> None:
    """Request counts and wall-time ratios of the hot paths against baselines, then the onboarding benchmark (make bench)

    The netangels_mailboxes figures (P2 and the rest) start every playbook and module process from
    build/bench-venv, a venv installed with pip as users install (see pip_venv). posargs go to
    tests/benchmark/benchmark.py; ONBOARDING_BENCH_ARGS (e.g. "--people 100") to
    tests/benchmark/onboarding.py.
    """
    session.install(ansible_core("2.19"), "flask", "requests")
    users_venv = pip_venv(session, BUILD / "bench-venv", ansible_core("2.19"), "requests")
    tree = collection_tree(session)
    env = {"PYTHONPATH": str(tree.current_place)}
    with session.chdir(tree.current_path):
        session.run("python", "tests/benchmark/benchmark.py", "--ansible-venv", str(users_venv), *session.posargs, env=env)
        session.run("python", "tests/benchmark/onboarding.py", *os.environ.get("ONBOARDING_BENCH_ARGS", "").split(), env=env)


@nox.session(python=interpreter("3.11"), default=False)
def sandbox(session: nox.Session) -> None:
    """Run the API sandbox in the foreground until Ctrl-C (make sandbox); posargs go to python -m tests.sandbox"""
    session.install("flask")
    session.run("python", "-m", "tests.sandbox", "--seed", "tests/sandbox/seed.json", *session.posargs)


# Descriptions for `nox --list` of the sessions antsibull-nox declares from antsibull-nox.toml.
for _name, _description in {
    "ansible-lint": "ansible-lint --offline, with the profile in .ansible-lint (production)",
    "docs-check": "antsibull-docs lint-collection-docs --plugin-docs, and the code blocks of docs/docsite/rst",
    "extra-checks": "action groups against modules and doc fragments, no unwanted files, characters to avoid",
}.items():
    nox.registry.get()[_name].__doc__ = _description
