#!/usr/bin/env bash
# Run the collection's test stages and print a summary table with each stage's wall time.
#
#   hack/test.sh                    # every stage (what `make test` and CI run)
#   hack/test.sh sanity units       # groups: sanity, units, integration (both ansible-core versions)
#   hack/test.sh units-2.21 lint    # single stages
#   hack/test.sh --list             # list the stages
#
# Stages run in order; a failing stage does not stop the others (FAIL_FAST=1 does), and the run
# exits non-zero if any stage failed. Every stage runs in the build copy
# build/ansible_collections/<namespace>/<name> (recreated from `git ls-files` first), with the
# tooling venvs from hack/venv.sh. Environment knobs:
#   FAIL_FAST=1            stop at the first failing stage
#   REQUIRE_SHELLCHECK=1   fail the sanity stages when shellcheck is not installed (CI sets it)
#   INTEGRATION_VERBOSITY  ansible-test integration verbosity flag (default -vvvv)
#   INTEGRATION_TARGETS    space-separated targets to run instead of all (e.g. "netangels_mailbox")
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALL_STAGES=(sanity-2.19 sanity-2.21 units-2.19 units-2.21 integration-2.19 integration-2.21 live-selftest molecule lint docs changelog controller ee docs-site)

usage() {
    printf 'usage: hack/test.sh [--list] [STAGE|GROUP ...]\nstages: %s\ngroups: all sanity units integration\n' \
        "${ALL_STAGES[*]}"
}

core_of() { printf '%s\n' "${1##*-}"; }          # sanity-2.21 -> 2.21
venv_of() { printf 'core-%s\n' "$(core_of "$1")"; }

# --- the stages: each runs in a subshell with `set -e`, cwd = the build copy -----------------

stage_sanity() {
    local venv python
    venv="$(venv_of "$1")"
    python="$(venv_python_version "$venv")"
    if ! command -v shellcheck >/dev/null 2>&1; then
        if [[ "${REQUIRE_SHELLCHECK:-0}" == 1 ]]; then
            die "shellcheck is not installed and REQUIRE_SHELLCHECK=1 (apt-get install shellcheck)"
        fi
        log "NOTE: shellcheck is not installed, so ansible-test skips its 'shellcheck' sanity test" \
            "(apt-get install shellcheck to run it; CI does)."
    fi
    with_venv "$venv" ansible-test sanity --python "$python" --color no
}

stage_units() {
    local venv python
    venv="$(venv_of "$1")"
    python="$(venv_python_version "$venv")"
    with_venv "$venv" ansible-test units --python "$python" --venv --color no
}

stage_integration() {
    local core venv python logfile issued rc=0
    core="$(core_of "$1")"
    venv="$(venv_of "$1")"
    python="$(venv_python_version "$venv")"
    logfile="${BUILD_ROOT}/integration.log"
    [[ "$core" == 2.19 ]] || logfile="${BUILD_ROOT}/integration-${core}.log"
    issued="${BUILD_ROOT}/issued-tokens-${core}.json"
    rm -f "$logfile" "$issued"

    trap sandbox_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    sandbox_start "$COLLECTION_DIR" "$(venv_dir "$venv")/bin/python" "integration-${core}"
    "$(venv_dir "$venv")/bin/python" "${HACK_DIR}/sandbox_vars.py" config --url "$SANDBOX_URL" \
        --seed tests/sandbox/seed.json --output tests/integration/integration_config.yml

    local -a targets=()
    read -r -a targets <<<"${INTEGRATION_TARGETS:-}"
    with_venv "$venv" ansible-test integration --python "$python" --color no "${INTEGRATION_VERBOSITY:--vvvv}" "${targets[@]}" \
        2>&1 | tee "$logfile" || rc=$?
    log "==> ansible-test integration exited ${rc}; full output: ${logfile#"${REPO_ROOT}"/}"

    "$(venv_dir "$venv")/bin/python" "${HACK_DIR}/sandbox_vars.py" issued --url "$SANDBOX_URL" --output "$issued" \
        || { log "ERROR: could not fetch ${SANDBOX_URL}/_sandbox/issued-tokens"; rc=1; }
    sandbox_stop

    local -a secrets_args=(--seed tests/sandbox/seed.json)
    [[ -f "$issued" ]] && secrets_args+=(--issued "$issued")
    [[ -f tests/integration/secrets.txt ]] && secrets_args+=(--secrets-file tests/integration/secrets.txt)
    "$(venv_dir "$venv")/bin/python" "${HACK_DIR}/check_secrets.py" "${secrets_args[@]}" "$logfile" || rc=1
    return "$rc"
}

stage_live_selftest() {
    # live mode (python -m tests.live, `make test-live`) against the API sandbox without its control interface:
    # skip lines without credentials, a passing run and its report, a contradicted assumption, the
    # leftovers refusal and the cleanup command, the guard's bounds, no secret in the output
    with_venv core-2.19 python -m tests.live --self-test --report-dir "${BUILD_ROOT}/live-selftest"
}

stage_molecule() {
    # the roles' molecule scenarios (hack/molecule.sh; each brings up and tears down the sandbox)
    "${HACK_DIR}/molecule.sh" --no-build
}

stage_lint() {
    # ansible-lint resolves the collection's own modules through the collections path
    ANSIBLE_COLLECTIONS_PATH="$BUILD_ROOT" with_venv core-2.19 ansible-lint --profile production --nocolor
}

stage_docs() {
    # antsibull-docs passes over plugins whose documentation does not parse at all; ansible-doc
    # fails on them, so run it first.
    ANSIBLE_COLLECTIONS_PATH="$BUILD_ROOT" with_venv core-2.19 \
        ansible-doc --metadata-dump "${COLLECTION_NAMESPACE}.${COLLECTION_NAME}" >/dev/null
    with_venv core-2.19 antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .
}

stage_changelog() {
    with_venv core-2.19 antsibull-changelog lint
}

stage_controller() {
    # AWX / Controller jobs with ansible-runner: the credential types' injectors, a job's output and
    # events free of secrets, lock_dir across two jobs (tests/controller, against an in-process sandbox)
    PYTHONPATH="$BUILD_ROOT" with_venv core-2.19 python -m pytest -p no:cacheprovider tests/controller
}

stage_ee() {
    # galaxy build / install / verify --offline, and the execution environment's build context (tests/ee)
    with_venv core-2.19 python -m pytest -p no:cacheprovider tests/ee
}

stage_docs_site() {
    # the HTML docs site, offline, warnings as errors, into build/docs (make docs-site)
    ANSIBLE_COLLECTIONS_PATH="$BUILD_ROOT" with_venv core-2.19 python hack/docs_site.py --dest "${BUILD_ROOT}/docs"
}

run_stage() {
    local stage="$1"
    case "$stage" in
        sanity-*) stage_sanity "$stage" ;;
        units-*) stage_units "$stage" ;;
        integration-*) stage_integration "$stage" ;;
        live-selftest) stage_live_selftest ;;
        molecule) stage_molecule ;;
        lint) stage_lint ;;
        docs) stage_docs ;;
        changelog) stage_changelog ;;
        controller) stage_controller ;;
        ee) stage_ee ;;
        docs-site) stage_docs_site ;;
        *) die "no such stage: ${stage}" ;;
    esac
}

# --- the driver ------------------------------------------------------------------------------

declare -a selected=()
for arg in "$@"; do
    case "$arg" in
        -h | --help) usage; exit 0 ;;
        --list) printf '%s\n' "${ALL_STAGES[@]}"; exit 0 ;;
        all) selected+=("${ALL_STAGES[@]}") ;;
        sanity | units | integration) selected+=("${arg}-2.19" "${arg}-2.21") ;;
        *)
            [[ " ${ALL_STAGES[*]} " == *" ${arg} "* ]] || { usage >&2; die "unknown stage '${arg}'"; }
            selected+=("$arg")
            ;;
    esac
done
((${#selected[@]})) || selected=("${ALL_STAGES[@]}")

declare -a names=() results=() seconds=()
failed=0
interrupted=0
run_start=$SECONDS
# Ctrl-C / SIGTERM reach the running stage too (it stops its sandbox); then summarise and stop.
trap 'interrupted=130' INT
trap 'interrupted=143' TERM

summary() {
    local i
    printf '\n%-18s %-6s %8s\n' STAGE RESULT SECONDS
    printf '%-18s %-6s %8s\n' ------------------ ------ --------
    for i in "${!names[@]}"; do
        printf '%-18s %-6s %8s\n' "${names[$i]}" "${results[$i]}" "${seconds[$i]}"
    done
    printf '%-18s %-6s %8s\n' total "$( ((failed)) && echo FAIL || echo PASS)" "$((SECONDS - run_start))"
}

record() { names+=("$1"); results+=("$2"); seconds+=("$3"); }

header() { printf '\n========== %s ==========\n' "$*"; }

# setup: only the venvs the selected stages use; the offline pip bootstrap for ansible-test
header "setup"
start=$SECONDS
set +e
(
    set -e
    declare -A need=([core-2.19]=1)
    for stage in "${selected[@]}"; do
        case "$stage" in
            *-2.19 | *-2.21) need[$(venv_of "$stage")]=1 ;;
            molecule) need[molecule]=1 ;;
        esac
    done
    for venv in "${!need[@]}"; do
        ensure_venv "$venv"
        case " ${selected[*]} " in
            *" sanity-${venv#core-} "* | *" units-${venv#core-} "*)
                "$(venv_dir "$venv")/bin/python" "${HACK_DIR}/offline_get_pip.py" ;;
        esac
    done
    "${HACK_DIR}/build-copy.sh" >/dev/null
)
rc=$?
set -e
if ((rc)); then
    failed=1
    record setup FAIL "$((SECONDS - start))"
    summary
    exit "$rc"
fi
record setup PASS "$((SECONDS - start))"

for stage in "${selected[@]}"; do
    header "$stage"
    start=$SECONDS
    set +e
    (
        set -e
        cd "$COLLECTION_DIR"
        run_stage "$stage"
    ) </dev/null
    rc=$?
    set -e
    elapsed=$((SECONDS - start))
    if ((rc == 0)); then
        record "$stage" PASS "$elapsed"
        printf -- '---------- %s: PASS (%ss)\n' "$stage" "$elapsed"
    else
        failed=1
        record "$stage" FAIL "$elapsed"
        printf -- '---------- %s: FAIL, exit %s (%ss)\n' "$stage" "$rc" "$elapsed"
        if ((rc == 130 || rc == 143)) || [[ "${FAIL_FAST:-0}" == 1 ]]; then
            break
        fi
    fi
    if ((interrupted)); then
        failed=1
        log "==> interrupted; skipping the remaining stages"
        break
    fi
done

summary
((interrupted)) && exit "$interrupted"
exit "$failed"
