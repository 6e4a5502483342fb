#!/usr/bin/env python
# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live mode: check the collection's assumptions and run its live-capable tests against the real APIs.

Run it from the collection root with a Python that has ansible-core (``make test-live`` does); when the
root is not at ``.../ansible_collections/mailops/hosted_mail``, the Ansible part runs in the build copy
(``hack/build-copy.sh``). Credentials come from the environment, one pair per vendor; a vendor whose
pair is unset is skipped with one line:

- NetAngels: ``NETANGELS_LIVE_API_KEY`` and ``NETANGELS_LIVE_DOMAIN`` (a mail domain of the account);
  optional ``NETANGELS_LIVE_API_URL``, ``NETANGELS_LIVE_AUTH_URL`` (default: the real vendor URLs).
- Yandex 360: ``YANDEX360_LIVE_OAUTH_TOKEN`` and ``YANDEX360_LIVE_ORG_ID``; optional
  ``YANDEX360_LIVE_API_URL``.

Safety, in one place (``Guard``): every request, the probes' and the modules', goes through a small
reverse proxy on loopback that counts them and refuses (403, the run then fails) any write that is
not one of: the key exchange; creating a mailbox whose name starts with ``PREFIX`` in the named
domain (one by one or by batch-create); a change to a mailbox already seen to be such a mailbox;
a PUT of the named organisation's routing rules after they were saved. It also refuses everything
past ``--max-requests`` or ``--max-minutes``. ``netangels_mailboxes`` never prunes in live mode.

A run: refuse to start when the domain holds mailboxes named ``PREFIX...`` or the organisation holds
rules that look like test rules (they name ``PREFIX`` or an RFC 2606 example domain) or a saved
rule list from an unfinished run exists, naming them and ``make test-live-cleanup``
(``--cleanup``, which removes only those); save the organisation's rules (``build/live/``, local
only); run the probes (``PROBES``: one per assumption of ``tests/sandbox/assumptions.py``, or a
reason why not); run the live-capable integration targets (``LIVE_TARGETS``; their sandbox-only
checks are skipped and counted) and ``tests/live/live.yml`` (the bulk module and the roles);
then, always, delete the ``PREFIX`` mailboxes and put the saved rules back exactly. Last, the
report ``build/live/report.md`` (printed too): per assumption agreed / disagreed (with what the API
answered, redacted) / not exercised, the targets, the skips, the request counts. Exit status: 0
passed, 1 a test failed or an assumption was disagreed, 2 bad usage, 3 refused to start.

``--self-test`` (``hack/test.sh live-selftest``) proves all that against the API sandbox started
without its control interface, as a real server would be.
"""

from __future__ import annotations

import argparse
import ast
import csv
import email.parser
import importlib.util
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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

SANDBOX_ONLY_TARGETS = {
    "bad_input": "asserts the sandbox's request log for every bad input",
    "faults": "needs injected faults (/_sandbox/faults)",
    "netangels_mailbox_info": "seeds 230 mailboxes into a domain",
    "netangels_mailboxes": "imports 5,000 mailboxes and prunes a whole domain (live.yml runs the bulk module instead)",
    "yandex360_routing_rules_concurrency": "races two writers through sandbox latency faults",
}
"""Integration targets that live mode does not run, and why (counted as skipped in the report)."""

DEFAULT_MAX_REQUESTS = 1500
DEFAULT_MAX_MINUTES = 20.0
CLEANUP_RESERVE = 200
"""Requests the final cleanup may still send when the budget is spent (writes stay scoped)."""
SKIP_MARK = "LIVE-SKIP:"
"""setup_sandbox prints this for every sandbox-only step it skips in live mode; the runner counts them."""

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


# ---------------------------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------------------------

class Config:  # pylint: disable=too-few-public-methods
    """The live settings read from the environment; ``netangels``/``yandex`` are None when skipped."""

    def __init__(self, env):
        self.netangels = self.yandex = None
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
        elif token or org:
            self.errors.append("Yandex 360: set both YANDEX360_LIVE_OAUTH_TOKEN and YANDEX360_LIVE_ORG_ID (only one is set)")
        else:
            self.skips.append("live Yandex 360: skipped (YANDEX360_LIVE_OAUTH_TOKEN and YANDEX360_LIVE_ORG_ID are not set)")

    def secrets(self):
        """The secrets this run knows from its environment."""
        return [value for value in ((self.netangels or {}).get("api_key"), (self.yandex or {}).get("oauth_token")) if value]


# ---------------------------------------------------------------------------------------------
# the guard: a counting, write-scoping reverse proxy on loopback
# ---------------------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # pylint: disable=too-many-arguments,too-many-positional-arguments
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


class Guard:  # pylint: disable=too-many-instance-attributes
    """Forward ``/api/gateway/token/``, ``/api/v2/`` (NetAngels) and ``/admin/`` (Yandex 360) upstream.

    The one place where live mode's bounds are enforced (see the module docstring).
    """

    def __init__(self, config, max_requests, max_seconds):
        self.config = config
        self.max_requests = self.budget = max_requests
        self.deadline = time.monotonic() + max_seconds
        self.lock = threading.Lock()
        self.domain_id = None
        self.prefixed_ids = set()
        self.rules_writable = False
        self.count = 0
        self.per_vendor = Counter()
        self.log = []
        self.refused = []
        self.tokens = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _GuardHandler)
        self.server.daemon_threads = True
        self.server.guard = self
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def closing(self):
        """The run is over: allow CLEANUP_RESERVE more requests and 5 more minutes, for the cleanup only."""
        with self.lock:
            self.max_requests = self.count + CLEANUP_RESERVE
            self.deadline = max(self.deadline, time.monotonic() + 300)

    def upstream(self, path):
        """Return ``(vendor, base URL)`` for a path, or ``(None, None)``."""
        if path.startswith("/api/gateway/token/") and self.config.netangels:
            return "netangels", self.config.netangels["auth_url"]
        if path.startswith("/api/v2/") and self.config.netangels:
            return "netangels", self.config.netangels["api_url"].rstrip("/") + path
        if path.startswith("/admin/") and self.config.yandex:
            return "yandex360", self.config.yandex["api_url"].rstrip("/") + path
        return None, None

    def refusal(self, method, path, body, content_type):
        """Why this request must not reach the vendor, or None."""
        if self.count >= self.max_requests:
            return "the request budget of %d is spent" % self.max_requests
        if time.monotonic() > self.deadline:
            return "the time budget is spent"
        if method not in WRITE_METHODS:
            return None
        if path == "/api/gateway/token/":
            return None if method == "POST" else "only POST to the token gateway"
        if path.startswith("/admin/"):
            match = re.fullmatch(r"/admin/v1/org/([^/]+)/mail/routing/rules", path)
            if method != "PUT" or not match or match.group(1) != self.config.yandex["org_id"]:
                return "a write outside the routing rules of the named organisation"
            return None if self.rules_writable else "the organisation's rules were not saved yet"
        if self.domain_id is None:
            return "the named domain's id is not known yet"
        if method == "POST" and path == "/api/v2/mail/mailboxes/":
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                data = {}
            if not isinstance(data, dict):
                return "a create that is not a JSON object"
            if str(data.get("domain_id")) != str(self.domain_id) or not str(data.get("name", "")).lower().startswith(PREFIX):
                return "a mailbox create outside %s* in the named domain" % PREFIX
            return None
        match = re.fullmatch(r"/api/v2/mail/domains/(\d+)/mailboxes/batch-create/", path)
        if method == "POST" and match:
            if int(match.group(1)) != self.domain_id:
                return "a batch-create outside the named domain"
            names = batch_names(body, content_type)
            if names is None or not all(name.lower().startswith(PREFIX) for name in names):
                return "a batch-create with a row outside %s*" % PREFIX
            return None
        match = re.fullmatch(r"/api/v2/mail/mailboxes/(\d+)/(?:[a-z-]+/)?", path)
        if match and int(match.group(1)) in self.prefixed_ids:
            return None
        return "a write to a mailbox that is not a %s* mailbox of the named domain" % PREFIX

    def learn(self, path, data):
        """Learn the domain's id, the ids of PREFIX mailboxes and issued tokens from an answer."""
        if path == "/api/gateway/token/" and isinstance(data, dict) and isinstance(data.get("token"), str):
            self.tokens.add(data["token"])
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(value for value in item.values() if isinstance(value, (dict, list)))
                name, ident = item.get("name"), item.get("id")
                if not isinstance(name, str) or not isinstance(ident, int):
                    continue
                if path.startswith("/api/v2/mail/domains/") and path.count("/") == 5 and name.lower() == self.config.netangels["domain"]:
                    self.domain_id = ident
                elif item.get("domain_id") == self.domain_id and self.domain_id is not None and name.lower().startswith(PREFIX):
                    self.prefixed_ids.add(ident)

    def handle(self, handler):
        """Serve one request."""
        split = urllib.parse.urlsplit(handler.path)
        path = split.path
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        vendor, url = self.upstream(path)
        if vendor is None:
            return handler.answer(404, "application/json", json.dumps({"detail": "live guard: not a vendor API path"}).encode())
        with self.lock:
            reason = self.refusal(handler.command, path, body, handler.headers.get("Content-Type", ""))
            if reason:
                self.refused.append("%s %s: %s" % (handler.command, template(path), reason))
            else:
                self.count += 1
                self.per_vendor[vendor] += 1
        if reason:
            message = "live guard refused this request: %s" % reason
            answer = {"code": 7, "message": message, "details": []} if vendor == "yandex360" else {"detail": message}
            return handler.answer(403, "application/json", json.dumps(answer).encode())
        if split.query:
            url += "?" + split.query
        headers = {name: handler.headers[name] for name in ("Authorization", "Content-Type", "Accept") if handler.headers.get(name)}
        request = urllib.request.Request(url, data=body if handler.command in WRITE_METHODS else None, method=handler.command, headers=headers)
        started = time.monotonic()
        try:
            try:
                response = OPENER.open(request, timeout=60)
            except urllib.error.HTTPError as exc:
                response = exc
            with response:
                status, data, answer_headers = response.status if hasattr(response, "status") else response.code, response.read(), response.headers
        except (OSError, urllib.error.URLError):
            with self.lock:
                self.log.append({"vendor": vendor, "method": handler.command, "path": template(path), "status": None})
            handler.close_connection = True
            return None
        content_type = answer_headers.get("Content-Type", "")
        with self.lock:
            self.log.append({"vendor": vendor, "method": handler.command, "path": template(path), "status": status,
                             "content_type": content_type.split(";")[0], "retry_after": answer_headers.get("Retry-After"),
                             "seconds": round(time.monotonic() - started, 3)})
            if "json" in content_type and vendor == "netangels":
                try:
                    self.learn(path, json.loads(data))
                except ValueError:
                    pass
        extra = {name: answer_headers[name] for name in ("Retry-After", "Location") if answer_headers.get(name)}
        return handler.answer(status, content_type, data, extra)


class _GuardHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def answer(self, status, content_type, data, extra=None):
        """Write an answer."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_any(self):
        """Every method goes to the guard."""
        self.server.guard.handle(self)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_any


def template(path):
    """A path with its numbers replaced (no ids, no org id in the report)."""
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)


def batch_names(body, content_type):
    """The ``name`` column of a multipart CSV upload, or None when it cannot be read."""
    try:
        message = email.parser.BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        names = []
        for part in message.walk():
            if part.get_filename() is None:
                continue
            text = part.get_payload(decode=True).decode("utf-8-sig")
            delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
            for row in csv.DictReader(io.StringIO(text), delimiter=delimiter):
                names.append((row.get("name") or "").strip())
        return names or None
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None


# ---------------------------------------------------------------------------------------------
# a tiny HTTP client for the probes and the pre-flight (always through the guard)
# ---------------------------------------------------------------------------------------------

class Answer:  # pylint: disable=too-few-public-methods
    """One answer: ``status``, ``headers``, ``body`` (parsed JSON, or text), ``raw`` text."""

    def __init__(self, status, headers, raw):
        self.status, self.headers, self.raw = status, headers, raw
        try:
            self.body = json.loads(raw) if raw else None
        except ValueError:
            self.body = raw


class Client:
    """Calls through the guard for one run."""

    def __init__(self, config, guard_url):
        self.config = config
        self.url = guard_url
        self._token = None

    # pylint: disable-next=too-many-arguments,too-many-positional-arguments
    def call(self, method, path, body=None, auth="bearer", content_type=None, raw_body=None):
        """Send one request and return an Answer (None: no answer)."""
        headers = {"Accept": "application/json"}
        if auth == "bearer":
            headers["Authorization"] = "Bearer " + self.token()
        elif auth == "oauth":
            headers["Authorization"] = "OAuth " + self.config.yandex["oauth_token"]
        elif auth:
            headers["Authorization"] = auth
        data = raw_body
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            try:
                response = OPENER.open(request, timeout=90)
            except urllib.error.HTTPError as exc:
                response = exc
            with response:
                return Answer(response.code, response.headers, response.read().decode("utf-8", "replace"))
        except (OSError, urllib.error.URLError):
            return Answer(None, {}, "")

    def token(self):
        """A gateway token (exchanged once)."""
        if self._token is None:
            answer = self.call("POST", "/api/gateway/token/", auth=None, content_type="application/x-www-form-urlencoded",
                               raw_body=urllib.parse.urlencode({"api_key": self.config.netangels["api_key"]}).encode())
            if answer.status != 200 or not isinstance(answer.body, dict) or "token" not in answer.body:
                raise RuntimeError("the NetAngels key exchange answered %s" % answer.status)
            self._token = answer.body["token"]
        return self._token

    def walk(self, path):
        """Every entity of a paged NetAngels list."""
        offset, items = 0, []
        while True:
            answer = self.call("GET", "%s?offset=%d&limit=100" % (path, offset))
            if answer.status != 200:
                raise RuntimeError("GET %s answered %s" % (template(path), answer.status))
            items.extend(answer.body.get("entities") or [])
            offset += 100
            if offset >= int(answer.body.get("count") or 0):
                return items

    def domain_id(self):
        """The named domain's id (the guard learns it from the same answer)."""
        for domain in self.walk("/api/v2/mail/domains/"):
            if str(domain.get("name", "")).lower() == self.config.netangels["domain"]:
                return domain["id"]
        raise RuntimeError("the NetAngels account has no mail domain %s" % self.config.netangels["domain"])

    def prefixed_mailboxes(self, domain_id):
        """The PREFIX mailboxes of the domain."""
        return [m for m in self.walk("/api/v2/mail/domains/%d/mailboxes/" % domain_id) if str(m.get("name", "")).lower().startswith(PREFIX)]

    def rules_path(self):
        return "/admin/v1/org/%s/mail/routing/rules" % self.config.yandex["org_id"]

    def rules(self):
        """The organisation's routing rules as read."""
        answer = self.call("GET", self.rules_path(), auth="oauth")
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise RuntimeError("reading the routing rules answered %s" % answer.status)
        return answer.body.get("rules") or []

    def put_rules(self, rules):
        """Replace the organisation's rules; return the Answer."""
        return self.call("PUT", self.rules_path(), body={"rules": rules}, auth="oauth")


# ---------------------------------------------------------------------------------------------
# the assumptions and their probes
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------------

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
        handle.write("# Written by hack/live.py for one live run; removed at its end.\n")
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


def run_ansible(config, guard, report_dir, args, results, passwords):  # pylint: disable=too-many-arguments,too-many-positional-arguments
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
        targets = [t for vendor, names in LIVE_TARGETS.items() if getattr(config, "netangels" if vendor == "netangels" else "yandex") for t in names]
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
        done = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_secrets.py"), "--secrets-file", path] + files,
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
        # ansible-test needs the tree at ansible_collections/NS/NAME: run in the build copy
        copy = subprocess.run([os.path.join("hack", "build-copy.sh")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True)
        os.chdir(copy.stdout.strip().splitlines()[-1])
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


# ---------------------------------------------------------------------------------------------
# the self-test: live mode against the sandbox without its control interface
# ---------------------------------------------------------------------------------------------

SELF_TEST_SEED = os.path.join("tests", "sandbox", "seed.json")


class Sandbox:
    """``python -m tests.sandbox --no-control`` in the background."""

    def __init__(self, workdir, *options):
        self.url_file = os.path.join(workdir, "sandbox-%d.url" % int(time.time() * 1000))
        self.log = open(os.path.join(workdir, "sandbox.log"), "a", encoding="utf-8")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen([sys.executable, "-m", "tests.sandbox", "--no-control", "--seed", SELF_TEST_SEED,  # pylint: disable=consider-using-with
                                         "--url-file", self.url_file] + list(options), stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        for dummy in range(300):
            if os.path.exists(self.url_file):
                with open(self.url_file, encoding="utf-8") as handle:
                    self.url = handle.read().strip()
                if self.url:
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the sandbox did not start (log: %s)" % self.log.name)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

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
    """(0) PROBES and the targets are complete; (d) no credentials; (a) a passing run; (c) leftovers; (b) a disagreement."""
    problems = []
    base = os.path.abspath(args.report_dir)
    os.makedirs(base, exist_ok=True)

    def expect(what, condition):
        print("self-test: %s: %s" % ("ok" if condition else "FAILED", what), flush=True)
        if not condition:
            problems.append(what)

    def run(env, *extra, report_dir):
        command = [sys.executable, os.path.abspath(__file__), "--report-dir", report_dir] + list(extra)
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

    sandbox = Sandbox(base)
    try:
        env = sandbox.env("example.org")
        with Guard(Config(env), 100, 120) as guard:
            client = Client(guard.config, guard.url)
            domain_id = client.domain_id()
            before = client.walk("/api/v2/mail/domains/%d/mailboxes/" % domain_id)
            own_rules = [{"condition": {"address:to": "postmaster@corp.test"}, "actions": [{"action": "forward", "data": {"email": "ops@corp.test"}}]}]
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
        logs = [os.path.join(base, "agreed.out")] + [os.path.join(base, "agreed", name) for name in ("integration.log", "live-playbook.log", "report.md")]
        check = subprocess.run([sys.executable, os.path.join("hack", "check_secrets.py"), "--seed", SELF_TEST_SEED,
                                "--secrets-file", os.path.join(base, "agreed", "secrets.txt"),
                                "--secrets-file", os.path.join("tests", "integration", "secrets.txt")] + [p for p in logs if os.path.exists(p)],
                               capture_output=True, text=True, check=False)
        expect("(a) no secret in the live-mode output and logs (%s)" % check.stdout.strip().replace("\n", " / ")[:300], check.returncode == 0)
    finally:
        sandbox.stop()

    sandbox = Sandbox(base, "--aliases-shape", "list", "--expired-token-status", "401")
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
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
