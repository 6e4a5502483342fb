# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: offboarding_plan
short_description: The plan of the mailbox_offboarding role, every input checked
version_added: 0.3.0
description:
  - Checks every leaver given to the R(mailops.hosted_mail.mailbox_offboarding role,ansible_collections.mailops.hosted_mail.mailbox_offboarding_role)
    against one listing of the domain (and the Yandex 360 routing rules), and works out every write of the role. Every
    problem is reported at once, before the role's first write.
  - 'Refused: a name that is not a mailbox local part, a leaver listed twice, an unknown stage, a leaver at V(lock) or
    V(disable) without a mailbox, a C(forward_to) that is not an address, that names the leaver themselves or another
    leaver of the same run, or that names a mailbox of the domain that does not exist or is disabled, and a lock marker
    longer than a comment may be.'
  - 'Lock: the password is rotated when the comment does not carry O(lock_marker) yet; the marker is then written at the end
    of the comment (the comment is shortened to fit 255 characters). With an empty O(lock_marker) nothing records the lock,
    so the password is rotated on every run at V(lock): a lock always takes the old password away.'
options:
  _input:
    description: The leavers, as in the role's C(mailbox_offboarding_people).
    type: list
    elements: dict
    required: true
  rules:
    description: The routing rules, as M(mailops.hosted_mail.yandex360_routing_rules_info) returns them; V([]) to leave them alone.
    type: list
    elements: dict
    default: []
  lock_marker:
    description: The text that marks a locked mailbox's comment.
    type: str
    default: '[locked by offboarding]'
extends_documentation_fragment:
  - mailops.hosted_mail.role_plan
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
- name: Work out what to change
  ansible.builtin.set_fact:
    plan: "{{ leavers | mailops.hosted_mail.offboarding_plan(domain='example.com', mailboxes=listing.mailboxes) }}"
'''

RETURN = r'''
_value:
  description: The plan.
  type: dict
  contains:
    leavers:
      description:
        - Each leaver - C(name), C(address), C(stage), C(exists), C(state) (the O(mailops.hosted_mail.netangels_mailbox#module:state)
          that keeps the mailbox as it is, V(present) or V(disabled)), C(rotate) (whether the password is rotated now),
          C(comment) (the comment to write, or null), C(aliases) (the forwarding addresses to set, or null).
      type: list
      elements: dict
    stale_forwards:
      description: The other mailboxes that forward to a leaver - C(id), C(address), C(aliases) (the leavers' addresses to remove).
      type: list
      elements: dict
    leaver_rules:
      description: The routing rules with a C(forward) action to a leaver.
      type: list
      elements: dict
'''

from collections.abc import Mapping
from typing import Any, Callable

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.hosted_mail.plugins.module_utils._address import normalise_address
from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import COMMENT_MAX_LENGTH, check_local_part, is_disabled, parse_aliases

OPTION = 'mailbox_offboarding_people'
STAGES = ('lock', 'disable', 'delete')
MARKER_SEPARATOR = ' '


def locked_comment(comment: str | None, marker: str) -> str:
    """``comment`` ending with ``marker``, shortened so that the whole fits COMMENT_MAX_LENGTH."""
    if not comment:
        return marker
    room = COMMENT_MAX_LENGTH - len(MARKER_SEPARATOR) - len(marker)
    return comment[:room].rstrip() + MARKER_SEPARATOR + marker


def _forward_targets(rule: dict[str, Any]) -> list[str]:
    return [str((action.get('data') or {}).get('email') or action.get('email') or '').lower()
            for action in rule.get('actions') or [] if action.get('action') == 'forward']


def offboarding_plan(people: Any, domain: Any, mailboxes: Any, rules: Any = None, lock_marker: str = '[locked by offboarding]') -> dict[str, Any]:
    """The plan (see DOCUMENTATION); AnsibleFilterError naming every problem."""
    domain = str(domain or '').strip().lower()
    marker = lock_marker or ''
    problems = []
    if len(marker) > COMMENT_MAX_LENGTH - len(MARKER_SEPARATOR):
        problems.append('mailbox_offboarding_lock_marker is %d characters long; at most %d fit in a comment'
                        % (len(marker), COMMENT_MAX_LENGTH - len(MARKER_SEPARATOR)))
    existing = dict((str(box.get('name') or '').split('@', 1)[0], box) for box in mailboxes or [])
    wanted: list[tuple[str, str, str, Any]] = []
    seen: dict[str, str] = {}
    for index, person in enumerate(people or []):
        where = '%s[%d]' % (OPTION, index)
        if not isinstance(person, Mapping) or not isinstance(person.get('name'), str):
            problems.append('%s: each leaver is a mapping with a name' % where)
            continue
        name = person['name'].lower()
        where = '%s (%s)' % (where, person['name'])
        why = check_local_part(name)
        stage = person.get('stage') or 'lock'
        if why:
            problems.append('%s: %s' % (where, why))
        elif name in seen:
            problems.append('%s: %s is listed twice (also %s)' % (where, name, seen[name]))
        elif stage not in STAGES:
            problems.append('%s: stage %r is not one of %s' % (where, stage, ', '.join(STAGES)))
        else:
            seen[name] = where
            wanted.append((where, name, stage, person.get('forward_to')))
    addresses = dict(('%s@%s' % (name, domain), (stage, where)) for where, name, stage, dummy in wanted)
    plan: dict[str, list[Any]] = dict(leavers=[], stale_forwards=[], leaver_rules=[])
    for where, name, stage, forward_to in wanted:
        address = '%s@%s' % (name, domain)
        box = existing.get(name)
        if box is None and stage != 'delete':
            problems.append('%s: no mailbox %s (a leaver at stage %s must have one)' % (where, address, stage))
        aliases = None
        if forward_to is not None and stage != 'delete':
            try:
                target = normalise_address(forward_to)
            except InputError as exc:
                problems.append('%s: forward_to: %s' % (where, exc))
                target = None
            if target == address:
                problems.append('%s: forward_to is the leaver themselves; the mailbox would forward to itself' % where)
            elif target in addresses:
                problems.append('%s: forward_to %s is another leaver of this run (%s, stage %s): their mail would be lost'
                                % (where, target, addresses[target][1], addresses[target][0]))
            elif target is not None and target.endswith('@' + domain):
                other = existing.get(target.split('@', 1)[0])
                if other is None:
                    problems.append('%s: forward_to %s: no such mailbox in %s' % (where, target, domain))
                elif is_disabled(other):
                    problems.append('%s: forward_to %s is a disabled mailbox' % (where, target))
            aliases = [target] if target else None
        comment, rotate = None, False
        if box is not None and stage == 'lock':
            current = str(box.get('comment') or '')
            rotate = not marker or marker not in current
            comment = locked_comment(current, marker) if marker and marker not in current else None
        plan['leavers'].append(dict(
            name=name, address=address, stage=stage, exists=box is not None, rotate=rotate, comment=comment, aliases=aliases,
            state='disabled' if box is not None and is_disabled(box) else 'present'))
    if problems:
        raise AnsibleFilterError('mailbox_offboarding: nothing was changed, because: %s' % ' | '.join(problems))
    for name, box in sorted(existing.items()):
        if '%s@%s' % (name, domain) in addresses:
            continue
        hits = [alias.lower() for alias in parse_aliases(box.get('aliases')) if alias.lower() in addresses]
        if hits:
            plan['stale_forwards'].append(dict(id=box.get('id'), address='%s@%s' % (name, domain), aliases=hits))
    plan['leaver_rules'] = [rule for rule in rules or [] if any(target in addresses for target in _forward_targets(rule))]
    return plan


class FilterModule(object):
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {'offboarding_plan': offboarding_plan}
