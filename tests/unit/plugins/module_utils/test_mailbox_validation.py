# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's input validators agree with the sandbox's written-down assumptions.

The vendor documents none of these rules. The sandbox (``tests/sandbox/assumptions.py``) is the
one place they are written down; the collection repeats them in ``_netangels/rules.py`` (it cannot
import test code). One table of values runs through both, so they cannot drift apart.
"""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import rules as collection
from ansible_collections.mailops.hosted_mail.tests.sandbox import assumptions as sandbox

LOCAL_PARTS = [
    'alice', 'a', '0', 'a.b', 'a_b', 'a-b', 'alice.smith-2_x', 'a' * 64, 'a' * 65, '', 'Alice', 'ALICE', 'al..ice',
    '.alice', 'alice.', '-alice', 'alice-', '_alice', 'alice_', 'al ice', 'al+ice', 'alice@example.com', 'алиса',
    'a1', '1a', 'a..', 'a.b.c', 'x' * 63 + '.', None, 42,
]

PASSWORDS = [
    'PassWord', 'Secret-Passw0rd', 'x' * 8, 'x' * 7, 'x' * 128, 'x' * 129, '', 'with space1', 'tab\there1', 'new\nline12',
    'ctrl\x01char1', 'пароль-длинный', '!@#$%^&*()', None, 12345678,
]

QUOTAS = [1, 0, -1, 1024, 102400, 102401, 10 ** 9, True, False, '100', 1.5, None]

ALIASES = [
    'a@example.com', 'A@Example.COM', ' a@example.com ', 'a.b+tag@sub.example.co.uk', 'a@b', 'a@localhost', 'no-at-sign',
    '@example.com', 'a@', 'a@@example.com', 'a b@example.com', 'a@-example.com', 'a@example-.com', 'a@exa_mple.com',
    'x' * 250 + '@e.com', 'x' * 240 + '@example.com', "o'brien@example.ie", 'a@example.c', '', '   ', None, 42,
    'алиса@example.com', 'a@xn--80ak6aa92e.com',
]

COMMENTS = ['', 'Alice', 'x' * 255, 'x' * 256, 'Ящик номер 1', None, 5]


@pytest.mark.parametrize('value', LOCAL_PARTS)
def test_local_part(value):
    assert (collection.check_local_part(value) is None) == (sandbox.check_mailbox_name(value) is None)


@pytest.mark.parametrize('value', PASSWORDS)
def test_password(value):
    assert (collection.check_password(value) is None) == (sandbox.check_password(value) is None)


@pytest.mark.parametrize('value', PASSWORDS)
def test_password_reasons_never_repeat_the_password(value):
    reason = collection.check_password(value)
    assert reason is None or not isinstance(value, str) or not value or value not in reason


@pytest.mark.parametrize('value', QUOTAS)
def test_quota(value):
    assert (collection.check_quota(value) is None) == (sandbox.check_quota(value) is None)


@pytest.mark.parametrize('value', ALIASES)
def test_alias(value):
    expected, why = sandbox.normalise_alias(value)
    if why is None:
        assert collection.normalise_alias(value) == expected
    else:
        with pytest.raises(ValueError):
            collection.normalise_alias(value)


def test_alias_error_names_the_bad_value():
    with pytest.raises(ValueError, match='"no-at-sign" is not an e-mail address'):
        collection.normalise_alias('no-at-sign')


@pytest.mark.parametrize('value', COMMENTS)
def test_comment(value):
    assert (collection.check_comment(value) is None) == (sandbox.check_comment(value) is None)


def test_constants_agree():
    assert collection.QUOTA_MIN == sandbox.QUOTA_MIN and collection.QUOTA_MAX == sandbox.QUOTA_MAX
    assert collection.PASSWORD_MIN_LENGTH == sandbox.PASSWORD_MIN_LENGTH
    assert collection.PASSWORD_MAX_LENGTH == sandbox.PASSWORD_MAX_LENGTH
    assert collection.COMMENT_MAX_LENGTH == sandbox.COMMENT_MAX_LENGTH
    assert collection.MAILBOX_STATE_DISABLED == sandbox.MAILBOX_STATE_DISABLED


@pytest.mark.parametrize('state, disabled', [('disabled', True), ('DISABLED', True), ('active', False), (None, False)])
def test_is_disabled(state, disabled):
    assert collection.is_disabled({'state': state}) is disabled


def test_a_capitalised_name_gets_a_hint():
    assert 'use lower case: alice' in collection.check_local_part('Alice')
