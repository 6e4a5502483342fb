# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The guard: a counting, write-scoping reverse proxy on loopback in front of the vendor APIs.

Every request of a live run, the probes' and the modules', goes through it. Its write rules and bounds
(``Guard.refusal``) are the one place where live mode's safety is enforced.
"""

from __future__ import annotations

import csv
import email.parser
import io
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .config import CLEANUP_RESERVE, PREFIX, WRITE_METHODS


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
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
