# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What live mode may touch, its bounds, and the settings it reads from the environment.
"""

from __future__ import annotations

import re


PREFIX = "mailops-live-"
"""Every mailbox live mode creates, changes or deletes has a name starting so."""

LEFTOVER_RULE_RE = re.compile(r"mailops-live-|@(?:[a-z0-9-]+\.)*example\.(?:com|net|org)\b|[.@][a-z0-9-]+\.example\b", re.I)
"""A routing rule that looks like a test rule: it names PREFIX or a reserved example domain (RFC 2606)."""

DEFAULTS = {
    "NETANGELS_LIVE_API_URL": "https://api-ms.netangels.ru",
    "NETANGELS_LIVE_AUTH_URL": "https://panel.netangels.ru/api/gateway/token/",
    "YANDEX360_LIVE_API_URL": "https://api360.yandex.net",
}
"""The real vendor URLs (the modules' documented defaults); the environment may override them."""

LIVE_TARGETS = {
    "netangels": ["netangels_mailbox", "netangels_mailbox_alias"],
    "yandex360": ["yandex360_routing_rules", "yandex360_routing_rules_info"],
}
"""Integration targets that run in live mode (with ``live_mode: true``; they use ``test_prefix``/``test_domain``)."""

LIST_REPLACING_TARGETS = ("yandex360_routing_rules", "yandex360_routing_rules_info")
"""Live targets that replace the organisation's WHOLE routing-rule list with test rules for about a
minute (the organisation's own rules are not in force meanwhile). They run only when the operator
sets ``REPLACE_RULES_VAR=1`` (on a test organisation); by default a run leaves every existing rule
in force: the probes and ``tests/live/live.yml`` add test rules next to them and take them out again."""
REPLACE_RULES_VAR = "YANDEX360_LIVE_REPLACE_RULES"
"""The operator's opt-in: ``YANDEX360_LIVE_REPLACE_RULES=1`` also runs LIST_REPLACING_TARGETS (anything but 1, 0 or unset is an error)."""
REPLACING_REASON = "they replace the organisation's whole routing-rule list while they run"
"""Why LIST_REPLACING_TARGETS are opt-in, as the start line and the report say it."""

SANDBOX_ONLY_TARGETS = {
    "bad_input": "asserts the sandbox's request log for every bad input",
    "faults": "needs injected faults (/_sandbox/faults)",
    "netangels_mailbox_info": "seeds 230 mailboxes into a domain",
    "netangels_mailboxes": "imports 5,000 mailboxes and prunes a whole domain (live.yml runs the bulk module instead)",
    "yandex360_routing_rules_concurrency": "races two writers through sandbox latency faults",
    "smoke": "the per-core smoke set (hack/matrix.py); the modules' own targets cover live mode",
}
"""Integration targets that live mode does not run, and why (counted as skipped in the report)."""

DEFAULT_MAX_REQUESTS = 1500
DEFAULT_MAX_MINUTES = 20.0
CLEANUP_RESERVE = 200
"""Requests the final cleanup may still send when the budget is spent (writes stay scoped)."""
SKIP_MARK = "LIVE-SKIP:"
"""setup_sandbox prints this for every sandbox-only step it skips in live mode; the runner counts them."""

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class Config:  # pylint: disable=too-few-public-methods
    """The live settings read from the environment; ``netangels``/``yandex`` are None when skipped."""

    def __init__(self, env):
        self.netangels = self.yandex = None
        self.replace_rules = env.get(REPLACE_RULES_VAR, "") == "1"
        self.skips = []
        self.errors = []
        key, domain = env.get("NETANGELS_LIVE_API_KEY", ""), env.get("NETANGELS_LIVE_DOMAIN", "")
        if key and domain:
            self.netangels = {"api_key": key, "domain": domain.strip().lower().rstrip("."),
                              "api_url": env.get("NETANGELS_LIVE_API_URL") or DEFAULTS["NETANGELS_LIVE_API_URL"],
                              "auth_url": env.get("NETANGELS_LIVE_AUTH_URL") or DEFAULTS["NETANGELS_LIVE_AUTH_URL"]}
        elif key or domain:
            self.errors.append("NetAngels: set both NETANGELS_LIVE_API_KEY and NETANGELS_LIVE_DOMAIN (only one is set)")
        else:
            self.skips.append("live NetAngels: skipped (NETANGELS_LIVE_API_KEY and NETANGELS_LIVE_DOMAIN are not set)")
        token, org = env.get("YANDEX360_LIVE_OAUTH_TOKEN", ""), env.get("YANDEX360_LIVE_ORG_ID", "")
        if token and org:
            if not org.strip().isdigit():
                self.errors.append("Yandex 360: YANDEX360_LIVE_ORG_ID must be a number")
            self.yandex = {"oauth_token": token, "org_id": org.strip(),
                           "api_url": env.get("YANDEX360_LIVE_API_URL") or DEFAULTS["YANDEX360_LIVE_API_URL"]}
            if env.get(REPLACE_RULES_VAR, "") not in ("", "0", "1"):
                self.errors.append("Yandex 360: %s must be 1 (or unset)" % REPLACE_RULES_VAR)
            elif not self.replace_rules:
                self.skips.append("live Yandex 360: %s skipped: %s (set %s=1 to run them, on a test organisation)" % (
                    ", ".join(LIST_REPLACING_TARGETS), REPLACING_REASON, REPLACE_RULES_VAR))
        elif token or org:
            self.errors.append("Yandex 360: set both YANDEX360_LIVE_OAUTH_TOKEN and YANDEX360_LIVE_ORG_ID (only one is set)")
        else:
            self.skips.append("live Yandex 360: skipped (YANDEX360_LIVE_OAUTH_TOKEN and YANDEX360_LIVE_ORG_ID are not set)")

    def secrets(self):
        """The secrets this run knows from its environment."""
        return [value for value in ((self.netangels or {}).get("api_key"), (self.yandex or {}).get("oauth_token")) if value]
