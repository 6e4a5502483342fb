#!/usr/bin/env bash
# Print the absolute path of a real Python X.Y interpreter (never a pyenv shim).
#
#   hack/find-python.sh 3.12
#
# Looks at, in order: $PYTHON3_12 (for 3.12; likewise for other versions), pythonX.Y on PATH,
# pyenv's versions folder ($PYENV_ROOT or ~/.pyenv; the newest X.Y.* first), /usr/local/bin and
# /usr/bin. A candidate counts only when it runs and reports X.Y: an inactive pyenv shim does not.
# The Makefile uses it for the bootstrap venv, noxfile.py for the sessions' interpreters.
set -euo pipefail

want="${1:?usage: hack/find-python.sh X.Y}"
override="PYTHON${want/./_}"
pyenv_root="${PYENV_ROOT:-${HOME}/.pyenv}"

candidates=()
[[ -n "${!override:-}" ]] && candidates+=("${!override}")
while IFS= read -r candidate; do
    candidates+=("$candidate")
done < <(type -ap "python${want}" || true)
if [[ -d "${pyenv_root}/versions" ]]; then
    while IFS= read -r candidate; do
        candidates+=("$candidate")
    done < <(compgen -G "${pyenv_root}/versions/${want}.*/bin/python${want}" | sort -rV)
fi
candidates+=("/usr/local/bin/python${want}" "/usr/bin/python${want}")

for candidate in "${candidates[@]}"; do
    [[ -x "$candidate" ]] || continue
    # The interpreter itself (resolves shims and symlinks), if it is the wanted version and can make venvs.
    if found="$("$candidate" -c 'import sys, venv; v = "%d.%d" % sys.version_info[:2]; print(sys.executable if v == sys.argv[1] else "")' "$want" 2>/dev/null)" \
        && [[ -n "$found" ]]; then
        printf '%s\n' "$found"
        exit 0
    fi
done
printf 'ERROR: Python %s not found (looked at $%s, python%s on PATH, %s/versions/%s.*, /usr/local/bin, /usr/bin).\n' \
    "$want" "$override" "$want" "$pyenv_root" "$want" >&2
printf 'Install it (e.g. "pyenv install %s") or set %s=/path/to/python%s.\n' "$want" "$override" "$want" >&2
exit 1
