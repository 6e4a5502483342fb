#!/usr/bin/env python
# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print the stages of a nox run as a table with their times in seconds.

    python hack/stage_table.py build/nox-report.json

The report is what ``nox --report FILE`` writes; nox's own closing summary rounds the times to
"a minute", "2 minutes", which is too coarse to compare runs.
"""

from __future__ import annotations

import json
import sys


def main():
    """Entry point."""
    try:
        with open(sys.argv[1], encoding="utf-8") as handle:
            sessions = json.load(handle)["sessions"]
    except OSError as exc:
        print("no stage table: nox wrote no report (%s)" % exc, file=sys.stderr)
        return 1
    print("\n%-20s %-8s %8s" % ("STAGE", "RESULT", "SECONDS"))
    print("%-20s %-8s %8s" % ("-" * 20, "-" * 8, "-" * 8))
    for session in sessions:
        print("%-20s %-8s %8.0f" % (session["name"], session["result"].upper(), session["duration"]))
    passed = all(session["result"] in ("success", "skipped") for session in sessions)
    print("%-20s %-8s %8.0f" % ("total", "PASS" if passed else "FAIL", sum(session["duration"] for session in sessions)))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
