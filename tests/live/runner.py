# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One live run: credentials, leftovers, the order of the run, the Ansible part, the final cleanup.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections import Counter

from .client import Client
from .config import LEFTOVER_RULE_RE, LIST_REPLACING_TARGETS, LIVE_TARGETS, PREFIX, SKIP_MARK, Config
from .guard import Guard
from .probes import PROBE_FUNCTIONS, judge_traffic, load_assumptions
from .report import Report, write_report

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
"""The collection root this package belongs to (its hack/check_secrets.py checks the run's output)."""


def snapshot_path(report_dir, config):
    return os.path.join(report_dir, "rules-saved-org-%s.json" % config.yandex["org_id"])


def leftovers(client, config, report_dir):
    """What a previous run left behind: lines naming them (safe to print: prefixed names, rule numbers)."""
    found = []
    if config.netangels:
        domain_id = client.domain_id()
        for mailbox in client.prefixed_mailboxes(domain_id):
            found.append("mailbox %s@%s" % (mailbox["name"], config.netangels["domain"]))
    if config.yandex:
        if os.path.exists(snapshot_path(report_dir, config)):
            found.append("the saved routing rules of an unfinished run (%s): they were not put back" % os.path.basename(snapshot_path(report_dir, config)))
        for number, rule in enumerate(client.rules(), 1):
            if LEFTOVER_RULE_RE.search(json.dumps(rule)):
                found.append("routing rule #%d (it names the test prefix or an example domain)" % number)
    return found


def cleanup(client, guard, report_dir, out):
    """Remove what leftovers() lists, and only that."""
    config = guard.config
    if config.netangels:
        domain_id = client.domain_id()
        for mailbox in client.prefixed_mailboxes(domain_id):
            answer = client.call("DELETE", "/api/v2/mail/mailboxes/%d/" % mailbox["id"])
            out("cleanup: deleted mailbox %s@%s (%s)" % (mailbox["name"], config.netangels["domain"], answer.status))
    if config.yandex:
        path = snapshot_path(report_dir, config)
        guard.rules_writable = True
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                saved = json.load(handle)
            answer = client.put_rules(saved)
            if answer.status != 200:
                raise RuntimeError("putting the saved rules back answered %s" % answer.status)
            os.remove(path)
            out("cleanup: put the saved routing rules back (%d rules)" % len(saved))
        else:
            rules = client.rules()
            kept = [rule for rule in rules if not LEFTOVER_RULE_RE.search(json.dumps(rule))]
            if len(kept) != len(rules):
                answer = client.put_rules(kept)
                out("cleanup: removed %d test-looking routing rules, kept %d (%s)" % (len(rules) - len(kept), len(kept), answer.status))


def ansible_env(collections_root, report_dir):
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update({"ANSIBLE_COLLECTIONS_PATH": collections_root, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0",
                "NETANGELS_TOKEN_CACHE_DIR": os.path.join(report_dir, "token-cache")})
    for name in list(env):
        if name.startswith(("NETANGELS_LIVE_", "YANDEX360_LIVE_")):
            del env[name]
    return env


def write_vars(path, variables):
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.write("# Written by tests/live (python -m tests.live) for one live run; removed at its end.\n")
        for name, value in variables.items():
            handle.write("%s: %s\n" % (name, json.dumps(value)))


def run_logged(command, env, log_path, timeout):
    """Run a command, its output to a log file; return its exit status (124 on timeout)."""
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            return subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout, check=False).returncode
        except subprocess.TimeoutExpired:
            log.write("\nlive: stopped after %d s (the time budget)\n" % timeout)
            return 124


def run_ansible(config, guard, report_dir, args, results, passwords):
    """The live-capable integration targets and tests/live/live.yml; fills ``results``."""
    root = os.path.abspath(".")
    collections_root = os.path.dirname(os.path.dirname(os.path.dirname(root)))
    variables = {"sandbox_url": guard.url, "live_mode": True, "test_prefix": PREFIX, "test_password": passwords[0], "test_password_2": passwords[1],
                 "test_domain": (config.netangels or {}).get("domain", "example.invalid"),
                 "netangels_api_key": (config.netangels or {}).get("api_key", ""),
                 "yandex360_oauth_token": (config.yandex or {}).get("oauth_token", ""),
                 "yandex360_org_id": int((config.yandex or {}).get("org_id") or 0)}
    config_path = os.path.join("tests", "integration", "integration_config.yml")
    vars_path = os.path.join(report_dir, "live-vars.yml")
    env = ansible_env(collections_root, report_dir)
    python = "%d.%d" % sys.version_info[:2]

    def remaining():
        return max(30, int(guard.deadline - time.monotonic()))
    try:
        write_vars(config_path, variables)
        write_vars(vars_path, variables)
        targets = [t for vendor, names in LIVE_TARGETS.items() if getattr(config, "netangels" if vendor == "netangels" else "yandex") for t in names
                   if t not in LIST_REPLACING_TARGETS or config.replace_rules]
        if targets and not args.probes_only:
            log = os.path.join(report_dir, "integration.log")
            rc = run_logged([os.path.join(os.path.dirname(sys.executable), "ansible-test"), "integration", "--python", python,
                             "--color", "no", "-v"] + targets, env, log, remaining())
            results["integration"] = (rc, targets, log)
        if not args.probes_only:
            log = os.path.join(report_dir, "live-playbook.log")
            tags = [tag for tag, on in (("netangels", config.netangels), ("yandex360", config.yandex)) if on]
            rc = run_logged([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local", "-v",
                             "-e", "@" + vars_path, "-e", "ansible_python_interpreter=" + sys.executable, "--tags", ",".join(tags),
                             os.path.join("tests", "live", "live.yml")], env, log, remaining())
            results["playbook"] = (rc, log)
    finally:
        for path in (config_path, vars_path):
            if os.path.exists(path):
                os.remove(path)


def check_secrets(report_dir, known, logs, keep):
    """Run hack/check_secrets.py over the logs and the report; return a failure line or None.

    The secrets go to a 0600 file that is removed afterwards (kept with ``keep``, for the self-test),
    and the token cache of the run is removed too: no live token stays on disk.
    """
    path = os.path.join(report_dir, "secrets.txt")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.writelines(secret + "\n" for secret in known)
    try:
        files = [p for p in logs + [os.path.join(report_dir, "report.md")] if os.path.exists(p)]
        done = subprocess.run([sys.executable, os.path.join(ROOT, "hack", "check_secrets.py"), "--secrets-file", path] + files,
                              capture_output=True, text=True, check=False)
    finally:
        if not keep:
            os.remove(path)
        shutil.rmtree(os.path.join(report_dir, "token-cache"), ignore_errors=True)
    return None if done.returncode == 0 else "secrets check: %s" % (done.stdout + done.stderr).strip().replace("\n", " / ")


def count_skips(paths):
    """The sandbox-only steps setup_sandbox skipped, by name."""
    skips = Counter()
    for path in paths:
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                match = re.search(r'"msg": "%s ([a-z_]+)' % SKIP_MARK, line)
                if match:
                    skips[match.group(1)] += 1
    return skips


def live(args, env, out):  # pylint: disable=too-many-locals,too-many-branches,too-many-statements
    """One live run (or a cleanup); returns the exit status."""
    config = Config(env)
    for line in config.skips:
        out(line)
    if config.errors:
        for line in config.errors:
            out("live: " + line)
        return 2
    if not (config.netangels or config.yandex):
        return 0
    report_dir = os.path.abspath(args.report_dir)
    os.makedirs(report_dir, exist_ok=True)
    if not args.cleanup and not args.probes_only and os.path.basename(os.path.dirname(os.path.dirname(os.path.abspath(".")))) != "ansible_collections":
        # ansible-test needs the tree at ansible_collections/NS/NAME: the nox sessions live and live-selftest make one
        out("live: run this from a collection tree (.../ansible_collections/mailops/hosted_mail): `make test-live` does")
        return 2
    started = time.time()
    values = load_assumptions()
    results = {}
    extra = []
    failed = []
    with Guard(config, args.max_requests, args.max_minutes * 60) as guard:
        report = Report(config, values, guard)
        client = Client(config, guard.url)
        # random passwords made for this run for every test mailbox (a real mailbox never gets a published one)
        state = {"created": [], "password": "Ml1-" + secrets.token_urlsafe(18), "password_2": "Ml2-" + secrets.token_urlsafe(18)}
        if config.netangels:
            state["domain_id"] = client.domain_id()
            state["domain"] = next(d for d in client.walk("/api/v2/mail/domains/") if d["id"] == state["domain_id"])
        if args.cleanup:
            cleanup(client, guard, report_dir, out)
            remaining = leftovers(client, config, report_dir)
            out("cleanup: done; nothing left" if not remaining else "cleanup: still there: " + "; ".join(remaining))
            return 0 if not remaining else 1
        found = leftovers(client, config, report_dir)
        if found:
            out("live: refusing to start: a previous run left these behind:")
            for line in found:
                out("  - " + line)
            out("live: remove them (and only them) with: make test-live-cleanup")
            return 3
        try:
            if config.yandex:
                state["saved_rules"] = client.rules()
                with open(os.open(snapshot_path(report_dir, config), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
                    json.dump(state["saved_rules"], handle)
                guard.rules_writable = True
            for probe, function in PROBE_FUNCTIONS.items():
                if (probe.startswith("netangels") and not config.netangels) or (probe.startswith("yandex") and not config.yandex):
                    continue
                if guard.refused:
                    failed.append("probe %s not run: the guard had refused a request" % probe)
                    continue
                try:
                    function(client, report, values, state)
                except (RuntimeError, KeyError, TypeError, ValueError, AttributeError) as exc:
                    failed.append("probe %s stopped: %s" % (probe, report.redact(exc)))
            if guard.refused:
                failed.append("the Ansible tests were not run: the guard had refused a request")
            else:
                run_ansible(config, guard, report_dir, args, results, (state["password"], state["password_2"]))
        finally:
            guard.closing()
            try:
                if config.netangels:
                    for mailbox in client.prefixed_mailboxes(state["domain_id"]):
                        client.call("DELETE", "/api/v2/mail/mailboxes/%d/" % mailbox["id"])
                    left = client.prefixed_mailboxes(state["domain_id"])
                    extra.append("%s mailboxes left after the run: %d" % (PREFIX, len(left)))
                    if left:
                        failed.append("%d %s mailboxes could not be deleted; run make test-live-cleanup" % (len(left), PREFIX))
            except (RuntimeError, OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
                failed.append("deleting the test mailboxes failed (%s); run make test-live-cleanup" % exc)
            try:
                if config.yandex and "saved_rules" in state:
                    answer = client.put_rules(state["saved_rules"])
                    restored = answer.status == 200 and client.rules() == state["saved_rules"]
                    extra.append("routing rules put back exactly as read before the run: %s" % ("yes" if restored else "NO"))
                    if restored:
                        os.remove(snapshot_path(report_dir, config))
                    else:
                        failed.append("the routing rules were not put back; run make test-live-cleanup")
            except (RuntimeError, OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
                failed.append("putting the routing rules back failed (%s); run make test-live-cleanup" % exc)
        judge_traffic(report, values, guard)
        known = config.secrets() + [state["password"], state["password_2"]] + sorted(guard.tokens)
    results["skips"] = count_skips([path for key in ("integration", "playbook") if key in results for path in [results[key][-1]]])
    for key, label in (("integration", "integration targets"), ("playbook", "tests/live/live.yml")):
        if key in results and results[key][0] != 0:
            failed.append("%s failed (log: %s)" % (label, results[key][-1]))
    if guard.refused:
        failed.append("the guard refused %d requests" % len(guard.refused))
    text = write_report(report, guard, results, report_dir, started, extra + failed)
    leak = check_secrets(report_dir, known, [results[key][-1] for key in ("integration", "playbook") if key in results], args.keep_secrets_file)
    if leak:
        failed.append(leak)
    out(text)
    out("live: report written to %s" % os.path.join(report_dir, "report.md"))
    disagreed = [name for name, verdict in report.verdicts.items() if verdict[0] == "disagreed"]
    if disagreed:
        failed.append("assumptions disagreed: %s" % ", ".join(disagreed))
    for line in failed:
        out("live: FAIL: " + report.redact(line))
    return 1 if failed else 0
