#!/usr/bin/env bash
# Run the demo playbook (demo/site.yml) against a fresh API sandbox, then stop the sandbox.
#
# The collection is used from the build copy (ANSIBLE_COLLECTIONS_PATH=build); the modules find
# the sandbox through their environment fallbacks (NETANGELS_API_URL, NETANGELS_AUTH_URL,
# NETANGELS_API_KEY, YANDEX360_API_URL, YANDEX360_OAUTH_TOKEN, YANDEX360_ORG_ID), set from
# the sandbox URL and tests/sandbox/seed.json. Extra arguments go to ansible-playbook.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_venv core-2.19
"${HACK_DIR}/build-copy.sh" >/dev/null
cd "$REPO_ROOT"
[[ -f demo/site.yml ]] || die "demo/site.yml is missing"

trap sandbox_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
python="$(venv_dir core-2.19)/bin/python"
sandbox_start "$COLLECTION_DIR" "$python" demo
eval "$("$python" "${HACK_DIR}/sandbox_vars.py" env --url "$SANDBOX_URL" --seed "${COLLECTION_DIR}/tests/sandbox/seed.json")"
export ANSIBLE_COLLECTIONS_PATH="$BUILD_ROOT"
with_venv core-2.19 ansible-playbook demo/site.yml "$@" </dev/null
