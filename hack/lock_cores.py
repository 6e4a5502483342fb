# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pin each tested core's session packages: hack/requirements/core.in (and molecule.in) into core-X.Y.lock (`make lock`).

    python hack/lock_cores.py UV [uv pip compile options, e.g. --upgrade]

One lock per ansible-core version in hack/matrix.py's CORES, resolved for the Python that core
is tested on: one lock cannot hold ansible-core 2.16 and 2.21 for the same Python. The per-core
sessions in noxfile.py install within that lock; the other sessions within sessions.lock.
Locks of cores no longer in CORES are removed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matrix import CORES, requirement  # noqa: E402 pylint: disable=wrong-import-position

REQUIREMENTS = Path(__file__).resolve().parent / "requirements"


def main() -> int:
    uv, extra = sys.argv[1], sys.argv[2:]
    for core, row in CORES.items():
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as constraint:
            constraint.write(requirement(core) + "\n")
            constraint.flush()
            subprocess.run([uv, "pip", "compile", "--quiet", *extra, "--python-version", row.python,
                            "--custom-compile-command", "make lock", "--constraint", constraint.name,
                            "core.in", *(["molecule.in"] if row.molecule else []), "-o", "core-%s.lock" % core], cwd=REQUIREMENTS, check=True)
    for lock in REQUIREMENTS.glob("core-*.lock"):
        if lock.name[len("core-"):-len(".lock")] not in CORES:
            lock.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
