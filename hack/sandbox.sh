#!/usr/bin/env bash
# Run the API sandbox in the foreground (Ctrl-C stops it), from the source tree.
#
#   hack/sandbox.sh            # a free port; the URL is printed first (SANDBOX_URL=...)
#   SANDBOX_PORT=8080 hack/sandbox.sh
#
# Point the modules at it with the environment fallbacks, e.g. for port 8080:
#   eval "$(.venv/core-2.19/bin/python hack/sandbox_vars.py env --url http://127.0.0.1:8080 \
#           --seed tests/sandbox/seed.json)"
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_venv core-2.19
cd "$REPO_ROOT"
[[ -f tests/sandbox/seed.json ]] || die "no API sandbox here (tests/sandbox/seed.json is missing)"
exec "$(venv_dir core-2.19)/bin/python" -m tests.sandbox --port "${SANDBOX_PORT:-0}" --seed tests/sandbox/seed.json
