# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unit tests for the Yandex 360 routing-rule helpers (validation, normalisation, planning)."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360 import rules as R
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import (
    RuleError,
    normalise_rule,
    canonical_condition,
)
from ansible_collections.mailops.hosted_mail.tests.unit.plugins.module_utils.test_routing_rules_grammar import CANONICAL_FORWARD


# The rule values (``Rule``) seen from plain dicts, so that the tables below read as rules are
# written: a list of dicts is parsed the way the API's answer is (``parse_api_rules``), the user's
# rules the way the module parses them (``parse_rules``), and the result is shown as written.

def normalise_rules(rules, name='rules'):
    return R.written(R.parse_rules(rules, name))


def normalise_api_rules(rules):
    return R.written(R.parse_api_rules(rules))


def api_rule_warnings(rules):
    return R.api_rule_warnings(R.parse_api_rules(rules))


def rule_key(rule):
    return R.parse_api_rules([rule])[0].key


def same_rules(left, right):
    return R.same_rules(R.parse_api_rules(left), R.parse_api_rules(right))


def plan(current, wanted, **kwargs):
    return R.written(R.plan(R.parse_api_rules(current), R.parse_api_rules(wanted), **kwargs))


def describe_rule(rule, number):
    return R.describe_rule(R.parse_api_rules([rule])[0], number)


def diff_text(rules):
    return R.diff_text(R.parse_api_rules(rules))


# ---------------------------------------------------------------------------
# The vendor's own examples (PUT reference page; the routing page's conditions are in the
# grammar table, test_routing_rules_grammar.py)
# ---------------------------------------------------------------------------

# The PUT reference page: the request body example.
VENDOR_PUT_BODY = {
    'rules': [
        {
            'condition': {'address:from': 'spam@example.com'},
            'actions': [{'action': 'drop'}],
            'scope': {'direction': 'inbound'},
            'terminal': True,
        }
    ]
}

# The PUT reference page: the generated "Example" (condition null, a drop carrying a placeholder address).
VENDOR_EXAMPLE_RULE = {
    'terminal': True,
    'condition': None,
    'actions': [{'action': 'drop', 'data': {'email': 'example'}}],
    'scope': {'direction': 'inbound'},
}


def test_vendor_put_body_normalises_to_itself():
    assert normalise_rules(VENDOR_PUT_BODY['rules']) == VENDOR_PUT_BODY['rules']
    assert normalise_api_rules(VENDOR_PUT_BODY['rules']) == VENDOR_PUT_BODY['rules']


def test_vendor_example_rule_is_carried_through_from_the_api():
    assert normalise_api_rules([VENDOR_EXAMPLE_RULE]) == [VENDOR_EXAMPLE_RULE]
    warnings = api_rule_warnings([VENDOR_EXAMPLE_RULE])
    assert len(warnings) == 1
    assert 'rules[0].actions[0]: drop takes no address' in warnings[0]


# ---------------------------------------------------------------------------
# Lists of rules (the grammar of one rule and of conditions, what is written and how each is
# refused, is one table: test_routing_rules_grammar.py)
# ---------------------------------------------------------------------------

def test_condition_error_message_is_prefixed_with_the_rule_path():
    rules = [{'actions': [{'action': 'drop'}]}] * 2 + [{'condition': {'subject': {'$contain': 'x'}}, 'actions': [{'action': 'drop'}]}]
    with pytest.raises(RuleError) as excinfo:
        normalise_rules(rules)
    assert str(excinfo.value) == 'rules[2].condition.subject: unknown operator "$contain"'


def test_normalise_rule_deep_copies_the_condition():
    rule = {'condition': {'$or': [{'subject': ['a']}]}, 'actions': [{'action': 'drop'}]}
    normal = normalise_rule(rule)
    normal['condition']['$or'][0]['subject'].append('b')
    assert rule['condition'] == {'$or': [{'subject': ['a']}]}


def test_normalise_rules_names_the_failing_index():
    rules = [{'actions': [{}]}, {'actions': [{}]}, {'actions': [{}]}, {'actions': [{}], 'direction': 'sideways'}]
    with pytest.raises(RuleError) as excinfo:
        normalise_rules(rules)
    assert str(excinfo.value) == 'rules[3].direction: must be inbound or outbound, got "sideways"'


def test_normalise_rules_uses_the_given_name():
    with pytest.raises(RuleError) as excinfo:
        normalise_rules([{'actions': [{'action': 'forward'}]}], name='wanted')
    assert str(excinfo.value) == 'wanted[0].actions[0]: forward needs an address (email)'


@pytest.mark.parametrize('rules', [
    pytest.param({'actions': [{}]}, id='mapping'),
    pytest.param('rules', id='string'),
    pytest.param(None, id='null'),
])
def test_normalise_rules_needs_a_list(rules):
    with pytest.raises(RuleError) as excinfo:
        normalise_rules(rules)
    assert excinfo.value.path == 'rules'
    assert 'must be a list of rules' in str(excinfo.value)


# ---------------------------------------------------------------------------
# Lenient normalisation of what the API returns
# ---------------------------------------------------------------------------

DROP_SPAM = {'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': False}

API_READBACKS = [
    pytest.param({'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}]}, id='no-scope-no-terminal'),
    pytest.param({'condition': {'address:from': 'spam@example.com'}, 'actions': [{}], 'scope': None, 'terminal': None}, id='nulls'),
    pytest.param({'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop', 'data': None}]}, id='data-null'),
    pytest.param({'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop', 'data': {'email': ''}}]}, id='data-empty-email'),
    pytest.param({'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop', 'data': {'email': None}}], 'scope': {}},
                 id='data-null-email-empty-scope'),
]


@pytest.mark.parametrize('rule', API_READBACKS)
def test_api_readbacks_normalise(rule):
    assert normalise_api_rules([rule]) == [DROP_SPAM]
    assert rule_key(rule) == rule_key(DROP_SPAM)
    assert not api_rule_warnings([rule])


def test_api_rule_without_condition_is_every_message():
    assert normalise_api_rules([{'actions': [{'action': 'drop'}], 'terminal': True}]) == [
        {'condition': {}, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': True}
    ]


UNKNOWN_API_RULES = [
    pytest.param({'condition': {'address:bcc': 'x@example.com'}, 'actions': [{'action': 'drop'}]}, 'rules[0].condition', id='unknown-condition-key'),
    pytest.param({'condition': {}, 'actions': [{'action': 'forward'}]}, 'rules[0].actions[0]', id='forward-without-data'),
    pytest.param({'condition': {}, 'actions': [{'action': 'reject'}]}, 'rules[0].actions[0].action', id='unknown-action'),
    pytest.param({'condition': {}, 'actions': [{'action': 'drop'}], 'priority': 5}, 'rules[0]', id='unknown-rule-key'),
    pytest.param('garbage', 'rules[0]', id='not-a-mapping'),
]


@pytest.mark.parametrize('rule, path', UNKNOWN_API_RULES)
def test_api_rules_that_fail_validation_are_carried_through(rule, path):
    result = normalise_api_rules([DROP_SPAM, rule])
    assert result == [DROP_SPAM, rule]
    if isinstance(rule, dict):
        assert result[1] is not rule, 'carried-through rules are copies'
    warnings = api_rule_warnings([rule])
    assert len(warnings) == 1
    assert path + ': ' in warnings[0]
    assert rule_key(rule) == rule_key(copy.deepcopy(rule))


def test_api_rules_none_is_empty():
    assert normalise_api_rules(None) == []


def test_api_rules_must_be_a_list():
    with pytest.raises(RuleError):
        normalise_api_rules({'rules': []})


# ---------------------------------------------------------------------------
# plan()
# ---------------------------------------------------------------------------

def _drop(sender, terminal=False):
    return {'condition': {'address:from': sender}, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': terminal}


A = _drop('a@example.com')
B = _drop('b@example.com')
C = _drop('c@example.com')
D = _drop('d@example.com')
# How the API reads back A and C: no scope, no terminal.
A_READ = {'condition': {'address:from': 'a@example.com'}, 'actions': [{'action': 'drop'}]}
C_READ = {'condition': {'address:from': 'c@example.com'}, 'actions': [{'action': 'drop'}]}

PLANS = [
    # present + exclusive
    pytest.param([A_READ, B], [C, A], {'exclusive': True}, [C, A], id='exclusive-replaces-in-order'),
    pytest.param([A_READ, B], [A, B], {'exclusive': True}, [A, B], id='exclusive-same-is-same'),
    pytest.param([A, B], [B, A], {'exclusive': True}, [B, A], id='exclusive-reorders'),
    pytest.param([A, B], [], {'exclusive': True}, [], id='exclusive-empty-clears'),
    pytest.param([], [A, A], {'exclusive': True}, [A, A], id='exclusive-keeps-duplicates'),
    # present + non-exclusive, last
    pytest.param([A_READ, B], [C, D], {'exclusive': False}, [A, B, C, D], id='non-exclusive-last-appends'),
    pytest.param([A_READ, B], [B, C], {'exclusive': False, 'position': 'last'}, [A, B, C], id='non-exclusive-last-skips-existing'),
    pytest.param([A_READ, B], [A, B], {'exclusive': False}, [A, B], id='non-exclusive-nothing-missing'),
    pytest.param([B, A_READ], [A], {'exclusive': False}, [B, A], id='non-exclusive-does-not-reorder'),
    pytest.param([A], [C, C, D, C], {'exclusive': False}, [A, C, D], id='non-exclusive-wanted-duplicates-once'),
    pytest.param([A, A], [A, B], {'exclusive': False}, [A, A, B], id='non-exclusive-keeps-existing-duplicates'),
    # present + non-exclusive, first
    pytest.param([A_READ, B], [C, D], {'exclusive': False, 'position': 'first'}, [C, D, A, B], id='non-exclusive-first-prepends-in-order'),
    pytest.param([A_READ, B], [C, B, D], {'exclusive': False, 'position': 'first'}, [C, D, A, B], id='non-exclusive-first-skips-existing'),
    pytest.param([], [C, D], {'exclusive': False, 'position': 'first'}, [C, D], id='non-exclusive-first-into-empty'),
    # absent
    pytest.param([A_READ, B, C_READ], [A], {'state': 'absent'}, [B, C], id='absent-removes'),
    pytest.param([A, B, A_READ, C], [A], {'state': 'absent'}, [B, C], id='absent-removes-every-occurrence'),
    pytest.param([A, B], [D], {'state': 'absent'}, [A, B], id='absent-missing-is-noop'),
    pytest.param([A, B, C], [C, A], {'state': 'absent', 'exclusive': False, 'position': 'first'}, [B], id='absent-ignores-exclusive-position'),
    pytest.param([A, _drop('a@example.com', terminal=True)], [A], {'state': 'absent'}, [_drop('a@example.com', terminal=True)], id='absent-exact-match-only'),
    pytest.param([], [A], {'state': 'absent'}, [], id='absent-from-empty'),
]


@pytest.mark.parametrize('current, wanted, kwargs, expected', PLANS)
def test_plan(current, wanted, kwargs, expected):
    current_before = copy.deepcopy(current)
    wanted_before = copy.deepcopy(wanted)
    result = plan(current, wanted, **kwargs)
    assert result == expected
    assert current == current_before and wanted == wanted_before, 'inputs must not be modified'


@pytest.mark.parametrize('current, wanted, kwargs, expected', PLANS)
def test_plan_is_idempotent(current, wanted, kwargs, expected):
    del expected
    first = plan(current, wanted, **kwargs)
    second = plan(first, wanted, **kwargs)
    assert second == first
    assert same_rules(second, first)


def test_plan_is_not_exclusive_by_default():
    # Owning the whole list must be asked for: by default a wanted rule is added, nothing removed.
    assert plan([B], [A]) == [B, A]
    assert plan([B], [A], exclusive=True) == [A]


def test_plan_keeps_rules_it_cannot_validate():
    foreign = {'condition': {'address:bcc': 'x@example.com'}, 'actions': [{'action': 'drop'}]}
    assert plan([foreign, A_READ], [B], exclusive=False) == [foreign, A, B]
    assert plan([foreign, A_READ], [A], state='absent') == [foreign]


def test_plan_result_is_a_copy():
    wanted = [copy.deepcopy(A)]
    result = plan([], wanted)
    result[0]['terminal'] = True
    assert wanted[0]['terminal'] is False


@pytest.mark.parametrize('kwargs, fragment', [
    pytest.param({'state': 'gone'}, 'state must be present or absent', id='bad-state'),
    pytest.param({'position': 'middle'}, 'position must be first or last', id='bad-position'),
])
def test_plan_rejects_bad_arguments(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        plan([], [], **kwargs)


def test_same_rules():
    assert same_rules([A_READ, B], [A, B])
    assert not same_rules([A, B], [B, A])
    assert not same_rules([A], [A, A])


# ---------------------------------------------------------------------------
# Diff text
# ---------------------------------------------------------------------------

def test_describe_rule():
    assert describe_rule(_drop('spam@x.example', terminal=True), 1) == '1. inbound terminal: if {"address:from": "spam@x.example"} then drop'
    assert describe_rule(CANONICAL_FORWARD, 2) == (
        '2. outbound terminal: if {"address:from": "boss@example.com", "subject": {"$contains": "urgent"}} then forward to Oncall@Example.com'
    )
    assert describe_rule({'actions': [{'action': 'forward', 'email': 'a@example.com'}, {}]}, 3) == '3. inbound: always forward to a@example.com, drop'


def test_describe_rule_not_validated():
    assert describe_rule({'actions': [{'action': 'reject'}]}, 4) == '4. (not validated) {"actions": [{"action": "reject"}]}'


def test_diff_text():
    assert diff_text([]) == ''
    assert diff_text([A_READ, B]) == (
        '1. inbound: if {"address:from": "a@example.com"} then drop\n'
        '2. inbound: if {"address:from": "b@example.com"} then drop\n'
    )


def test_plan_accepts_wanted_in_the_module_shape():
    wanted = [{'condition': {'address:from': 'c@example.com'}, 'actions': [{'action': 'drop'}], 'direction': 'inbound'}]
    assert plan([A_READ], wanted, exclusive=False, position='first') == [C, A]


# ---------------------------------------------------------------------------
# Rule identity: the spellings the vendor's grammar defines as equal compare equal
# ---------------------------------------------------------------------------

def _rule(condition, **extra):
    rule = {'condition': condition, 'actions': [{'action': 'drop'}]}
    rule.update(extra)
    return rule


SAME_RULE = [
    pytest.param({'from': 'a@example.com'}, {'address:from': 'a@example.com'}, id='from'),
    pytest.param({'to': 'a@example.com'}, {'address:to': 'a@example.com'}, id='to'),
    pytest.param({'cc': ['a', 'b']}, {'address:cc': ['a', 'b']}, id='cc'),
    pytest.param({'tocc': {'$contains': 'x'}}, {'address:tocc': {'$contains': 'x'}}, id='tocc'),
    pytest.param({'subject': 's', 'from': 'a'}, {'address:from': 'a', 'subject': 's'}, id='prefix-and-key-order'),
    pytest.param({'$or': [{'to': 'a'}, {'$and': [{'cc': 'b'}, {'subject': 's'}]}]},
                 {'$or': [{'address:to': 'a'}, {'$and': [{'address:cc': 'b'}, {'subject': 's'}]}]}, id='prefix-at-depth'),
    pytest.param(None, {}, id='null-and-empty'),
    pytest.param({'$and': [None, {'cc': 'x'}]}, {'$and': [{}, {'address:cc': 'x'}]}, id='null-and-empty-at-depth'),
]

DIFFERENT_RULES = [
    pytest.param({'subject': 'a'}, {'subject': ['a']}, id='value-vs-one-element-list'),
    pytest.param({'subject': ['a', 'b']}, {'subject': {'$any': ['a', 'b']}}, id='list-vs-any'),
    pytest.param({'subject': ['a']}, {'subject': {'$all': ['a']}}, id='list-vs-all'),
    pytest.param({'subject': 'a'}, {'subject': {'$eq': 'a'}}, id='value-vs-eq'),
    pytest.param({'subject': {'$base64': 'aGk='}}, {'subject': 'hi'}, id='base64-vs-text'),
    pytest.param({'header:X-Spam': 'y'}, {'header:x-spam': 'y'}, id='header-name-case'),
    pytest.param({'from': ['a', 'b']}, {'from': ['b', 'a']}, id='list-order'),
    pytest.param({'$or': [{'to': 'a'}, {'cc': 'a'}]}, {'$or': [{'cc': 'a'}, {'to': 'a'}]}, id='or-order'),
    pytest.param({'from': 'A@example.com'}, {'from': 'a@example.com'}, id='value-case'),
    pytest.param({'from': 'a@example.com'}, {'address:to': 'a@example.com'}, id='other-field'),
    pytest.param({'tocc': 'a@example.com'}, {'address:to': 'a@example.com'}, id='tocc-is-not-to'),
    pytest.param({}, {'subject': ''}, id='empty-vs-empty-subject'),
]


@pytest.mark.parametrize('stored, asked', SAME_RULE)
def test_spellings_the_grammar_defines_as_equal_are_one_rule(stored, asked):
    assert rule_key(_rule(stored)) == rule_key(_rule(asked))
    assert same_rules([_rule(stored, terminal=True)], [_rule(asked, terminal=True)])
    assert canonical_condition(stored) == canonical_condition(asked)


@pytest.mark.parametrize('stored, asked', DIFFERENT_RULES)
def test_spellings_the_grammar_does_not_define_as_equal_are_two_rules(stored, asked):
    assert rule_key(_rule(stored)) != rule_key(_rule(asked))


def test_forward_addresses_are_compared_as_written():
    upper = {'actions': [{'action': 'forward', 'email': 'Boss@Example.com'}]}
    lower = {'actions': [{'action': 'forward', 'email': 'boss@example.com'}]}
    padded = {'actions': [{'action': 'forward', 'email': ' boss@example.com '}]}
    assert rule_key(upper) != rule_key(lower)
    assert rule_key(padded) == rule_key(lower)


def test_canonical_condition_is_a_new_value_and_keeps_comparisons():
    condition = {'from': ['a', {'$base64': 'aGk='}], '$or': [None, {'cc': {'$ne': 'x'}}], 'header:X-A': {'$exists': True}}
    before = copy.deepcopy(condition)
    assert canonical_condition(condition) == {
        'address:from': ['a', {'$base64': 'aGk='}], '$or': [{}, {'address:cc': {'$ne': 'x'}}], 'header:X-A': {'$exists': True}}
    assert condition == before
    assert canonical_condition(None) == {}


def test_a_rule_is_kept_in_its_own_spelling_whatever_the_spelling_asked():
    short = _rule({'from': 'a@example.com'}, terminal=True)
    long = _rule({'address:from': 'a@example.com'}, terminal=True)
    other = _rule({'subject': 'other'})
    stored = normalise_rules([other, short])
    for kwargs in ({}, {'position': 'first'}, {'exclusive': False}):
        assert plan([other, short], [long], **kwargs) == stored, 'added once: it is there already'
    assert plan([short], [long], exclusive=True) == normalise_rules([short]), 'exclusive, only the spelling differs'
    assert same_rules(plan([short], [long], exclusive=True), [long])


def test_absent_removes_a_rule_whatever_its_spelling():
    short = _rule({'from': 'a@example.com', '$or': [{'to': 'b@example.com'}, {'cc': 'b@example.com'}]})
    long = _rule({'$or': [{'address:to': 'b@example.com'}, {'address:cc': 'b@example.com'}], 'address:from': 'a@example.com'})
    other = _rule({'subject': 'other'})
    assert plan([short, other, long], [long], state='absent') == normalise_rules([other])
    assert plan([short, other, long], [short], state='absent') == normalise_rules([other])


def test_a_rule_that_is_added_is_written_in_the_users_spelling():
    short = _rule({'from': 'a@example.com'})
    long = _rule({'address:from': 'a@example.com'})
    other = _rule({'subject': 'other'})
    assert plan([other], [short]) == normalise_rules([other, short])
    assert plan([other], [long]) == normalise_rules([other, long])
    assert plan([other, long], [short], exclusive=True) == normalise_rules([short])
