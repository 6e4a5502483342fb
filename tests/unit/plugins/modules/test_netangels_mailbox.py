# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""netangels_mailbox's main() against scripted HTTP: every state transition, check and diff mode,
idempotence, every error path, and no password anywhere in the output."""

from __future__ import annotations

import json

import pytest
import requests

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.modules import netangels_mailbox

API = 'https://api.test'
AUTH = 'https://api.test/api/gateway/token/'
KEY = 'key-0123456789'
PASSWORD = 'Secret-Passw0rd-xyz'
NEW_PASSWORD = 'Other-Passw0rd-uvw'
AUTH_ARGS = dict(api_key=KEY, api_url=API, auth_url=AUTH)
DOMAINS = API + '/api/v2/mail/domains/'
MAILBOXES = API + '/api/v2/mail/domains/1001/mailboxes/'
CREATE = API + '/api/v2/mail/mailboxes/'
MAILBOX = API + '/api/v2/mail/mailboxes/7/'


def entity(mid=7, name='alice', aliases='', **extra):
    result = dict(id=mid, name=name, domain_id=1001, aliases=aliases, comment='', is_local=True, quota=1024, used=0,
                  state='active', created='2026-01-01T00:00:00+00:00', updated='2026-01-01T00:00:00+00:00')
    result.update(extra)
    return result


def login(http):
    http.expect('POST', AUTH, body={'token': 'tok-abc'})


def domains(http):
    http.expect('GET', DOMAINS, body={'count': 2, 'entities': [{'id': 1002, 'name': 'example.org'}, {'id': 1001, 'name': 'example.com'}]})


def found(http, mailbox):
    """The filtered walk finds the mailbox (other names that contain it are skipped)."""
    http.expect('GET', MAILBOXES, query={'filter': mailbox['name'], 'offset': 0, 'limit': 100},
                body={'count': 2, 'entities': [entity(3, mailbox['name'] + '.old'), mailbox]})


def missing(http, name='alice'):
    """Neither the filtered walk nor the full walk finds the mailbox."""
    http.expect('GET', MAILBOXES, query={'filter': name, 'offset': 0, 'limit': 100}, body={'count': 0, 'entities': []})
    http.expect('GET', MAILBOXES, query={'offset': 0, 'limit': 100}, body={'count': 1, 'entities': [entity(3, 'bob')]})


def read_again(http, mailbox=None):
    """After a write failed the mailbox is read again, to report it as it now stands."""
    if mailbox is None:
        missing(http)
    else:
        http.expect('GET', MAILBOXES, query={'filter': mailbox['name'], 'offset': 0, 'limit': 100}, body={'count': 1, 'entities': [mailbox]})


def args(**kwargs):
    result = dict(AUTH_ARGS, name='alice@example.com')
    result.update(kwargs)
    return result


def run(run_module, check_mode=False, diff=True, **kwargs):
    result = run_module(netangels_mailbox.main, args(**kwargs), check_mode=check_mode, diff=diff)
    text = json.dumps(result)
    assert PASSWORD not in text and NEW_PASSWORD not in text and KEY not in text and 'tok-abc' not in text
    return result


def assert_no_writes(http):
    assert http.writes() == [] or [r.url for r in http.writes()] == [AUTH]


# -- present ----------------------------------------------------------------------------------

def test_create_with_every_field(http, run_module):
    login(http)
    domains(http)
    missing(http)
    http.expect('POST', CREATE, status=201, json_body={'domain_id': 1001, 'name': 'alice', 'password': PASSWORD, 'comment': 'Alice'},
                body=entity(comment='Alice'))
    http.expect('PUT', MAILBOX, status=201, json_body={'quota': 2048, 'is_local': False, 'aliases': ['a@example.net', 'b@example.net']},
                body=entity(comment='Alice', quota=2048, is_local=False, aliases='a@example.net,b@example.net'))
    result = run(run_module, password=PASSWORD, comment='Alice', quota=2048, is_local=False, aliases=['A@Example.net', 'b@example.net'])
    assert result['changed'] is True
    assert result['mailbox']['id'] == 7
    assert result['mailbox']['aliases'] == ['a@example.net', 'b@example.net']
    assert 'password' not in result['mailbox']
    assert result['diff']['before'] == {}
    assert result['diff']['after'] == {
        'address': 'alice@example.com', 'comment': 'Alice', 'quota': 2048, 'is_local': False,
        'aliases': ['a@example.net', 'b@example.net'], 'state': 'active', 'used': 0,
        'password': '(set by this task; never shown)'}


def test_create_needs_only_one_write_when_the_defaults_match(http, run_module):
    login(http)
    missing(http)
    http.expect('POST', CREATE, status=201, body=entity())
    result = run(run_module, name='alice', domain_id=1001, password=PASSWORD, quota=1024, is_local=True, aliases=[])
    assert result['changed'] is True
    assert [r.method for r in http.writes()] == ['POST', 'POST']  # token, create


def test_create_in_check_mode_sends_no_write(http, run_module):
    login(http)
    domains(http)
    missing(http)
    result = run(run_module, check_mode=True, password=PASSWORD, comment='Alice', quota=2048, aliases=['a@example.net'])
    assert result['changed'] is True
    assert [r.url for r in http.writes()] == [AUTH]
    assert result['mailbox'] == {'name': 'alice', 'domain_id': 1001, 'comment': 'Alice', 'aliases': ['a@example.net'],
                                 'quota': 2048, 'used': 0, 'state': 'active'}
    assert result['diff']['after']['password'] == '(set by this task; never shown)'


def test_second_run_is_ok_and_sends_no_write(http, run_module):
    login(http)
    domains(http)
    found(http, entity(comment='Alice', quota=2048, is_local=False, aliases='b@example.net,a@example.net'))
    result = run(run_module, password=PASSWORD, comment='Alice', quota=2048, is_local=False, aliases=['a@example.net', 'B@example.net'])
    assert result['changed'] is False
    assert_no_writes(http)
    assert result['diff']['before'] == result['diff']['after']


def test_check_mode_rerun_is_ok(http, run_module):
    login(http)
    domains(http)
    found(http, entity(comment='Alice'))
    result = run(run_module, check_mode=True, password=PASSWORD, comment='Alice')
    assert result['changed'] is False
    assert_no_writes(http)


def test_update_sends_only_the_fields_that_differ_and_leaves_the_rest(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(comment='old', quota=500, aliases='keep@example.net')]})
    http.expect('PUT', MAILBOX, status=201, json_body={'comment': 'new'}, body=entity(comment='new', quota=500, aliases='keep@example.net'))
    result = run(run_module, name='alice', domain_id=1001, comment='new', quota=500)
    assert result['changed'] is True
    assert result['diff']['before']['comment'] == 'old'
    assert result['diff']['after']['comment'] == 'new'
    assert result['diff']['after']['aliases'] == ['keep@example.net']
    assert 'password' not in result['diff']['after']


def test_update_in_check_mode_predicts_without_writing(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(aliases='x@example.net')]})
    result = run(run_module, check_mode=True, name='alice', domain_id=1001, aliases=['y@example.net'], quota=10)
    assert result['changed'] is True
    assert [r.url for r in http.writes()] == [AUTH]
    assert result['mailbox']['aliases'] == ['y@example.net'] and result['mailbox']['quota'] == 10
    assert result['diff']['before']['aliases'] == ['x@example.net']


def test_empty_aliases_removes_every_forwarding_address(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(aliases='x@example.net,y@example.net')]})
    http.expect('PUT', MAILBOX, status=201, json_body={'aliases': []}, body=entity())
    result = run(run_module, name='alice', domain_id=1001, aliases=[])
    assert result['changed'] is True and result['mailbox']['aliases'] == []


def test_update_password_on_create_leaves_an_existing_password_alone(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    result = run(run_module, name='alice', domain_id=1001, password=NEW_PASSWORD)
    assert result['changed'] is False
    assert_no_writes(http)


def test_update_password_always_sets_it_and_reports_changed(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    http.expect('PUT', MAILBOX + 'change-password/', status=201, json_body={'password': NEW_PASSWORD}, body=entity())
    result = run(run_module, name='alice', domain_id=1001, password=NEW_PASSWORD, update_password='always')
    assert result['changed'] is True
    assert result['diff']['after']['password'] == '(set by this task; never shown)'
    assert 'password' not in result['diff']['before']


def test_update_password_always_in_check_mode_predicts_changed(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    result = run(run_module, check_mode=True, name='alice', domain_id=1001, password=NEW_PASSWORD, update_password='always')
    assert result['changed'] is True
    assert [r.url for r in http.writes()] == [AUTH]


def test_update_password_always_on_create_sends_the_password_once(http, run_module):
    login(http)
    missing(http)
    http.expect('POST', CREATE, status=201, body=entity())
    result = run(run_module, name='alice', domain_id=1001, password=PASSWORD, update_password='always')
    assert result['changed'] is True


def test_no_diff_key_without_diff_mode(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    result = run(run_module, diff=False, name='alice', domain_id=1001)
    assert 'diff' not in result and result['changed'] is False


def test_a_lost_create_answer_is_reconciled(http, run_module):
    login(http)
    missing(http)
    http.expect('POST', CREATE, raises=requests.exceptions.ConnectionError('connection reset'))
    http.expect('GET', MAILBOXES, query={'filter': 'alice', 'offset': 0, 'limit': 100}, body={'count': 1, 'entities': [entity()]})
    http.expect('PUT', MAILBOX, status=201, json_body={'quota': 10}, body=entity(quota=10))
    result = run(run_module, name='alice', domain_id=1001, password=PASSWORD, quota=10)
    assert result['changed'] is True and result['mailbox']['quota'] == 10


# -- absent -----------------------------------------------------------------------------------

def test_absent_deletes(http, run_module):
    login(http)
    domains(http)
    found(http, entity(aliases='x@example.net'))
    http.expect('DELETE', MAILBOX, body={})
    result = run(run_module, state='absent')
    assert result['changed'] is True
    assert result['mailbox'] == {}
    assert result['diff']['before']['address'] == 'alice@example.com'
    assert result['diff']['after'] == {}


def test_absent_in_check_mode_sends_no_write(http, run_module):
    login(http)
    domains(http)
    found(http, entity())
    result = run(run_module, check_mode=True, state='absent')
    assert result['changed'] is True
    assert [r.url for r in http.writes()] == [AUTH]


def test_absent_when_already_gone_is_ok(http, run_module):
    login(http)
    domains(http)
    missing(http)
    result = run(run_module, state='absent', password=PASSWORD)
    assert result['changed'] is False and result['mailbox'] == {}
    assert_no_writes(http)


def test_absent_when_deleted_meanwhile_is_not_an_error(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    http.expect('DELETE', MAILBOX, status=404, body={'detail': 'mailbox 7 not found'})
    result = run(run_module, name='alice', domain_id=1001, state='absent')
    assert result['changed'] is False and not result.get('failed'), 'another writer deleted it: not a change of this run'


# -- disabled ---------------------------------------------------------------------------------

def test_disabled_disables_an_active_mailbox(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    http.expect('PUT', MAILBOX + 'disable/', body={})
    http.expect('GET', MAILBOX, body=entity(state='disabled'))
    result = run(run_module, name='alice', domain_id=1001, state='disabled')
    assert result['changed'] is True
    assert result['mailbox']['state'] == 'disabled'
    assert (result['diff']['before']['state'], result['diff']['after']['state']) == ('active', 'disabled')


def test_disabled_in_check_mode_sends_no_write(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    result = run(run_module, check_mode=True, name='alice', domain_id=1001, state='disabled')
    assert result['changed'] is True and result['mailbox']['state'] == 'disabled'
    assert [r.url for r in http.writes()] == [AUTH]


def test_disabled_when_already_disabled_is_ok(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(state='disabled')]})
    result = run(run_module, name='alice', domain_id=1001, state='disabled')
    assert result['changed'] is False
    assert_no_writes(http)


def test_disabled_creates_first_then_updates_then_disables(http, run_module):
    login(http)
    missing(http)
    http.expect('POST', CREATE, status=201, body=entity())
    http.expect('PUT', MAILBOX, status=201, json_body={'quota': 10}, body=entity(quota=10))
    http.expect('PUT', MAILBOX + 'disable/', body={})
    http.expect('GET', MAILBOX, body=entity(quota=10, state='disabled'))
    result = run(run_module, name='alice', domain_id=1001, state='disabled', password=PASSWORD, quota=10)
    assert result['changed'] is True and result['mailbox']['state'] == 'disabled'


def test_disabled_without_a_mailbox_or_password_fails_clearly(http, run_module):
    login(http)
    missing(http)
    result = run(run_module, name='alice', domain_id=1001, state='disabled')
    assert result['failed']
    assert result['msg'] == ('Cannot manage the NetAngels mailbox alice in mail domain 1001: it does not exist, and creating a '
                             'mailbox needs a password (set password)')
    assert_no_writes(http)


@pytest.mark.parametrize('check_mode', [False, True])
def test_present_on_a_disabled_mailbox_fails_and_says_what_to_do(http, run_module, check_mode):
    login(http)
    domains(http)
    found(http, entity(state='disabled'))
    result = run(run_module, check_mode=check_mode, comment='x')
    assert result['failed']
    assert result['msg'].startswith('Cannot manage the NetAngels mailbox alice@example.com: it is disabled, and the NetAngels '
                                    'API has no call to enable a mailbox.')
    assert 'control panel' in result['msg'] and 'state=disabled' in result['msg']
    assert_no_writes(http)


# -- cleanup ----------------------------------------------------------------------------------

def test_cleanup_empties_a_mailbox_that_uses_space(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(used=42)]})
    http.expect('PUT', MAILBOX + 'cleanup/', body={})
    http.expect('GET', MAILBOX, body=entity(used=0))
    result = run(run_module, name='alice', domain_id=1001, cleanup=True)
    assert result['changed'] is True
    assert (result['diff']['before']['used'], result['diff']['after']['used']) == (42, 0)


def test_cleanup_in_check_mode_sends_no_write(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(used=42)]})
    result = run(run_module, check_mode=True, name='alice', domain_id=1001, cleanup=True)
    assert result['changed'] is True and result['mailbox']['used'] == 0
    assert [r.url for r in http.writes()] == [AUTH]


def test_cleanup_of_an_empty_mailbox_is_ok(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(used=0)]})
    result = run(run_module, name='alice', domain_id=1001, cleanup=True)
    assert result['changed'] is False
    assert_no_writes(http)


def test_forbidden_cleanup_fails_clearly(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(used=5)]})
    http.expect('PUT', MAILBOX + 'cleanup/', status=400, body={'detail': 'cleanup is forbidden for this mailbox'})
    read_again(http, entity(used=5))
    result = run(run_module, name='alice', domain_id=1001, cleanup=True)
    assert result['failed'] and result['changed'] is False
    assert result['msg'] == ('Cannot manage the NetAngels mailbox alice in mail domain 1001: emptying it (cleanup): the API forbids '
                             'cleanup for this mailbox: PUT https://api.test/api/v2/mail/mailboxes/7/cleanup/: HTTP 400: '
                             'cleanup is forbidden for this mailbox')
    assert result['status'] == 400
    assert result['api_response'] == {'detail': 'cleanup is forbidden for this mailbox'}


# -- a write succeeded, a later step failed: failed AND changed ---------------------------------

def test_create_succeeded_then_the_quota_update_failed(http, run_module):
    login(http)
    missing(http)
    http.expect('POST', CREATE, status=201, body=entity())
    http.expect('PUT', MAILBOX, status=400, json_body={'quota': 10}, body={'quota': ['the domain has no room left']})
    read_again(http, entity())
    result = run(run_module, name='alice', domain_id=1001, password=PASSWORD, quota=10)
    assert result['failed'] is True and result['changed'] is True
    assert result['msg'] == ('Cannot manage the NetAngels mailbox alice in mail domain 1001: updating quota: PUT '
                             'https://api.test/api/v2/mail/mailboxes/7/: HTTP 400: {"quota": ["the domain has no room left"]}')
    assert result['mailbox']['id'] == 7 and result['mailbox']['quota'] == 1024
    assert result['status'] == 400


def test_comment_written_then_cleanup_refused(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(used=5)]})
    http.expect('PUT', MAILBOX, status=201, json_body={'comment': 'Legal hold'}, body=entity(used=5, comment='Legal hold'))
    http.expect('PUT', MAILBOX + 'cleanup/', status=400, body={'detail': 'cleanup is forbidden for this mailbox'})
    read_again(http, entity(used=5, comment='Legal hold'))
    result = run(run_module, name='alice', domain_id=1001, comment='Legal hold', cleanup=True)
    assert result['failed'] is True and result['changed'] is True
    assert 'emptying it (cleanup): the API forbids cleanup for this mailbox' in result['msg']
    assert result['mailbox']['comment'] == 'Legal hold' and result['mailbox']['used'] == 5


def test_when_the_read_after_a_failure_fails_too_the_last_known_mailbox_is_reported(http, run_module):
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    http.expect('PUT', MAILBOX, status=201, json_body={'comment': 'new'}, body=entity(comment='new'))
    http.expect('PUT', MAILBOX + 'disable/', status=403, body={'detail': 'not allowed'})
    http.expect('GET', MAILBOXES, status=403, body={'detail': 'not allowed'})
    result = run(run_module, name='alice', domain_id=1001, comment='new', state='disabled', api_key=None, api_token='tok-abc')
    assert result['failed'] is True and result['changed'] is True
    assert result['mailbox']['comment'] == 'new' and result['mailbox']['state'] == 'active'


def test_a_write_whose_outcome_is_unknown_is_checked_by_reading_again(http, run_module):
    """No answer to an update, even after every retry: a read shows it was applied, so the task succeeded."""
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    for dummy in range(_http.DEFAULT_MAX_RETRIES + 1):
        http.expect('PUT', MAILBOX, raises=requests.exceptions.ConnectionError('reset'))
    http.expect('GET', MAILBOX, body=entity(quota=10))
    result = run(run_module, name='alice', domain_id=1001, quota=10)
    assert not result.get('failed') and result['changed'] is True
    assert result['mailbox']['quota'] == 10


def test_a_write_whose_outcome_is_unknown_and_not_applied_fails_unchanged(http, run_module):
    """No answer to an update after every retry, and a read shows it was not applied: failed, nothing changed."""
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    for dummy in range(_http.DEFAULT_MAX_RETRIES + 1):
        http.expect('PUT', MAILBOX, raises=requests.exceptions.ConnectionError('reset'))
    http.expect('GET', MAILBOX, body=entity())
    read_again(http, entity())
    result = run(run_module, name='alice', domain_id=1001, quota=10)
    assert result['failed'] is True and result['changed'] is False
    assert result['mailbox']['quota'] == entity()['quota']


def test_a_refused_first_write_changed_nothing(http, run_module):
    login(http)
    missing(http)
    http.expect('POST', CREATE, status=400, body={'name': ['already taken']})
    missing(http)  # the refusal says "already": the read does not show it, so the refusal stands
    read_again(http)
    result = run(run_module, name='alice', domain_id=1001, password=PASSWORD)
    assert result['failed'] is True and result['changed'] is False
    assert result['mailbox'] == {}


# -- validation: nothing is sent ----------------------------------------------------------------

@pytest.mark.parametrize('extra, message', [
    (dict(name='Alice@example.com'), '"Alice" is not a valid mailbox name'),
    (dict(name='al..ice@example.com'), '"al..ice" is not a valid mailbox name'),
    (dict(name='-alice@example.com'), '"-alice" is not a valid mailbox name'),
    (dict(name='a@b@example.com'), '"a@b" must be the local part only'),
    (dict(aliases=['ok@example.net', 'not-an-address', 'x@nodot']), '"not-an-address" is not an e-mail address'),
    (dict(aliases=['ok@example.net', 'x@nodot']), '"x@nodot" is not an e-mail address'),
    (dict(quota=0), 'quota 0 MB is outside the range 1..102400 MB'),
    (dict(quota=102401), 'quota 102401 MB is outside the range 1..102400 MB'),
    (dict(password='short'), 'the password must be 8 to 128 characters long'),
    (dict(password='has a space'), 'the password must not contain whitespace'),
    (dict(comment='x' * 256), 'the comment is 256 characters long; at most 255 are accepted'),
    (dict(state='absent', cleanup=True), 'cleanup=true contradicts state=absent'),
    (dict(update_password='always'), 'update_password=always needs a password'),
    (dict(is_local=False, aliases=[]), 'is_local=false with an empty aliases list'),
    (dict(name='alice@example.com', domain='example.org'), 'not in the domain given as domain'),
    (dict(name='alice'), 'Say which mail domain'),
])
def test_bad_input_fails_before_any_request(http, run_module, extra, message):
    result = run(run_module, **extra)
    assert result['failed']
    assert message in result['msg']
    assert result['msg'].startswith('Cannot manage the NetAngels mailbox ')
    assert http.requests == []


def test_every_bad_input_is_reported_at_once(http, run_module):
    result = run(run_module, quota=0, aliases=['bad'], password='short')
    assert result['failed']
    assert 'quota 0' in result['msg'] and '"bad"' in result['msg'] and '8 to 128' in result['msg']
    assert http.requests == []


def test_domain_and_domain_id_are_mutually_exclusive(http, run_module):
    result = run(run_module, name='alice', domain='example.com', domain_id=1001)
    assert result['failed'] and 'mutually exclusive' in result['msg']


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('state', ['present', 'absent', 'disabled'])
def test_a_full_address_in_another_domain_than_domain_id_fails_naming_both_with_no_write(http, run_module, state, check_mode):
    """carol@example.com with the domain_id of example.org once created carol in example.org."""
    login(http)
    domains(http)
    result = run(run_module, check_mode=check_mode, name='carol@example.com', domain_id=1002, password=PASSWORD, state=state)
    assert result['failed'] and not result.get('changed')
    assert result['msg'] == ('Cannot manage the NetAngels mailbox carol@example.com: The mailbox carol@example.com is in the '
                             'domain example.com, but domain_id 1002 is the mail domain example.org: give the ID of example.com, '
                             'or leave domain_id out.')
    assert [r.method for r in http.requests] == ['POST', 'GET']  # the key exchange and the one domain-list read


def test_a_full_address_with_its_own_domain_id_costs_one_domain_list_read(http, run_module):
    login(http)
    domains(http)
    found(http, entity())
    result = run(run_module, name='alice@example.com', domain_id=1001)
    assert result['changed'] is False and result['mailbox']['id'] == 7
    assert_no_writes(http)


def test_forward_only_without_any_forwarding_address_fails_before_writing(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity(aliases='')]})
    result = run(run_module, name='alice', domain_id=1001, is_local=False)
    assert result['failed'] and 'neither stores nor forwards' in result['msg']
    assert_no_writes(http)


# -- API errors ---------------------------------------------------------------------------------

def test_a_400_body_is_surfaced_and_the_password_hidden(http, run_module):
    login(http)
    missing(http)
    http.expect('POST', CREATE, status=400, body={'detail': 'password: %s is too common' % PASSWORD,
                                                  'errors': {'password': ['%s is too common' % PASSWORD]}})
    read_again(http)
    result = run(run_module, name='alice', domain_id=1001, password=PASSWORD)
    assert result['failed']
    assert result['msg'] == ('Cannot manage the NetAngels mailbox alice in mail domain 1001: creating it: POST '
                             'https://api.test/api/v2/mail/mailboxes/: HTTP 400: password: ******** is too common')
    assert result['status'] == 400
    assert result['api_response']['errors'] == {'password': ['******** is too common']}


def test_a_400_on_update_names_the_fields(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    http.expect('PUT', MAILBOX, status=400, body={'detail': 'quota: over the domain quota'})
    read_again(http, entity())
    result = run(run_module, name='alice', domain_id=1001, quota=5000, comment='c')
    assert result['failed']
    assert 'updating comment, quota: PUT https://api.test/api/v2/mail/mailboxes/7/: HTTP 400: quota: over the domain quota' in result['msg']


def test_a_404_during_update_fails_clearly(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [entity()]})
    http.expect('PUT', MAILBOX, status=404, body={'detail': 'mailbox 7 not found'})
    read_again(http)
    result = run(run_module, name='alice', domain_id=1001, quota=10)
    assert result['failed'] and result['status'] == 404
    assert result['changed'] is False and result['mailbox'] == {}  # someone else deleted it meanwhile
    assert 'alice in mail domain 1001: updating quota' in result['msg'] and 'mailbox 7 not found' in result['msg']


def test_a_404_for_the_domain_fails_clearly(http, run_module):
    login(http)
    http.expect('GET', MAILBOXES, status=404, body={'detail': 'domain 1001 not found'})
    result = run(run_module, name='alice', domain_id=1001)
    assert result['failed'] and result['status'] == 404
    assert 'domain 1001 not found' in result['msg']


def test_unknown_domain_fails_clearly(http, run_module):
    login(http)
    http.expect('GET', DOMAINS, body={'count': 0, 'entities': []})
    result = run(run_module, name='alice@missing.example', password=PASSWORD)
    assert result['failed']
    assert result['msg'] == ('Cannot manage the NetAngels mailbox alice@missing.example: Mail domain "missing.example" was not '
                             'found in this NetAngels account.')


def test_auth_failure_fails_clearly_without_secrets(http, run_module):
    http.expect('POST', AUTH, status=401, body={'detail': 'invalid api key %s' % KEY})
    result = run(run_module, password=PASSWORD)
    assert result['failed']
    assert 'refused the API key' in result['msg'] and 'alice@example.com' in result['msg']


def test_a_refused_token_fails_clearly(http, run_module):
    http.expect('GET', MAILBOXES, status=403, body={'detail': 'the token is invalid or expired'})
    result = run(run_module, name='alice', domain_id=1001, api_key=None, api_token='dead-token-123')
    assert result['failed']
    assert 'refused the API token' in result['msg'] and 'dead-token-123' not in json.dumps(result)
