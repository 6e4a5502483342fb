# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: onboarding_plan
short_description: The plan of the mailbox_onboarding role, every input checked
version_added: 0.3.0
description:
  - Checks every person given to the R(mailops.hosted_mail.mailbox_onboarding role,ansible_collections.mailops.hosted_mail.mailbox_onboarding_role)
    against the domain's mailboxes as M(mailops.hosted_mail.netangels_mailbox_info) lists them, and works out what the role
    does. Every problem found is reported at once; nothing is written by the filter, and no password is generated here.
  - 'Refused: a name that is not a mailbox local part (C(anna smith), C(team/anna), C(../escape), C( anna), Cyrillic),
    a person listed twice (C(anna) and C(Anna)), a full name over 255 characters, a quota outside 1 to 102400 MB, a bad
    forwarding address, a given password the API would refuse (the message never repeats it), a returning person whose
    mailbox exists and is disabled (the API cannot enable it), a group mailbox that is not a mailbox of the domain, and a
    O(password_length) outside 8 to 128.'
options:
  _input:
    description: The people, as in the role's C(mailbox_onboarding_people).
    type: list
    elements: dict
    required: true
  credentials_dir:
    description: The credentials directory; a relative path is made absolute from O(base_dir), C(~) is expanded.
    type: path
    required: true
  base_dir:
    description: The directory a relative O(credentials_dir) is relative to (the playbook's directory).
    type: path
    required: true
  password_length:
    description: The length of a generated password, 8 to 128.
    type: int
    default: 20
  passwords:
    description:
      - Put each given password into RV(_value.mailboxes). Only for the argument of the task that uses it (never in a fact).
    type: bool
    default: false
extends_documentation_fragment:
  - mailops.hosted_mail.role_plan
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
- name: Work out who is onboarded
  ansible.builtin.set_fact:
    plan: >-
      {{ people | mailops.hosted_mail.onboarding_plan(domain='example.com', mailboxes=listing.mailboxes,
                                                      credentials_dir='~/mailbox-credentials', base_dir=playbook_dir) }}
'''

RETURN = r'''
_value:
  description: The plan.
  type: dict
  contains:
    mailboxes:
      description: The O(mailops.hosted_mail.netangels_mailboxes#module:mailboxes) of the bulk task (passwords only with O(passwords=true)).
      type: list
      elements: dict
    new:
      description: Local parts of the people whose mailbox does not exist yet.
      type: list
      elements: str
    generated:
      description: Local parts of the new people without a given password (a password is generated when their mailbox is created).
      type: list
      elements: str
    groups:
      description: Each group mailbox people join, C(address) and C(members) (full addresses).
      type: list
      elements: dict
    credentials_dir:
      description: The absolute credentials directory.
      type: path
'''

import os
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Container

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.credentials import check_length
from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.spec import parse_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import check_local_part, is_disabled, parse_aliases

OPTION = 'mailbox_onboarding_people'


def _group_address(group: str, domain: str, existing: Container[str], problems: list[str], where: str) -> str | None:
    local, dummy, group_domain = group.lower().partition('@')
    if group_domain and group_domain != domain:
        problems.append('%s: group %s is not in %s (a group mailbox must be a mailbox of the domain)' % (where, group, domain))
        return None
    if local not in existing:
        problems.append('%s: group mailbox %s@%s does not exist' % (where, local, domain))
        return None
    return '%s@%s' % (local, domain)


def onboarding_plan(people: Any, domain: Any, mailboxes: Any, credentials_dir: Any, base_dir: Any, password_length: Any = 20,
                    passwords: bool = False) -> dict[str, Any]:
    """The plan (see DOCUMENTATION); AnsibleFilterError naming every problem."""
    domain = str(domain or '').strip().lower()
    problems = []
    if not domain:
        problems.append('mailbox_onboarding_domain is empty')
    if isinstance(password_length, str) and password_length.strip().isdigit():
        password_length = int(password_length)  # a templated number, before ansible-core 2.19
    why = check_length(password_length)
    if why:
        problems.append('mailbox_onboarding_' + why)
    existing = dict((str(box.get('name') or '').split('@', 1)[0], box) for box in mailboxes or [])
    if isinstance(people, Mapping) or not isinstance(people, Sequence) or isinstance(people, str):
        raise AnsibleFilterError('%s must be a list of mappings' % OPTION)
    plan: dict[str, Any] = dict(mailboxes=[], new=[], generated=[], groups=[], credentials_dir=None)
    seen: dict[str, str] = {}
    memberships: dict[str, list[str]] = {}
    for index, person in enumerate(people):
        where = '%s[%d]' % (OPTION, index)
        if not isinstance(person, Mapping) or not isinstance(person.get('name'), str):
            problems.append('%s: each person is a mapping with a name' % where)
            continue
        name = person['name'].lower()
        where = '%s (%s)' % (where, person['name'])
        why = check_local_part(name)
        if why:
            problems.append('%s: %s' % (where, why))
            continue
        if name in seen:
            problems.append('%s: %s is listed twice (also %s)' % (where, name, seen[name]))
            continue
        seen[name] = '%s[%d]' % (OPTION, index)
        mine, given = [], person.get('password') is not None
        values = dict(name=name, comment=person.get('full_name'), quota=person.get('quota'), password=person.get('password'),
                      aliases=None if person.get('aliases') is None else parse_aliases(person['aliases']))
        entry = {'name': name}
        try:
            entry.update(parse_mailbox(values, domain or None).desired)
        except InputError as exc:
            mine.append(str(exc))
        if given and passwords:
            entry['password'] = person['password']
        box = existing.get(name)
        if box is not None and is_disabled(box):
            mine.append('the mailbox %s@%s exists and is disabled (the NetAngels API cannot enable it again); '
                        'give this person another name or remove them from the list' % (name, domain))
        for group in parse_aliases(person.get('groups')):
            address = _group_address(group, domain, existing, mine, 'groups')
            if address is not None and name + '@' + domain not in memberships.setdefault(address, []):
                memberships[address].append(name + '@' + domain)
        if mine:
            problems.append('%s: %s' % (where, '; '.join(mine)))
            continue
        plan['mailboxes'].append(entry)
        if box is None:
            plan['new'].append(name)
            if not given:
                plan['generated'].append(name)
    if problems:
        raise AnsibleFilterError('mailbox_onboarding: nothing was changed, because: %s' % ' | '.join(problems))
    plan['groups'] = [dict(address=address, members=members) for address, members in sorted(memberships.items())]
    plan['credentials_dir'] = os.path.join(str(base_dir), os.path.expanduser(str(credentials_dir)))
    return plan


class FilterModule(object):
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {'onboarding_plan': onboarding_plan}
