# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The routing-rule grammar, the one home of its tests: one table of conditions, one of rules.

Each row gives an input and what must come of it: the canonical value, or how it is refused
(``Refused``: the path the error names and a fragment of its message).

Conditions: the grammar lives twice. The collection checks every rule before it sends it
(``plugins/module_utils/_yandex360/rules.py``), and the API sandbox refuses with 400 what the API
refuses (``tests/sandbox/rules.py``, which cannot share code with the collection). Every
condition goes through both -- the collection's :func:`parse_rule` and the sandbox's PUT body
check -- and both must agree with the table, so the two cannot drift apart. An accepted
condition is sent and stored as written and compared in its canonical form (``SAME``: it already
is canonical).

Rules: either shape (the module's ``email``/``direction`` or the API's ``data.email``/``scope``)
and what is written for it (the API's shape with every key present), or how it is refused.

Forward addresses are checked the same way, against the table of mailbox forwarding addresses
(``test_mailbox_validation.ALIASES``): a rule's forward address passes exactly the check a
mailbox's forwarding address passes, in the collection and in the sandbox.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _address
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import (
    RuleError,
    canonical_condition,
    normalise_rule,
    parse_rule,
    validate_condition,
)
from ansible_collections.mailops.hosted_mail.tests.sandbox import assumptions
from ansible_collections.mailops.hosted_mail.tests.sandbox import rules as sandbox
from ansible_collections.mailops.hosted_mail.tests.unit.plugins.module_utils.test_mailbox_validation import ALIASES

# ---------------------------------------------------------------------------
# Conditions: (condition, its canonical form or how it is refused)
# ---------------------------------------------------------------------------

SAME = 'the condition is already canonical'


class Refused(NamedTuple):
    """A condition or rule the collection refuses: the path its error names and a fragment of its message."""

    path: str
    fragment: str

    def raised_by(self, call, *args):
        """Assert that ``call(*args)`` raises a RuleError naming this path, with this fragment in its message."""
        with pytest.raises(RuleError) as excinfo:
            call(*args)
        assert excinfo.value.path == self.path
        assert str(excinfo.value).startswith(self.path + ': ')
        assert self.fragment in str(excinfo.value)


CONDITIONS = [
    # Valid: the sandbox stores it as written; the collection keeps it as written and compares it canonically.
    # The vendor's own examples (routing page and PUT reference page).
    pytest.param({'address:from': 'friend@mail.ru'}, SAME, id='vendor-address-from'),
    pytest.param({'from': ['Alice', 'Bob']}, {'address:from': ['Alice', 'Bob']}, id='vendor-from-list'),
    pytest.param({'subject': {'$contains': {'$any': ['hello', 'bye']}}}, SAME, id='vendor-contains-any'),
    pytest.param({'header:x-yandex-forward': {'$exists': False}}, SAME, id='vendor-header-exists'),
    pytest.param({'$and': [{'address:from': {'$contains': '@yandex.ru'}}, {'$or': [{'subject': {'$contains': 'hello'}}, {'subject': {'$contains': 'bye'}}]}]},
                 SAME, id='vendor-and-or'),
    pytest.param({'address:from': 'spam@example.com'}, SAME, id='vendor-put-body'),
    pytest.param(None, {}, id='vendor-example-null'),
    # Every message.
    pytest.param({}, SAME, id='empty-every-message'),
    # Keys, with and without the address: prefix.
    pytest.param({'address:to': 'boss@example.com'}, SAME, id='address-to'),
    pytest.param({'address:cc': 'team@example.com'}, SAME, id='address-cc'),
    pytest.param({'address:tocc': 'team@example.com'}, SAME, id='address-tocc'),
    pytest.param({'to': 'boss@example.com'}, {'address:to': 'boss@example.com'}, id='unprefixed-to'),
    pytest.param({'cc': 'x@example.com'}, {'address:cc': 'x@example.com'}, id='unprefixed-cc'),
    pytest.param({'tocc': 'x@example.com'}, {'address:tocc': 'x@example.com'}, id='unprefixed-tocc'),
    pytest.param({'from': 'x@example.com'}, {'address:from': 'x@example.com'}, id='unprefixed-from'),
    pytest.param({'from': 'a@example.com', 'address:to': 'b@example.com'},
                 {'address:from': 'a@example.com', 'address:to': 'b@example.com'}, id='short-and-long-of-different-fields'),
    pytest.param({'$and': [{'from': 'a@example.com'}, {'address:from': {'$ne': 'b@example.com'}}]},
                 {'$and': [{'address:from': 'a@example.com'}, {'address:from': {'$ne': 'b@example.com'}}]}, id='same-field-twice-through-and'),
    pytest.param({'subject': 'hello'}, SAME, id='subject-string'),
    pytest.param({'subject': ''}, SAME, id='subject-empty-string'),
    pytest.param({'body': 'unsubscribe'}, SAME, id='body-string'),
    pytest.param({'attach:filename': 'invoice.exe'}, SAME, id='attach-filename'),
    pytest.param({'header:X-Spam-Flag': 'YES'}, SAME, id='header-mixed-case'),
    pytest.param({'header:X-Spam-Flag': 'YES', 'header:x-spam-flag': 'YES'}, SAME, id='header-two-cases-are-two-keys'),
    pytest.param({'header:list_id_2': 'x'}, SAME, id='header-underscore-digits'),
    pytest.param({'header:x-spam': {'$exists': True}}, SAME, id='header-exists-true'),
    # Operators and values.
    pytest.param({'subject': {'$eq': 'hello'}}, SAME, id='op-eq'),
    pytest.param({'subject': {'$ne': 'hello'}}, SAME, id='op-ne'),
    pytest.param({'subject': {'$contains': 'hello'}}, SAME, id='op-contains'),
    pytest.param({'subject': {'$not-contains': 'hello'}}, SAME, id='op-not-contains'),
    pytest.param({'subject': {'$eq': ['a', 'b']}}, SAME, id='op-with-plain-list'),
    pytest.param({'attach:filename': {'$ne': ['a.exe', 'b.exe']}, 'cc': {'$eq': 'x'}},
                 {'attach:filename': {'$ne': ['a.exe', 'b.exe']}, 'address:cc': {'$eq': 'x'}}, id='op-ne-list-and-cc'),
    pytest.param({'body': {'$not-contains': {'$all': ['a', 'b']}}}, SAME, id='op-not-contains-all'),
    pytest.param({'subject': {'$any': ['a', 'b']}}, SAME, id='bare-any'),
    pytest.param({'subject': {'$all': ['a', 'b']}}, SAME, id='bare-all'),
    pytest.param({'subject': ['one']}, SAME, id='one-element-list'),
    pytest.param({'subject': {'$base64': 'aGVsbG8='}}, SAME, id='bare-base64'),
    pytest.param({'subject': {'$contains': {'$base64': 'aGVsbG8='}}}, SAME, id='op-base64'),
    pytest.param({'subject': {'$base64': ''}}, SAME, id='base64-empty'),
    pytest.param({'subject': ['plain', {'$base64': 'aGVsbG8='}]}, SAME, id='list-with-base64-item'),
    pytest.param({'subject': {'$contains': {'$any': [{'$base64': 'aGk='}, 'bye']}}}, SAME, id='any-with-base64-item'),
    pytest.param({'tocc': {'$all': ['a@example.com', {'$base64': 'Yg=='}]}, 'body': {'$not-contains': {'$base64': 'aGVsbG8='}}},
                 {'address:tocc': {'$all': ['a@example.com', {'$base64': 'Yg=='}]}, 'body': {'$not-contains': {'$base64': 'aGVsbG8='}}},
                 id='all-with-base64-and-not-contains-base64'),
    pytest.param({'subject': 'Привет'}, SAME, id='non-ascii-string'),
    # Logic.
    pytest.param({'subject': 'a', 'from': 'b@example.com', 'header:x-a': {'$exists': False}},
                 {'subject': 'a', 'address:from': 'b@example.com', 'header:x-a': {'$exists': False}}, id='several-keys-anded'),
    pytest.param({'$or': [{'subject': 'a'}]}, SAME, id='or-single'),
    pytest.param({'$and': [{'subject': 'a'}, {'body': 'b'}], 'from': 'x@example.com'},
                 {'$and': [{'subject': 'a'}, {'body': 'b'}], 'address:from': 'x@example.com'}, id='and-beside-key'),
    pytest.param({'$and': [{'$or': [{'$and': [{'subject': 'deep'}]}]}]}, SAME, id='deeply-nested'),
    pytest.param({'$and': [{'subject': 'a'}], '$or': [{'body': 'b'}, {'body': 'c'}]}, SAME, id='and-and-or-together'),
    # A condition is null | {} | {...} at every depth: $and/$or take a list of conditions.
    pytest.param({'$and': [{}]}, SAME, id='and-empty-member'),
    pytest.param({'$or': [None, {'subject': 'a'}]}, {'$or': [{}, {'subject': 'a'}]}, id='or-null-member'),

    # Invalid: the path the collection names and a fragment of its message; the sandbox refuses it too.
    pytest.param('subject', Refused('c', 'a condition must be a mapping, got a string "subject"'), id='condition-string'),
    pytest.param([{'subject': 'a'}], Refused('c', 'a condition must be a mapping, got a list'), id='condition-list'),
    pytest.param(True, Refused('c', 'a condition must be a mapping, got a boolean'), id='condition-bool'),
    # Keys.
    pytest.param({'Subject': 'a'}, Refused('c', 'unknown key "Subject"'), id='key-wrong-case'),
    pytest.param({'From': 'a@example.com'}, Refused('c', 'unknown key "From"'), id='key-from-wrong-case'),
    pytest.param({'Address:from': 'a@example.com'}, Refused('c', 'unknown key "Address:from"'), id='key-prefix-wrong-case'),
    pytest.param({'sender': 'a'}, Refused('c', 'unknown key "sender"'), id='key-unknown'),
    pytest.param({'address:bcc': 'a'}, Refused('c', 'unknown key "address:bcc"'), id='key-address-bcc'),
    pytest.param({'address:subject': 'a'}, Refused('c', 'unknown key "address:subject"'), id='key-address-subject'),
    pytest.param({'address:': 'a'}, Refused('c', 'unknown key "address:"'), id='key-address-nothing'),
    pytest.param({'filename': 'a'}, Refused('c', 'unknown key "filename"'), id='key-filename-without-attach'),
    pytest.param({'attach:size': '1'}, Refused('c', 'unknown key "attach:size"'), id='key-attach-size'),
    pytest.param({' from': 'a'}, Refused('c', 'unknown key " from"'), id='key-leading-space'),
    pytest.param({'from\n': 'a'}, Refused('c', 'unknown key'), id='key-trailing-newline'),
    pytest.param({'header:': 'a'}, Refused('c', 'bad header name in "header:"'), id='header-empty-name'),
    pytest.param({'header:x spam': 'a'}, Refused('c', 'bad header name in "header:x spam"'), id='header-space'),
    pytest.param({'header:x.spam': 'a'}, Refused('c', 'it must match [-_a-zA-Z0-9]+'), id='header-dot'),
    pytest.param({'header:x-spam\n': 'a'}, Refused('c', 'bad header name'), id='header-trailing-newline'),
    pytest.param({'header:Тема': 'a'}, Refused('c', 'bad header name'), id='header-non-ascii'),
    # One key, two spellings: "from" and "address:from" are the same key, so a mapping that has
    # both holds that key twice (a JSON object's names are unique).
    pytest.param({'from': 'a@example.com', 'address:from': 'b@example.com'},
                 Refused('c', '"address:from" and "from" are the same key'), id='from-twice'),
    pytest.param({'$or': [{'tocc': 'a', 'address:tocc': 'a'}]},
                 Refused('c.$or[0]', '"address:tocc" and "tocc" are the same key'), id='tocc-twice-nested'),
    # Logic.
    pytest.param({'$not': {'subject': 'a'}}, Refused('c.$not', 'there is no $not'), id='not-operator'),
    pytest.param({'$xor': []}, Refused('c', 'unknown logical operator "$xor"'), id='unknown-logic'),
    pytest.param({'$AND': [{'subject': 'a'}]}, Refused('c', 'unknown logical operator "$AND"'), id='logic-wrong-case'),
    pytest.param({'$and': {'subject': 'a'}}, Refused('c.$and', '$and takes a list of conditions, got a mapping'), id='and-not-list'),
    pytest.param({'$and': None}, Refused('c.$and', '$and takes a list of conditions, got null'), id='and-null'),
    pytest.param({'$or': []}, Refused('c.$or', '$or takes a non-empty list of conditions'), id='or-empty'),
    pytest.param({'$and': [{'subject': 'a'}, 'b']}, Refused('c.$and[1]', 'a condition must be a mapping, got a string "b"'), id='and-string-member'),
    pytest.param({'$and': [[{'subject': 'a'}]]}, Refused('c.$and[0]', 'a condition must be a mapping, got a list'), id='and-list-member'),
    pytest.param({'$and': [{'subject': 'a'}, {'$or': [{'subject': 'x'}, {'subjet': 'y'}]}]},
                 Refused('c.$and[1].$or[1]', 'unknown key "subjet"'), id='nested-unknown-key'),
    # Operators.
    pytest.param({'subject': {'$contain': 'a'}}, Refused('c.subject', 'unknown operator "$contain"'), id='unknown-operator'),
    pytest.param({'subject': {'$regex': 'a.*'}}, Refused('c.subject', 'unknown operator "$regex"'), id='regex-operator'),
    pytest.param({'subject': {'$EQ': 'a'}}, Refused('c.subject', 'unknown operator "$EQ"'), id='operator-wrong-case'),
    pytest.param({'subject': {'$eq': 'a', '$ne': 'b'}}, Refused('c.subject', 'a comparison takes exactly one operator'), id='two-operators'),
    pytest.param({'subject': {'$eq': 'a', 'x': 'b'}}, Refused('c.subject', 'a comparison takes exactly one operator'), id='operator-and-junk'),
    pytest.param({'subject': {'$any': ['a'], '$all': ['b']}}, Refused('c.subject', 'a comparison takes exactly one operator'), id='any-and-all'),
    pytest.param({'subject': {}}, Refused('c.subject', 'an empty mapping is not a comparison'), id='empty-comparison'),
    pytest.param({'subject': {'text': 'a'}}, Refused('c.subject', 'expected a value, a list or {OPERATOR: value}'), id='mapping-without-operator'),
    pytest.param({'subject': {'$contains': {'$eq': 'a'}}},
                 Refused('c.subject.$contains', 'expected a string or {"$base64": ...}'), id='op-nested-op'),
    pytest.param({'subject': {'$contains': None}}, Refused('c.subject.$contains', 'got null'), id='op-null'),
    pytest.param({'subject': {'$contains': ['a', None]}}, Refused('c.subject.$contains[1]', 'got null'), id='op-list-with-null'),
    pytest.param({'subject': {'$contains': {'$any': []}}}, Refused('c.subject.$contains.$any', 'must not be empty'), id='op-any-empty'),
    # $exists.
    pytest.param({'header:x-a': {'$exists': 'yes'}}, Refused('c.header:x-a', '$exists takes true or false, got a string "yes"'), id='exists-string'),
    pytest.param({'header:x-a': {'$exists': 1}}, Refused('c.header:x-a', '$exists takes true or false, got a number 1'), id='exists-number'),
    pytest.param({'header:x-a': {'$exists': None}}, Refused('c.header:x-a', '$exists takes true or false, got null'), id='exists-null'),
    pytest.param({'subject': {'$exists': True}}, Refused('c.subject', '$exists is only allowed on header:NAME keys'), id='exists-on-subject'),
    pytest.param({'address:from': {'$exists': False}},
                 Refused('c.address:from', '$exists is only allowed on header:NAME keys'), id='exists-on-from'),
    pytest.param({'from': {'$exists': False}}, Refused('c.from', '$exists is only allowed on header:NAME keys'), id='exists-on-short-from'),
    # Values.
    pytest.param({'subject': 42}, Refused('c.subject', 'expected a string or {"$base64": ...}, got a number 42'), id='number-value'),
    pytest.param({'subject': 1.5}, Refused('c.subject', 'got a number 1.5'), id='float-value'),
    pytest.param({'subject': True}, Refused('c.subject', 'got a boolean true'), id='bool-value'),
    pytest.param({'subject': None}, Refused('c.subject', 'got null'), id='null-value'),
    pytest.param({'subject': []}, Refused('c.subject', 'a list of values must not be empty'), id='empty-list'),
    pytest.param({'from': ['Alice', 7]}, Refused('c.from[1]', 'got a number 7'), id='list-with-number'),
    pytest.param({'from': ['Alice', ['Bob']]}, Refused('c.from[1]', 'got a list'), id='nested-list'),
    pytest.param({'from': ['Alice', {'$any': ['Bob']}]}, Refused('c.from[1]', 'expected a string or {"$base64": ...}'), id='list-with-any'),
    pytest.param({'subject': {'$any': []}}, Refused('c.subject.$any', 'a list of values must not be empty'), id='any-empty'),
    pytest.param({'subject': {'$all': 'a'}}, Refused('c.subject.$all', 'expected a list, got a string "a"'), id='all-not-list'),
    pytest.param({'subject': {'$any': [{'$all': ['a']}]}}, Refused('c.subject.$any[0]', 'expected a string or {"$base64": ...}'), id='any-of-all'),
    pytest.param({'subject': {'$base64': 'not base64!'}},
                 Refused('c.subject', '$base64 value is not valid base64: "not base64!"'), id='base64-invalid'),
    pytest.param({'subject': {'$base64': 'aGk'}}, Refused('c.subject', 'not valid base64'), id='base64-unpadded'),
    pytest.param({'subject': {'$base64': 'aG-k'}}, Refused('c.subject', 'not valid base64'), id='base64-urlsafe-alphabet'),
    pytest.param({'subject': {'$base64': 5}}, Refused('c.subject', '$base64 takes a string, got a number 5'), id='base64-number'),
    pytest.param({'subject': {'$base64': 'aGk=', 'x': 1}}, Refused('c.subject', 'a comparison takes exactly one operator'), id='base64-extra-key'),
    pytest.param({'subject': ['a', {'$base64': '***'}]}, Refused('c.subject[1]', 'not valid base64'), id='list-with-bad-base64'),
]


def _rule(condition):
    return {'condition': condition, 'actions': [{'action': 'drop'}]}


def _sandbox_put(rule):
    """The sandbox's PUT body check (what answers 400 over HTTP); the rules as it stores them."""
    return sandbox.validate_rules_body({'rules': [rule]})


@pytest.mark.parametrize('condition, expected', CONDITIONS)
def test_condition_grammar_in_the_collection_and_the_sandbox(condition, expected):
    if isinstance(expected, Refused):
        expected.raised_by(validate_condition, condition, 'c')
        with pytest.raises(sandbox.RuleError) as sandbox_excinfo:
            _sandbox_put(_rule(condition))
        assert str(sandbox_excinfo.value).startswith('rules[0].condition')
        return
    canonical = condition if expected is SAME else expected
    rule = parse_rule(_rule(condition), 'rules[0]')
    assert rule.written['condition'] == ({} if condition is None else condition), 'sent as the user wrote it'
    assert canonical_condition(rule.written['condition']) == canonical
    assert rule.key == parse_rule(_rule(canonical)).key, 'the same rule as its canonical spelling'
    assert _sandbox_put(_rule(condition)) == [_rule(condition)], 'the sandbox accepts and stores it as written'


# ---------------------------------------------------------------------------
# Rules: (a rule in the module's or the API's shape, what is written or how it is refused)
# ---------------------------------------------------------------------------

CANONICAL_FORWARD = {
    'condition': {'address:from': 'boss@example.com', 'subject': {'$contains': 'urgent'}},
    'actions': [{'action': 'forward', 'data': {'email': 'Oncall@Example.com'}}],
    'scope': {'direction': 'outbound'},
    'terminal': True,
}
DROP_EVERYTHING = {'condition': {}, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': False}


def _forward(email):
    """A rule in the module's shape forwarding every message to ``email``."""
    return {'actions': [{'action': 'forward', 'email': email}]}


def _forward_to(email):
    """A forward action as written."""
    return {'action': 'forward', 'data': {'email': email}}


RULES = [
    # Both shapes of one rule, with keys in any order, are written the one API way.
    pytest.param({'condition': {'address:from': 'boss@example.com', 'subject': {'$contains': 'urgent'}},
                  'actions': [{'action': 'forward', 'email': 'Oncall@Example.com'}], 'direction': 'outbound', 'terminal': True},
                 CANONICAL_FORWARD, id='module-shape'),
    pytest.param(CANONICAL_FORWARD, CANONICAL_FORWARD, id='api-shape'),
    pytest.param({'terminal': True, 'scope': {'direction': 'outbound'}, 'actions': [{'data': {'email': 'Oncall@Example.com'}, 'action': 'forward'}],
                  'condition': {'subject': {'$contains': 'urgent'}, 'address:from': 'boss@example.com'}},
                 CANONICAL_FORWARD, id='api-shape-other-key-order'),
    pytest.param({'condition': {'address:from': 'boss@example.com', 'subject': {'$contains': 'urgent'}},
                  'actions': [{'action': 'forward', 'email': 'Oncall@Example.com', 'data': {'email': 'Oncall@Example.com'}}],
                  'direction': 'outbound', 'scope': {'direction': 'outbound'}, 'terminal': True},
                 CANONICAL_FORWARD, id='both-spellings-agreeing'),
    # What is left out, or null, is the default: every message, drop, inbound, not terminal.
    pytest.param({'actions': [{}]}, DROP_EVERYTHING, id='empty-action-is-drop'),
    pytest.param({'actions': [{'action': 'drop'}]}, DROP_EVERYTHING, id='all-defaults'),
    pytest.param({'condition': None, 'actions': [{'action': 'drop'}]}, DROP_EVERYTHING, id='condition-null'),
    pytest.param({'condition': {}, 'actions': [{}], 'direction': 'inbound', 'terminal': False}, DROP_EVERYTHING, id='explicit-defaults'),
    pytest.param({'condition': {}, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': False},
                 DROP_EVERYTHING, id='api-defaults'),
    pytest.param({'actions': [{'action': 'drop', 'data': {}}], 'scope': {}}, DROP_EVERYTHING, id='empty-data-and-scope'),
    pytest.param({'actions': [{'action': None, 'email': None}], 'direction': None, 'terminal': None, 'scope': None},
                 DROP_EVERYTHING, id='nulls-are-absent'),
    # The PUT reference page's generated example, without its placeholder address (the whole example is refused below).
    pytest.param({'terminal': True, 'condition': None, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}},
                 dict(DROP_EVERYTHING, terminal=True), id='vendor-example-without-address'),
    pytest.param({'terminal': True, 'condition': None, 'actions': [{'action': 'drop', 'data': {'email': 'example'}}], 'scope': {'direction': 'inbound'}},
                 Refused('rules[0].actions[0]', 'drop takes no address'), id='vendor-example'),
    # Several actions keep their order.
    pytest.param({'actions': [{'action': 'forward', 'email': 'a@example.com'}, {'action': 'forward', 'email': 'b@example.com'}, {'action': 'drop'}]},
                 dict(DROP_EVERYTHING, actions=[_forward_to('a@example.com'), _forward_to('b@example.com'), {'action': 'drop'}]),
                 id='several-actions-in-order'),
    # Forward addresses are checked like a mailbox's (which pass: the ALIASES table below) and written as
    # spelled, without the surrounding spaces.
    pytest.param(_forward('a@example.com'), dict(DROP_EVERYTHING, actions=[_forward_to('a@example.com')]), id='email-simple'),
    pytest.param(_forward('First.Last+tag@sub.example.co.uk'),
                 dict(DROP_EVERYTHING, actions=[_forward_to('First.Last+tag@sub.example.co.uk')]), id='email-case-kept'),
    pytest.param(_forward('  Oncall@Example.com '), dict(DROP_EVERYTHING, actions=[_forward_to('Oncall@Example.com')]), id='email-spaces-dropped'),
    pytest.param(_forward('ivan@xn--e1afmkfd.xn--p1ai'),
                 dict(DROP_EVERYTHING, actions=[_forward_to('ivan@xn--e1afmkfd.xn--p1ai')]), id='email-idn-as-xn'),
    pytest.param(_forward('x' * 242 + '@example.com'),
                 dict(DROP_EVERYTHING, actions=[_forward_to('x' * 242 + '@example.com')]), id='email-254-characters'),
    pytest.param(_forward('example'),
                 Refused('rules[0].actions[0].email', '"example" is not an e-mail address (expected name@example.com)'), id='email-no-at'),
    pytest.param(_forward('a@localhost'), Refused('rules[0].actions[0].email', 'is not an e-mail address'), id='email-no-dot-in-domain'),
    pytest.param(_forward('@example.com'), Refused('rules[0].actions[0].email', 'is not an e-mail address'), id='email-no-local'),
    pytest.param(_forward('a@@example.com'), Refused('rules[0].actions[0].email', 'is not an e-mail address'), id='email-two-ats'),
    pytest.param(_forward('a b@example.com'), Refused('rules[0].actions[0].email', 'is not an e-mail address'), id='email-space'),
    pytest.param(_forward('a@example.'), Refused('rules[0].actions[0].email', 'is not an e-mail address'), id='email-trailing-dot'),
    pytest.param(_forward('ivan@пример.рф'), Refused('rules[0].actions[0].email', 'is not an e-mail address'), id='email-idn-not-as-xn'),
    pytest.param(_forward('x' * 243 + '@example.com'), Refused('rules[0].actions[0].email', 'is not an e-mail address'), id='email-255-characters'),
    pytest.param(_forward(''), Refused('rules[0].actions[0].email', "'' is not an e-mail address"), id='email-empty'),
    pytest.param(_forward(['a@example.com']), Refused('rules[0].actions[0].email', 'the address must be a string, got a list'), id='email-list'),
    # Refused rules: the path the collection names and a fragment of its message.
    pytest.param('drop everything', Refused('rules[0]', 'a rule must be a mapping, got a string'), id='rule-string'),
    pytest.param({'actions': [{'action': 'drop'}], 'stop': True}, Refused('rules[0]', 'unknown key in a rule: stop'), id='unknown-rule-key'),
    pytest.param({'condition': {}}, Refused('rules[0]', 'actions is required'), id='no-actions'),
    pytest.param({'actions': []}, Refused('rules[0].actions', 'must not be empty'), id='empty-actions'),
    pytest.param({'actions': {'action': 'drop'}}, Refused('rules[0].actions', 'must be a list, got a mapping'), id='actions-mapping'),
    pytest.param({'actions': ['drop']}, Refused('rules[0].actions[0]', 'an action must be a mapping, got a string "drop"'), id='action-string'),
    pytest.param({'actions': [{'action': 'bounce'}]},
                 Refused('rules[0].actions[0].action', 'must be drop or forward, got "bounce"'), id='action-unknown'),
    pytest.param({'actions': [{'action': 'Drop'}]},
                 Refused('rules[0].actions[0].action', 'must be drop or forward, got "Drop"'), id='action-wrong-case'),
    pytest.param({'actions': [{'action': 'drop'}, {'action': 'forward'}]},
                 Refused('rules[0].actions[1]', 'forward needs an address (email)'), id='forward-no-email'),
    pytest.param({'actions': [{'action': 'forward', 'data': {}}]},
                 Refused('rules[0].actions[0]', 'forward needs an address (email)'), id='forward-empty-data'),
    pytest.param({'actions': [{'action': 'forward', 'email': 'nobody'}]},
                 Refused('rules[0].actions[0].email', '"nobody" is not an e-mail address'), id='forward-bad-email'),
    pytest.param({'actions': [{'action': 'drop', 'email': 'a@example.com'}]},
                 Refused('rules[0].actions[0]', 'drop takes no address'), id='drop-with-email'),
    pytest.param({'actions': [{'email': 'a@example.com'}]}, Refused('rules[0].actions[0]', 'drop takes no address'), id='default-drop-with-email'),
    pytest.param({'actions': [{'action': 'forward', 'email': 'a@example.com', 'data': {'email': 'b@example.com'}}]},
                 Refused('rules[0].actions[0]', 'email "a@example.com" and data.email "b@example.com" disagree'), id='email-disagree'),
    pytest.param({'actions': [{'action': 'forward', 'to': 'a@example.com'}]},
                 Refused('rules[0].actions[0]', 'unknown key in an action: to'), id='action-unknown-key'),
    pytest.param({'actions': [{'action': 'forward', 'data': {'email': 'a@example.com', 'copy': True}}]},
                 Refused('rules[0].actions[0].data', 'unknown key in action data: copy'), id='data-unknown-key'),
    pytest.param({'actions': [{'action': 'forward', 'data': 'a@example.com'}]},
                 Refused('rules[0].actions[0].data', 'must be a mapping, got a string'), id='data-string'),
    pytest.param({'actions': [{}], 'direction': 'sideways'},
                 Refused('rules[0].direction', 'must be inbound or outbound, got "sideways"'), id='direction-bad'),
    pytest.param({'actions': [{}], 'scope': {'direction': 'both'}},
                 Refused('rules[0].scope.direction', 'must be inbound or outbound, got "both"'), id='scope-direction-bad'),
    pytest.param({'actions': [{}], 'direction': 'inbound', 'scope': {'direction': 'outbound'}},
                 Refused('rules[0]', 'direction "inbound" and scope.direction "outbound" disagree'), id='direction-disagree'),
    pytest.param({'actions': [{}], 'scope': 'inbound'}, Refused('rules[0].scope', 'must be a mapping, got a string'), id='scope-string'),
    pytest.param({'actions': [{}], 'scope': {'direction': 'inbound', 'users': []}},
                 Refused('rules[0].scope', 'unknown key in scope: users'), id='scope-unknown-key'),
    pytest.param({'actions': [{}], 'terminal': 'yes'},
                 Refused('rules[0].terminal', 'must be true or false, got a string "yes"'), id='terminal-string'),
    pytest.param({'actions': [{}], 'terminal': 1}, Refused('rules[0].terminal', 'must be true or false, got a number 1'), id='terminal-number'),
    pytest.param({'actions': [{}], 'condition': 'everything'},
                 Refused('rules[0].condition', 'a condition must be a mapping'), id='condition-string'),
    pytest.param({'actions': [{}], 'condition': {'header:bad name': 'x'}},
                 Refused('rules[0].condition', 'bad header name'), id='condition-bad-header'),
]


@pytest.mark.parametrize('rule, expected', RULES)
def test_rule_grammar(rule, expected):
    given = copy.deepcopy(rule)
    if isinstance(expected, Refused):
        expected.raised_by(parse_rule, rule, 'rules[0]')
        return
    parsed = parse_rule(rule, 'rules[0]')
    assert parsed.written == expected
    assert list(parsed.written) == ['condition', 'actions', 'scope', 'terminal']
    assert parsed.key == parse_rule(expected).key, 'the same rule as what is written'
    assert rule == given, 'the input is not modified'


# ---------------------------------------------------------------------------
# Forward addresses: the same check as a mailbox's forwarding address
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('value', ALIASES)
def test_forward_address_passes_the_mailbox_address_check(value):
    try:
        expected = _address.normalise_address(value)
    except ValueError:
        expected = None
    rule = {'actions': [{'action': 'forward', 'email': value}]}
    if expected is None:
        with pytest.raises(RuleError) as excinfo:
            normalise_rule(rule, 'rules[0]')
        assert excinfo.value.path.startswith('rules[0].actions[0]')
    else:
        # The address is checked like a mailbox's, but written as the user spelled it (only
        # the surrounding spaces the check ignores are dropped).
        assert normalise_rule(rule)['actions'] == [{'action': 'forward', 'data': {'email': value.strip()}}]


@pytest.mark.parametrize('value', ALIASES)
def test_the_sandbox_checks_forward_addresses_like_mailbox_addresses(value):
    accepted = assumptions.normalise_alias(value)[1] is None
    rule = {'actions': [{'action': 'forward', 'data': {'email': value}}]}
    if accepted:
        _sandbox_put(rule)
    else:
        with pytest.raises(sandbox.RuleError, match=r'^rules\[0\]\.actions\[0\]\.data\.email: '):
            _sandbox_put(rule)
