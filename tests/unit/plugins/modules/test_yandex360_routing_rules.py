# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""yandex360_routing_rules' main() against scripted HTTP, and the local lock it relies on."""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _local_lock
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360 import rules as rules_grammar
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360 import sync as rules_sync
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import LOCK_NAMESPACE, lock_key
from ansible_collections.mailops.hosted_mail.plugins.modules import yandex360_routing_rules, yandex360_routing_rules_info

RULES = 'https://y.test/admin/v1/org/42/mail/routing/rules'
TOKEN = 'oauth-0123456789'
ARGS = dict(oauth_token=TOKEN, org_id=42, api_url='https://y.test')

# The same rules in three spellings: the module's shape, the API's full shape, and what GET
# reads back (no scope for inbound, no terminal when false, data only on forward).
SPAM_SENDER = {'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}], 'terminal': True}
SPAM_SENDER_API = {'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}],
                   'scope': {'direction': 'inbound'}, 'terminal': True}
SPAM_SENDER_READ = {'terminal': True, 'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}]}

INVOICES = {'direction': 'outbound', 'condition': {'subject': {'$contains': 'invoice'}},
            'actions': [{'action': 'forward', 'email': 'archive@example.com'}]}
INVOICES_API = {'condition': {'subject': {'$contains': 'invoice'}},
                'actions': [{'action': 'forward', 'data': {'email': 'archive@example.com'}}],
                'scope': {'direction': 'outbound'}, 'terminal': False}
INVOICES_READ = {'condition': {'subject': {'$contains': 'invoice'}},
                 'actions': [{'action': 'forward', 'data': {'email': 'archive@example.com'}}], 'scope': {'direction': 'outbound'}}

DEPARTED = {'condition': {'address:to': 'departed@example.com'}, 'actions': [{'action': 'forward', 'email': 'successor@example.com'}]}
DEPARTED_API = {'condition': {'address:to': 'departed@example.com'},
                'actions': [{'action': 'forward', 'data': {'email': 'successor@example.com'}}],
                'scope': {'direction': 'inbound'}, 'terminal': False}
DEPARTED_READ = {'condition': {'address:to': 'departed@example.com'}, 'actions': [{'action': 'forward', 'data': {'email': 'successor@example.com'}}]}

# Someone else's rule (another writer).
OTHER_API = {'condition': {'header:X-Spam-Flag': 'YES'}, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': True}
OTHER_READ = {'terminal': True, 'condition': {'header:X-Spam-Flag': 'YES'}, 'actions': [{'action': 'drop'}]}


@pytest.fixture(autouse=True)
def private_tmp(tmp_path, monkeypatch):
    """Lock files go to this test's own temp dir."""
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))
    return tmp_path


def args(**kwargs):
    result = dict(ARGS)
    result.update(kwargs)
    return result


def run_rules(run_module, check_mode=False, diff=False, **kwargs):
    return run_module(yandex360_routing_rules.main, args(**kwargs), check_mode=check_mode, diff=diff)


def put_bodies(http):
    return [json.loads(request.body) for request in http.writes()]


# ---------------------------------------------------------------------------
# The modes
# ---------------------------------------------------------------------------

def test_exclusive_replaces_the_whole_list_in_order(http, run_module):
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ, OTHER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [INVOICES_API, SPAM_SENDER_API]})
    http.expect('GET', RULES, body={'rules': [INVOICES_READ, SPAM_SENDER_READ]})
    result = run_rules(run_module, rules=[INVOICES, SPAM_SENDER], exclusive=True)
    assert result['changed'] is True
    assert result['rules'] == [INVOICES_API, SPAM_SENDER_API]


def test_exclusive_order_alone_is_a_change(http, run_module):
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ, INVOICES_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [INVOICES_API, SPAM_SENDER_API]})
    http.expect('GET', RULES, body={'rules': [INVOICES_READ, SPAM_SENDER_READ]})
    assert run_rules(run_module, rules=[INVOICES, SPAM_SENDER], exclusive=True)['changed'] is True


def test_exclusive_empty_list_removes_every_rule(http, run_module):
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': []})
    http.expect('GET', RULES, body={})
    result = run_rules(run_module, rules=[], exclusive=True)
    assert result['changed'] is True and result['rules'] == []


def test_not_exclusive_appends_missing_rules_last(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, SPAM_SENDER_API, INVOICES_API, DEPARTED_API]})
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_READ, INVOICES_READ, DEPARTED_READ]})
    result = run_rules(run_module, rules=[INVOICES, SPAM_SENDER, DEPARTED], exclusive=False)
    assert result['changed'] is True
    assert result['rules'] == [OTHER_API, SPAM_SENDER_API, INVOICES_API, DEPARTED_API]


def test_not_exclusive_inserts_missing_rules_first(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [INVOICES_API, DEPARTED_API, OTHER_API, SPAM_SENDER_API]})
    http.expect('GET', RULES, body={'rules': [INVOICES_READ, DEPARTED_READ, OTHER_READ, SPAM_SENDER_READ]})
    result = run_rules(run_module, rules=[INVOICES, SPAM_SENDER, DEPARTED], exclusive=False, position='first')
    assert result['changed'] is True
    assert result['rules'] == [INVOICES_API, DEPARTED_API, OTHER_API, SPAM_SENDER_API]


def test_not_exclusive_does_not_move_a_rule_that_is_there(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_READ]})
    result = run_rules(run_module, rules=[SPAM_SENDER], exclusive=False, position='first')
    assert result['changed'] is False
    assert result['rules'] == [OTHER_API, SPAM_SENDER_API]


def test_exclusive_defaults_to_false_and_keeps_every_other_rule(http, run_module):
    # "Add one block rule" must not delete the organisation's other rules.
    http.expect('GET', RULES, body={'rules': [OTHER_READ, INVOICES_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, INVOICES_API, SPAM_SENDER_API]})
    http.expect('GET', RULES, body={'rules': [OTHER_READ, INVOICES_READ, SPAM_SENDER_READ]})
    result = run_rules(run_module, rules=[SPAM_SENDER])
    assert result['changed'] is True
    assert result['rules'] == [OTHER_API, INVOICES_API, SPAM_SENDER_API]


def test_absent_removes_every_copy_wherever_it_stands(http, run_module):
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ, OTHER_READ, SPAM_SENDER_READ, INVOICES_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, INVOICES_API]})
    http.expect('GET', RULES, body={'rules': [OTHER_READ, INVOICES_READ]})
    result = run_rules(run_module, rules=[SPAM_SENDER, DEPARTED], state='absent')
    assert result['changed'] is True
    assert result['rules'] == [OTHER_API, INVOICES_API]


def test_absent_when_already_gone_writes_nothing(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    result = run_rules(run_module, rules=[SPAM_SENDER], state='absent')
    assert result['changed'] is False
    assert result['rules'] == [OTHER_API]
    assert http.writes() == []


# ---------------------------------------------------------------------------
# Rule identity follows the vendor's grammar: "from" and "address:from" are one key
# ---------------------------------------------------------------------------

# The same rule as SPAM_SENDER, stored with the short spelling of the key (by the web console,
# another tool or an earlier playbook), and a rule that is short at every depth.
SPAM_SENDER_SHORT_READ = {'terminal': True, 'condition': {'from': 'spam@example.com'}, 'actions': [{'action': 'drop'}]}
SPAM_SENDER_SHORT_API = dict(SPAM_SENDER_API, condition={'from': 'spam@example.com'})
PARTNER_SHORT = {'condition': {'$or': [{'to': 'sales@example.com'}, {'tocc': 'sales@example.com'}], 'cc': 'x@example.com'},
                 'actions': [{'action': 'drop'}]}
PARTNER_LONG = {'condition': {'address:cc': 'x@example.com', '$or': [{'address:to': 'sales@example.com'}, {'address:tocc': 'sales@example.com'}]},
                'actions': [{'action': 'drop'}], 'direction': 'inbound', 'terminal': False}
PARTNER_SHORT_API = {'condition': PARTNER_SHORT['condition'], 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': False}
PARTNER_LONG_API = {'condition': PARTNER_LONG['condition'], 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': False}


@pytest.mark.parametrize('kwargs', [
    pytest.param(dict(), id='default'),
    pytest.param(dict(exclusive=False, position='first'), id='not-exclusive-first'),
    pytest.param(dict(exclusive=True), id='exclusive'),
])
@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_a_rule_written_the_other_way_is_there_already(http, run_module, kwargs, check_mode):
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_SHORT_READ, PARTNER_LONG_API]})
    result = run_rules(run_module, check_mode=check_mode, diff=True, rules=[SPAM_SENDER, PARTNER_SHORT], **kwargs)
    assert result['changed'] is False
    assert result['rules'] == [SPAM_SENDER_SHORT_API, PARTNER_LONG_API], 'kept as stored'
    assert result['diff']['before'] == result['diff']['after']
    assert http.writes() == []


def test_absent_removes_a_rule_written_the_other_way(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_SHORT_READ, PARTNER_LONG_API]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API]})
    http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    result = run_rules(run_module, rules=[SPAM_SENDER, PARTNER_SHORT], state='absent')
    assert result['changed'] is True
    assert result['rules'] == [OTHER_API]


def test_a_new_rule_is_written_in_the_users_spelling(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, PARTNER_SHORT_API]})
    http.expect('GET', RULES, body={'rules': [OTHER_READ, PARTNER_SHORT_API]})
    result = run_rules(run_module, rules=[PARTNER_SHORT])
    assert result['changed'] is True
    assert result['rules'] == [OTHER_API, PARTNER_SHORT_API]
    assert put_bodies(http)[0]['rules'][1]['condition'] == {'$or': [{'to': 'sales@example.com'}, {'tocc': 'sales@example.com'}],
                                                            'cc': 'x@example.com'}


def test_one_key_in_two_spellings_in_one_mapping_fails_before_any_request(http, run_module):
    result = run_rules(run_module, rules=[{'condition': {'from': 'a@example.com', 'address:from': 'b@example.com'}, 'actions': [{}]}])
    assert result['failed'] is True
    assert result['msg'].startswith('The routing rules are not valid: rules[0].condition: "address:from" and "from" are the same key')
    assert http.requests == []


# ---------------------------------------------------------------------------
# Rules are parsed once (issue 19): each rule given once per run, each answer once per read
# ---------------------------------------------------------------------------

@pytest.fixture
def parse_counts(monkeypatch):
    """How often the one rule parser (``normalise_rule``) and the answer parser (``parse_api_rules``) ran."""
    counts = dict(normalise_rule=0, parse_api_rules=0)

    def counting(name, function):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(rules_grammar, 'normalise_rule', counting('normalise_rule', rules_grammar.normalise_rule))
    monkeypatch.setattr(rules_sync, 'parse_api_rules', counting('parse_api_rules', rules_sync.parse_api_rules))
    return counts


@pytest.mark.parametrize('diff', [False, True])
def test_each_rule_is_parsed_once_per_run_and_each_answer_once_per_read(http, run_module, parse_counts, diff):
    # Before issue 19 this run (3 rules, a write and its confirming read) made 59 normalise_rule
    # (65 with diff), 32 rule_key and 7 normalise_api_rules calls.
    first_read, confirming_read = [OTHER_READ, SPAM_SENDER_READ], [OTHER_READ, SPAM_SENDER_READ, INVOICES_READ, DEPARTED_READ]
    http.expect('GET', RULES, body={'rules': first_read})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, SPAM_SENDER_API, INVOICES_API, DEPARTED_API]})
    http.expect('GET', RULES, body={'rules': confirming_read})
    result = run_rules(run_module, rules=[INVOICES, SPAM_SENDER, DEPARTED], diff=diff)
    assert result['changed'] is True
    assert parse_counts == dict(normalise_rule=3 + len(first_read) + len(confirming_read), parse_api_rules=2)


# ---------------------------------------------------------------------------
# Idempotence: one read, no write
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('kwargs', [
    pytest.param(dict(exclusive=True), id='exclusive'),
    pytest.param(dict(), id='default-not-exclusive'),
    pytest.param(dict(exclusive=False), id='not-exclusive-last'),
    pytest.param(dict(exclusive=False, position='first'), id='not-exclusive-first'),
])
def test_second_run_reads_once_and_writes_nothing(http, run_module, kwargs):
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ, INVOICES_READ]})
    result = run_rules(run_module, rules=[SPAM_SENDER, INVOICES], **kwargs)
    assert result['changed'] is False
    assert result['rules'] == [SPAM_SENDER_API, INVOICES_API]
    assert len(http.requests) == 1


def test_shapes_defaults_and_key_order_compare_equal(http, run_module):
    stored = {'condition': {'$or': [{'subject': 'a'}, {'subject': 'b'}], 'address:from': 'x@example.com'},
              'actions': [{'action': 'forward', 'data': {'email': 'y@example.com'}}]}
    written = {'terminal': False, 'direction': 'inbound',
               'actions': [{'email': 'y@example.com', 'action': 'forward'}],
               'condition': {'address:from': 'x@example.com', '$or': [{'subject': 'a'}, {'subject': 'b'}]}}
    http.expect('GET', RULES, body={'rules': [stored]})
    assert run_rules(run_module, rules=[written])['changed'] is False


def test_info_output_feeds_the_module_unchanged(http, run_module):
    stored = [SPAM_SENDER_READ, INVOICES_READ, DEPARTED_READ,
              {'condition': None, 'actions': [{'action': 'drop', 'data': {'email': ''}}], 'scope': {'direction': 'outbound'}}]
    http.expect('GET', RULES, body={'rules': stored})
    info = run_module(yandex360_routing_rules_info.main, ARGS)
    for kwargs in (dict(exclusive=True), dict(exclusive=False), dict(exclusive=False, position='first')):
        http.expect('GET', RULES, body={'rules': stored})
        result = run_rules(run_module, rules=copy.deepcopy(info['rules']), **kwargs)
        assert result['changed'] is False
        assert result['rules'] == info['rules']
    assert http.writes() == []


# ---------------------------------------------------------------------------
# Check mode and diff mode
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('kwargs, expected', [
    pytest.param(dict(rules=[INVOICES], exclusive=True), [INVOICES_API], id='exclusive'),
    pytest.param(dict(rules=[INVOICES]), [OTHER_API, SPAM_SENDER_API, INVOICES_API], id='default'),
    pytest.param(dict(rules=[INVOICES], exclusive=False), [OTHER_API, SPAM_SENDER_API, INVOICES_API], id='last'),
    pytest.param(dict(rules=[INVOICES], exclusive=False, position='first'), [INVOICES_API, OTHER_API, SPAM_SENDER_API], id='first'),
    pytest.param(dict(rules=[SPAM_SENDER], state='absent'), [OTHER_API], id='absent'),
])
def test_check_mode_predicts_exactly_and_never_writes(http, run_module, kwargs, expected):
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_READ]})
    predicted = run_rules(run_module, check_mode=True, **kwargs)
    assert http.writes() == []
    assert predicted['changed'] is True
    assert predicted['rules'] == expected

    # The real run ends with the list the check predicted.
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': expected})
    http.expect('GET', RULES, body={'rules': expected})
    applied = run_rules(run_module, **kwargs)
    assert (applied['changed'], applied['rules']) == (predicted['changed'], predicted['rules'])


def test_check_mode_without_change(http, run_module):
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ]})
    result = run_rules(run_module, check_mode=True, rules=[SPAM_SENDER])
    assert result['changed'] is False
    assert len(http.requests) == 1


def test_check_mode_takes_no_lock(http, run_module):
    path = _local_lock.lock_path(LOCK_NAMESPACE, lock_key('https://y.test', 42))
    with _local_lock.exclusive_lock(LOCK_NAMESPACE, lock_key('https://y.test', 42)) as held:
        assert held == path
        http.expect('GET', RULES, body={'rules': []})
        result = run_rules(run_module, check_mode=True, rules=[SPAM_SENDER], lock_timeout=0)
    assert result['changed'] is True


def test_diff_shows_the_list_before_and_after(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_READ]})
    result = run_rules(run_module, check_mode=True, diff=True, rules=[SPAM_SENDER, INVOICES], exclusive=True)
    assert result['diff'] == {
        'before_header': 'routing rules of Yandex 360 organisation 42',
        'after_header': 'routing rules of Yandex 360 organisation 42',
        'before': '1. inbound terminal: if {"header:X-Spam-Flag": "YES"} then drop\n'
                  '2. inbound terminal: if {"address:from": "spam@example.com"} then drop\n',
        'after': '1. inbound terminal: if {"address:from": "spam@example.com"} then drop\n'
                 '2. outbound: if {"subject": {"$contains": "invoice"}} then forward to archive@example.com\n',
    }


def test_diff_of_a_real_run_and_of_no_change(http, run_module):
    http.expect('GET', RULES, body={})
    http.expect('GET', RULES, body={})  # an empty list before a write is read twice
    http.expect('PUT', RULES, body={}, json_body={'rules': [DEPARTED_API]})
    http.expect('GET', RULES, body={'rules': [DEPARTED_READ]})
    result = run_rules(run_module, diff=True, rules=[DEPARTED], exclusive=False)
    assert result['diff']['before'] == ''
    assert result['diff']['after'] == '1. inbound: if {"address:to": "departed@example.com"} then forward to successor@example.com\n'

    http.expect('GET', RULES, body={'rules': [DEPARTED_READ]})
    result = run_rules(run_module, diff=True, rules=[DEPARTED], exclusive=False)
    assert result['changed'] is False
    assert result['diff']['before'] == result['diff']['after']


# ---------------------------------------------------------------------------
# Lost updates: read back, confirm, re-apply onto the fresh list
# ---------------------------------------------------------------------------

def test_another_writer_in_between_is_kept_when_not_exclusive(http, run_module):
    # We add INVOICES; between our PUT and our read-back another writer wrote its own list
    # (based on an older read): our rule is gone, theirs (OTHER) is new.
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [SPAM_SENDER_API, INVOICES_API]})
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ, OTHER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [SPAM_SENDER_API, OTHER_API, INVOICES_API]})
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ, OTHER_READ, INVOICES_READ]})
    result = run_rules(run_module, diff=True, rules=[INVOICES], exclusive=False)
    assert result['changed'] is True
    assert result['rules'] == [SPAM_SENDER_API, OTHER_API, INVOICES_API]
    assert 'X-Spam-Flag' in result['diff']['after']


def test_another_writer_that_kept_our_change_needs_no_second_write(http, run_module):
    http.expect('GET', RULES, body={'rules': []})
    http.expect('GET', RULES, body={'rules': []})  # an empty list before a write is read twice
    http.expect('PUT', RULES, body={}, json_body={'rules': [INVOICES_API]})
    http.expect('GET', RULES, body={'rules': [OTHER_READ, INVOICES_READ]})
    result = run_rules(run_module, rules=[INVOICES], exclusive=False)
    assert result['rules'] == [OTHER_API, INVOICES_API]
    assert len(http.writes()) == 1


def test_another_writer_in_between_is_undone_when_exclusive(http, run_module):
    http.expect('GET', RULES, body={'rules': []})
    http.expect('GET', RULES, body={'rules': []})  # an empty list before a write is read twice
    http.expect('PUT', RULES, body={}, json_body={'rules': [INVOICES_API]})
    http.expect('GET', RULES, body={'rules': [INVOICES_READ, OTHER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [INVOICES_API]})
    http.expect('GET', RULES, body={'rules': [INVOICES_READ]})
    result = run_rules(run_module, rules=[INVOICES], exclusive=True)
    assert result['rules'] == [INVOICES_API]


def test_absent_rule_put_back_by_another_writer_is_removed_again(http, run_module):
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ, OTHER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API]})
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ, OTHER_READ, INVOICES_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, INVOICES_API]})
    http.expect('GET', RULES, body={'rules': [OTHER_READ, INVOICES_READ]})
    result = run_rules(run_module, rules=[SPAM_SENDER], state='absent')
    assert result['rules'] == [OTHER_API, INVOICES_API]


def test_gives_up_clearly_when_the_change_keeps_being_undone(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    for _round in range(3):
        http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, INVOICES_API]})
        http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    result = run_rules(run_module, rules=[INVOICES], exclusive=False)
    assert result['failed'] is True
    assert result['msg'].startswith('Cannot update the routing rules of Yandex 360 organisation 42: the change was written 3 times')
    assert 'missing: 1. outbound: if {"subject": {"$contains": "invoice"}} then forward to archive@example.com' in result['msg']
    assert 'Run the task again' in result['msg']
    assert len(http.writes()) == 3


def test_gives_up_naming_the_foreign_rule_when_exclusive(http, run_module):
    http.expect('GET', RULES, body={'rules': []})
    http.expect('GET', RULES, body={'rules': []})  # an empty list before a write is read twice
    for _round in range(3):
        http.expect('PUT', RULES, body={}, json_body={'rules': [INVOICES_API]})
        http.expect('GET', RULES, body={'rules': [OTHER_READ, INVOICES_READ]})
    result = run_rules(run_module, rules=[INVOICES], exclusive=True)
    assert result['failed'] is True
    assert 'not asked for: 1. inbound terminal: if {"header:X-Spam-Flag": "YES"} then drop' in result['msg']


# ---------------------------------------------------------------------------
# Validation before any request; errors; secrets
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('rules, message', [
    pytest.param([SPAM_SENDER, INVOICES, {'condition': {'subject': {'$contain': 'x'}}, 'actions': [{'action': 'drop'}]}],
                 'The routing rules are not valid: rules[2].condition.subject: unknown operator "$contain"', id='operator'),
    pytest.param([{'actions': [{'action': 'forward'}]}],
                 'The routing rules are not valid: rules[0].actions[0]: forward needs an address (email)', id='forward-without-address'),
    pytest.param([{'direction': 'inbound', 'scope': {'direction': 'outbound'}, 'actions': [{'action': 'drop'}]}],
                 'The routing rules are not valid: rules[0]: direction "inbound" and scope.direction "outbound" disagree', id='disagree'),
    pytest.param([{'condition': {'$not': {'subject': 'x'}}, 'actions': [{}]}],
                 'The routing rules are not valid: rules[0].condition.$not: there is no $not', id='not'),
])
def test_invalid_rules_fail_before_any_request(http, run_module, rules, message):
    for check_mode in (False, True):
        result = run_rules(run_module, check_mode=check_mode, rules=rules)
        assert result['failed'] is True
        assert result['msg'].startswith(message)
    assert http.requests == []


@pytest.mark.parametrize('rules, fragment', [
    pytest.param([{'actions': [{'action': 'drop'}], 'direction': 'sideways'}], 'direction', id='direction'),
    pytest.param([{'condition': {}}], 'actions', id='no-actions'),
    pytest.param([{'actions': [{'action': 'drop'}], 'colour': 'red'}], 'colour', id='unknown-key'),
])
def test_argument_errors_fail_before_any_request(http, run_module, rules, fragment):
    result = run_rules(run_module, rules=rules)
    assert result['failed'] is True
    assert fragment in result['msg']
    assert http.requests == []


def test_api_error_on_write_is_clear(http, run_module):
    http.expect('GET', RULES, body={'rules': []})
    http.expect('GET', RULES, body={'rules': []})  # an empty list before a write is read twice
    http.expect('PUT', RULES, status=403, body={'code': 7, 'message': 'Forbidden: read-only token', 'details': []})
    result = run_rules(run_module, rules=[SPAM_SENDER])
    assert result['failed'] is True
    assert result['msg'].startswith('Cannot update the routing rules of Yandex 360 organisation 42: PUT https://y.test/')
    assert 'HTTP 403: Forbidden: read-only token' in result['msg']
    assert result['status'] == 403


def test_a_confirmed_write_then_a_failed_read_back_is_failed_and_changed(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, SPAM_SENDER_API]})
    http.expect('GET', RULES, status=403, body={'code': 7, 'message': 'Forbidden', 'details': []})
    result = run_rules(run_module, rules=[SPAM_SENDER], exclusive=False)
    assert result['failed'] is True and result['changed'] is True
    assert result['rules'] == [OTHER_API, SPAM_SENDER_API]
    assert result['msg'].startswith('Cannot update the routing rules of Yandex 360 organisation 42: GET https://y.test/')


def test_giving_up_after_writes_is_failed_and_changed_with_the_rules_as_read(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    for _round in range(3):
        http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, INVOICES_API]})
        http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    result = run_rules(run_module, rules=[INVOICES], exclusive=False)
    assert result['failed'] is True and result['changed'] is True
    assert result['rules'] == [OTHER_API]


def test_a_refused_write_changed_nothing(http, run_module):
    http.expect('GET', RULES, body={'rules': []})
    http.expect('GET', RULES, body={'rules': []})  # an empty list before a write is read twice
    http.expect('PUT', RULES, status=400, body={'code': 3, 'message': 'bad rule', 'details': []})
    result = run_rules(run_module, rules=[SPAM_SENDER], exclusive=False)
    assert result['failed'] is True and result.get('changed', False) is False and 'rules' not in result


def test_transient_errors_are_retried(http, run_module, no_sleep):
    http.expect('GET', RULES, status=503, text='<html>busy</html>', headers={'Retry-After': '2'})
    http.expect('GET', RULES, body={'rules': []})
    http.expect('GET', RULES, body={'rules': []})  # an empty list before a write is read twice
    http.expect('PUT', RULES, status=500, body={'code': 13, 'message': 'internal', 'details': []})
    http.expect('PUT', RULES, body={}, json_body={'rules': [SPAM_SENDER_API]})
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ]})
    assert run_rules(run_module, rules=[SPAM_SENDER])['changed'] is True
    assert no_sleep[0] == 2.0


def test_the_token_is_never_in_results(http, run_module):
    http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, SPAM_SENDER_API]})
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_READ]})
    ok = run_rules(run_module, diff=True, rules=[SPAM_SENDER], exclusive=False)
    http.expect('GET', RULES, status=401, body={'code': 16, 'message': 'bad token %s' % TOKEN, 'details': []})
    failed = run_rules(run_module, diff=True, rules=[SPAM_SENDER])
    assert failed['failed'] is True
    for result in (ok, failed):
        assert TOKEN not in json.dumps(result)
    assert all(request.headers['Authorization'] == 'OAuth %s' % TOKEN for request in http.requests)


def test_rules_this_collection_cannot_validate_are_kept_with_a_warning(http, run_module):
    foreign = {'condition': {'x-future-key': 'v'}, 'actions': [{'action': 'drop'}]}
    http.expect('GET', RULES, body={'rules': [foreign]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [foreign, SPAM_SENDER_API]})
    http.expect('GET', RULES, body={'rules': [foreign, SPAM_SENDER_READ]})
    result = run_rules(run_module, rules=[SPAM_SENDER], exclusive=False)
    assert result['rules'] == [foreign, SPAM_SENDER_API]
    assert 'kept a rule this collection cannot validate unchanged: rules[0].condition' in json.dumps(result['warnings'])


# ---------------------------------------------------------------------------
# The local lock, as the module uses it (the lock itself: module_utils/test_local_lock.py)
# ---------------------------------------------------------------------------

def test_lock_key_ignores_the_spelling_of_the_url():
    assert lock_key('https://API360.yandex.net/', '42') == lock_key('https://api360.yandex.net', 42)
    assert lock_key('https://api360.yandex.net', 42) != lock_key('https://api360.yandex.net', 43)
    assert lock_key('https://a.test', 42) != lock_key('https://b.test', 42)


def test_a_busy_lock_fails_clearly_after_lock_timeout_without_requests(http, run_module):
    with _local_lock.exclusive_lock(LOCK_NAMESPACE, lock_key('https://y.test/', 42)):
        started = time.monotonic()
        result = run_rules(run_module, rules=[SPAM_SENDER], lock_timeout=0.3)
        waited = time.monotonic() - started
    assert result['failed'] is True
    assert result['msg'].startswith(
        'Cannot update the routing rules of Yandex 360 organisation 42: another task on this machine has been changing '
        'the routing rules of Yandex 360 organisation 42 for more than 0.3 seconds')
    assert 0.3 <= waited < 5
    assert http.requests == []


def test_another_organisation_is_not_blocked(http, run_module):
    with _local_lock.exclusive_lock(LOCK_NAMESPACE, lock_key('https://y.test', 43)):
        http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ]})
        assert run_rules(run_module, rules=[SPAM_SENDER], lock_timeout=0)['changed'] is False


def test_an_unsafe_lock_directory_is_refused(http, run_module, private_tmp):
    os.chmod(_local_lock.lock_directory(), 0o777)
    result = run_rules(run_module, rules=[SPAM_SENDER])
    assert result['failed'] is True
    assert 'is not a private directory of the current user' in result['msg']
    assert http.requests == []


# -- issue 18 A1: an answer that cannot be trusted never becomes "no rules" ---------------------

@pytest.mark.parametrize('answer', [dict(text=''), dict(body=[]), dict(body=[{'terminal': True}]), dict(body={'rules': None}),
                                    dict(body={'rules': {}}), dict(body={'rules': ['x']})],
                         ids=['empty body', 'empty list', 'a list', 'rules null', 'rules an object', 'rule not an object'])
def test_a_rule_list_of_another_shape_fails_before_any_write(http, run_module, answer):
    """An empty 200 body followed by an additive rule wrote a list holding only the new rule."""
    http.expect('GET', RULES, **answer)
    result = run_rules(run_module, rules=[SPAM_SENDER])
    assert result['failed'] is True and result.get('changed', False) is False
    assert 'GET /admin/v1/org/42/mail/routing/rules: the API answered ' in result['msg']
    assert 'nothing was planned or written' in result['msg']
    assert http.writes() == []


def test_an_empty_list_before_a_write_is_read_again_and_the_second_read_wins(http, run_module):
    """One glitch answering {} must not wipe the organisation's rules: the second read shows them."""
    http.expect('GET', RULES, body={})
    http.expect('GET', RULES, body={'rules': [OTHER_READ]})
    http.expect('PUT', RULES, body={}, json_body={'rules': [OTHER_API, SPAM_SENDER_API]})
    http.expect('GET', RULES, body={'rules': [OTHER_READ, SPAM_SENDER_READ]})
    result = run_rules(run_module, rules=[SPAM_SENDER])
    assert result['changed'] is True
    assert len(result['rules']) == 2
