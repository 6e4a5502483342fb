# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of the API sandbox (tests/sandbox): both vendor APIs, faults, control interface and CLI.

Every test talks HTTP to a real sandbox on loopback through ``requests``; the ``sandbox`` fixture
resets it to the default seed before each test.
"""

# pylint: disable=redefined-outer-name,unused-import

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from ansible_collections.mailops.hosted_mail.tests.sandbox import SandboxServer, assumptions
from ansible_collections.mailops.hosted_mail.tests.sandbox import __main__ as sandbox_cli
from ansible_collections.mailops.hosted_mail.tests.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401

API_KEY = "sandbox-api-key-0123456789"
STATIC_TOKEN = "sandbox-static-token-abcdef"
OAUTH_TOKEN = "sandbox-oauth-token-0123456789"
READONLY_OAUTH_TOKEN = "sandbox-oauth-readonly-0123456789"
ORG_ID = 424242
EXAMPLE_ORG = 1002
BIG_DOMAIN = 1003
COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def netangels(sb, method, path, token=STATIC_TOKEN, **kwargs):
    """Call the NetAngels mail API (``path`` below /api/v2/mail)."""
    headers = {"Authorization": "Bearer %s" % token} if token else {}
    return requests.request(method, sb.url + "/api/v2/mail" + path, headers=headers, timeout=10, **kwargs)


def yandex(sb, method, org_id=ORG_ID, token=OAUTH_TOKEN, scheme="OAuth", **kwargs):
    """Call the Yandex 360 routing rules API."""
    headers = {"Authorization": "%s %s" % (scheme, token)} if token else {}
    return requests.request(method, "%s/admin/v1/org/%s/mail/routing/rules" % (sb.url, org_id), headers=headers, timeout=10, **kwargs)


def control(sb, method, path, **kwargs):
    """Call the control interface."""
    return requests.request(method, sb.url + "/_sandbox/" + path, timeout=10, **kwargs)


def exchange(sb, api_key=API_KEY):
    """Exchange an API key at the token gateway."""
    return requests.post(sb.url + "/api/gateway/token/", data={"api_key": api_key}, timeout=10)


def seed_mailboxes(sb, count, domain="big.example.net", prefix="user"):
    """Add ``count`` mailboxes to a domain."""
    sb.seed({"netangels": {"mailboxes": [{"domain": domain, "name": "%s%03d" % (prefix, index)} for index in range(count)]}})


# -- NetAngels: authentication -----------------------------------------------------------------------

def test_token_exchange_and_use(sandbox):
    answer = exchange(sandbox)
    assert answer.status_code == 200
    token = answer.json()["token"]
    assert token.count(".") == 2
    assert netangels(sandbox, "GET", "/domains/", token=token).status_code == 200
    assert token in control(sandbox, "GET", "issued-tokens").json()["tokens"]


def test_token_gateway_errors(sandbox):
    bad = exchange(sandbox, "wrong-key")
    assert bad.status_code == 401 and bad.json()["detail"]
    missing = requests.post(sandbox.url + "/api/gateway/token/", data={}, timeout=10)
    assert missing.status_code == 400 and "api_key" in missing.json()["errors"]


def test_missing_unknown_and_expired_tokens(sandbox):
    assert netangels(sandbox, "GET", "/domains/", token=None).status_code == 401
    unknown = netangels(sandbox, "GET", "/domains/", token="not-a-token")
    assert unknown.status_code == 403 and unknown.json()["detail"]
    token = exchange(sandbox).json()["token"]
    assert control(sandbox, "POST", "expire-tokens").json() == {"expired": 1}
    assert netangels(sandbox, "GET", "/domains/", token=token).status_code == 403
    assert netangels(sandbox, "GET", "/domains/").status_code == 200, "static tokens survive a plain expire-tokens"
    control(sandbox, "PUT", "settings", json={"expired_token_status": 401})
    assert netangels(sandbox, "GET", "/domains/", token=token).status_code == 401
    control(sandbox, "POST", "expire-tokens", json={"include_static": True})
    assert netangels(sandbox, "GET", "/domains/").status_code == 401


def test_token_ttl(sandbox):
    sandbox.settings(token_ttl=0.3)
    token = exchange(sandbox).json()["token"]
    assert netangels(sandbox, "GET", "/domains/", token=token).status_code == 200
    time.sleep(0.4)
    assert netangels(sandbox, "GET", "/domains/", token=token).status_code == 403


# -- NetAngels: lists --------------------------------------------------------------------------------

def test_domains_paging(sandbox):
    first = netangels(sandbox, "GET", "/domains/").json()
    assert first["count"] == 3
    assert [domain["name"] for domain in first["entities"]] == ["example.com", "example.org", "big.example.net"]
    assert set(first["entities"][0]) == {"id", "name", "state", "validated", "quota", "used", "dkim"}
    assert first["entities"][1]["used"] == 1060
    assert netangels(sandbox, "GET", "/domains/", params={"offset": 2, "limit": 10}).json()["entities"][0]["id"] == BIG_DOMAIN
    assert netangels(sandbox, "GET", "/domains/", params={"limit": 9}).status_code == 400


def test_mailbox_list_pages(sandbox):
    seed_mailboxes(sandbox, 45)
    seen = []
    for offset in range(0, 50, 10):
        answer = netangels(sandbox, "GET", "/domains/%d/mailboxes/" % BIG_DOMAIN, params={"offset": offset, "limit": 10}).json()
        assert answer["count"] == 45
        seen.extend(mailbox["id"] for mailbox in answer["entities"])
    assert len(seen) == 45 and seen == sorted(seen)
    assert len(netangels(sandbox, "GET", "/domains/%d/mailboxes/" % BIG_DOMAIN).json()["entities"]) == assumptions.PAGE_LIMIT_DEFAULT
    assert len(netangels(sandbox, "GET", "/domains/%d/mailboxes/" % BIG_DOMAIN, params={"limit": 100}).json()["entities"]) == 45
    assert netangels(sandbox, "GET", "/domains/%d/mailboxes/" % BIG_DOMAIN, params={"offset": 45, "limit": 10}).json()["entities"] == []


@pytest.mark.parametrize("params, field", [({"limit": 9}, "limit"), ({"limit": 101}, "limit"), ({"limit": "ten"}, "limit"),
                                           ({"offset": -1}, "offset")])
def test_mailbox_list_bad_paging(sandbox, params, field):
    answer = netangels(sandbox, "GET", "/domains/%d/mailboxes/" % EXAMPLE_ORG, params=params)
    assert answer.status_code == 400 and field in answer.json()["errors"]


def test_mailbox_list_unknown_domain_and_missing_slash(sandbox):
    assert netangels(sandbox, "GET", "/domains/999/mailboxes/").status_code == 404
    missing_slash = netangels(sandbox, "GET", "/domains/%d/mailboxes" % EXAMPLE_ORG)
    assert missing_slash.status_code == 404 and missing_slash.json()["detail"]


@pytest.mark.parametrize("mode, expected", [("substring", ["support"]), ("ignore", ["info", "sales", "support", "archive", "former.staff"]),
                                            ("none", [])])
def test_filter_modes(sandbox, mode, expected):
    sandbox.settings(filter_mode=mode)
    answer = netangels(sandbox, "GET", "/domains/%d/mailboxes/" % EXAMPLE_ORG, params={"filter": "SUPP"}).json()
    assert [mailbox["name"] for mailbox in answer["entities"]] == expected
    assert answer["count"] == len(expected)


# -- NetAngels: mailboxes ------------------------------------------------------------------------------

def test_create_mailbox(sandbox):
    body = {"domain_id": EXAMPLE_ORG, "name": "new.user", "password": "PassWord", "comment": "Ящик номер 1"}
    answer = netangels(sandbox, "POST", "/mailboxes/", json=body)
    assert answer.status_code == 201
    mailbox = answer.json()
    assert set(mailbox) == {"id", "name", "aliases", "comment", "created", "domain_id", "is_local", "quota", "state", "updated", "used"}
    assert mailbox["name"] == "new.user" and mailbox["aliases"] == "" and mailbox["state"] == "active"
    assert mailbox["comment"] == "Ящик номер 1"
    assert netangels(sandbox, "GET", "/mailboxes/%d/" % mailbox["id"]).json() == mailbox


@pytest.mark.parametrize("body, field", [
    ({"domain_id": EXAMPLE_ORG, "name": "info", "password": "PassWord1"}, "name"),
    ({"domain_id": EXAMPLE_ORG, "name": "Upper", "password": "PassWord1"}, "name"),
    ({"domain_id": EXAMPLE_ORG, "name": "a@example.org", "password": "PassWord1"}, "name"),
    ({"domain_id": EXAMPLE_ORG, "password": "PassWord1"}, "name"),
    ({"domain_id": EXAMPLE_ORG, "name": "short.pw", "password": "short"}, "password"),
    ({"domain_id": EXAMPLE_ORG, "name": "space.pw", "password": "with space"}, "password"),
    ({"domain_id": 999, "name": "nodomain", "password": "PassWord1"}, "domain_id"),
    ({"domain_id": "1002", "name": "strid", "password": "PassWord1"}, "domain_id"),
    ({"domain_id": EXAMPLE_ORG, "name": "badcomment", "password": "PassWord1", "comment": None}, "comment"),
])
def test_create_mailbox_validation(sandbox, body, field):
    answer = netangels(sandbox, "POST", "/mailboxes/", json=body)
    assert answer.status_code == 400
    assert field in answer.json()["errors"] and answer.json()["detail"]
    assert "PassWord1" not in answer.text and "short" not in answer.json()["errors"].get("password", [""])[0]


def test_create_mailbox_needs_json(sandbox):
    answer = netangels(sandbox, "POST", "/mailboxes/", data={"domain_id": EXAMPLE_ORG, "name": "form", "password": "PassWord1"})
    assert answer.status_code == 400 and answer.json()["detail"]


def test_update_mailbox(sandbox):
    body = {"comment": "Sales", "quota": 4096, "is_local": False, "aliases": ["A@Example.com", "b@example.net"], "password": "ignored1"}
    answer = netangels(sandbox, "PUT", "/mailboxes/5002/", json=body)
    assert answer.status_code == 201
    mailbox = answer.json()
    assert (mailbox["comment"], mailbox["quota"], mailbox["is_local"]) == ("Sales", 4096, False)
    assert mailbox["aliases"] == "a@example.com,b@example.net"
    single = netangels(sandbox, "PUT", "/mailboxes/5002/", json={"aliases": "only@example.com"}).json()
    assert single["aliases"] == "only@example.com"
    assert netangels(sandbox, "PUT", "/mailboxes/5002/", json={"aliases": []}).json()["aliases"] == ""
    assert sandbox.snapshot()["netangels"]["mailboxes"][1]["password_version"] == 1, "PUT ignores password"


@pytest.mark.parametrize("body, field, shown", [({"quota": "big"}, "quota", "big"), ({"quota": 0}, "quota", "0"),
                                                ({"quota": 10 ** 6}, "quota", "1000000"), ({"quota": True}, "quota", "True"),
                                                ({"is_local": "yes"}, "is_local", "yes"), ({"aliases": ["not-an-address"]}, "aliases", "not-an-address"),
                                                ({"aliases": 5}, "aliases", "5"), ({"comment": "x" * 300}, "comment", "255")])
def test_update_mailbox_validation(sandbox, body, field, shown):
    answer = netangels(sandbox, "PUT", "/mailboxes/5002/", json=body)
    assert answer.status_code == 400
    assert shown in answer.json()["errors"][field][0]
    assert netangels(sandbox, "GET", "/mailboxes/5002/").json()["quota"] == 1024, "nothing applied"


@pytest.mark.parametrize("method, suffix", [("GET", ""), ("PUT", ""), ("DELETE", ""), ("PUT", "add-alias/"), ("PUT", "delete-alias/"),
                                            ("PUT", "change-password/"), ("PUT", "disable/"), ("PUT", "cleanup/")])
def test_unknown_mailbox_is_404(sandbox, method, suffix):
    answer = netangels(sandbox, method, "/mailboxes/9999/" + suffix, json={})
    assert answer.status_code == 404 and "9999" in answer.json()["detail"]


def test_delete_mailbox(sandbox):
    answer = netangels(sandbox, "DELETE", "/mailboxes/5002/")
    assert answer.status_code == 200 and answer.json() == {}
    assert netangels(sandbox, "GET", "/mailboxes/5002/").status_code == 404


def test_aliases(sandbox):
    added = netangels(sandbox, "PUT", "/mailboxes/5001/add-alias/", json={"alias": "New@Example.com"})
    assert added.status_code == 201 and added.json()["aliases"] == "office@example.com,new@example.com"
    again = netangels(sandbox, "PUT", "/mailboxes/5001/add-alias/", json={"alias": "new@example.com"})
    assert again.status_code == 400 and "new@example.com" in again.json()["errors"]["alias"][0]
    removed = netangels(sandbox, "PUT", "/mailboxes/5001/delete-alias/", json={"alias": "office@example.com"})
    assert removed.status_code == 201 and removed.json()["aliases"] == "new@example.com"
    assert netangels(sandbox, "PUT", "/mailboxes/5001/delete-alias/", json={"alias": "office@example.com"}).status_code == 400
    assert netangels(sandbox, "PUT", "/mailboxes/5001/add-alias/", json={}).status_code == 400
    assert netangels(sandbox, "PUT", "/mailboxes/5001/add-alias/", json={"alias": "broken@"}).status_code == 400
    sandbox.settings(alias_conflict="ignore", aliases_shape="list")
    lenient = netangels(sandbox, "PUT", "/mailboxes/5001/delete-alias/", json={"alias": "office@example.com"})
    assert lenient.status_code == 201 and lenient.json()["aliases"] == ["new@example.com"]


def test_change_password(sandbox):
    answer = netangels(sandbox, "PUT", "/mailboxes/5001/change-password/", json={"password": "Brand-New-Pass1"})
    assert answer.status_code == 201 and "password" not in answer.json()
    assert "Brand-New-Pass1" not in answer.text
    assert sandbox.snapshot()["netangels"]["mailboxes"][0]["password_version"] == 2
    assert netangels(sandbox, "PUT", "/mailboxes/5001/change-password/", json={"password": "tiny"}).status_code == 400
    assert netangels(sandbox, "PUT", "/mailboxes/5001/change-password/", json={}).status_code == 400


def test_disable_and_cleanup(sandbox):
    assert netangels(sandbox, "PUT", "/mailboxes/5001/disable/").status_code == 200
    assert netangels(sandbox, "GET", "/mailboxes/5001/").json()["state"] == "disabled"
    assert netangels(sandbox, "PUT", "/mailboxes/5001/disable/").status_code == 200
    assert netangels(sandbox, "PUT", "/mailboxes/5001/cleanup/").status_code == 200
    assert netangels(sandbox, "GET", "/mailboxes/5001/").json()["used"] == 0
    forbidden = netangels(sandbox, "PUT", "/mailboxes/5004/cleanup/")
    assert forbidden.status_code == 400 and forbidden.json()["detail"] == assumptions.CLEANUP_FORBIDDEN_MESSAGE
    assert netangels(sandbox, "GET", "/mailboxes/5004/").json()["used"] == 900


def upload(sb, text, domain_id=EXAMPLE_ORG, field="file"):
    """POST a CSV text to batch-create."""
    return netangels(sb, "POST", "/domains/%d/mailboxes/batch-create/" % domain_id,
                     files={field: ("mailboxes.csv", text.encode("utf-8"), "text/csv")})


def test_batch_create(sandbox):
    answer = upload(sandbox, "\ufeffname,password,comment\nalice,Alice-Pass1,\"Alice, the first\"\n\nbob,Bob-Pass-1,\n")
    assert answer.status_code == 200
    assert answer.json()["count"] == 2
    assert [(mailbox["name"], mailbox["comment"]) for mailbox in answer.json()["entities"]] == [("alice", "Alice, the first"), ("bob", "")]
    assert upload(sandbox, "password,name\nCarol-Pass1,carol\n").status_code == 200


@pytest.mark.parametrize("text, shown", [
    ("name,password\nalice,Alice-Pass1\nBad Name,Bob-Pass-1\n", "line 3: name"),
    ("name,password\nalice,Alice-Pass1\nbob,short\n", "line 3: password"),
    ("name,password\nalice,Alice-Pass1\nalice,Alice-Pass2\n", "line 3: name"),
    ("name,password\ninfo,Info-Pass-1\n", "line 2: name"),
    ("name,password\nalice,Alice-Pass1,extra\n", "line 2: expected 2 fields"),
    ("login,password\nalice,Alice-Pass1\n", "line 1: bad header"),
    ("name,password\n", "no mailbox rows"),
])
def test_batch_create_validation(sandbox, text, shown):
    answer = upload(sandbox, text)
    assert answer.status_code == 400
    assert shown in answer.json()["errors"]["file"][0]
    assert "Pass" not in answer.text
    assert sandbox.state.find_mailbox(EXAMPLE_ORG, "alice") is None, "all or nothing"


def test_batch_create_upload_errors(sandbox):
    assert upload(sandbox, "name,password\nalice,Alice-Pass1\n", field="csv").status_code == 400
    assert upload(sandbox, "name,password\nalice,Alice-Pass1\n", domain_id=999).status_code == 404


# -- Yandex 360 -----------------------------------------------------------------------------------------

def test_yandex_rules_round_trip(sandbox):
    assert yandex(sandbox, "GET").json() == {"rules": []}
    rules = [
        {"condition": {"address:from": "spam@example.com"}, "actions": [{"action": "drop", "data": {"email": "x@example.com"}}],
         "scope": {"direction": "inbound"}, "terminal": True},
        {"condition": None, "actions": [{"action": "forward", "data": {"email": "archive@example.org"}}],
         "scope": {"direction": "outbound"}, "terminal": False},
        {"condition": {}, "actions": [{}]},
    ]
    answer = yandex(sandbox, "PUT", json={"rules": rules})
    assert answer.status_code == 200 and answer.json() == {}
    assert yandex(sandbox, "GET").json() == {"rules": [
        {"terminal": True, "condition": {"address:from": "spam@example.com"}, "actions": [{"action": "drop"}]},
        {"condition": None, "actions": [{"action": "forward", "data": {"email": "archive@example.org"}}], "scope": {"direction": "outbound"}},
        {"condition": {}, "actions": [{"action": "drop"}]},
    ]}
    assert yandex(sandbox, "PUT", json={}).status_code == 200
    assert yandex(sandbox, "GET").json() == {"rules": []}


@pytest.mark.parametrize("condition", [
    {"address:from": "friend@mail.ru"},
    {"from": ["Alice", "Bob"]},
    {"subject": {"$contains": {"$any": ["hello", "bye"]}}},
    {"header:x-yandex-forward": {"$exists": False}},
    {"$and": [{"address:from": {"$contains": "@yandex.ru"}}, {"$or": [{"subject": {"$contains": "hello"}}, {"subject": {"$contains": "bye"}}]}]},
    {"tocc": {"$all": ["a@example.com", {"$base64": "Yg=="}]}, "body": {"$not-contains": {"$base64": "aGVsbG8="}}},
    {"attach:filename": {"$ne": ["a.exe", "b.exe"]}, "cc": {"$eq": "x"}},
])
def test_yandex_condition_grammar_accepted(sandbox, condition):
    answer = yandex(sandbox, "PUT", json={"rules": [{"condition": condition, "actions": [{"action": "drop"}]}]})
    assert answer.status_code == 200, answer.text
    assert yandex(sandbox, "GET").json()["rules"][0]["condition"] == condition


@pytest.mark.parametrize("rule, shown", [
    ({"condition": {"sender": "x"}, "actions": [{"action": "drop"}]}, "rules[0].condition.sender"),
    ({"condition": {"header:bad name": "x"}, "actions": [{"action": "drop"}]}, "header:bad name"),
    ({"condition": {"subject": {"$exists": True}}, "actions": [{"action": "drop"}]}, "$exists"),
    ({"condition": {"subject": {"$contains": "a", "$ne": "b"}}, "actions": [{"action": "drop"}]}, "exactly one operator"),
    ({"condition": {"subject": {"$regex": "a"}}, "actions": [{"action": "drop"}]}, "rules[0].condition.subject"),
    ({"condition": {"subject": []}, "actions": [{"action": "drop"}]}, "non-empty"),
    ({"condition": {"subject": {"$base64": "***"}}, "actions": [{"action": "drop"}]}, "base64"),
    ({"condition": {"$and": {"subject": "x"}}, "actions": [{"action": "drop"}]}, "$and"),
    ({"condition": "subject", "actions": [{"action": "drop"}]}, "condition"),
    ({"actions": [{"action": "forward"}]}, "rules[0].actions[0].data.email"),
    ({"actions": [{"action": "forward", "data": {"email": "nobody"}}]}, "nobody"),
    ({"actions": [{"action": "reject"}]}, "reject"),
    ({"actions": []}, "at least one action"),
    ({"actions": [{"action": "drop"}], "scope": {"direction": "sideways"}}, "sideways"),
    ({"actions": [{"action": "drop"}], "terminal": "yes"}, "terminal"),
    ({"actions": [{"action": "drop"}], "name": "mine"}, "unknown field"),
])
def test_yandex_rule_validation(sandbox, rule, shown):
    answer = yandex(sandbox, "PUT", json={"rules": [rule]})
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == 3 and body["details"] == [] and shown in body["message"]


def test_yandex_auth_errors(sandbox):
    sandbox.seed({"yandex360": {"orgs": [{"id": 555}]}})
    for kwargs, status in [({"token": None}, 401), ({"token": "unknown"}, 401), ({"scheme": "Bearer"}, 401), ({"org_id": 999}, 404),
                           ({"org_id": 555}, 403), ({"org_id": "abc"}, 400)]:
        answer = yandex(sandbox, "GET", **kwargs)
        assert answer.status_code == status, kwargs
        assert set(answer.json()) == {"code", "message", "details"}
    assert yandex(sandbox, "GET", token=READONLY_OAUTH_TOKEN).status_code == 200
    assert yandex(sandbox, "PUT", token=READONLY_OAUTH_TOKEN, json={"rules": []}).status_code == 403
    assert yandex(sandbox, "PUT", data="not json").status_code == 400


# -- faults -----------------------------------------------------------------------------------------------

def test_fault_429_with_retry_after(sandbox):
    control(sandbox, "PUT", "faults", json={"faults": [{"kind": "429", "next": 2, "retry_after": 3, "path": "/api/v2/mail/domains/"}]})
    statuses = []
    for dummy in range(3):
        answer = netangels(sandbox, "GET", "/domains/")
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            assert answer.headers["Retry-After"] == "3" and answer.json()["detail"]
    assert statuses == [429, 429, 200]
    assert control(sandbox, "GET", "faults").json()["faults"][0]["next"] == 0


@pytest.mark.parametrize("kind, content_type", [("500", "application/json"), ("502", "text/html"), ("503", "text/html")])
def test_fault_5xx(sandbox, kind, content_type):
    sandbox.set_faults([{"kind": kind, "next": 1}])
    answer = yandex(sandbox, "GET")
    assert answer.status_code == int(kind) and answer.headers["Content-Type"].startswith(content_type)
    assert yandex(sandbox, "GET").status_code == 200


def test_fault_rate_is_deterministic(sandbox):
    def run():
        sandbox.set_faults({"seed": 7, "faults": [{"kind": "503", "rate": 0.5}]})
        return [netangels(sandbox, "GET", "/domains/").status_code for dummy in range(16)]
    first = run()
    assert first == run()
    assert set(first) == {200, 503}


def test_fault_limited_by_method_and_path(sandbox):
    sandbox.set_faults([{"kind": "500", "method": "PUT", "path": "/api/v2/mail/mailboxes/"}])
    assert netangels(sandbox, "GET", "/mailboxes/5001/").status_code == 200
    assert netangels(sandbox, "PUT", "/mailboxes/5001/", json={"quota": 2000}).status_code == 500
    assert yandex(sandbox, "PUT", json={"rules": []}).status_code == 200
    assert netangels(sandbox, "GET", "/mailboxes/5001/").json()["quota"] == 2048


def test_fault_path_wildcard_matches_one_action_of_any_mailbox(sandbox):
    sandbox.set_faults([{"kind": "500", "method": "PUT", "path": "/api/v2/mail/mailboxes/*/disable/"}])
    assert netangels(sandbox, "PUT", "/mailboxes/5001/", json={"quota": 2000}).status_code == 201
    assert netangels(sandbox, "PUT", "/mailboxes/5002/cleanup/").status_code == 200
    assert netangels(sandbox, "PUT", "/mailboxes/5001/disable/").status_code == 500
    assert netangels(sandbox, "PUT", "/mailboxes/5002/disable/").status_code == 500


def test_fault_drop_processes_nothing(sandbox):
    sandbox.set_faults([{"kind": "drop", "next": 1, "method": "POST"}])
    with pytest.raises(requests.ConnectionError):
        netangels(sandbox, "POST", "/mailboxes/", json={"domain_id": EXAMPLE_ORG, "name": "dropped", "password": "PassWord1"})
    assert sandbox.state.find_mailbox(EXAMPLE_ORG, "dropped") is None
    assert sandbox.requests(method="POST")[-1]["fault"] == "drop"
    assert netangels(sandbox, "GET", "/domains/").status_code == 200


def test_fault_lost_response_commits_the_write(sandbox):
    sandbox.set_faults([{"kind": "lost_response", "next": 1}])
    with pytest.raises(requests.ConnectionError):
        netangels(sandbox, "PUT", "/mailboxes/5001/add-alias/", json={"alias": "lost@example.com"})
    assert "lost@example.com" in netangels(sandbox, "GET", "/mailboxes/5001/").json()["aliases"]
    entry = sandbox.requests()[0]
    assert (entry["status"], entry["fault"]) == (201, "lost_response")


def test_fault_latency_and_control_never_faulted(sandbox):
    sandbox.set_faults([{"kind": "latency", "seconds": 0.2}, {"kind": "503"}])
    started = time.monotonic()
    assert netangels(sandbox, "GET", "/domains/").status_code == 503
    assert time.monotonic() - started >= 0.2
    assert control(sandbox, "GET", "state").status_code == 200
    assert control(sandbox, "DELETE", "faults").json()["faults"] == []
    assert netangels(sandbox, "GET", "/domains/").status_code == 200


@pytest.mark.parametrize("body", ["", "[]", '{"count": "x"}'])
def test_fault_200_answers_a_body_of_the_wrong_shape_and_processes_nothing(sandbox, body):
    sandbox.set_faults([{"kind": "200", "body": body, "next": 1, "method": "POST"}])
    answer = netangels(sandbox, "POST", "/mailboxes/", json={"domain_id": EXAMPLE_ORG, "name": "shaped", "password": "PassWord1"})
    assert answer.status_code == 200 and answer.text == body
    assert sandbox.state.find_mailbox(EXAMPLE_ORG, "shaped") is None
    assert sandbox.requests(method="POST")[-1]["fault"] == "200"


@pytest.mark.parametrize("change, delta", [("delete", -1), ("add", 1)])
def test_fault_churn_answers_then_changes_the_domain_as_another_client(sandbox, change, delta):
    before = netangels(sandbox, "GET", "/domains/%d/mailboxes/" % EXAMPLE_ORG).json()
    sandbox.set_faults([{"kind": "churn", "change": change, "next": 1, "method": "GET", "path": "/api/v2/mail/domains/*/mailboxes/"}])
    answer = netangels(sandbox, "GET", "/domains/%d/mailboxes/" % EXAMPLE_ORG).json()
    assert answer == before, "the answer itself is normal"
    after = netangels(sandbox, "GET", "/domains/%d/mailboxes/" % EXAMPLE_ORG).json()
    assert after["count"] == before["count"] + delta
    if change == "delete":
        assert after["entities"][0] == before["entities"][1], "the first mailbox in list order is gone"


def test_fault_silent_never_answers_until_the_rule_is_cleared(sandbox):
    sandbox.set_faults([{"kind": "silent", "method": "GET", "path": "/api/v2/mail/domains/"}])
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(sandbox.url + "/api/v2/mail/domains/", timeout=1)
    assert time.monotonic() - started >= 1
    assert control(sandbox, "GET", "faults").json()["faults"][0]["seconds"] == 3600
    sandbox.clear_faults()  # the held request is let go (its connection is closed without an answer)
    assert netangels(sandbox, "GET", "/domains/").status_code == 200


@pytest.mark.parametrize("body", [{"faults": [{"kind": "418"}]}, {"faults": [{"kind": "503", "rate": 2}]},
                                  {"faults": [{"kind": "503", "next": 1, "rate": 0.5}]}, {"faults": [{"kind": "drop", "colour": "red"}]},
                                  {"faults": [{"kind": "drop", "path": "api"}]}, {"faults": [{"kind": "503", "body": "x"}]},
                                  {"faults": [{"kind": "churn", "change": "rename"}]}, {"faults": [{"kind": "500", "change": "add"}]},
                                  {"faults": [{"kind": "silent", "seconds": 7200}]}])
def test_bad_fault_plans(sandbox, body):
    answer = control(sandbox, "PUT", "faults", json=body)
    assert answer.status_code == 400 and answer.json()["detail"]


# -- request log and control interface ------------------------------------------------------------------

def test_request_log_masks_secrets(sandbox):
    token = exchange(sandbox).json()["token"]
    netangels(sandbox, "POST", "/mailboxes/", json={"domain_id": EXAMPLE_ORG, "name": "logged", "password": "Logged-Pass1"})
    upload(sandbox, "name,password\ncsvuser,Csv-User-Pass1\n")
    log = control(sandbox, "GET", "requests").json()
    assert log["count"] == 3
    text = str(log)
    for secret in ("Logged-Pass1", "Csv-User-Pass1", API_KEY, token, STATIC_TOKEN):
        assert secret not in text
    gateway, create, batch = log["requests"]
    assert gateway["body"] == {"api_key": "********"} and gateway["status"] == 200
    assert create["body"]["password"] == "********" and create["body"]["name"] == "logged" and create["auth"] == "Bearer"
    assert batch["body"]["file"]["filename"] == "mailboxes.csv"
    assert {"method", "path", "query", "status", "time", "fault", "seq"} <= set(create)
    assert control(sandbox, "GET", "requests", params={"method": "post", "path": "/api/v2/mail/mailboxes/"}).json()["count"] == 1
    assert control(sandbox, "DELETE", "requests").status_code == 200
    assert control(sandbox, "GET", "requests").json()["count"] == 0
    secrets = control(sandbox, "GET", "issued-tokens").json()["secrets"]
    assert {"Logged-Pass1", "Csv-User-Pass1", API_KEY, token, OAUTH_TOKEN} <= set(secrets)


def test_state_reset_and_seed(sandbox):
    state = control(sandbox, "GET", "state").json()
    assert [org["id"] for org in state["yandex360"]["orgs"]] == [ORG_ID]
    assert all("password" not in mailbox for mailbox in state["netangels"]["mailboxes"])
    assert control(sandbox, "POST", "reset", json={}).json()["netangels"] == {"domains": [], "mailboxes": []}
    assert exchange(sandbox).status_code == 401
    seeded = control(sandbox, "POST", "seed", json={"netangels": {"api_keys": ["k-1"], "domains": [{"id": 7, "name": "seven.example"}],
                                                                  "mailboxes": [{"domain_id": 7, "name": "one", "aliases": "x@example.com"}]}})
    assert seeded.status_code == 200 and seeded.json()["netangels"]["mailboxes"][0]["aliases"] == ["x@example.com"]
    assert exchange(sandbox, "k-1").status_code == 200
    bad = control(sandbox, "POST", "seed", json={"netangels": {"domains": [{"id": 8, "name": "eight.example"}],
                                                               "mailboxes": [{"domain_id": 8, "name": "Bad Name"}]}})
    assert bad.status_code == 400 and "Bad Name" in bad.json()["detail"]
    assert [domain["id"] for domain in control(sandbox, "GET", "state").json()["netangels"]["domains"]] == [7], "all or nothing"
    assert control(sandbox, "POST", "seed", json={"netangels": {"domainz": []}}).status_code == 400
    control(sandbox, "POST", "reset")
    assert len(control(sandbox, "GET", "state").json()["netangels"]["mailboxes"]) == 5


def test_settings(sandbox):
    assert control(sandbox, "GET", "settings").json()["filter_mode"] == "substring"
    assert control(sandbox, "PUT", "settings", json={"aliases_shape": "list"}).json()["aliases_shape"] == "list"
    assert netangels(sandbox, "GET", "/mailboxes/5003/").json()["aliases"] == ["helpdesk@example.com", "tickets@example.net"]
    for bad in ({"filter_mode": "regex"}, {"expired_token_status": 500}, {"token_ttl": -1}, {"colour": 1}):
        assert control(sandbox, "PUT", "settings", json=bad).status_code == 400
    assert control(sandbox, "POST", "reset").json()["settings"]["aliases_shape"] == "string"


def test_concurrent_clients(sandbox):
    results = []

    def create(index):
        answer = netangels(sandbox, "POST", "/mailboxes/", json={"domain_id": BIG_DOMAIN, "name": "c%02d" % index, "password": "PassWord1"})
        results.append(answer.status_code)

    threads = [threading.Thread(target=create, args=(index,)) for index in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [201] * 24
    listing = netangels(sandbox, "GET", "/domains/%d/mailboxes/" % BIG_DOMAIN, params={"limit": 100}).json()
    assert listing["count"] == 24 and len({mailbox["id"] for mailbox in listing["entities"]}) == 24


def test_server_with_empty_seed_and_settings():
    with SandboxServer(seed={}, settings={"filter_mode": "ignore"}) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert control(server, "GET", "state").json()["settings"]["filter_mode"] == "ignore"
        assert exchange(server).status_code == 401
    with pytest.raises(ValueError):
        SandboxServer(host="0.0.0.0")


# -- command line -------------------------------------------------------------------------------------------

def test_cli_start_and_stop(tmp_path):
    url_file = tmp_path / "url"
    command = [sys.executable, "-m", "tests.sandbox", "--url-file", str(url_file), "--fault", "503,next=1", "--token-ttl", "60"]
    with subprocess.Popen(command, cwd=COLLECTION_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            first_line = process.stdout.readline().strip()
            assert first_line.startswith("SANDBOX_URL=http://127.0.0.1:")
            url = first_line.split("=", 1)[1]
            assert url_file.read_text(encoding="utf-8").strip() == url
            assert requests.get(url + "/_sandbox/health", timeout=10).json() == {"status": "ok"}
            assert requests.get(url + "/api/v2/mail/domains/", timeout=10).status_code == 503
            assert requests.get(url + "/_sandbox/settings", timeout=10).json()["token_ttl"] == 60
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
            assert "stopped" in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
    assert not url_file.exists()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_sandbox/health", timeout=2)


def test_cli_refuses_non_loopback():
    result = subprocess.run([sys.executable, "-m", "tests.sandbox", "--host", "0.0.0.0"], cwd=COLLECTION_ROOT, capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 2 and "loopback" in result.stderr and result.stdout == ""


def test_cli_seeds_from_flags():
    args = sandbox_cli.parse_args(["--empty", "--api-key", "flag-key-0123", "--domain", "flags.example", "--domain", "other.example=2001",
                                   "--org", "77", "--oauth-token", "flag-oauth-0123"])
    with sandbox_cli.build_server(args) as server:
        token = requests.post(server.url + "/api/gateway/token/", data={"api_key": "flag-key-0123"}, timeout=10).json()["token"]
        domains = requests.get(server.url + "/api/v2/mail/domains/", headers={"Authorization": "Bearer " + token}, timeout=10).json()
        assert sorted(d["name"] for d in domains["entities"]) == ["flags.example", "other.example"]
        assert 2001 in [d["id"] for d in domains["entities"]]
        rules = requests.get(server.url + "/admin/v1/org/77/mail/routing/rules", headers={"Authorization": "OAuth flag-oauth-0123"}, timeout=10)
        assert rules.status_code == 200 and rules.json() == {"rules": []}
        assert requests.post(server.url + "/api/gateway/token/", data={"api_key": "sandbox-api-key-0123456789"}, timeout=10).status_code == 401


def test_cli_flags_add_to_the_seed_file():
    seed = sandbox_cli.seed_from(sandbox_cli.parse_args(["--api-key", "extra-key-0123"]))
    assert seed["netangels"]["api_keys"] == ["sandbox-api-key-0123456789", "extra-key-0123"]
    with pytest.raises(ValueError, match="NAME=ID"):
        sandbox_cli.seed_from(sandbox_cli.parse_args(["--domain", "bad=x"]))
