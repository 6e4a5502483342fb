# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""netangels_mailbox_info's main() against scripted HTTP."""

from __future__ import annotations

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.modules import netangels_mailbox_info

API = 'https://api.test'
AUTH = 'https://api.test/api/gateway/token/'
KEY = 'key-0123456789'
AUTH_ARGS = dict(api_key=KEY, api_url=API, auth_url=AUTH)
DOMAINS = API + '/api/v2/mail/domains/'
MAILBOXES = API + '/api/v2/mail/domains/1001/mailboxes/'


def entity(mid, name, aliases='fwd@example.net'):
    return dict(id=mid, name=name, domain_id=1001, aliases=aliases, comment='', is_local=True, quota=100, used=0, state='active')


def login(http):
    http.expect('POST', AUTH, body={'token': 'tok-abc'})


def test_every_mailbox_of_a_domain_by_name(http, run_module):
    login(http)
    http.expect('GET', DOMAINS, body={'count': 2, 'entities': [{'id': 5, 'name': 'other.org'}, {'id': 1001, 'name': 'example.com'}]})
    http.expect('GET', MAILBOXES, body={'count': 101, 'entities': [entity(i, 'u%d' % i) for i in range(100)]}, query={'offset': 0, 'limit': 100})
    http.expect('GET', MAILBOXES, body={'count': 101, 'entities': [entity(100, 'last', 'a@x.org, b@y.org')]}, query={'offset': 100, 'limit': 100})
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain='example.com'))
    assert result['changed'] is False
    assert result['domain_id'] == 1001
    assert len(result['mailboxes']) == 101
    assert result['mailboxes'][-1]['aliases'] == ['a@x.org', 'b@y.org']
    assert result['mailboxes'][0]['aliases'] == ['fwd@example.net']


def test_one_mailbox_by_full_address_in_check_mode(http, run_module):
    login(http)
    http.expect('GET', DOMAINS, body={'count': 1, 'entities': [{'id': 1001, 'name': 'example.com'}]})
    http.expect('GET', MAILBOXES, body={'count': 2, 'entities': [entity(1, 'alice.b'), entity(2, 'alice')]},
                query={'filter': 'alice', 'offset': 0, 'limit': 100})
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, name='alice@example.com'), check_mode=True)
    assert [m['id'] for m in result['mailboxes']] == [2]


def test_domain_id_saves_the_domain_lookup_and_absent_name_is_empty(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 0, 'entities': []})
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(1, 'bob')]})
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain_id=1001, name='alice'))
    assert result['mailboxes'] == []
    assert not result.get('failed')


def test_unknown_domain_fails_clearly(http, run_module):
    login(http)
    http.expect('GET', DOMAINS, body={'count': 0, 'entities': []})
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain='missing.example'))
    assert result['failed']
    assert result['msg'] == 'Cannot read the mailboxes of missing.example: Mail domain "missing.example" was not found in this NetAngels account.'


def test_auth_failure_names_the_problem_and_hides_the_key(http, run_module):
    http.expect('POST', AUTH, status=401, body={'detail': 'bad key %s' % KEY})
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain='example.com'))
    assert result['failed']
    assert 'refused the API key' in result['msg']
    assert KEY not in str(result)


def test_missing_credentials(http, run_module, monkeypatch):
    monkeypatch.delenv('NETANGELS_API_KEY', raising=False)
    monkeypatch.delenv('NETANGELS_API_TOKEN', raising=False)
    result = run_module(netangels_mailbox_info.main, dict(domain='example.com'))
    assert result['failed']
    assert 'NETANGELS_API_KEY' in result['msg']


def test_credentials_and_url_from_the_environment(http, run_module, monkeypatch):
    monkeypatch.setenv('NETANGELS_API_TOKEN', 'env-token')
    monkeypatch.setenv('NETANGELS_API_URL', 'https://env.test')
    http.expect('GET', 'https://env.test/api/v2/mail/domains/1001/mailboxes/', body={'count': 0, 'entities': []})
    result = run_module(netangels_mailbox_info.main, dict(domain_id=1001))
    assert result['mailboxes'] == []
    assert http.requests[0].headers['Authorization'] == 'Bearer env-token'


def test_contradicting_domain_fails_before_any_request(http, run_module):
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, name='alice@example.com', domain='example.org'))
    assert result['failed']
    assert 'not in the domain' in result['msg']


def test_without_requests_the_standard_missing_library_message(http, run_module, monkeypatch):
    monkeypatch.setattr(_http, 'HAS_REQUESTS', False)
    monkeypatch.setattr(_http, 'REQUESTS_IMPORT_ERROR', 'ImportError: No module named requests')
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain_id=1001))
    assert result['failed']
    assert 'Failed to import the required Python library (requests)' in result['msg']


def test_a_full_address_in_another_domain_than_domain_id_fails_naming_both(http, run_module):
    login(http)
    http.expect('GET', DOMAINS, body={'count': 2, 'entities': [{'id': 1001, 'name': 'example.com'}, {'id': 1002, 'name': 'example.org'}]})
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, name='carol@example.com', domain_id=1002))
    assert result['failed']
    assert 'carol@example.com is in the domain example.com, but domain_id 1002 is the mail domain example.org' in result['msg']
    assert len(http.requests) == 2  # no mailbox list read either
