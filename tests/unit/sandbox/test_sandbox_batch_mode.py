# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The sandbox's two batch-create behaviours (setting ``batch_mode``): all or nothing, or create what it can."""

# pylint: disable=redefined-outer-name,unused-import

from __future__ import annotations

import pytest
import requests

from ansible_collections.mailops.hosted_mail.tests.sandbox import assumptions
from ansible_collections.mailops.hosted_mail.tests.sandbox import __main__ as sandbox_cli
from ansible_collections.mailops.hosted_mail.tests.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401

STATIC_TOKEN = "sandbox-static-token-abcdef"
EXAMPLE_ORG = 1002
TEXT = "name,password,comment\nalice,Alice-Pass1,first\nsales,Sales-Pass-1,taken\nbob,short,bad password\ncarol,Carol-Pass1,\n"


def upload(sb, text, domain_id=EXAMPLE_ORG):
    return requests.post(sb.url + "/api/v2/mail/domains/%d/mailboxes/batch-create/" % domain_id,
                         headers={"Authorization": "Bearer %s" % STATIC_TOKEN}, timeout=10,
                         files={assumptions.BATCH_CSV_FIELD: ("mailboxes.csv", text.encode("utf-8"), "text/csv")})


def names(sb):
    return sorted(m["name"] for m in sb.snapshot()["netangels"]["mailboxes"] if m["domain_id"] == EXAMPLE_ORG)


def test_all_or_nothing_is_the_default_and_names_the_first_bad_line(sandbox):
    assert sandbox.settings()["batch_mode"] == assumptions.BATCH_MODE == "all_or_nothing"
    before = names(sandbox)
    answer = upload(sandbox, TEXT)
    assert answer.status_code == 400
    assert answer.json()["detail"] == "file: line 3: name: mailbox 'sales' already exists"
    assert names(sandbox) == before


def test_partial_creates_every_good_row_and_lists_only_those(sandbox):
    sandbox.settings(batch_mode="partial")
    before = names(sandbox)
    answer = upload(sandbox, TEXT)
    assert answer.status_code == 200
    assert answer.json()["count"] == 2
    assert [m["name"] for m in answer.json()["entities"]] == ["alice", "carol"]
    assert names(sandbox) == sorted(before + ["alice", "carol"])
    assert "Pass" not in answer.text


@pytest.mark.parametrize("mode", assumptions.BATCH_MODES)
def test_file_problems_create_nothing_in_either_mode(sandbox, mode):
    sandbox.settings(batch_mode=mode)
    before = names(sandbox)
    too_many = "name,password\n" + "".join("u%d,Passw0rd-%d\n" % (i, i) for i in range(assumptions.BATCH_MAX_ROWS + 1))
    answer = upload(sandbox, too_many)
    assert answer.status_code == 400 and "line %d: more than %d" % (assumptions.BATCH_MAX_ROWS + 2, assumptions.BATCH_MAX_ROWS) in answer.text
    assert upload(sandbox, "login,password\nalice,Alice-Pass1\n").status_code == 400
    assert names(sandbox) == before


def test_a_duplicate_inside_one_file_is_refused_in_both_modes(sandbox):
    assert upload(sandbox, "name,password\nnew1,Passw0rd-1\nnew1,Passw0rd-2\n").status_code == 400
    sandbox.settings(batch_mode="partial")
    answer = upload(sandbox, "name,password\nnew1,Passw0rd-1\nnew1,Passw0rd-2\n")
    assert [m["name"] for m in answer.json()["entities"]] == ["new1"]


def test_the_setting_is_checked_and_the_cli_sets_it(sandbox):
    with pytest.raises(ValueError, match="batch_mode must be one of all_or_nothing, partial"):
        sandbox.settings(batch_mode="some")
    server = sandbox_cli.build_server(sandbox_cli.parse_args(["--batch-mode", "partial"]))
    assert server.state.settings["batch_mode"] == "partial"
