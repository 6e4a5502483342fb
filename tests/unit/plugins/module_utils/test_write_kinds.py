# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The table of write kinds (_writes.py) holds: each kind of write, run by the real clients against
the API sandbox behind a fault proxy, sends exactly the requests the table says in the worst case.

Three fault patterns, each kept up until the write gives up:

* ``all``: every answer is 503 (writes and the reads that would prove them);
* ``writes``: every write is answered 503 (its outcome unknown), every read is answered;
* ``throttled``: every write is answered 429 (not acted on), every read is answered.

The worst of the three is the kind's budget (:func:`_writes.worst_case`): no pattern makes a write
send more, and one makes it send exactly that. Retry waits are recorded, not slept.
"""

from __future__ import annotations

import pytest
import requests

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http, _writes
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import bulk
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient, batch_csv
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.spec import parse_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import parse_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import reads_as

KEY = 'sandbox-api-key-0123456789'
OAUTH = 'sandbox-oauth-token-0123456789'
ORG = 424242
EXAMPLE_ORG = 1002  # its mailboxes (sandbox seed): info 5001 (used, aliased), sales 5002, support 5003
PATTERNS = ('all', 'writes', 'throttled')


class FaultProxy(object):
    """Stands in front of the sandbox: answers as the pattern says, forwards the rest, counts every request."""

    def __init__(self, monkeypatch):
        self.pattern = None
        self.sent = []
        real = requests.Session.request

        def request(session, method, url, **kwargs):
            if self.pattern is None:
                return real(session, method, url, **kwargs)
            self.sent.append((method, url))
            if self.pattern == 'all' or method != 'GET':
                return self._answer(url, 429 if self.pattern == 'throttled' else 503)
            return real(session, method, url, **kwargs)

        monkeypatch.setattr(requests.Session, 'request', request)

    @staticmethod
    def _answer(url, status):
        response = requests.Response()
        response.status_code = status
        response.url = url
        response.headers['Content-Type'] = 'text/html'
        if status == 429:
            response.headers['Retry-After'] = '0'
        response._content = b'<html><body>busy</body></html>'  # pylint: disable=protected-access
        return response

    def count(self, pattern, call):
        """The requests ``call`` sends under ``pattern``; it must give up with an API error."""
        self.pattern, self.sent = pattern, []
        try:
            with pytest.raises(_http.ApiError):
                call()
        finally:
            self.pattern = None
        return len(self.sent)


@pytest.fixture
def proxy(monkeypatch, sandbox):
    sandbox.reset()
    return FaultProxy(monkeypatch)


def netangels(sandbox):
    client = NetAngelsClient(_http.Transport(), api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/', api_key=KEY)
    client.exchange_key()  # a token in hand: only the write is faulted
    return client


def rules_client(sandbox):
    return Yandex360Client(_http.Transport(), OAUTH, api_url=sandbox.url)


RULE = parse_rules([{'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}]}])


def write_of(kind, sandbox):
    """The write of ``kind``, ready to send (a token already in hand)."""
    if kind is _writes.RULES_REPLACE:
        rules = rules_client(sandbox)
        return lambda: rules.set_rules(ORG, [RULE[0].written], reads_as(RULE))
    client = netangels(sandbox)
    return {
        _writes.TOKEN_EXCHANGE: client.exchange_key,
        _writes.CREATE: lambda: client.create_mailbox(EXAMPLE_ORG, 'kinds.new', 'Write-Kinds-Pass-1'),
        _writes.UPDATE: lambda: client.update_mailbox(5001, {'comment': 'changed'}),
        _writes.ADD_ALIAS: lambda: client.add_alias(5001, 'kinds.new@example.net'),
        _writes.DELETE_ALIAS: lambda: client.delete_alias(5001, 'office@example.com'),
        _writes.CHANGE_PASSWORD: lambda: client.change_password(5001, 'Write-Kinds-Pass-2'),
        _writes.DISABLE: lambda: client.disable_mailbox(5002),
        _writes.CLEANUP: lambda: client.cleanup_mailbox(5001),
        _writes.DELETE: lambda: client.delete_mailbox(5003),
        _writes.BATCH_UPLOAD: lambda: client.batch_create(EXAMPLE_ORG, batch_csv([dict(name='kinds.batch', password='Write-Kinds-Pass-3')])[0]),
    }[kind]


# Requests of one write under each pattern. A write safe to repeat is sent 13 times, then its
# proving read has what is left of the budget; any other write is sent again only after a read
# proved the last attempt did not take effect, so with reads answered it alternates write, read
# until the budget is spent; with reads failing too, the first unanswered read ends it. An upload
# is never repeated by the transport (the bulk module reads the domain and starts over).
EXPECTED = {
    _writes.TOKEN_EXCHANGE: dict(all=13, writes=13, throttled=13),
    _writes.CREATE: dict(all=14, writes=26, throttled=13),
    _writes.UPDATE: dict(all=16, writes=14, throttled=13),
    _writes.ADD_ALIAS: dict(all=14, writes=26, throttled=13),
    _writes.DELETE_ALIAS: dict(all=14, writes=26, throttled=13),
    _writes.CHANGE_PASSWORD: dict(all=13, writes=13, throttled=13),
    _writes.DISABLE: dict(all=16, writes=14, throttled=13),
    _writes.CLEANUP: dict(all=14, writes=26, throttled=13),
    _writes.DELETE: dict(all=16, writes=14, throttled=13),
    _writes.BATCH_UPLOAD: dict(all=1, writes=1, throttled=13),
    _writes.RULES_REPLACE: dict(all=16, writes=14, throttled=13),
}


def test_every_kind_is_in_the_table_once():
    assert set(EXPECTED) == set(_writes.KINDS) and len(set(kind.name for kind in _writes.KINDS)) == len(_writes.KINDS)


@pytest.mark.parametrize('kind', _writes.KINDS, ids=[kind.name for kind in _writes.KINDS])
def test_the_worst_case_of_each_write_kind_is_its_budget(proxy, sandbox, kind):
    counts = dict((pattern, proxy.count(pattern, write_of(kind, sandbox))) for pattern in PATTERNS)
    assert counts == EXPECTED[kind]
    assert max(counts.values()) == kind.budget
    if kind.rounds == 1:
        assert kind.budget == _writes.worst_case(kind)


def test_a_batch_upload_starts_over_at_most_its_rounds_each_after_a_read_of_the_domain(proxy, sandbox):
    """Every upload throttled until its budget is spent, every read answered: 5 uploads of 13, each then a read of one page."""
    client = netangels(sandbox)
    rows = [parse_mailbox(dict(name='kinds.batch%d' % index, password='Write-Kinds-Pass-%d' % index), domain_id=EXAMPLE_ORG, in_list=True)
            for index in range(3)]
    outcome = bulk.Outcome()
    proxy.pattern, proxy.sent = 'throttled', []
    try:
        created, singles, existing = bulk.create_in_batches(client, EXAMPLE_ORG, rows, outcome)
    finally:
        proxy.pattern = None
    assert created == singles == existing == []
    assert len(proxy.sent) == _writes.worst_case(_writes.BATCH_UPLOAD, read=1) == 5 * (13 + 1)
    assert [method for method, dummy in proxy.sent].count('POST') == 5 * 13
    assert len(outcome.failures) == 3
