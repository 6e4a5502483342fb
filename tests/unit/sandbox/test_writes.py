# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The sandbox's write figures (``GET /_sandbox/writes``): kinds, faults, commits and duplicates."""

# pylint: disable=redefined-outer-name,unused-import

from __future__ import annotations

import pytest
import requests

from ansible_collections.mailops.hosted_mail.tests.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401
from ansible_collections.mailops.hosted_mail.tests.sandbox.writes import classify

TOKEN = "sandbox-static-token-abcdef"
MAILBOX = "/api/v2/mail/mailboxes/5001/"


def call(sb, method, path, **kwargs):
    """One API request; a dropped or lost answer is swallowed (the log still has it)."""
    headers = {"Authorization": ("OAuth sandbox-oauth-token-0123456789" if path.startswith("/admin/") else "Bearer %s" % TOKEN)}
    try:
        return requests.request(method, sb.url + path, headers=headers, timeout=10, **kwargs).status_code
    except requests.exceptions.ConnectionError:
        return None


def figures(sb, kind):
    return next(k for k in sb.writes()["kinds"] if k["kind"] == kind)


@pytest.mark.parametrize("method, path, body, kind", [
    ("POST", "/api/v2/mail/mailboxes/", {"domain_id": 1001, "name": "x", "password": "Xx-Passw0rd"}, "create"),
    ("POST", "/api/v2/mail/domains/1001/mailboxes/batch-create/", None, "batch create"),
    ("PUT", MAILBOX, {"comment": "c"}, "update"),
    ("PUT", MAILBOX + "add-alias/", {"alias": "a@b.org"}, "add alias"),
    ("PUT", MAILBOX + "delete-alias/", {"alias": "a@b.org"}, "delete alias"),
    ("PUT", MAILBOX + "change-password/", {"password": "********"}, "password"),
    ("PUT", MAILBOX + "disable/", None, "disable"),
    ("PUT", MAILBOX + "cleanup/", None, "cleanup"),
    ("DELETE", MAILBOX, None, "delete"),
    ("PUT", "/admin/v1/org/424242/mail/routing/rules", {"rules": []}, "rules PUT"),
    ("POST", "/api/gateway/token/", {"api_key": "********"}, "token"),
])
def test_every_write_is_classified(method, path, body, kind):
    assert classify({"method": method, "path": path, "body": body})[0] == kind


@pytest.mark.parametrize("method, path", [("GET", MAILBOX), ("GET", "/api/v2/mail/domains/"), ("GET", "/admin/v1/org/1/mail/routing/rules")])
def test_reads_are_not_writes(method, path):
    assert classify({"method": method, "path": path, "body": None}) is None


def test_a_create_sent_again_after_it_was_committed_is_a_duplicate(sandbox):
    create = {"domain_id": 1001, "name": "twice", "password": "Twice-Passw0rd"}
    sandbox.set_faults([{"kind": "lost_response", "next": 1}])
    assert call(sandbox, "POST", "/api/v2/mail/mailboxes/", json=create) is None  # made, answer lost
    assert call(sandbox, "POST", "/api/v2/mail/mailboxes/", json=create) == 400  # the blind repeat: "already exists"
    assert figures(sandbox, "create") == {"kind": "create", "idempotent": False, "requests": 2, "faults": 1, "committed": 1,
                                          "duplicates": 1, "repeats": 0}
    assert sandbox.writes()["duplicates"] == 1


def test_a_create_sent_again_after_it_was_dropped_or_refused_is_no_duplicate(sandbox):
    create = {"domain_id": 1001, "name": "once", "password": "Once-Passw0rd"}
    sandbox.set_faults([{"kind": "drop", "next": 1}, {"kind": "502", "next": 1}])
    for expected in (None, 502, 201):
        assert call(sandbox, "POST", "/api/v2/mail/mailboxes/", json=create) == expected
    assert figures(sandbox, "create")["duplicates"] == 0
    assert figures(sandbox, "create")["faults"] == 2


def test_an_idempotent_write_sent_again_is_a_repeat_not_a_duplicate(sandbox):
    sandbox.set_faults([{"kind": "lost_response", "next": 1}])
    assert call(sandbox, "PUT", MAILBOX + "disable/") is None
    assert call(sandbox, "PUT", MAILBOX + "disable/") == 200
    assert call(sandbox, "PUT", MAILBOX + "add-alias/", json={"alias": "new@example.net"}) == 201
    assert call(sandbox, "PUT", MAILBOX + "add-alias/", json={"alias": "New@example.net"}) == 400
    result = sandbox.writes()
    assert (figures(sandbox, "disable")["repeats"], figures(sandbox, "disable")["duplicates"]) == (1, 0)
    assert figures(sandbox, "add alias")["duplicates"] == 1
    assert (result["requests"], result["faults"], result["reads"], result["duplicates"]) == (4, 1, 0, 1)
    assert result["faults_by_kind"] == {"lost_response": 1}


def test_the_figures_are_served_over_http(sandbox):
    call(sandbox, "GET", MAILBOX)
    answer = requests.get(sandbox.url + "/_sandbox/writes", timeout=10).json()
    assert answer == {"requests": 1, "faults": 0, "faults_by_kind": {}, "reads": 1, "duplicates": 0, "kinds": []}
