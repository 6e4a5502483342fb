#!/usr/bin/env bash
# Shared helpers for the hack/ scripts. Source it; do not run it.
#
# Everything here works from a fresh clone on a machine that only reaches a Python package
# index (or a mirror of one): no Galaxy, no GitHub, no container engine.

# shellcheck disable=SC2034  # variables are used by the scripts that source this file

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HACK_DIR="${REPO_ROOT}/hack"
VENV_ROOT="${VENV_ROOT:-${REPO_ROOT}/.venv}"
BUILD_ROOT="${BUILD_ROOT:-${REPO_ROOT}/build}"

# Tooling environments: name -> Python version used to create it.
declare -A VENV_PYTHON=(
    [core-2.19]=3.11
    [core-2.21]=3.12
    [molecule]=3.11
)

log() { printf '%s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

galaxy_field() {
    # galaxy_field NAME -> value of a top-level scalar in galaxy.yml
    sed -n -E "s/^$1:[[:space:]]*['\"]?([^'\"#[:space:]]+).*/\\1/p" "${REPO_ROOT}/galaxy.yml" | head -n 1
}

COLLECTION_NAMESPACE="$(galaxy_field namespace)"
COLLECTION_NAME="$(galaxy_field name)"
COLLECTION_DIR="${BUILD_ROOT}/ansible_collections/${COLLECTION_NAMESPACE}/${COLLECTION_NAME}"

python_version_of() {
    # python_version_of PYTHON -> "X.Y", or nothing when it does not run (e.g. an inactive pyenv shim)
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true
}

find_python() {
    # find_python X.Y -> absolute path of a real interpreter (never a pyenv shim).
    # Order: $PYTHON3_12 style override, pythonX.Y on PATH, pyenv's versions folder.
    local want="$1" override="PYTHON${1/./_}" candidate
    local -a candidates=()
    [[ -n "${!override:-}" ]] && candidates+=("${!override}")
    candidate="$(command -v "python${want}" 2>/dev/null || true)"
    [[ -n "$candidate" ]] && candidates+=("$candidate")
    local pyenv_root="${PYENV_ROOT:-${HOME}/.pyenv}"
    if [[ -d "${pyenv_root}/versions" ]]; then
        while IFS= read -r candidate; do
            candidates+=("$candidate")
        done < <(compgen -G "${pyenv_root}/versions/${want}.*/bin/python${want}" | sort -rV)
    fi
    for candidate in /usr/local/bin/python"${want}" /usr/bin/python"${want}"; do
        [[ -x "$candidate" ]] && candidates+=("$candidate")
    done
    for candidate in "${candidates[@]}"; do
        if [[ "$(python_version_of "$candidate")" == "$want" ]]; then
            # resolve shims and symlinks to the interpreter itself
            "$candidate" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    die "Python ${want} not found (looked at \$${override}, python${want} on PATH, ${pyenv_root}/versions/${want}.*). Install it (e.g. 'pyenv install ${want}') or set ${override}=/path/to/python${want}."
}

venv_dir() { printf '%s/%s\n' "$VENV_ROOT" "$1"; }

venv_python_version() {
    local name="$1"
    [[ -n "${VENV_PYTHON[$name]:-}" ]] || die "unknown tooling venv '${name}' (known: ${!VENV_PYTHON[*]})"
    printf '%s\n' "${VENV_PYTHON[$name]}"
}

ensure_venv() {
    # ensure_venv NAME -> creates or refreshes .venv/NAME; prints nothing on stdout
    "${HACK_DIR}/venv.sh" "$1" >/dev/null
}

with_venv() {
    # with_venv NAME COMMAND... -> run COMMAND with the venv's bin first on PATH.
    # ansible-test looks up "pythonX.Y" on PATH; the venv provides it (pyenv shims may not).
    local name="$1"
    shift
    local dir
    dir="$(venv_dir "$name")"
    VIRTUAL_ENV="$dir" PATH="${dir}/bin:${PATH}" "$@"
}

sha256_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

# --- the API sandbox (tests/sandbox) in the background ---------------------------------------
# sandbox_start DIR PYTHON LABEL: start `python -m tests.sandbox` in DIR on a free loopback port;
# sets SANDBOX_PID, SANDBOX_URL, SANDBOX_LOG. Callers must `trap sandbox_stop EXIT`.
SANDBOX_PID=""
SANDBOX_URL=""
SANDBOX_LOG=""

sandbox_start() {
    local dir="$1" python="$2" label="$3"
    [[ -f "${dir}/tests/sandbox/seed.json" ]] || die "no API sandbox in ${dir} (tests/sandbox/seed.json is missing)"
    mkdir -p "$BUILD_ROOT"
    local url_file="${BUILD_ROOT}/sandbox-${label}.url"
    SANDBOX_LOG="${BUILD_ROOT}/sandbox-${label}.log"
    rm -f "$url_file"
    (cd "$dir" && exec "$python" -m tests.sandbox --port 0 --seed tests/sandbox/seed.json --url-file "$url_file") \
        >"$SANDBOX_LOG" 2>&1 </dev/null &
    SANDBOX_PID=$!
    local waited=0
    while :; do
        if [[ -s "$url_file" ]]; then
            SANDBOX_URL="$(head -n 1 "$url_file" | tr -d '[:space:]')"
            [[ "$SANDBOX_URL" =~ ^https?://[^/]+$ ]] && break
        fi
        if ! sandbox_alive; then
            cat "$SANDBOX_LOG" >&2 || true
            SANDBOX_PID=""
            die "the API sandbox exited before it was ready (log: ${SANDBOX_LOG#"${REPO_ROOT}"/})"
        fi
        ((waited++ < 300)) || die "the API sandbox did not write ${url_file} within 30 s (log: ${SANDBOX_LOG})"
        sleep 0.1
    done
    log "==> API sandbox (pid ${SANDBOX_PID}) listening at ${SANDBOX_URL} (log: ${SANDBOX_LOG#"${REPO_ROOT}"/})"
}

sandbox_alive() {
    # running and not a zombie waiting to be reaped
    [[ -n "$SANDBOX_PID" ]] && kill -0 "$SANDBOX_PID" 2>/dev/null \
        && ! grep -q '^[0-9]* (.*) Z' "/proc/${SANDBOX_PID}/stat" 2>/dev/null
}

sandbox_stop() {
    [[ -n "$SANDBOX_PID" ]] || return 0
    if sandbox_alive; then
        kill -TERM "$SANDBOX_PID" 2>/dev/null || true
        local waited=0
        while sandbox_alive && ((waited++ < 100)); do sleep 0.1; done
        if sandbox_alive; then
            log "==> API sandbox (pid ${SANDBOX_PID}) ignored SIGTERM for 10 s; killing it"
            kill -KILL "$SANDBOX_PID" 2>/dev/null || true
        fi
    fi
    wait "$SANDBOX_PID" 2>/dev/null || true
    log "==> API sandbox (pid ${SANDBOX_PID}) stopped"
    SANDBOX_PID=""
}
