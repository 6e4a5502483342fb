# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The verdicts per assumption and the report ``build/live/report.md``, redacted so it is safe to paste.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter

from .config import CLEANUP_RESERVE, LIST_REPLACING_TARGETS, PREFIX, REPLACE_RULES_VAR, REPLACING_REASON, SANDBOX_ONLY_TARGETS
from .probes import PROBES


class Report:
    """Verdicts per assumption, kept in PROBES order."""

    def __init__(self, config, values, guard=None):
        self.config = config
        self.values = values
        self.guard = guard
        self.verdicts = {}

    def check(self, name, agreed, observed):
        """Record a verdict; a disagreement wins over an earlier agreement. Once the guard refused a
        request, answers no longer come from the vendor: nothing more is judged."""
        if name not in PROBES:
            raise KeyError("no such assumption in PROBES: %s" % name)
        if self.guard is not None and self.guard.refused:
            self.unknown(name, "not judged: the guard had refused a request of this run (see below)")
            return
        previous = self.verdicts.get(name)
        if previous and previous[0] == "disagreed":
            return
        self.verdicts[name] = ("agreed" if agreed else "disagreed", self.redact(observed))

    def unknown(self, name, observed):
        """The probe ran but the answer does not decide."""
        if name not in self.verdicts:
            self.verdicts[name] = ("not exercised", self.redact(observed))

    def redact(self, text):
        """No secret, no domain, no org id, no address outside PREFIX or the example domains."""
        text = str(text)
        for secret in self.config.secrets():
            text = text.replace(secret, "<secret>")
        if self.config.netangels:
            text = re.sub(re.escape(self.config.netangels["domain"]), "<domain>", text, flags=re.I)
        if self.config.yandex:
            text = text.replace(self.config.yandex["org_id"], "<org>")
        text = re.sub(r"[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}", "<token>", text)

        def address(match):
            value = match.group(0)
            return value if value.lower().startswith(PREFIX) or re.search(r"example(\.(com|net|org))?$", value, re.I) else "<address>"
        text = re.sub(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.<>-]+", address, text)
        return text if len(text) <= 300 else text[:297] + "..."


def write_report(report, guard, results, report_dir, started, extra_lines):
    """build/live/report.md; returns its text."""
    counts = Counter(report.verdicts.get(name, ("not exercised",))[0] for name in PROBES)
    vendors = ", ".join(v for v, on in (("NetAngels", report.config.netangels), ("Yandex 360", report.config.yandex)) if on) or "none"
    per_vendor = ", ".join("%s %d" % kv for kv in sorted(guard.per_vendor.items())) or "none"
    lines = ["# mailops.hosted_mail live-mode report", "",
             "Run: %s UTC, %d s; vendors: %s." % (time.strftime("%Y-%m-%d %H:%M", time.gmtime(started)), int(time.time() - started), vendors),
             "Requests: %d (%s), bound %d (+%d for the final cleanup); refused by the guard: %d." % (
                 guard.count, per_vendor, guard.budget, CLEANUP_RESERVE, len(guard.refused)), ""]
    lines += ["## Assumptions (tests/sandbox/assumptions.py)", "",
              "%d agreed, %d disagreed, %d not exercised." % (counts["agreed"], counts["disagreed"], counts["not exercised"]), "",
              "| assumption | verdict | probe / observed |", "|---|---|---|"]
    for name, (probe, why) in PROBES.items():
        verdict, observed = report.verdicts.get(name, ("not exercised", why if probe is None else "%s (probe %s did not reach it)" % (why, probe)))
        lines.append("| `%s` | %s | %s |" % (name, verdict, observed.replace("|", "\\|")))
    lines += ["", "## Tests", ""]
    if "integration" in results:
        rc, targets = results["integration"][:2]
        lines.append("- integration targets %s: %s" % (", ".join(targets), "passed" if rc == 0 else "FAILED (exit %s)" % rc))
    if "playbook" in results:
        rc = results["playbook"][0]
        lines.append("- tests/live/live.yml (bulk module, roles): %s" % ("passed" if rc == 0 else "FAILED (exit %s)" % rc))
    lines.append("- sandbox-only targets skipped: %d (%s)" % (len(SANDBOX_ONLY_TARGETS), ", ".join(sorted(SANDBOX_ONLY_TARGETS))))
    if report.config.yandex and report.config.replace_rules:
        lines.append("- list-replacing targets run (%s=1): %s; %s" % (REPLACE_RULES_VAR, ", ".join(LIST_REPLACING_TARGETS), REPLACING_REASON))
    elif report.config.yandex:
        lines.append("- list-replacing targets skipped: %d (%s): %s; %s=1 runs them" % (
            len(LIST_REPLACING_TARGETS), ", ".join(LIST_REPLACING_TARGETS), REPLACING_REASON, REPLACE_RULES_VAR))
    skips = results.get("skips") or Counter()
    skipped = ", ".join("%s %d" % kv for kv in sorted(skips.items())) or "none"
    lines.append("- sandbox-only checks skipped inside live targets: %d (%s)" % (sum(skips.values()), skipped))
    for line in guard.refused[:10]:
        lines.append("- refused by the guard: %s" % line)
    if len(guard.refused) > 10:
        lines.append("- refused by the guard: %d more" % (len(guard.refused) - 10))
    lines += ["- %s" % line for line in extra_lines]
    text = "\n".join(report.redact(line) if line.startswith("- ") else line for line in lines) + "\n"
    with open(os.path.join(report_dir, "report.md"), "w", encoding="utf-8") as handle:
        handle.write(text)
    return text
