# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Both clients against the running API sandbox: real HTTP, pagination, token expiry and faults.

Retry waits are recorded, not slept (the ``no_sleep`` fixture), so faults cost no time.
"""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import is_disabled
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import parse_api_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import reads_as

KEY = 'sandbox-api-key-0123456789'
OAUTH = 'sandbox-oauth-token-0123456789'
ORG = 424242


def netangels(sandbox, **kwargs):
    kwargs.setdefault('api_key', KEY)
    return NetAngelsClient(_http.Transport(), api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/', **kwargs)


def seed_mailboxes(sandbox, count, domain='big.example.net'):
    sandbox.seed({'netangels': {'mailboxes': [
        {'domain': domain, 'name': 'user%04d' % i, 'password': 'Seed-Password-%d' % i} for i in range(count)]}})


def test_every_page_is_read(sandbox):
    seed_mailboxes(sandbox, 250)
    client = netangels(sandbox)
    mailboxes = client.list_mailboxes(client.domain_id('big.example.net'))
    assert len(mailboxes) == 250
    assert len({m['id'] for m in mailboxes}) == 250
    pages = sandbox.requests(method='GET', path='/api/v2/mail/domains/1003/mailboxes/')
    assert len(pages) == 3  # 100 per page: the largest page the API allows


@pytest.mark.parametrize('workers', [2, 4, 16])
def test_pages_read_several_at_a_time_are_the_same_list_in_the_same_order_with_the_same_requests(sandbox, workers):
    seed_mailboxes(sandbox, 1050)
    client = netangels(sandbox)
    one_by_one = client.list_mailboxes(1003)
    sandbox.state.request_log.clear()
    assert client.list_mailboxes(1003, workers=workers) == one_by_one
    assert len(one_by_one) == 1050
    pages = sandbox.requests(method='GET', path='/api/v2/mail/domains/1003/mailboxes/')
    assert sorted(int(page['query']['offset']) for page in pages) == list(range(0, 1100, 100))


@pytest.mark.parametrize('mode', ['substring', 'ignore', 'none'])
def test_exact_lookup_does_not_depend_on_the_filter(sandbox, mode):
    sandbox.settings(filter_mode=mode)
    client = netangels(sandbox)
    assert client.find_mailbox(1002, 'sales')['id'] == 5002
    assert client.find_mailbox(1002, 'sale') is None


def test_a_token_expiring_mid_run_is_renewed(sandbox):
    client = netangels(sandbox)
    assert client.get_mailbox(5001)['name'] == 'info'
    sandbox.expire_tokens()
    assert client.get_mailbox(5002)['name'] == 'sales'
    assert len(sandbox.requests(method='POST', path='/api/gateway/token/')) == 2


def test_a_token_expiring_in_the_middle_of_a_page_walk_is_renewed(sandbox):
    seed_mailboxes(sandbox, 250)
    sandbox.settings(token_uses=2)  # every issued token dies after two calls
    assert len(netangels(sandbox).list_mailboxes(1003)) == 250
    statuses = [r['status'] for r in sandbox.requests(path='/api/v2/mail/domains/1003/mailboxes/')]
    assert statuses == [200, 200, 403, 200]
    assert len(sandbox.requests(method='POST', path='/api/gateway/token/')) == 2


def test_aliases_come_back_as_a_list(sandbox):
    assert netangels(sandbox).get_mailbox(5003)['aliases'] == ['helpdesk@example.com', 'tickets@example.net']
    sandbox.settings(aliases_shape='list')
    assert netangels(sandbox).get_mailbox(5003)['aliases'] == ['helpdesk@example.com', 'tickets@example.net']


def test_reads_survive_rate_limits_server_errors_and_dropped_connections(sandbox, no_sleep):
    seed_mailboxes(sandbox, 250)
    sandbox.set_faults({'seed': 7, 'faults': [
        {'kind': '429', 'rate': 0.2, 'retry_after': 2, 'path': '/api/v2/mail/'},
        {'kind': '503', 'rate': 0.1, 'path': '/api/v2/mail/'},
        {'kind': 'drop', 'rate': 0.1, 'path': '/api/v2/mail/'},
    ]})
    client = netangels(sandbox)
    assert len(client.list_mailboxes(1003)) == 250
    faulted = [r for r in sandbox.requests() if r.get('fault')]
    assert faulted, 'the fault plan should have fired at least once'
    assert len(no_sleep) == len(faulted)
    assert 2.0 in no_sleep  # the 429's Retry-After was honoured


def test_lost_create_answer_is_reconciled_without_a_second_create(sandbox):
    client = netangels(sandbox)
    client.get_mailbox(5001)  # log in first
    sandbox.set_faults([{'kind': 'lost_response', 'next': 1, 'method': 'POST', 'path': '/api/v2/mail/mailboxes/'}])
    made = client.create_mailbox(1001, 'newcomer', 'Newcomer-Pass-1')
    assert made['name'] == 'newcomer'
    assert len(sandbox.requests(method='POST', path='/api/v2/mail/mailboxes/')) == 1
    names = [m['name'] for m in sandbox.snapshot()['netangels']['mailboxes'] if m['domain_id'] == 1001]
    assert names.count('newcomer') == 1


def test_a_lost_delete_answer_is_repeated_and_ends_deleted(sandbox):
    client = netangels(sandbox)
    client.get_mailbox(5001)
    sandbox.set_faults([{'kind': 'lost_response', 'next': 1, 'method': 'DELETE'}])
    assert client.delete_mailbox(5002) is True  # the repeat answered 404, and a read proved it gone
    assert client.get_mailbox(5002) is None
    assert [r['status'] for r in sandbox.requests(method='DELETE')] == [200, 404]


def test_a_lost_add_alias_answer_is_reconciled_by_a_read_without_a_repeat(sandbox):
    client = netangels(sandbox)
    client.get_mailbox(5002)
    sandbox.set_faults([{'kind': 'lost_response', 'next': 1, 'method': 'PUT', 'path': '/api/v2/mail/mailboxes/5002/add-alias/'}])
    assert client.add_alias(5002, 'sales.copy@example.net')['aliases'] == ['sales.copy@example.net']
    puts = [(r['fault'], r['status']) for r in sandbox.requests(method='PUT')]
    assert puts == [('lost_response', 201)]  # applied but unanswered; the read showed it there


@pytest.mark.parametrize('kind', ['502', 'drop'])
def test_a_create_that_did_not_happen_is_sent_again_after_a_read_proves_it(sandbox, no_sleep, kind):
    client = netangels(sandbox)
    client.get_mailbox(5001)
    sandbox.set_faults([{'kind': kind, 'next': 1, 'method': 'POST', 'path': '/api/v2/mail/mailboxes/'}])
    assert client.create_mailbox(1001, 'newcomer', 'Newcomer-Pass-1')['name'] == 'newcomer'
    assert [r['fault'] for r in sandbox.requests(method='POST', path='/api/v2/mail/mailboxes/')] == [kind, None]
    assert len(no_sleep) == 1
    names = [m['name'] for m in sandbox.snapshot()['netangels']['mailboxes'] if m['domain_id'] == 1001]
    assert names.count('newcomer') == 1


def test_bad_key_is_refused_clearly(sandbox):
    with pytest.raises(_http.AuthError, match='refused the API key'):
        netangels(sandbox, api_key='wrong-key-0000').list_domains()


def test_validation_errors_are_surfaced_without_the_password(sandbox):
    client = netangels(sandbox)
    with pytest.raises(_http.RequestError) as info:
        client.create_mailbox(1001, 'Bad Name', 'Good-Password-1')
    assert info.value.status == 400
    assert 'name' in str(info.value)
    password = 'Sh0rt-x'  # one character too short
    with pytest.raises(_http.RequestError) as info:
        client.create_mailbox(1001, 'fine', password)
    assert info.value.status == 400
    assert 'password: must be 8 to 128 characters long' in str(info.value)
    assert password not in str(info.value)
    assert password not in repr(info.value.details)


def test_a_mailbox_the_api_disabled_reads_as_disabled(sandbox):
    client = netangels(sandbox)
    assert not is_disabled(client.get_mailbox(5001))
    client.disable_mailbox(5001)
    assert is_disabled(client.get_mailbox(5001))


def test_yandex_rules_round_trip_and_survive_faults(sandbox, no_sleep):
    rules = [{'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}],
              'scope': {'direction': 'inbound'}, 'terminal': True}]
    client = Yandex360Client(_http.Transport(), OAUTH, api_url=sandbox.url)
    sandbox.set_faults([{'kind': '500', 'next': 1, 'method': 'PUT'}, {'kind': 'lost_response', 'next': 1, 'method': 'PUT'}])
    client.set_rules(ORG, rules, reads_as(parse_api_rules(rules)))
    assert client.get_rules(ORG) == [{'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}], 'terminal': True}]
    assert len(no_sleep) == 2


def test_yandex_bad_token(sandbox):
    with pytest.raises(_http.AuthError) as info:
        Yandex360Client(_http.Transport(), 'not-a-token-123', api_url=sandbox.url).get_rules(ORG)
    assert info.value.status == 401
    assert 'not-a-token-123' not in str(info.value)
