# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The routing-rule condition grammar: one table, run through both of its implementations.

The grammar lives twice: the collection checks every rule before it sends it
(``plugins/module_utils/_yandex360/rules.py``), and the API sandbox refuses with 400 what the API
refuses (``tests/sandbox/rules.py``, which cannot share code with the collection). Every
condition below goes through both -- the collection's :func:`normalise_rule` and the sandbox's
PUT body check -- and both must agree with the table, so the two cannot drift apart. The
collection's error must also name the place (``path``) and say what is wrong (``fragment``).

Forward addresses are checked the same way, against the table of mailbox forwarding addresses
(``test_mailbox_validation.ALIASES``): a rule's forward address passes exactly the check a
mailbox's forwarding address passes, in the collection and in the sandbox.
"""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _address
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import RuleError, normalise_rule, validate_condition
from ansible_collections.mailops.hosted_mail.tests.sandbox import assumptions
from ansible_collections.mailops.hosted_mail.tests.sandbox import rules as sandbox
from ansible_collections.mailops.hosted_mail.tests.unit.plugins.module_utils.test_mailbox_validation import ALIASES

# ---------------------------------------------------------------------------
# Valid conditions
# ---------------------------------------------------------------------------

VALID = [
    # The vendor's own examples (routing page and PUT reference page).
    pytest.param({'address:from': 'friend@mail.ru'}, id='vendor-address-from'),
    pytest.param({'from': ['Alice', 'Bob']}, id='vendor-from-list'),
    pytest.param({'subject': {'$contains': {'$any': ['hello', 'bye']}}}, id='vendor-contains-any'),
    pytest.param({'header:x-yandex-forward': {'$exists': False}}, id='vendor-header-exists'),
    pytest.param({'$and': [{'address:from': {'$contains': '@yandex.ru'}},
                           {'$or': [{'subject': {'$contains': 'hello'}}, {'subject': {'$contains': 'bye'}}]}]},
                 id='vendor-and-or'),
    pytest.param({'address:from': 'spam@example.com'}, id='vendor-put-body'),
    pytest.param(None, id='vendor-example-null'),
    # Every message.
    pytest.param({}, id='empty-every-message'),
    # Keys, with and without the address: prefix.
    pytest.param({'address:to': 'boss@example.com'}, id='address-to'),
    pytest.param({'address:cc': 'team@example.com'}, id='address-cc'),
    pytest.param({'address:tocc': 'team@example.com'}, id='address-tocc'),
    pytest.param({'to': 'boss@example.com'}, id='unprefixed-to'),
    pytest.param({'cc': 'x@example.com'}, id='unprefixed-cc'),
    pytest.param({'tocc': 'x@example.com'}, id='unprefixed-tocc'),
    pytest.param({'from': 'x@example.com'}, id='unprefixed-from'),
    pytest.param({'from': 'a@example.com', 'address:to': 'b@example.com'}, id='short-and-long-of-different-fields'),
    pytest.param({'$and': [{'from': 'a@example.com'}, {'address:from': {'$ne': 'b@example.com'}}]}, id='same-field-twice-through-and'),
    pytest.param({'subject': 'hello'}, id='subject-string'),
    pytest.param({'subject': ''}, id='subject-empty-string'),
    pytest.param({'body': 'unsubscribe'}, id='body-string'),
    pytest.param({'attach:filename': 'invoice.exe'}, id='attach-filename'),
    pytest.param({'header:X-Spam-Flag': 'YES'}, id='header-mixed-case'),
    pytest.param({'header:X-Spam-Flag': 'YES', 'header:x-spam-flag': 'YES'}, id='header-two-cases-are-two-keys'),
    pytest.param({'header:list_id_2': 'x'}, id='header-underscore-digits'),
    pytest.param({'header:x-spam': {'$exists': True}}, id='header-exists-true'),
    # Operators and values.
    pytest.param({'subject': {'$eq': 'hello'}}, id='op-eq'),
    pytest.param({'subject': {'$ne': 'hello'}}, id='op-ne'),
    pytest.param({'subject': {'$contains': 'hello'}}, id='op-contains'),
    pytest.param({'subject': {'$not-contains': 'hello'}}, id='op-not-contains'),
    pytest.param({'subject': {'$eq': ['a', 'b']}}, id='op-with-plain-list'),
    pytest.param({'attach:filename': {'$ne': ['a.exe', 'b.exe']}, 'cc': {'$eq': 'x'}}, id='op-ne-list-and-cc'),
    pytest.param({'body': {'$not-contains': {'$all': ['a', 'b']}}}, id='op-not-contains-all'),
    pytest.param({'subject': {'$any': ['a', 'b']}}, id='bare-any'),
    pytest.param({'subject': {'$all': ['a', 'b']}}, id='bare-all'),
    pytest.param({'subject': ['one']}, id='one-element-list'),
    pytest.param({'subject': {'$base64': 'aGVsbG8='}}, id='bare-base64'),
    pytest.param({'subject': {'$contains': {'$base64': 'aGVsbG8='}}}, id='op-base64'),
    pytest.param({'subject': {'$base64': ''}}, id='base64-empty'),
    pytest.param({'subject': ['plain', {'$base64': 'aGVsbG8='}]}, id='list-with-base64-item'),
    pytest.param({'subject': {'$contains': {'$any': [{'$base64': 'aGk='}, 'bye']}}}, id='any-with-base64-item'),
    pytest.param({'tocc': {'$all': ['a@example.com', {'$base64': 'Yg=='}]}, 'body': {'$not-contains': {'$base64': 'aGVsbG8='}}},
                 id='all-with-base64-and-not-contains-base64'),
    pytest.param({'subject': 'Привет'}, id='non-ascii-string'),
    # Logic.
    pytest.param({'subject': 'a', 'from': 'b@example.com', 'header:x-a': {'$exists': False}}, id='several-keys-anded'),
    pytest.param({'$or': [{'subject': 'a'}]}, id='or-single'),
    pytest.param({'$and': [{'subject': 'a'}, {'body': 'b'}], 'from': 'x@example.com'}, id='and-beside-key'),
    pytest.param({'$and': [{'$or': [{'$and': [{'subject': 'deep'}]}]}]}, id='deeply-nested'),
    pytest.param({'$and': [{'subject': 'a'}], '$or': [{'body': 'b'}, {'body': 'c'}]}, id='and-and-or-together'),
    # A condition is null | {} | {...} at every depth: $and/$or take a list of conditions.
    pytest.param({'$and': [{}]}, id='and-empty-member'),
    pytest.param({'$or': [None, {'subject': 'a'}]}, id='or-null-member'),
]

# ---------------------------------------------------------------------------
# Invalid conditions: (condition, the path the collection names, a fragment of its message)
# ---------------------------------------------------------------------------

INVALID = [
    pytest.param('subject', 'c', 'a condition must be a mapping, got a string "subject"', id='condition-string'),
    pytest.param([{'subject': 'a'}], 'c', 'a condition must be a mapping, got a list', id='condition-list'),
    pytest.param(True, 'c', 'a condition must be a mapping, got a boolean', id='condition-bool'),
    # Keys.
    pytest.param({'Subject': 'a'}, 'c', 'unknown key "Subject"', id='key-wrong-case'),
    pytest.param({'From': 'a@example.com'}, 'c', 'unknown key "From"', id='key-from-wrong-case'),
    pytest.param({'Address:from': 'a@example.com'}, 'c', 'unknown key "Address:from"', id='key-prefix-wrong-case'),
    pytest.param({'sender': 'a'}, 'c', 'unknown key "sender"', id='key-unknown'),
    pytest.param({'address:bcc': 'a'}, 'c', 'unknown key "address:bcc"', id='key-address-bcc'),
    pytest.param({'address:subject': 'a'}, 'c', 'unknown key "address:subject"', id='key-address-subject'),
    pytest.param({'address:': 'a'}, 'c', 'unknown key "address:"', id='key-address-nothing'),
    pytest.param({'filename': 'a'}, 'c', 'unknown key "filename"', id='key-filename-without-attach'),
    pytest.param({'attach:size': '1'}, 'c', 'unknown key "attach:size"', id='key-attach-size'),
    pytest.param({' from': 'a'}, 'c', 'unknown key " from"', id='key-leading-space'),
    pytest.param({'from\n': 'a'}, 'c', 'unknown key', id='key-trailing-newline'),
    pytest.param({'header:': 'a'}, 'c', 'bad header name in "header:"', id='header-empty-name'),
    pytest.param({'header:x spam': 'a'}, 'c', 'bad header name in "header:x spam"', id='header-space'),
    pytest.param({'header:x.spam': 'a'}, 'c', 'it must match [-_a-zA-Z0-9]+', id='header-dot'),
    pytest.param({'header:x-spam\n': 'a'}, 'c', 'bad header name', id='header-trailing-newline'),
    pytest.param({'header:Тема': 'a'}, 'c', 'bad header name', id='header-non-ascii'),
    # One key, two spellings: "from" and "address:from" are the same key, so a mapping that has
    # both holds that key twice (a JSON object's names are unique).
    pytest.param({'from': 'a@example.com', 'address:from': 'b@example.com'}, 'c', '"address:from" and "from" are the same key',
                 id='from-twice'),
    pytest.param({'$or': [{'tocc': 'a', 'address:tocc': 'a'}]}, 'c.$or[0]', '"address:tocc" and "tocc" are the same key', id='tocc-twice-nested'),
    # Logic.
    pytest.param({'$not': {'subject': 'a'}}, 'c.$not', 'there is no $not', id='not-operator'),
    pytest.param({'$xor': []}, 'c', 'unknown logical operator "$xor"', id='unknown-logic'),
    pytest.param({'$AND': [{'subject': 'a'}]}, 'c', 'unknown logical operator "$AND"', id='logic-wrong-case'),
    pytest.param({'$and': {'subject': 'a'}}, 'c.$and', '$and takes a list of conditions, got a mapping', id='and-not-list'),
    pytest.param({'$and': None}, 'c.$and', '$and takes a list of conditions, got null', id='and-null'),
    pytest.param({'$or': []}, 'c.$or', '$or takes a non-empty list of conditions', id='or-empty'),
    pytest.param({'$and': [{'subject': 'a'}, 'b']}, 'c.$and[1]', 'a condition must be a mapping, got a string "b"', id='and-string-member'),
    pytest.param({'$and': [[{'subject': 'a'}]]}, 'c.$and[0]', 'a condition must be a mapping, got a list', id='and-list-member'),
    pytest.param({'$and': [{'subject': 'a'}, {'$or': [{'subject': 'x'}, {'subjet': 'y'}]}]}, 'c.$and[1].$or[1]', 'unknown key "subjet"',
                 id='nested-unknown-key'),
    # Operators.
    pytest.param({'subject': {'$contain': 'a'}}, 'c.subject', 'unknown operator "$contain"', id='unknown-operator'),
    pytest.param({'subject': {'$regex': 'a.*'}}, 'c.subject', 'unknown operator "$regex"', id='regex-operator'),
    pytest.param({'subject': {'$EQ': 'a'}}, 'c.subject', 'unknown operator "$EQ"', id='operator-wrong-case'),
    pytest.param({'subject': {'$eq': 'a', '$ne': 'b'}}, 'c.subject', 'a comparison takes exactly one operator', id='two-operators'),
    pytest.param({'subject': {'$eq': 'a', 'x': 'b'}}, 'c.subject', 'a comparison takes exactly one operator', id='operator-and-junk'),
    pytest.param({'subject': {'$any': ['a'], '$all': ['b']}}, 'c.subject', 'a comparison takes exactly one operator', id='any-and-all'),
    pytest.param({'subject': {}}, 'c.subject', 'an empty mapping is not a comparison', id='empty-comparison'),
    pytest.param({'subject': {'text': 'a'}}, 'c.subject', 'expected a value, a list or {OPERATOR: value}', id='mapping-without-operator'),
    pytest.param({'subject': {'$contains': {'$eq': 'a'}}}, 'c.subject.$contains', 'expected a string or {"$base64": ...}', id='op-nested-op'),
    pytest.param({'subject': {'$contains': None}}, 'c.subject.$contains', 'got null', id='op-null'),
    pytest.param({'subject': {'$contains': ['a', None]}}, 'c.subject.$contains[1]', 'got null', id='op-list-with-null'),
    pytest.param({'subject': {'$contains': {'$any': []}}}, 'c.subject.$contains.$any', 'must not be empty', id='op-any-empty'),
    # $exists.
    pytest.param({'header:x-a': {'$exists': 'yes'}}, 'c.header:x-a', '$exists takes true or false, got a string "yes"', id='exists-string'),
    pytest.param({'header:x-a': {'$exists': 1}}, 'c.header:x-a', '$exists takes true or false, got a number 1', id='exists-number'),
    pytest.param({'header:x-a': {'$exists': None}}, 'c.header:x-a', '$exists takes true or false, got null', id='exists-null'),
    pytest.param({'subject': {'$exists': True}}, 'c.subject', '$exists is only allowed on header:NAME keys', id='exists-on-subject'),
    pytest.param({'address:from': {'$exists': False}}, 'c.address:from', '$exists is only allowed on header:NAME keys', id='exists-on-from'),
    pytest.param({'from': {'$exists': False}}, 'c.from', '$exists is only allowed on header:NAME keys', id='exists-on-short-from'),
    # Values.
    pytest.param({'subject': 42}, 'c.subject', 'expected a string or {"$base64": ...}, got a number 42', id='number-value'),
    pytest.param({'subject': 1.5}, 'c.subject', 'got a number 1.5', id='float-value'),
    pytest.param({'subject': True}, 'c.subject', 'got a boolean true', id='bool-value'),
    pytest.param({'subject': None}, 'c.subject', 'got null', id='null-value'),
    pytest.param({'subject': []}, 'c.subject', 'a list of values must not be empty', id='empty-list'),
    pytest.param({'from': ['Alice', 7]}, 'c.from[1]', 'got a number 7', id='list-with-number'),
    pytest.param({'from': ['Alice', ['Bob']]}, 'c.from[1]', 'got a list', id='nested-list'),
    pytest.param({'from': ['Alice', {'$any': ['Bob']}]}, 'c.from[1]', 'expected a string or {"$base64": ...}', id='list-with-any'),
    pytest.param({'subject': {'$any': []}}, 'c.subject.$any', 'a list of values must not be empty', id='any-empty'),
    pytest.param({'subject': {'$all': 'a'}}, 'c.subject.$all', 'expected a list, got a string "a"', id='all-not-list'),
    pytest.param({'subject': {'$any': [{'$all': ['a']}]}}, 'c.subject.$any[0]', 'expected a string or {"$base64": ...}', id='any-of-all'),
    pytest.param({'subject': {'$base64': 'not base64!'}}, 'c.subject', '$base64 value is not valid base64: "not base64!"', id='base64-invalid'),
    pytest.param({'subject': {'$base64': 'aGk'}}, 'c.subject', 'not valid base64', id='base64-unpadded'),
    pytest.param({'subject': {'$base64': 'aG-k'}}, 'c.subject', 'not valid base64', id='base64-urlsafe-alphabet'),
    pytest.param({'subject': {'$base64': 5}}, 'c.subject', '$base64 takes a string, got a number 5', id='base64-number'),
    pytest.param({'subject': {'$base64': 'aGk=', 'x': 1}}, 'c.subject', 'a comparison takes exactly one operator', id='base64-extra-key'),
    pytest.param({'subject': ['a', {'$base64': '***'}]}, 'c.subject[1]', 'not valid base64', id='list-with-bad-base64'),
]


def _rule(condition):
    return {'condition': condition, 'actions': [{'action': 'drop'}]}


def _sandbox_put(rule):
    """The sandbox's PUT body check (what answers 400 over HTTP)."""
    return sandbox.validate_rules_body({'rules': [rule]})


@pytest.mark.parametrize('condition', VALID)
def test_valid_in_the_collection_and_the_sandbox(condition):
    validate_condition(condition, 'c')
    normalise_rule(_rule(condition), 'rules[0]')
    _sandbox_put(_rule(condition))


@pytest.mark.parametrize('condition, path, fragment', INVALID)
def test_invalid_in_the_collection_and_the_sandbox(condition, path, fragment):
    with pytest.raises(RuleError) as excinfo:
        validate_condition(condition, 'c')
    assert excinfo.value.path == path
    assert str(excinfo.value).startswith(path + ': ')
    assert fragment in str(excinfo.value)
    with pytest.raises(sandbox.RuleError) as excinfo:
        _sandbox_put(_rule(condition))
    assert str(excinfo.value).startswith('rules[0].condition')


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
