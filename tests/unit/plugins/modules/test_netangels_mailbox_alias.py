# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""netangels_mailbox_alias's main() against scripted HTTP."""

from __future__ import annotations

import json

import pytest
import requests

from ansible_collections.mailops.hosted_mail.plugins.modules import netangels_mailbox_alias

API = 'https://api.test'
AUTH = 'https://api.test/api/gateway/token/'
KEY = 'key-0123456789'
AUTH_ARGS = dict(api_key=KEY, api_url=API, auth_url=AUTH)
DOMAINS = API + '/api/v2/mail/domains/'
MAILBOXES = API + '/api/v2/mail/domains/1001/mailboxes/'
MAILBOX = API + '/api/v2/mail/mailboxes/7/'


def entity(aliases='keep@example.net', **extra):
    result = dict(id=7, name='alice', domain_id=1001, aliases=aliases, comment='', is_local=True, quota=1024, used=0, state='active')
    result.update(extra)
    return result


def login(http):
    http.expect('POST', AUTH, body={'token': 'tok-abc'})


def lookup(http, mailbox):
    http.expect('GET', DOMAINS, body={'count': 1, 'entities': [{'id': 1001, 'name': 'example.com'}]})
    http.expect('GET', MAILBOXES, query={'filter': 'alice', 'offset': 0, 'limit': 100}, body={'count': 1, 'entities': [mailbox]})


def run(run_module, check_mode=False, diff=True, **kwargs):
    params = dict(AUTH_ARGS, mailbox='alice@example.com')
    params.update(kwargs)
    params = dict((k, v) for k, v in params.items() if v is not None)
    result = run_module(netangels_mailbox_alias.main, params, check_mode=check_mode, diff=diff)
    assert KEY not in json.dumps(result) and 'tok-abc' not in json.dumps(result)
    return result


def writes(http):
    return [(r.method, r.url, json.loads(r.body) if r.body else None) for r in http.writes() if r.url != AUTH]


def test_adds_only_the_missing_addresses_and_keeps_the_others(http, run_module):
    login(http)
    lookup(http, entity(aliases='keep@example.net,b@example.net'))
    http.expect('PUT', MAILBOX + 'add-alias/', status=201, json_body={'alias': 'a@example.net'},
                body=entity(aliases='keep@example.net,b@example.net,a@example.net'))
    result = run(run_module, aliases=['A@example.net', 'b@example.net'])
    assert result['changed'] is True
    assert result['aliases'] == ['keep@example.net', 'b@example.net', 'a@example.net']
    assert result['mailbox_id'] == 7
    assert result['diff'] == {'before': {'aliases': ['keep@example.net', 'b@example.net']},
                              'after': {'aliases': ['keep@example.net', 'b@example.net', 'a@example.net']}}


def test_one_address_as_a_string(http, run_module):
    login(http)
    lookup(http, entity())
    http.expect('PUT', MAILBOX + 'add-alias/', status=201, json_body={'alias': 'a@example.net'}, body=entity(aliases='keep@example.net,a@example.net'))
    assert run(run_module, aliases='a@example.net')['changed'] is True


def test_present_twice_is_ok_without_a_write(http, run_module):
    login(http)
    lookup(http, entity(aliases='keep@example.net,a@example.net'))
    result = run(run_module, aliases=['a@EXAMPLE.net'])
    assert result['changed'] is False
    assert writes(http) == []
    assert result['aliases'] == ['keep@example.net', 'a@example.net']


def test_check_mode_predicts_without_a_write(http, run_module):
    login(http)
    lookup(http, entity())
    result = run(run_module, check_mode=True, aliases=['a@example.net', 'b@example.net'])
    assert result['changed'] is True
    assert writes(http) == []
    assert result['aliases'] == ['keep@example.net', 'a@example.net', 'b@example.net']


def test_absent_removes_only_the_named_addresses(http, run_module):
    login(http)
    http.expect('GET', MAILBOX, body=entity(aliases='keep@example.net,a@example.net'))
    http.expect('PUT', MAILBOX + 'delete-alias/', status=201, json_body={'alias': 'a@example.net'}, body=entity())
    result = run(run_module, mailbox=None, mailbox_id=7, aliases=['a@example.net', 'gone@example.net'], state='absent')
    assert result['changed'] is True
    assert result['aliases'] == ['keep@example.net']


def test_absent_when_already_gone_is_ok(http, run_module):
    login(http)
    http.expect('GET', MAILBOX, body=entity())
    result = run(run_module, mailbox=None, mailbox_id=7, aliases=['a@example.net'], state='absent')
    assert result['changed'] is False and writes(http) == []


def test_absent_in_check_mode_sends_no_write(http, run_module):
    login(http)
    http.expect('GET', MAILBOX, body=entity(aliases='keep@example.net,a@example.net'))
    result = run(run_module, check_mode=True, mailbox=None, mailbox_id=7, aliases=['a@example.net'], state='absent')
    assert result['changed'] is True and writes(http) == []
    assert result['aliases'] == ['keep@example.net']


def test_no_diff_without_diff_mode(http, run_module):
    login(http)
    http.expect('GET', MAILBOX, body=entity())
    result = run(run_module, diff=False, mailbox=None, mailbox_id=7, aliases=['keep@example.net'])
    assert 'diff' not in result


def test_an_add_whose_answer_was_lost_is_not_a_failure(http, run_module):
    """The answer is lost; a fresh read shows the address was added, so it is not sent again."""
    login(http)
    lookup(http, entity())
    http.expect('PUT', MAILBOX + 'add-alias/', raises=requests.exceptions.ConnectionError('reset'))
    http.expect('GET', MAILBOX, body=entity(aliases='keep@example.net,a@example.net'))
    result = run(run_module, aliases=['a@example.net'])
    assert result['changed'] is True and result['aliases'] == ['keep@example.net', 'a@example.net']


def test_an_add_whose_answer_was_lost_before_it_was_made_is_sent_again(http, run_module):
    login(http)
    lookup(http, entity())
    http.expect('PUT', MAILBOX + 'add-alias/', status=502, text='<html>Bad Gateway</html>')
    http.expect('GET', MAILBOX, body=entity())
    http.expect('PUT', MAILBOX + 'add-alias/', status=201, body=entity(aliases='keep@example.net,a@example.net'))
    result = run(run_module, aliases=['a@example.net'])
    assert result['changed'] is True and result['aliases'] == ['keep@example.net', 'a@example.net']


def test_a_refused_add_is_surfaced(http, run_module):
    login(http)
    lookup(http, entity())
    http.expect('PUT', MAILBOX + 'add-alias/', status=400, body={'detail': 'alias: too many aliases'})
    http.expect('GET', MAILBOX, body=entity())  # the mailbox as it now stands
    result = run(run_module, aliases=['a@example.net'])
    assert result['failed'] and result['changed'] is False
    assert result['msg'] == ('Cannot change the forwarding addresses of the NetAngels mailbox alice@example.com: adding the '
                             'forwarding address a@example.net: PUT https://api.test/api/v2/mail/mailboxes/7/add-alias/: HTTP 400: '
                             'alias: too many aliases')
    assert result['status'] == 400


def test_unknown_mailbox_id_fails_clearly(http, run_module):
    login(http)
    http.expect('GET', MAILBOX, status=404, body={'detail': 'mailbox 7 not found'})
    result = run(run_module, mailbox=None, mailbox_id=7, aliases=['a@example.net'])
    assert result['failed']
    assert result['msg'] == 'Cannot change the forwarding addresses of the NetAngels mailbox with ID 7: there is no mailbox with ID 7'


def test_missing_mailbox_fails_clearly(http, run_module):
    login(http)
    http.expect('GET', DOMAINS, body={'count': 1, 'entities': [{'id': 1001, 'name': 'example.com'}]})
    http.expect('GET', MAILBOXES, body={'count': 0, 'entities': []})
    http.expect('GET', MAILBOXES, body={'count': 0, 'entities': []})
    result = run(run_module, aliases=['a@example.net'])
    assert result['failed']
    assert 'alice@example.com: the mailbox does not exist' in result['msg']


def test_unknown_domain_fails_clearly(http, run_module):
    login(http)
    http.expect('GET', DOMAINS, body={'count': 0, 'entities': []})
    result = run(run_module, aliases=['a@example.net'])
    assert result['failed'] and 'Mail domain "example.com" was not found' in result['msg']


def test_auth_failure_fails_clearly(http, run_module):
    http.expect('POST', AUTH, status=403, body={'detail': 'no'})
    result = run(run_module, aliases=['a@example.net'])
    assert result['failed'] and 'refused the API key' in result['msg']


@pytest.mark.parametrize('extra, message', [
    (dict(aliases=['ok@example.net', 'no-at-sign']), '"no-at-sign" is not an e-mail address'),
    (dict(aliases=[]), 'name at least one forwarding address'),
    (dict(mailbox='alice', aliases=['a@example.net']), '"alice" is not a full mailbox address'),
    (dict(mailbox='Alice@example.com', aliases=['a@example.net']), '"Alice" is not a valid mailbox name'),
])
def test_bad_input_fails_before_any_request(http, run_module, extra, message):
    result = run(run_module, **extra)
    assert result['failed'] and message in result['msg']
    assert http.requests == []


def test_mailbox_or_mailbox_id_is_required(http, run_module):
    result = run(run_module, mailbox=None, aliases=['a@example.net'])
    assert result['failed'] and 'one of the following is required' in result['msg']


def test_first_address_added_then_the_second_refused(http, run_module):
    login(http)
    lookup(http, entity())
    http.expect('PUT', MAILBOX + 'add-alias/', status=201, json_body={'alias': 'a@example.net'}, body=entity(aliases='keep@example.net,a@example.net'))
    http.expect('PUT', MAILBOX + 'add-alias/', status=400, json_body={'alias': 'b@example.net'}, body={'detail': 'alias: too many aliases'})
    http.expect('GET', MAILBOX, body=entity(aliases='keep@example.net,a@example.net'))  # the mailbox as it now stands
    result = run(run_module, aliases=['a@example.net', 'b@example.net'])
    assert result['failed'] is True and result['changed'] is True
    assert result['aliases'] == ['keep@example.net', 'a@example.net'] and result['mailbox_id'] == 7
    assert 'adding the forwarding address b@example.net' in result['msg'] and 'too many aliases' in result['msg']


def test_a_refused_first_address_changed_nothing(http, run_module):
    login(http)
    lookup(http, entity())
    http.expect('PUT', MAILBOX + 'add-alias/', status=400, body={'detail': 'alias: too many aliases'})
    http.expect('GET', MAILBOX, body=entity())  # the mailbox as it now stands
    result = run(run_module, aliases=['a@example.net', 'b@example.net'])
    assert result['failed'] is True and result['changed'] is False
    assert result['aliases'] == ['keep@example.net']


def test_an_add_whose_answer_was_lost_is_read_back_not_resent(http, run_module):
    """The add was made but its answer lost: a read shows the change, so it is not sent again."""
    login(http)
    lookup(http, entity())
    http.expect('PUT', MAILBOX + 'add-alias/', raises=requests.exceptions.ConnectionError('reset'))
    http.expect('GET', MAILBOX, body=entity(aliases='keep@example.net,a@example.net'))
    result = run(run_module, aliases=['a@example.net'])
    assert not result.get('failed') and result['changed'] is True
    assert result['aliases'] == ['keep@example.net', 'a@example.net']
