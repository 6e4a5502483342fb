# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one mailbox parser (_netangels/spec.py): netangels_mailbox's options, a ``mailboxes`` row and a
line of a CSV file become the same MailboxSpec; a bad value fails naming the option and the row."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import bulk
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.spec import MailboxSpec, alias_list, parse_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.target import MailboxTarget

TASK = dict(domain='example.com', domain_id=None, update_password='on_create', src=None, mailboxes=None)

# The same mailbox three ways: as netangels_mailbox's options (ansible-core has converted their
# types), as a row of ``mailboxes`` (YAML's types, ``type: raw``), and as a CSV line (text).
SAME = [
    ('plain', dict(name='alice', password='Alice-Pass-1234'), dict(name='alice', password='Alice-Pass-1234'),
     dict(name='alice', password='Alice-Pass-1234'), {}),
    ('every field', dict(name='bob', comment='Bob, accounting', quota=2048, is_local=False, aliases=['B@Example.net', 'c@example.net']),
     dict(name='bob', comment='Bob, accounting', quota=2048, is_local='no', aliases='B@Example.net c@example.net'),
     dict(name='bob', comment='Bob, accounting', quota='2048', is_local='false', aliases='B@Example.net;c@example.net'),
     dict(comment='Bob, accounting', quota=2048, is_local=False, aliases=['b@example.net', 'c@example.net'])),
    ('an empty comment is a value', dict(name='carol', comment=''), dict(name='carol', comment=''), dict(name='carol', comment=''),
     dict(comment='')),
    ('disabled', dict(name='dave', state='disabled'), dict(name='dave', state='disabled'), dict(name='dave', state='Disabled'), {}),
]


@pytest.mark.parametrize('case, options, row, line, desired', SAME, ids=[case[0] for case in SAME])
def test_the_options_a_row_and_a_csv_line_give_the_same_mailbox(case, options, row, line, desired):
    single = parse_mailbox(options, 'example.com')
    rows = bulk.validate_rows([('mailboxes[0]', row)], TASK) + bulk.validate_rows([('line 2', line)], TASK)
    assert single.desired == desired
    for spec in [single] + rows:
        assert isinstance(spec, MailboxSpec)
        assert (spec.name, spec.target, spec.password, spec.desired, spec.state) == \
            (single.name, MailboxTarget(options['name'], 'example.com', None), single.password, desired, options.get('state', 'present'))
    assert [spec.label for spec in rows] == ['mailboxes[0]', 'line 2']


BAD = [
    ('quota out of range', dict(quota=0), 'quota 0 MB is outside the range 1..102400 MB'),
    ('quota not a number', dict(quota='lots'), 'quota'),
    ('is_local not a boolean', dict(is_local='sometimes'), "is_local 'sometimes' is not true or false"),
    ('aliases a mapping', dict(aliases={'a': 'b'}), 'aliases must be a list of addresses'),
    ('a bad alias', dict(aliases=['ok@example.net', 'not-an-address']), 'aliases: "not-an-address" is not an e-mail address'),
    ('a short password', dict(password='short'), 'the password must be 8 to 128 characters long'),
    ('state unknown', dict(state='enabled'), "state 'enabled' is not one of present, absent, disabled"),
    ('an upper-case name', dict(name='Alice'), '(use lower case: alice)'),
    ('a long comment', dict(comment='c' * 256), 'the comment is 256 characters long; at most 255 are accepted'),
    ('forward-only without an address', dict(is_local=False, aliases=[]), 'is_local=false with an empty aliases list'),
]


@pytest.mark.parametrize('case, values, says', BAD, ids=[case[0] for case in BAD])
def test_a_bad_value_is_named_with_its_row(case, values, says):
    row = dict(dict(name='alice'), **values)
    with pytest.raises(InputError) as info:
        bulk.validate_rows([('mailboxes[0]', dict(name='zed')), ('line 3', row)], TASK)
    message = str(info.value)
    assert 'line 3 (%s): ' % row['name'] in message and says in message and 'zed' not in message


def test_every_problem_of_a_row_is_named_at_once_in_the_order_a_person_reads_them():
    with pytest.raises(InputError) as info:
        parse_mailbox(dict(name='al..ice@example.com', is_local='perhaps', quota=0), None, 1001, in_list=True)
    problems = str(info.value).split('; ')
    assert problems[0] == "is_local 'perhaps' is not true or false"
    assert problems[1] == 'give the local part only (al..ice) with domain_id, or set domain instead of domain_id'
    assert '"al..ice" is not a valid mailbox name' in problems[2] and problems[3].startswith('quota 0 MB')


@pytest.mark.parametrize('in_list, password, applies', [(False, 'Pass-Word-1234', 'always'), (True, 'Pass-Word-1234', 'always'),
                                                        (True, None, 'on_create')])
def test_update_password_is_worked_out_once_for_each_mailbox(in_list, password, applies):
    assert parse_mailbox(dict(name='alice', password=password), 'example.com', update_password='always', in_list=in_list).update_password \
        == applies


def test_update_password_always_without_a_password_is_refused_for_one_mailbox():
    with pytest.raises(InputError, match='update_password=always needs a password'):
        parse_mailbox(dict(name='alice'), 'example.com', update_password='always')


def test_a_mailbox_named_without_a_domain_fails_with_what_was_found_so_far():
    with pytest.raises(InputError) as info:
        parse_mailbox(dict(name='alice', is_local='perhaps'), in_list=True)
    assert str(info.value).startswith("is_local 'perhaps' is not true or false; ") and 'Say which mail domain' in str(info.value)


def test_alias_list_normalises_and_drops_duplicates_in_order():
    assert alias_list([' B@Example.net', 'a@example.net', 'b@example.net']) == ['b@example.net', 'a@example.net']


def test_alias_list_names_every_bad_value():
    with pytest.raises(ValueError) as info:
        alias_list(['ok@example.net', 'bad', 'x@nodot'])
    assert '"bad"' in str(info.value) and '"x@nodot"' in str(info.value)
