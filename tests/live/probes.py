# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The assumptions of ``tests/sandbox/assumptions.py`` and the probes that check them (``PROBES``).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import time

from .config import PREFIX


def load_assumptions(root="."):
    """Import tests/sandbox/assumptions.py by path (stdlib only; the sandbox package needs Flask)."""
    spec = importlib.util.spec_from_file_location("live_assumptions", os.path.join(root, "tests", "sandbox", "assumptions.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assumption_names(root="."):
    """Every assumption named in assumptions.py: public UPPER_CASE constants and public functions."""
    with open(os.path.join(root, "tests", "sandbox", "assumptions.py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name) and target.id.isupper():
                    names.append(target.id)
    return names


SANDBOX_SWITCH = "a sandbox switch (the values the sandbox may take), not a claim about the vendor"

PROBES = {
    # NetAngels: authentication
    "TOKEN_TTL": (None, "observing it takes a day"),
    "EXPIRED_TOKEN_STATUS": ("netangels_auth", "a well-formed bearer token the gateway never issued"),
    "EXPIRED_TOKEN_STATUS_CHOICES": (None, SANDBOX_SWITCH),
    "MISSING_TOKEN_STATUS": ("netangels_auth", "a list call without Authorization"),
    "BAD_API_KEY_STATUS": ("netangels_auth", "a key exchange with a made-up key"),
    "new_token": ("netangels_auth", "the shape of the exchanged token (three dot-separated parts)"),
    # NetAngels: lists and paging
    "PAGE_LIMIT_MIN": ("netangels_paging", "limit=9 on the mailbox list"),
    "PAGE_LIMIT_MAX": ("netangels_paging", "limit=101 and limit=100 on the mailbox list"),
    "PAGE_LIMIT_DEFAULT": ("netangels_paging", "a mailbox list without limit (needs more than 10 mailboxes)"),
    "PAGING_ON_DOMAINS": ("netangels_paging", "limit=9 and limit=10 on the domain list"),
    "LIST_ORDER": ("netangels_paging", "the ids of the mailbox list"),
    "FILTER_MODES": (None, SANDBOX_SWITCH),
    "FILTER_MODE": ("netangels_mailbox", "filter= an upper-cased part of a test mailbox's name"),
    "filter_matches": ("netangels_mailbox", "as FILTER_MODE"),
    # NetAngels: mailbox and domain fields
    "MAILBOX_STATE_ACTIVE": ("netangels_mailbox", "state of a new mailbox"),
    "MAILBOX_STATE_DISABLED": ("netangels_mailbox", "state after disable"),
    "MAILBOX_NAME_RE": ("netangels_validation", "creates with an upper-case name and with name@domain"),
    "check_mailbox_name": ("netangels_validation", "as MAILBOX_NAME_RE"),
    "PASSWORD_MIN_LENGTH": ("netangels_validation", "a create with a 7-character password"),
    "PASSWORD_MAX_LENGTH": ("netangels_validation", "a password change to 129 characters"),
    "check_password": ("netangels_validation", "as PASSWORD_MIN_LENGTH and a password with a space"),
    "QUOTA_MIN": ("netangels_validation", "quota 0"),
    "QUOTA_MAX": ("netangels_validation", "quota QUOTA_MAX + 1"),
    "check_quota": ("netangels_validation", "quota as a string"),
    "COMMENT_MAX_LENGTH": ("netangels_validation", "a comment one character too long"),
    "check_comment": ("netangels_validation", "comment null"),
    "MAILBOX_DEFAULTS": ("netangels_mailbox", "the fields of a new mailbox"),
    "DOMAIN_DEFAULTS": ("netangels_paging", "the types of the named domain's fields"),
    "UNKNOWN_BODY_FIELDS": ("netangels_mailbox", "a PUT with name and an unknown field"),
    "JSON_CONTENT_TYPE_REQUIRED": ("netangels_mailbox", "a PUT of JSON sent as text/plain"),
    "MISSING_TRAILING_SLASH_STATUS": ("netangels_paging", "the domain list without its trailing slash"),
    "timestamp": ("netangels_mailbox", "created/updated of a new mailbox"),
    # NetAngels: aliases
    "EMAIL_RE": ("netangels_aliases", "add-alias of an address without a dot in its domain"),
    "ALIASES_SHAPES": (None, SANDBOX_SWITCH),
    "ALIASES_SHAPE": ("netangels_aliases", "aliases read back after two were set"),
    "ALIAS_CONFLICT_MODES": (None, SANDBOX_SWITCH),
    "ALIAS_CONFLICT": ("netangels_aliases", "add-alias of a present address"),
    "ALIAS_PRESENT": ("netangels_aliases", "the message of add-alias of a present address"),
    "ALIAS_ABSENT": ("netangels_aliases", "the message of delete-alias of an address that is not there"),
    "ALREADY_EXISTS": ("netangels_aliases", "the message of a second create of the probe mailbox"),
    "normalise_alias": ("netangels_aliases", "add-alias of a mixed-case address"),
    "parse_aliases_field": ("netangels_aliases", "a PUT of aliases as one comma-separated string"),
    "format_aliases": ("netangels_aliases", "the order of aliases read back"),
    # NetAngels: answers and errors
    "EMPTY_ACTION_BODY": ("netangels_mailbox", "the answers of disable and delete"),
    "CLEANUP_FORBIDDEN_MESSAGE": (None, "needs a mailbox whose cleanup the vendor forbids"),
    "netangels_error": ("netangels_validation", "the body of every 400 the probes caused"),
    # NetAngels: batch-create
    "BATCH_CSV_FIELD": ("netangels_batch", "an upload of two rows"),
    "BATCH_CSV_COLUMNS": ("netangels_batch", "as BATCH_CSV_FIELD (columns name,password,comment)"),
    "BATCH_CSV_REQUIRED_COLUMNS": ("netangels_batch", "an upload without the password column"),
    "BATCH_CSV_DELIMITER": ("netangels_batch", "as BATCH_CSV_FIELD"),
    "BATCH_CSV_ENCODING": ("netangels_batch", "as BATCH_CSV_FIELD (UTF-8 with a byte-order mark)"),
    "BATCH_MAX_ROWS": (None, "a real upload over the limit could create 1001 mailboxes if the assumption were wrong"),
    "BATCH_MODES": (None, SANDBOX_SWITCH),
    "BATCH_MODE": ("netangels_batch", "an upload with one bad row and one good row"),
    "read_batch_csv": ("netangels_batch", "as BATCH_CSV_FIELD and BATCH_MODE"),
    # Yandex 360
    "YANDEX_AUTH_SCHEME": ("yandex_auth", "the token sent as Bearer"),
    "YANDEX_AUTH_ORDER": ("yandex_auth", "a made-up token"),
    "YANDEX_BAD_ORG_ID_STATUS": ("yandex_auth", "orgId 'x'"),
    "GRPC_CODES": ("yandex_auth", "the code of every Yandex error the probes caused"),
    "yandex_error": ("yandex_auth", "the shape of every Yandex error the probes caused"),
    "YANDEX_MISSING_RULES_IS_EMPTY": (None, "a PUT of {} would empty the organisation's real rules"),
    "YANDEX_UNKNOWN_FIELDS_REJECTED": ("yandex_rules", "the saved rules plus a test rule with an unknown field"),
    "YANDEX_EMPTY_ACTIONS_REJECTED": ("yandex_rules", "a test rule without actions"),
    "YANDEX_EXISTS_ONLY_ON_HEADERS": ("yandex_rules", "$exists on subject"),
    "YANDEX_ONE_OPERATOR_PER_COMPARISON": ("yandex_rules", "two operators in one comparison"),
    "YANDEX_FORWARD_EMAIL_CHECKED": ("yandex_rules", "a forward to 'example'"),
    "YANDEX_ADDRESS_KEY_TWICE_REJECTED": ("yandex_rules", "from and address:from in one condition"),
    "check_base64": ("yandex_rules", "an invalid $base64 operand"),
    "yandex_readback_rule": ("yandex_rules", "a test rule written and read back"),
    # both
    "RATE_LIMIT": ("traffic", "every answer of the run: was there a 429?"),
    "RETRY_AFTER_DEFAULT": (None, "a sandbox fault setting"),
    "PROXY_HTML_STATUSES": ("traffic", "every 502/503 of the run (none: not exercised)"),
}
"""Assumption name -> (probe that checks it, or None; what the probe does, or why it is not exercised).

The self-test fails when tests/sandbox/assumptions.py names an assumption missing here (or the reverse)."""


def shown(answer):
    """An answer, short: status and body."""
    if answer is None or answer.status is None:
        return "no answer"
    body = answer.raw.strip().replace("\n", " ")
    return "%s %s" % (answer.status, body[:160])


def probe_netangels_auth(client, report, values, state):  # pylint: disable=unused-argument
    """Token exchange, missing, unknown and bad tokens."""
    token = client.token()
    report.check("new_token", len(token.split(".")) == 3, "the token has %d dot-separated parts" % len(token.split(".")))
    answer = client.call("POST", "/api/gateway/token/", auth=None, content_type="application/x-www-form-urlencoded",
                         raw_body=b"api_key=mailops-live-not-a-key-0000")
    report.check("BAD_API_KEY_STATUS", answer.status == values.BAD_API_KEY_STATUS, shown(answer))
    answer = client.call("GET", "/api/v2/mail/domains/?offset=0&limit=10", auth=None)
    report.check("MISSING_TOKEN_STATUS", answer.status == values.MISSING_TOKEN_STATUS, shown(answer))
    forged = values.new_token()
    answer = client.call("GET", "/api/v2/mail/domains/?offset=0&limit=10", auth="Bearer " + forged)
    report.check("EXPIRED_TOKEN_STATUS", answer.status == values.EXPIRED_TOKEN_STATUS, shown(answer))


def probe_netangels_paging(client, report, values, state):
    """Limits, order, the trailing slash, the domain's fields."""
    domain_path = "/api/v2/mail/domains/%d/mailboxes/" % state["domain_id"]
    low = client.call("GET", domain_path + "?offset=0&limit=%d" % (values.PAGE_LIMIT_MIN - 1))
    report.check("PAGE_LIMIT_MIN", low.status == 400, shown(low))
    high = client.call("GET", domain_path + "?offset=0&limit=%d" % (values.PAGE_LIMIT_MAX + 1))
    top = client.call("GET", domain_path + "?offset=0&limit=%d" % values.PAGE_LIMIT_MAX)
    report.check("PAGE_LIMIT_MAX", high.status == 400 and top.status == 200, "limit=101: %s; limit=100: %s" % (high.status, top.status))
    ids = [m.get("id") for m in (top.body or {}).get("entities") or []] if top.status == 200 else []
    report.check("LIST_ORDER", ids == sorted(ids), "ids %s" % ("ascending" if ids == sorted(ids) else "not ascending"))
    plain = client.call("GET", domain_path)
    count = int((plain.body or {}).get("count") or 0) if plain.status == 200 else 0
    if count > values.PAGE_LIMIT_DEFAULT:
        got = len(plain.body.get("entities") or [])
        report.check("PAGE_LIMIT_DEFAULT", got == values.PAGE_LIMIT_DEFAULT, "%d of %d mailboxes without limit" % (got, count))
    else:
        report.unknown("PAGE_LIMIT_DEFAULT", "the domain holds %d mailboxes, not more than %d" % (count, values.PAGE_LIMIT_DEFAULT))
    low = client.call("GET", "/api/v2/mail/domains/?offset=0&limit=%d" % (values.PAGE_LIMIT_MIN - 1))
    good = client.call("GET", "/api/v2/mail/domains/?offset=0&limit=%d" % values.PAGE_LIMIT_MIN)
    report.check("PAGING_ON_DOMAINS", low.status == 400 and good.status == 200, "limit=9: %s; limit=10: %s" % (low.status, good.status))
    answer = client.call("GET", "/api/v2/mail/domains")
    report.check("MISSING_TRAILING_SLASH_STATUS", answer.status == values.MISSING_TRAILING_SLASH_STATUS, shown(answer))
    domain = state["domain"]
    types = {key: type(domain.get(key)).__name__ for key in ("state", "validated", "quota", "dkim", "used")}
    expected = {"state": "str", "validated": "bool", "quota": "int", "dkim": "bool", "used": "int"}
    report.check("DOMAIN_DEFAULTS", types == expected, "field types %s" % types)


def create(client, state, name, password=None, **extra):
    """Create a PREFIX mailbox (with this run's password unless one is given); remember it for the final cleanup."""
    body = dict({"domain_id": state["domain_id"], "name": name, "password": password or state["password"]}, **extra)
    answer = client.call("POST", "/api/v2/mail/mailboxes/", body=body)
    if answer.status in (200, 201) and isinstance(answer.body, dict):
        state["created"].append(answer.body.get("id"))
    return answer


def read(client, mailbox_id):
    return client.call("GET", "/api/v2/mail/mailboxes/%d/" % mailbox_id)


def probe_netangels_mailbox(client, report, values, state):
    """One mailbox: its defaults, filter, unknown fields, content type, disable, delete."""
    name = PREFIX + "probe.one"
    answer = create(client, state, name)
    if answer.status not in (200, 201):
        raise RuntimeError("creating the probe mailbox answered %s" % shown(answer))
    mailbox = answer.body
    ident = mailbox["id"]
    defaults = {key: mailbox.get(key) for key in values.MAILBOX_DEFAULTS}
    report.check("MAILBOX_DEFAULTS", defaults == values.MAILBOX_DEFAULTS, "a new mailbox reads %s" % defaults)
    report.check("MAILBOX_STATE_ACTIVE", mailbox.get("state") == values.MAILBOX_STATE_ACTIVE, "state %r" % mailbox.get("state"))
    stamps = [mailbox.get(key) for key in ("created", "updated") if key in mailbox]
    stamp_ok = bool(stamps) and all(isinstance(s, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)", s) for s in stamps)
    masked = ["<%d chars: %s>" % (len(s), re.sub(r"\d", "9", s)) for s in stamps if isinstance(s, str)]
    report.check("timestamp", stamp_ok, "created/updated read %s" % (masked or "absent"))
    needle = "PROBE.ON"
    listed = client.call("GET", "/api/v2/mail/domains/%d/mailboxes/?offset=0&limit=100&filter=%s" % (state["domain_id"], needle))
    names = [m.get("name") for m in (listed.body or {}).get("entities") or []] if listed.status == 200 else None
    ok = names is not None and name in names and all(values.filter_matches(n, needle) for n in names)
    if names is None:
        seen = shown(listed)
    else:
        seen = "%d mailboxes, the probe mailbox %s, %d not matching" % (
            len(names), "among them" if name in names else "missing", len([n for n in names if not values.filter_matches(n, needle)]))
    for key in ("FILTER_MODE", "filter_matches"):
        report.check(key, ok, "filter=%s: %s" % (needle, seen))
    answer = client.call("PUT", "/api/v2/mail/mailboxes/%d/" % ident, body={"comment": "probe", "name": PREFIX + "probe.renamed", "mailops_unknown": 1})
    after = read(client, ident).body or {}
    report.check("UNKNOWN_BODY_FIELDS", answer.status in (200, 201) and after.get("name") == name and after.get("comment") == "probe",
                 "PUT answered %s; name %s, comment %s" % (answer.status, "unchanged" if after.get("name") == name else "changed", after.get("comment")))
    answer = client.call("PUT", "/api/v2/mail/mailboxes/%d/" % ident, raw_body=json.dumps({"comment": "text"}).encode(), content_type="text/plain")
    report.check("JSON_CONTENT_TYPE_REQUIRED", answer.status == 400, shown(answer))
    answer = client.call("PUT", "/api/v2/mail/mailboxes/%d/disable/" % ident)
    after = read(client, ident).body or {}
    report.check("MAILBOX_STATE_DISABLED", after.get("state") == values.MAILBOX_STATE_DISABLED,
                 "state %r after disable (%s)" % (after.get("state"), answer.status))
    report.check("EMPTY_ACTION_BODY", answer.body == values.EMPTY_ACTION_BODY, "disable answered %s" % shown(answer))
    answer = client.call("DELETE", "/api/v2/mail/mailboxes/%d/" % ident)
    report.check("EMPTY_ACTION_BODY", answer.status == 200 and answer.body == values.EMPTY_ACTION_BODY, "delete answered %s" % shown(answer))


def probe_netangels_validation(client, report, values, state):
    """Refused creates and changes; each answer's body shape."""
    errors = []

    def refused(name, answer, what):
        errors.append(answer)
        report.check(name, answer.status == 400, "%s: %s" % (what, shown(answer)))
    refused("MAILBOX_NAME_RE", create(client, state, PREFIX.upper() + "probe.upper"), "upper-case name")
    refused("check_mailbox_name", create(client, state, PREFIX + "probe.at@" + state["domain"]["name"]), "name@domain")
    refused("PASSWORD_MIN_LENGTH", create(client, state, PREFIX + "probe.short", password="x" * (values.PASSWORD_MIN_LENGTH - 1)), "short password")
    refused("check_password", create(client, state, PREFIX + "probe.space", password="Mailops Live Pass"), "password with a space")
    answer = create(client, state, PREFIX + "probe.two")
    if answer.status not in (200, 201):
        raise RuntimeError("creating the probe mailbox answered %s" % shown(answer))
    path = "/api/v2/mail/mailboxes/%d/" % answer.body["id"]
    refused("QUOTA_MIN", client.call("PUT", path, body={"quota": values.QUOTA_MIN - 1}), "quota %d" % (values.QUOTA_MIN - 1))
    refused("QUOTA_MAX", client.call("PUT", path, body={"quota": values.QUOTA_MAX + 1}), "quota %d" % (values.QUOTA_MAX + 1))
    refused("check_quota", client.call("PUT", path, body={"quota": "2048"}), "quota as a string")
    refused("COMMENT_MAX_LENGTH", client.call("PUT", path, body={"comment": "c" * (values.COMMENT_MAX_LENGTH + 1)}), "a long comment")
    refused("check_comment", client.call("PUT", path, body={"comment": None}), "comment null")
    refused("PASSWORD_MAX_LENGTH", client.call("PUT", path + "change-password/", body={"password": "p" * (values.PASSWORD_MAX_LENGTH + 1)}), "a long password")
    shapes = sorted({", ".join("%s: %s" % (k, type(v).__name__) for k, v in sorted(a.body.items())) if isinstance(a.body, dict) else type(a.body).__name__
                     for a in errors if a.status == 400})
    report.check("netangels_error", all(isinstance(a.body, dict) and isinstance(a.body.get("detail"), str) for a in errors if a.status == 400) and bool(shapes),
                 "400 bodies: %s" % ("; ".join("{%s}" % s for s in shapes) or "none"))


ALREADY_RE = re.compile(r"already|exist|taken|duplicate|not an? alias|no such alias|not found", re.IGNORECASE)
"""The pattern of plugins/module_utils/_netangels/client.py's ``_ALREADY_RE`` (this package imports no plugin code)."""


def says_already(answer):
    """Whether a refusal reads, to the client's ``says_already``, as "the wanted state already holds"."""
    body = answer.body if isinstance(answer.body, dict) else {}
    message = body.get("detail") or body.get("message") or json.dumps(answer.body)
    return answer.status in (400, 409) and bool(ALREADY_RE.search(str(message)))


def probe_netangels_aliases(client, report, values, state):
    """Aliases: shape, order, case, conflict, the string PUT."""
    answer = create(client, state, PREFIX + "probe.alias")
    if answer.status not in (200, 201):
        raise RuntimeError("creating the probe mailbox answered %s" % shown(answer))
    path = "/api/v2/mail/mailboxes/%d/" % answer.body["id"]
    first, second = "mailops-live-b@example.net", "mailops-live-a@example.net"
    client.call("PUT", path + "add-alias/", body={"alias": first})
    client.call("PUT", path + "add-alias/", body={"alias": second})
    aliases = (read(client, answer.body["id"]).body or {}).get("aliases")
    expected = values.format_aliases([first, second], values.ALIASES_SHAPE)
    report.check("ALIASES_SHAPE", aliases == expected, "aliases read back as %s %s" % (type(aliases).__name__, json.dumps(aliases)))
    items = aliases.split(",") if isinstance(aliases, str) else list(aliases or [])
    report.check("format_aliases", items == [first, second], "read back in the order %s" % json.dumps(items))
    answer = client.call("PUT", path + "add-alias/", body={"alias": first})
    report.check("ALIAS_CONFLICT", answer.status == 400, "add-alias of a present address: %s" % shown(answer))
    report.check("ALIAS_PRESENT", says_already(answer), "its message, as the client's says_already reads it: %s" % shown(answer))
    answer = client.call("PUT", path + "delete-alias/", body={"alias": "mailops-live-absent@example.net"})
    report.check("ALIAS_ABSENT", says_already(answer), "delete-alias of an address that is not there: %s" % shown(answer))
    answer = create(client, state, PREFIX + "probe.alias")
    report.check("ALREADY_EXISTS", says_already(answer), "a second create of the same mailbox: %s" % shown(answer))
    client.call("PUT", path + "add-alias/", body={"alias": "Mailops-Live-C@Example.NET"})
    now = (client.call("GET", path).body or {}).get("aliases")
    report.check("normalise_alias", "mailops-live-c@example.net" in (now or ""), "a mixed-case address read back as %s" % json.dumps(now))
    answer = client.call("PUT", path + "add-alias/", body={"alias": "mailops-live-d@nodot"})
    report.check("EMAIL_RE", answer.status == 400, "an address without a dotted domain: %s" % shown(answer))
    answer = client.call("PUT", path, body={"aliases": first + "," + second})
    now = (client.call("GET", path).body or {}).get("aliases")
    items = now.split(",") if isinstance(now, str) else list(now or [])
    report.check("parse_aliases_field", answer.status in (200, 201) and sorted(items) == sorted([first, second]),
                 "PUT aliases as a string: %s, then read %s" % (answer.status, json.dumps(now)))


def batch_upload(client, state, text):
    """Upload ``text`` as the CSV file (multipart, field BATCH_CSV_FIELD)."""
    boundary = "mailopslive%d" % int(time.time() * 1000)
    body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"mailboxes.csv\"\r\nContent-Type: text/csv\r\n\r\n" % boundary).encode()
    body += text.encode("utf-8-sig") + ("\r\n--%s--\r\n" % boundary).encode()
    return client.call("POST", "/api/v2/mail/domains/%d/mailboxes/batch-create/" % state["domain_id"], raw_body=body,
                       content_type="multipart/form-data; boundary=%s" % boundary)


def probe_netangels_batch(client, report, values, state):
    """The batch-create upload layout and its behaviour with a bad row."""
    names = [PREFIX + "probe.batch1", PREFIX + "probe.batch2"]
    password = state["password"]
    answer = batch_upload(client, state, "name,password,comment\r\n%s,%s,\"one, two\"\r\n%s,%s,x\r\n" % (names[0], password, names[1], password))
    present = {m.get("name"): m for m in client.prefixed_mailboxes(state["domain_id"])}
    ok = answer.status in (200, 201) and all(n in present for n in names)
    for key in ("BATCH_CSV_FIELD", "BATCH_CSV_COLUMNS", "BATCH_CSV_DELIMITER", "BATCH_CSV_ENCODING", "read_batch_csv"):
        report.check(key, ok, "an upload of 2 rows: %s; %d of 2 created" % (shown(answer), len([n for n in names if n in present])))
    answer = batch_upload(client, state, "name\r\n%s\r\n" % (PREFIX + "probe.batch3"))
    report.check("BATCH_CSV_REQUIRED_COLUMNS", answer.status == 400, "no password column: %s" % shown(answer))
    answer = batch_upload(client, state, "name,password\r\n%s,%s\r\n%s,%s\r\n" % (PREFIX + "Probe.Bad", password, PREFIX + "probe.batch4", password))
    created = PREFIX + "probe.batch4" in {m.get("name") for m in client.prefixed_mailboxes(state["domain_id"])}
    expected_created = values.BATCH_MODE == "partial"
    report.check("BATCH_MODE", created == expected_created and (answer.status == 400) != expected_created,
                 "a bad row then a good row: %s; the good row %s" % (shown(answer), "created" if created else "not created"))
    report.check("read_batch_csv", answer.status != 400 or "line 2" in answer.raw,
                 "the refusal %s the bad line (line 2)" % ("names" if "line 2" in answer.raw else "does not name"))


def probe_yandex_auth(client, report, values, state):  # pylint: disable=unused-argument
    """Auth scheme, order, org id; the error bodies."""
    path = client.rules_path()
    errors = []
    bearer = client.call("GET", path, auth="Bearer " + client.config.yandex["oauth_token"])
    report.check("YANDEX_AUTH_SCHEME", bearer.status == 401, "Bearer: %s" % shown(bearer))
    made_up = client.call("GET", path, auth="OAuth mailops-live-not-a-token-0000")
    report.check("YANDEX_AUTH_ORDER", made_up.status == 401, "a made-up token: %s" % shown(made_up))
    bad_org = client.call("GET", "/admin/v1/org/x/mail/routing/rules", auth="oauth")
    report.check("YANDEX_BAD_ORG_ID_STATUS", bad_org.status == values.YANDEX_BAD_ORG_ID_STATUS, "orgId x: %s" % shown(bad_org))
    errors = [a for a in (bearer, made_up, bad_org) if a.status and a.status >= 400]
    state.setdefault("yandex_errors", []).extend(errors)


def probe_yandex_rules(client, report, values, state):
    """PUT validation (each write keeps the saved rules), then a test rule's read-back."""
    saved = state["saved_rules"]
    header = "header:x-mailops-live-probe"

    def refused(name, rule, what):
        answer = client.put_rules(saved + [rule])
        state.setdefault("yandex_errors", []).append(answer)
        if answer.status != 400:
            client.put_rules(saved)
        report.check(name, answer.status == 400, "%s: %s" % (what, shown(answer)))
    refused("YANDEX_UNKNOWN_FIELDS_REJECTED", {"condition": {header: {"$exists": True}}, "actions": [{"action": "drop"}], "mailops_unknown": 1},
            "unknown field")
    refused("YANDEX_EMPTY_ACTIONS_REJECTED", {"condition": {header: {"$exists": True}}, "actions": []}, "no actions")
    refused("YANDEX_EXISTS_ONLY_ON_HEADERS", {"condition": {"subject": {"$exists": True}}, "actions": [{"action": "drop"}]}, "$exists on subject")
    refused("YANDEX_ONE_OPERATOR_PER_COMPARISON", {"condition": {header: {"$contains": "a", "$ne": "b"}}, "actions": [{"action": "drop"}]}, "two operators")
    refused("YANDEX_FORWARD_EMAIL_CHECKED", {"condition": {header: {"$exists": True}}, "actions": [{"action": "forward", "data": {"email": "example"}}]},
            "forward to 'example'")
    refused("YANDEX_ADDRESS_KEY_TWICE_REJECTED", {"condition": {"from": "mailops-live-a@example.net", "address:from": "mailops-live-b@example.net"},
                                                  "actions": [{"action": "drop"}]}, "from twice")
    refused("check_base64", {"condition": {header: {"$eq": {"$base64": "!!not base64!!"}}}, "actions": [{"action": "drop"}]}, "bad $base64")
    rule = {"condition": {header: {"$exists": True}}, "actions": [{"action": "drop"}], "terminal": False, "scope": {"direction": "inbound"}}
    answer = client.put_rules(saved + [rule])
    read_back = client.rules()
    client.put_rules(saved)
    got = read_back[-1] if answer.status == 200 and len(read_back) == len(saved) + 1 else None
    report.check("yandex_readback_rule", got == values.yandex_readback_rule(rule), "PUT %s; read back %s" % (answer.status, json.dumps(got)))
    errors = [a for a in state.get("yandex_errors", []) if a.status and a.status >= 400]
    bad = [a for a in errors if not (isinstance(a.body, dict) and isinstance(a.body.get("message"), str) and isinstance(a.body.get("details"), list)
                                     and a.body.get("code") == values.GRPC_CODES.get(a.status, 2))]
    for key in ("GRPC_CODES", "yandex_error"):
        report.check(key, bool(errors) and not bad, "%d error answers, %d not {code: gRPC code of the status, message, details}%s" % (
            len(errors), len(bad), ("; e.g. " + shown(bad[0])) if bad else ""))


def judge_traffic(report, values, guard):
    """RATE_LIMIT and PROXY_HTML_STATUSES from every answer the guard saw."""
    limited = [entry for entry in guard.log if entry["status"] == 429]
    waits = (" (Retry-After %s)" % sorted({str(e["retry_after"]) for e in limited})) if limited else ""
    report.check("RATE_LIMIT", not limited if values.RATE_LIMIT is None else True, "%d answers of %d were 429%s" % (len(limited), len(guard.log), waits))
    proxy = [entry for entry in guard.log if entry["status"] in (502, 503)]
    if proxy:
        report.check("PROXY_HTML_STATUSES", all(entry["content_type"] == "text/html" for entry in proxy),
                     "502/503 content types: %s" % sorted({entry["content_type"] for entry in proxy}))
    else:
        report.unknown("PROXY_HTML_STATUSES", "no 502 or 503 answer during the run")


PROBE_FUNCTIONS = {
    "netangels_auth": probe_netangels_auth,
    "netangels_paging": probe_netangels_paging,
    "netangels_mailbox": probe_netangels_mailbox,
    "netangels_validation": probe_netangels_validation,
    "netangels_aliases": probe_netangels_aliases,
    "netangels_batch": probe_netangels_batch,
    "yandex_auth": probe_yandex_auth,
    "yandex_rules": probe_yandex_rules,
}
