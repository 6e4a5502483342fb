# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tested ansible-core versions, the Python each is tested on, and what runs on it: the one place.

noxfile.py generates the per-core sessions and the order of `make test` from CORES;
hack/lock_cores.py (`make lock`) pins each core's session packages into
hack/requirements/core-X.Y.lock. The README's and the docs site's support matrix say the same
in words: change them together.

Each core runs on the Python its users run it on: 2.16 on 3.12 (the Red Hat supported execution
environments of Automation Platform 2.5-2.7), 2.17 on 3.10 (the oldest Python a supported core
runs on as a controller), 2.18 and 2.19 on 3.11, 2.20 and 2.21 on 3.12.

What runs on a core, by stage: "test" (`make test`, CI), "matrix" (`make test-matrix` only, not
CI) or None (not run on that core):
- sanity, units: ansible-test sanity / units;
- integration: every integration target; smoke: the smoke set (SMOKE_TARGETS);
- molecule: the roles' scenarios; controller: the AWX / Controller jobs (tests/controller).
The README names what `make test-matrix` holds.
"""

from __future__ import annotations

import collections

Core = collections.namedtuple("Core", "python sanity units integration smoke molecule controller")

CORES = {
    "2.16": Core(python="3.12", sanity="test", units="test", integration="test", smoke=None, molecule="test", controller="test"),
    "2.17": Core(python="3.10", sanity=None, units=None, integration="matrix", smoke="test", molecule=None, controller=None),
    "2.18": Core(python="3.11", sanity="test", units="test", integration="matrix", smoke="test", molecule=None, controller=None),
    "2.19": Core(python="3.11", sanity=None, units=None, integration="matrix", smoke="test", molecule=None, controller=None),
    "2.20": Core(python="3.12", sanity=None, units="test", integration="matrix", smoke="test", molecule=None, controller=None),
    "2.21": Core(python="3.12", sanity="test", units="test", integration="test", smoke=None, molecule="test", controller="test"),
}

# The integration smoke set (run on the cores marked "smoke"): the target tests/integration/
# targets/smoke runs each module once, in check mode (no write), for real, and again (no change,
# no write), with no password in any result; the secrets check then searches its -vvvv output,
# as on every integration run. About a minute a core, where the modules' own targets take five.
SMOKE_TARGETS = ["smoke"]


def requirement(core: str) -> str:
    """The requirement for one ansible-core minor version (its lock pins the patch)."""
    major, minor = core.split(".")
    return "ansible-core>=%s,<%s.%d" % (core, major, int(minor) + 1)
