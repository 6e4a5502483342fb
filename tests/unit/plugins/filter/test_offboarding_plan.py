# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The offboarding plan: forwards that would lose mail and bad input are refused before the first
write (issue 16, defects 4 and 6); a lock always takes the old password away (defect 5)."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.hosted_mail.plugins.filter.offboarding_plan import locked_comment, offboarding_plan
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import COMMENT_MAX_LENGTH

DOMAIN = 'example.com'
MARKER = '[locked by offboarding]'
LISTING = [dict(id=1, name='anna', comment='Anna Smith', aliases=['anna.private@example.net'], state='active'),
           dict(id=2, name='boris', comment='Boris [locked by offboarding]', aliases=[], state='active'),
           dict(id=3, name='boss', comment='', aliases=['anna@example.com', 'x@example.net'], state='active'),
           dict(id=4, name='old', comment='', aliases=[], state='disabled'),
           dict(id=5, name='carol', comment='', aliases='Boris@Example.com', state='active')]
RULES = [dict(condition={}, actions=[dict(action='forward', data=dict(email='Anna@example.com'))]),
         dict(condition={}, actions=[dict(action='drop')])]


def plan(people, **extra):
    args = dict(domain=DOMAIN, mailboxes=LISTING, rules=RULES, lock_marker=MARKER)
    args.update(extra)
    return offboarding_plan(people, **args)


def refusal(people, **extra):
    with pytest.raises(AnsibleFilterError) as caught:
        plan(people, **extra)
    assert 'nothing was changed' in str(caught.value)
    return str(caught.value)


def test_a_lock_rotates_once_and_marks_the_comment():
    result = plan([dict(name='anna', forward_to='boss@example.com'), dict(name='boris')])
    anna, boris = result['leavers']
    assert anna['rotate'] is True and anna['comment'] == 'Anna Smith ' + MARKER and anna['aliases'] == ['boss@example.com']
    assert boris['rotate'] is False and boris['comment'] is None and boris['aliases'] is None
    assert result['stale_forwards'] == [dict(id=3, address='boss@example.com', aliases=['anna@example.com']),
                                        dict(id=5, address='carol@example.com', aliases=['boris@example.com'])]
    assert result['leaver_rules'] == [RULES[0]]


def test_an_empty_lock_marker_still_takes_the_password_away_on_every_run():
    """Defect 5: with an empty marker the password was never rotated."""
    result = plan([dict(name='anna'), dict(name='boris')], lock_marker='')
    assert [leaver['rotate'] for leaver in result['leavers']] == [True, True]
    assert [leaver['comment'] for leaver in result['leavers']] == [None, None]


def test_the_locked_comment_fits_the_comment_limit():
    long = 'y' * COMMENT_MAX_LENGTH
    assert len(locked_comment(long, MARKER)) == COMMENT_MAX_LENGTH and locked_comment(long, MARKER).endswith(' ' + MARKER)
    assert locked_comment('', MARKER) == MARKER
    assert 'at most' in refusal([dict(name='anna')], lock_marker='m' * COMMENT_MAX_LENGTH)


def test_a_bad_forward_address_is_refused_before_the_password_is_rotated():
    """Defect 4: forward_to 'boss at example.com' rotated the password, then refused."""
    assert 'boss at example.com' in refusal([dict(name='anna', forward_to='boss at example.com')])


def test_a_forward_to_the_leaver_themselves_is_refused():
    """Defect 6."""
    assert 'forward to itself' in refusal([dict(name='anna', forward_to='Anna@Example.com')])


def test_a_forward_to_another_leaver_of_the_same_run_is_refused_naming_both():
    """Defect 6: anna forwarded to a mailbox deleted in the same run."""
    message = refusal([dict(name='anna', forward_to='boris@example.com'), dict(name='boris', stage='delete')])
    assert 'mailbox_offboarding_people[0] (anna)' in message and 'mailbox_offboarding_people[1] (boris)' in message


def test_a_forward_to_a_missing_or_disabled_mailbox_of_the_domain_is_refused():
    """Defect 4: the reads of what must exist come before any write."""
    assert 'bosss@example.com: no such mailbox' in refusal([dict(name='anna', forward_to='bosss@example.com')])
    assert 'disabled mailbox' in refusal([dict(name='anna', forward_to='old@example.com')])
    assert plan([dict(name='anna', forward_to='someone@elsewhere.example')])['leavers'][0]['aliases'] == ['someone@elsewhere.example']


def test_a_leaver_to_lock_or_disable_without_a_mailbox_is_refused_and_a_deleted_one_is_not():
    message = refusal([dict(name='ghost'), dict(name='ghost2', stage='disable')])
    assert 'no mailbox ghost@example.com' in message and 'no mailbox ghost2@example.com' in message
    assert plan([dict(name='ghost', stage='delete')])['leavers'][0]['exists'] is False


@pytest.mark.parametrize('people, expected', [
    ([dict(name='anna'), dict(name='ANNA', stage='delete')], 'listed twice'),
    ([dict(name='../anna')], 'not a valid mailbox name'),
    ([dict(name='anna', stage='archive')], 'stage'),
])
def test_bad_leavers_are_refused(people, expected):
    assert expected in refusal(people)


def test_a_disabled_mailbox_keeps_its_state():
    assert plan([dict(name='old', stage='delete')])['leavers'][0]['state'] == 'disabled'
