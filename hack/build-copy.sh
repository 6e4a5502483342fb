#!/usr/bin/env bash
# Copy the collection to build/ansible_collections/<namespace>/<name>, where ansible-test,
# ansible-playbook (ANSIBLE_COLLECTIONS_PATH=build) and the linters expect it.
#
# Only files git tracks plus untracked files that are not ignored are copied
# (git ls-files -co --exclude-standard), so venvs, caches and test output never get in.
# The copy is recreated from scratch every time, with an empty git repository in it (see below);
# prints its path.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$REPO_ROOT"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 \
    || die "${REPO_ROOT} is not a git checkout; the build copy is made from 'git ls-files'"
[[ -n "$COLLECTION_NAMESPACE" && -n "$COLLECTION_NAME" ]] || die "cannot read namespace/name from galaxy.yml"

rm -rf "$COLLECTION_DIR"
mkdir -p "$COLLECTION_DIR"
# --exclude-standard honours .gitignore; files deleted from the work tree are skipped.
git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' file; do
        if [[ -e "$file" || -L "$file" ]]; then printf '%s\0' "$file"; fi
    done \
    | tar --create --no-recursion --null --files-from=- --file=- \
    | tar --extract --file=- --directory="$COLLECTION_DIR"
# ansible-test (and ansible-lint) list a collection's files with git when they find a .git
# folder at or above it. Without one here they would find this checkout's, where build/ is
# ignored, and see no files at all. An empty repository makes them list the copy's own files
# (untracked, not ignored).
git -c init.defaultBranch=build init --quiet "$COLLECTION_DIR"
log "==> Build copy: ${COLLECTION_DIR#"${REPO_ROOT}"/} ($(find "$COLLECTION_DIR" -type f | wc -l) files)"
printf '%s\n' "$COLLECTION_DIR"
