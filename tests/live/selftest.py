# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The self-test: live mode against the API sandbox started without its control interface.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time

from ..sandbox.server import SandboxServer
from ..sandbox.state import load_seed_file
from .client import Client
from .config import LIVE_TARGETS, PREFIX, REPLACE_RULES_VAR, SANDBOX_ONLY_TARGETS, Config
from .guard import Guard
from .probes import PROBES, assumption_names


SELF_TEST_SEED = os.path.join("tests", "sandbox", "seed.json")
OWN_RULE_MARK = "postmaster@corp.test"
"""The address of the organisation's own (non-test) rule that the self-test plants before a run."""


class Sandbox:
    """The API sandbox without its control interface (as a real server), served in this process.

    The live run reaches it over HTTP only; the self-test reads the sandbox's own request log to see
    every routing-rule list that was written (``rule_puts``).
    """

    def __init__(self, **settings):
        self.server = SandboxServer(seed=load_seed_file(SELF_TEST_SEED), settings=settings, control=False).start()
        self.url = self.server.url

    def stop(self):
        self.server.stop()

    def rule_puts(self):
        """The bodies of every PUT of routing rules the sandbox received, in order."""
        return [entry["body"] for entry in self.server.requests("PUT", "/admin/") if entry["path"].endswith("/mail/routing/rules")]

    def env(self, domain):
        """The live environment pointing at this sandbox (its seed's credentials) for ``domain``."""
        with open(SELF_TEST_SEED, encoding="utf-8") as handle:
            seed = json.load(handle)
        return {"NETANGELS_LIVE_API_KEY": seed["netangels"]["api_keys"][0], "NETANGELS_LIVE_DOMAIN": domain,
                "NETANGELS_LIVE_API_URL": self.url, "NETANGELS_LIVE_AUTH_URL": self.url + "/api/gateway/token/",
                "YANDEX360_LIVE_OAUTH_TOKEN": seed["yandex360"]["oauth_tokens"][0]["token"],
                "YANDEX360_LIVE_ORG_ID": str(seed["yandex360"]["oauth_tokens"][0]["orgs"][0]), "YANDEX360_LIVE_API_URL": self.url}


def read_text(path):
    """A file's text, or "" when it is missing."""
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def self_test(args):  # pylint: disable=too-many-locals,too-many-statements
    """(0) PROBES and the targets are complete; (d) no credentials; (a) a passing run that leaves the own rules in force;
    (e) the opt-in run of the list-replacing targets; (c) leftovers; (b) a disagreement."""
    problems = []
    base = os.path.abspath(args.report_dir)
    os.makedirs(base, exist_ok=True)

    def expect(what, condition):
        print("self-test: %s: %s" % ("ok" if condition else "FAILED", what), flush=True)
        if not condition:
            problems.append(what)

    def run(env, *extra, report_dir):
        command = [sys.executable, "-m", "tests.live", "--report-dir", report_dir] + list(extra)
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("NETANGELS_LIVE_", "YANDEX360_LIVE_"))}
        done = subprocess.run(command, env=dict(clean, **env), capture_output=True, text=True, timeout=600, check=False)
        with open(os.path.join(report_dir + ".out"), "w", encoding="utf-8") as handle:
            handle.write(done.stdout + done.stderr)
        return done.returncode, done.stdout + done.stderr

    names = assumption_names()
    expect("every assumption in assumptions.py has a PROBES entry (missing: %s; unknown: %s)" % (
        sorted(set(names) - set(PROBES)) or "none", sorted(set(PROBES) - set(names)) or "none"), set(names) == set(PROBES))
    targets = {t for t in os.listdir(os.path.join("tests", "integration", "targets"))
               if "hidden" not in read_text(os.path.join("tests", "integration", "targets", t, "aliases"))}
    listed = set(SANDBOX_ONLY_TARGETS) | {t for names_ in LIVE_TARGETS.values() for t in names_}
    expect("every integration target is live or sandbox-only (unlisted: %s)" % (sorted(targets - listed) or "none"), targets == listed)

    rc, output = run({}, report_dir=os.path.join(base, "no-credentials"))
    lines = [line for line in output.splitlines() if line.strip()]
    expect("(d) no credentials: exit 0 and two skip lines (%s, %r)" % (rc, lines), rc == 0 and len(lines) == 2 and all("skipped" in line for line in lines))

    sandbox = Sandbox()
    try:
        env = sandbox.env("example.org")
        with Guard(Config(env), 100, 120) as guard:
            client = Client(guard.config, guard.url)
            domain_id = client.domain_id()
            before = client.walk("/api/v2/mail/domains/%d/mailboxes/" % domain_id)
            own_rules = [{"condition": {"address:to": OWN_RULE_MARK}, "actions": [{"action": "forward", "data": {"email": "ops@corp.test"}}]}]
            guard.rules_writable = True
            client.put_rules(own_rules)
            own_rules = client.rules()
            guard.rules_writable = False
            answers = [client.call("PUT", "/api/v2/mail/mailboxes/%d/" % before[0]["id"], body={"comment": "x"}),
                       client.call("POST", "/api/v2/mail/mailboxes/", body={"domain_id": domain_id, "name": "outsider", "password": secrets.token_urlsafe(12)}),
                       client.call("DELETE", "/api/v2/mail/mailboxes/%d/" % before[0]["id"]),
                       client.put_rules([])]
            expect("the guard refuses writes outside the prefix, the domain and the saved rules (%s)" % [a.status for a in answers],
                   [a.status for a in answers] == [403] * 4 and len(guard.refused) == 4)
            guard.max_requests = guard.count + 1
            answers = [client.call("GET", "/api/v2/mail/domains/"), client.call("GET", "/api/v2/mail/domains/")]
            expect("the guard refuses requests past the budget (%s)" % [a.status for a in answers], [a.status for a in answers] == [200, 403])
        puts_before = len(sandbox.rule_puts())
        started = time.monotonic()
        rc, output = run(env, "--keep-secrets-file", report_dir=os.path.join(base, "agreed"))
        report = read_text(os.path.join(base, "agreed", "report.md"))
        print("self-test: (a) the full run took %d s" % (time.monotonic() - started))
        expect("(a) the control-less sandbox run passes (exit %s; see %s.out)" % (rc, os.path.join(base, "agreed")), rc == 0)
        expect("(a) its report has no disagreed assumption", "| disagreed |" not in report and "| agreed |" in report)
        for name in ("EXPIRED_TOKEN_STATUS", "ALIASES_SHAPE", "BATCH_MODE", "yandex_readback_rule", "netangels_error"):
            expect("(a) %s agreed" % name, "| `%s` | agreed |" % name in report)
        expect("(a) the report counts the skipped checks", "sandbox-only checks skipped inside live targets: 0" not in report and "skipped" in report)
        with Guard(Config(env), 100, 120) as guard:
            client = Client(guard.config, guard.url)
            expect("(a) the domain's other mailboxes are untouched", client.walk("/api/v2/mail/domains/%d/mailboxes/" % domain_id) == before)
            expect("(a) the organisation's rules are back exactly", client.rules() == own_rules)
        lacking = [body for body in sandbox.rule_puts()[puts_before:] if OWN_RULE_MARK not in json.dumps(body)]
        written = len(sandbox.rule_puts()) - puts_before
        expect("(a) by default the organisation's own rule stays in force: each of the %d rule lists written holds it (%d do not)" % (written, len(lacking)),
               written > 0 and not lacking)
        expect("(a) the list-replacing targets are skipped, with the reason, in the output and the report",
               "list-replacing targets skipped: 2 (yandex360_routing_rules, yandex360_routing_rules_info)" in report
               and "yandex360_routing_rules_info skipped: they replace" in output and REPLACE_RULES_VAR + "=1" in output)
        logs = [os.path.join(base, "agreed.out")] + [os.path.join(base, "agreed", name) for name in ("integration.log", "live-playbook.log", "report.md")]
        check = subprocess.run([sys.executable, os.path.join("hack", "check_secrets.py"), "--seed", SELF_TEST_SEED,
                                "--secrets-file", os.path.join(base, "agreed", "secrets.txt"),
                                "--secrets-file", os.path.join("tests", "integration", "secrets.txt")] + [p for p in logs if os.path.exists(p)],
                               capture_output=True, text=True, check=False)
        expect("(a) no secret in the live-mode output and logs (%s)" % check.stdout.strip().replace("\n", " / ")[:300], check.returncode == 0)

        yandex_only = {k: v for k, v in env.items() if k.startswith("YANDEX360_LIVE_")}
        puts_before = len(sandbox.rule_puts())
        started = time.monotonic()
        rc, output = run(dict(yandex_only, **{REPLACE_RULES_VAR: "1"}), report_dir=os.path.join(base, "replace-rules"))
        report = read_text(os.path.join(base, "replace-rules", "report.md"))
        print("self-test: (e) the %s=1 run (Yandex 360 only) took %d s" % (REPLACE_RULES_VAR, time.monotonic() - started))
        puts = sandbox.rule_puts()[puts_before:]
        expect("(e) with %s=1 the list-replacing targets run and pass (exit %s; see %s.out)" % (REPLACE_RULES_VAR, rc, os.path.join(base, "replace-rules")),
               rc == 0 and "integration targets yandex360_routing_rules, yandex360_routing_rules_info: passed" in report
               and "list-replacing targets run (%s=1)" % REPLACE_RULES_VAR in report)
        lacking = [body for body in puts if OWN_RULE_MARK not in json.dumps(body)]
        expect("(e) they did replace the whole list (%d of %d rule lists written lack the own rule)" % (len(lacking), len(puts)), bool(lacking))
        with Guard(Config(env), 100, 120) as guard:
            expect("(e) the organisation's rules are back exactly", Client(guard.config, guard.url).rules() == own_rules)
    finally:
        sandbox.stop()

    sandbox = Sandbox(aliases_shape="list", expired_token_status=401)
    try:
        env = sandbox.env("example.com")
        with Guard(Config(env), 100, 120) as guard:
            planted = Client(guard.config, guard.url)
            domain_id = planted.domain_id()
            planted.call("POST", "/api/v2/mail/mailboxes/", body={"domain_id": domain_id, "name": PREFIX + "left.over", "password": secrets.token_urlsafe(12)})
            guard.rules_writable = True
            planted.put_rules([{"condition": {"address:to": "postmaster@corp.test"}, "actions": [{"action": "drop"}]},
                               {"condition": {"address:from": "mailops-live-x@example.net"}, "actions": [{"action": "drop"}]}])
        rc, output = run(env, "--probes-only", report_dir=os.path.join(base, "leftovers"))
        expect("(c) leftovers refuse the start, exit 3 (%s)" % rc, rc == 3)
        expect("(c) the refusal names the mailbox, the rule and the cleanup command",
               (PREFIX + "left.over@example.com") in output and "routing rule #2" in output and "#1" not in output and "make test-live-cleanup" in output)
        rc, output = run(env, "--cleanup", report_dir=os.path.join(base, "leftovers"))
        expect("(c) the cleanup command removes them (exit %s)" % rc, rc == 0 and "nothing left" in output)
        with Guard(Config(env), 100, 120) as guard:
            kept = Client(guard.config, guard.url).rules()
        expect("(c) the cleanup kept the organisation's own rule", len(kept) == 1 and "corp.test" in json.dumps(kept))
        rc, output = run(env, "--probes-only", report_dir=os.path.join(base, "disagreed"))
        report = read_text(os.path.join(base, "disagreed", "report.md"))
        expect("(b) a contradicting sandbox fails the run (exit %s)" % rc, rc == 1)
        for name in ("EXPIRED_TOKEN_STATUS", "ALIASES_SHAPE"):
            expect("(b) %s disagreed" % name, "| `%s` | disagreed |" % name in report)
        expect("(b) the other assumptions still agree", report.count("| disagreed |") == 2)
        rc, output = run(env, "--probes-only", "--max-requests", "40", report_dir=os.path.join(base, "budget"))
        report = read_text(os.path.join(base, "budget", "report.md"))
        expect("a run past its request budget fails (exit %s), and still deletes its mailboxes and puts the rules back" % rc,
               rc == 1 and "the request budget of 40 is spent" in report and "mailboxes left after the run: 0" in report
               and "put back exactly as read before the run: yes" in report)
        expect("no secrets file and no token cache stay on disk after a run",
               not os.path.exists(os.path.join(base, "disagreed", "secrets.txt")) and not os.path.exists(os.path.join(base, "disagreed", "token-cache")))
    finally:
        sandbox.stop()
    print("self-test: %s" % ("PASS" if not problems else "FAIL (%d)" % len(problems)))
    return 0 if not problems else 1
