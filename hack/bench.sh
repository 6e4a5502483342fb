#!/usr/bin/env bash
# Run tests/benchmark/benchmark.py from the build copy: request counts and wall-time ratios of the
# collection's hot paths against baselines in the same run (the sandbox runs in-process).
# It ends with goal P1: one real ansible-playbook run, no-change netangels_mailbox tasks interleaved
# with ansible.builtin.uri GETs (--p1-items 50, --p1-latency 0.1).
# Extra arguments go to benchmark.py (e.g. --mailboxes 5000 --latency 0.01). Then
# tests/benchmark/onboarding.py runs the mailbox_onboarding role (ansible-playbook) against a loop of
# netangels_mailbox tasks: 200 people into a domain of 2,000 mailboxes (ONBOARDING_BENCH_ARGS="--people 100"
# changes it).
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_venv core-2.19
"${HACK_DIR}/build-copy.sh" >/dev/null
cd "$COLLECTION_DIR"
PYTHONPATH="$BUILD_ROOT" "$(venv_dir core-2.19)/bin/python" tests/benchmark/benchmark.py "$@" </dev/null
# shellcheck disable=SC2086  # word splitting of the extra arguments is wanted
PYTHONPATH="$BUILD_ROOT" "$(venv_dir core-2.19)/bin/python" tests/benchmark/onboarding.py ${ONBOARDING_BENCH_ARGS:-} </dev/null
