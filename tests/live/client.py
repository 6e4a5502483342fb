# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny HTTP client for the probes, the pre-flight and the cleanup (always through the guard).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from .config import PREFIX
from .guard import OPENER, template


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
