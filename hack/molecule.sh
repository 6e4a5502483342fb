#!/usr/bin/env bash
# Run the roles' molecule scenarios (roles/<role>/molecule/default) against the API sandbox; no
# container is needed: each scenario's create/destroy start and stop the sandbox.
#
#   hack/molecule.sh                    # every role that has a scenario (`make molecule`)
#   hack/molecule.sh routing_policy     # only these roles
#   hack/molecule.sh --no-build ...     # use the build copy as it is (hack/test.sh has just made it)
#
# Each scenario runs `molecule test` in the build copy, with .venv/molecule (molecule and
# ansible-core 2.19, pinned in hack/requirements/molecule.{in,lock}) and the shared configuration
# tests/molecule/config.yml. Its output goes to build/molecule-<role>.log, which is then searched
# for secrets (check_secrets.py: the seed's, and every token and password the sandbox learnt,
# generated passwords included). The plays run at ansible verbosity 2 (-vv: every task's result is
# printed, so the leak check means something); MOLECULE_ANSIBLE_VERBOSITY=0..4 changes it.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=true
if [[ "${1:-}" == "--no-build" ]]; then
    build=false
    shift
fi
ensure_venv molecule
if $build; then
    "${HACK_DIR}/build-copy.sh" >/dev/null
fi
python="$(venv_dir molecule)/bin/python"

declare -a roles=("$@")
if ((${#roles[@]} == 0)); then
    for scenario in "${COLLECTION_DIR}"/roles/*/molecule/default/molecule.yml; do
        [[ -f "$scenario" ]] || continue
        roles+=("$(basename "$(dirname "$(dirname "$(dirname "$scenario")")")")")
    done
fi
((${#roles[@]})) || die "no role has a molecule scenario (roles/*/molecule/default/molecule.yml)"

export ANSIBLE_COLLECTIONS_PATH="$BUILD_ROOT"
export ANSIBLE_NOCOLOR=1 PY_COLORS=0 ANSIBLE_VERBOSITY="${MOLECULE_ANSIBLE_VERBOSITY:-2}"
failed=()
for role in "${roles[@]}"; do
    dir="${COLLECTION_DIR}/roles/${role}"
    [[ -f "${dir}/molecule/default/molecule.yml" ]] || die "role ${role} has no molecule scenario"
    logfile="${BUILD_ROOT}/molecule-${role}.log"
    issued="${BUILD_ROOT}/molecule-${role}-issued.json"
    rm -f "$logfile" "$issued"
    log "==> molecule test: ${role} (output: ${logfile#"${REPO_ROOT}"/})"
    rc=0
    (
        cd "$dir"
        MOLECULE_SANDBOX_ISSUED="$issued" with_venv molecule \
            molecule --base-config "${COLLECTION_DIR}/tests/molecule/config.yml" test
    ) </dev/null 2>&1 | tee "$logfile" || rc=$?
    secrets_args=(--seed "${COLLECTION_DIR}/tests/sandbox/seed.json")
    [[ -f "$issued" ]] && secrets_args+=(--issued "$issued")
    "$python" "${HACK_DIR}/check_secrets.py" "${secrets_args[@]}" "$logfile" || rc=1
    if ((rc)); then
        failed+=("$role")
        log "==> molecule ${role}: FAIL"
    else
        log "==> molecule ${role}: PASS"
    fi
done
((${#failed[@]} == 0)) || die "molecule failed for: ${failed[*]}"
