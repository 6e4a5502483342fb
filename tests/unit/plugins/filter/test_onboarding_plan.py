# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The onboarding plan: every input people really type is checked before the role's first write
(issue 16, defects 1 and 4), and no password leaves the plan unless asked for."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.hosted_mail.plugins.filter.onboarding_plan import onboarding_plan

DOMAIN = 'example.com'
LISTING = [dict(id=1, name='carol', comment='Carol (temp)', aliases=[], state='active'),
           dict(id=2, name='sales', aliases=['carol@example.com'], state='active'),
           dict(id=3, name='support', aliases=[], state='active'),
           dict(id=4, name='olga', comment='Olga', aliases=[], state='disabled')]
SECRET = 'Given-Secret-Pass-1'


def plan(people, **extra):
    args = dict(domain=DOMAIN, mailboxes=LISTING, credentials_dir='creds', base_dir='/play')
    args.update(extra)
    return onboarding_plan(people, **args)


def refusal(people, **extra):
    with pytest.raises(AnsibleFilterError) as caught:
        plan(people, **extra)
    message = str(caught.value)
    assert SECRET not in message and 'nothing was changed' in message
    return message


def test_the_plan_of_the_molecule_scenario():
    result = plan([dict(name='anna', full_name='Anna Smith', quota=2048, groups=['sales', 'support']),
                   dict(name='Boris', aliases=['Boris.Phone@example.net'], groups='sales@example.com'),
                   dict(name='carol', full_name='Carol King', groups=['support']),
                   dict(name='dima', password=SECRET)])
    assert result['mailboxes'] == [dict(name='anna', comment='Anna Smith', quota=2048), dict(name='boris', aliases=['boris.phone@example.net']),
                                   dict(name='carol', comment='Carol King'), dict(name='dima')]
    assert result['new'] == ['anna', 'boris', 'dima'] and result['generated'] == ['anna', 'boris']
    assert result['groups'] == [dict(address='sales@example.com', members=['anna@example.com', 'boris@example.com']),
                                dict(address='support@example.com', members=['anna@example.com', 'carol@example.com'])]
    assert result['credentials_dir'] == '/play/creds'
    assert SECRET not in repr(result)


def test_given_passwords_only_when_asked_for():
    assert plan([dict(name='dima', password=SECRET)], passwords=True)['mailboxes'] == [dict(name='dima', password=SECRET)]


@pytest.mark.parametrize('name', ['../escape', 'team/anna', 'anna smith', 'анна', ' anna', 'anna ', '.anna', 'a..b', 'anna@example.com', ''])
def test_a_name_that_is_not_a_local_part_is_refused_before_any_path_is_formed(name):
    """Defect 1: a credentials file outside the directory, a subdirectory, files for refused mailboxes."""
    assert 'mailbox_onboarding_people[0]' in refusal([dict(name=name)])


def test_a_person_listed_twice_in_any_case_is_refused():
    assert 'anna is listed twice' in refusal([dict(name='anna'), dict(name='Anna')])


def test_a_full_name_over_255_characters_is_refused():
    assert 'the comment is 256 characters long' in refusal([dict(name='anna', full_name='x' * 256)])


def test_a_returning_person_whose_mailbox_is_disabled_is_refused():
    assert 'olga@example.com exists and is disabled' in refusal([dict(name='olga')])


@pytest.mark.parametrize('length', [4, 7, 129, 'twenty', True])
def test_a_password_length_outside_8_to_128_is_refused(length):
    assert 'password_length' in refusal([dict(name='anna')], password_length=length)


def test_a_bad_given_password_is_refused_without_being_repeated():
    assert 'password' in refusal([dict(name='anna', password='short')])
    with pytest.raises(AnsibleFilterError) as caught:
        plan([dict(name='anna', password=SECRET + ' with space')])
    assert SECRET not in str(caught.value)


def test_a_group_mailbox_that_does_not_exist_is_refused_before_the_bulk_create():
    """Defect 4: slaes was found only after the people were created."""
    message = refusal([dict(name='anna', groups=['slaes']), dict(name='boris', groups=['sales@example.org'])])
    assert 'slaes@example.com does not exist' in message and 'sales@example.org is not in example.com' in message


def test_every_problem_is_reported_at_once():
    message = refusal([dict(name='anna smith'), dict(name='boris', quota=0), dict(name='carol', aliases=['nope'])])
    assert 'anna smith' in message and 'quota 0' in message and 'nope' in message


def test_a_relative_and_a_home_credentials_directory():
    assert plan([], credentials_dir='~/c')['credentials_dir'].endswith('/c')
    assert not plan([], credentials_dir='~/c')['credentials_dir'].startswith('~')
    assert plan([], credentials_dir='/abs/c')['credentials_dir'] == '/abs/c'
