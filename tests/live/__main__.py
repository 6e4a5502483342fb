# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Command line: ``python -m tests.live [options]`` from the collection root (``--help`` lists them).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from . import __doc__ as OVERVIEW
from .config import DEFAULT_MAX_MINUTES, DEFAULT_MAX_REQUESTS
from .runner import live
from .selftest import self_test


def main(argv=None):
    """Parse the command line; run live mode, its cleanup or its self-test; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tests.live", description=OVERVIEW.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--report-dir", default=os.path.join("build", "live"), help="where the report and logs go (default build/live)")
    parser.add_argument("--cleanup", action="store_true", help="remove a previous run's leftovers (and only them), then exit")
    parser.add_argument("--probes-only", action="store_true", help="run the assumption probes, not the Ansible tests")
    parser.add_argument("--max-requests", type=int, default=DEFAULT_MAX_REQUESTS, help="requests the run may send (default %(default)s)")
    parser.add_argument("--max-minutes", type=float, default=DEFAULT_MAX_MINUTES, help="minutes the run may take (default %(default)s)")
    parser.add_argument("--self-test", action="store_true", help="test live mode against the sandbox without its control interface")
    parser.add_argument("--keep-secrets-file", action="store_true", help=argparse.SUPPRESS)  # the self-test checks its own output too
    args = parser.parse_args(argv)

    def stop(*dummy):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)  # a stopped run still deletes its mailboxes and puts the rules back
    if not os.path.exists(os.path.join("tests", "sandbox", "assumptions.py")):
        parser.error("run this from the collection root")
    if args.self_test:
        return self_test(args)
    return live(args, os.environ, lambda line: print(line, flush=True))


if __name__ == "__main__":
    sys.exit(main())
