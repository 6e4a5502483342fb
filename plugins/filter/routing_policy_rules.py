# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: routing_policy_rules
short_description: The Yandex 360 routing rules of a readable mail policy
version_added: 0.3.0
description:
  - Turns the policy of the R(mailops.hosted_mail.routing_policy role,ansible_collections.mailops.hosted_mail.routing_policy_role)
    into the rule list M(mailops.hosted_mail.yandex360_routing_rules) takes, in the order the rules apply - the blocked
    senders (terminal drop rules), the forwards, the archive copy, then the raw rules as they are.
  - 'A blocked sender is an address (V(offers@spam.example)) or a domain with a leading C(@) (V(@spam.example)). Anything
    else is refused, naming it, because the rule could never match: a wildcard (C(*@spam.example)), angle brackets
    (C(<offers@spam.example>)), a C(mailto:) link, a display name.'
  - Every address of the forwards and the archive copy is checked the same way as a forwarding address.
options:
  _input:
    description: The blocked senders (a list, or a comma-separated string).
    type: list
    elements: str
    required: true
  forwards:
    description: The copies of one person's mail, as in the role's C(routing_policy_forwards).
    type: list
    elements: dict
    default: []
  archive_to:
    description: The address receiving a copy of all mail; V('') for none.
    type: str
    default: ''
  rules:
    description: Raw rules appended as they are (the module checks them).
    type: list
    elements: dict
    default: []
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
- name: The policy as rules
  ansible.builtin.set_fact:
    rules: "{{ ['@spam.example', 'offers@ads.example'] | mailops.hosted_mail.routing_policy_rules(archive_to='archive@example.com') }}"
'''

RETURN = r'''
_value:
  description: The rule list, in the shape O(mailops.hosted_mail.yandex360_routing_rules#module:rules) takes.
  type: list
  elements: dict
'''

from typing import Any, Callable, Optional

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.hosted_mail.plugins.module_utils._address import normalise_address
from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import parse_aliases
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import RuleError, validate_email

DIRECTIONS = {'inbound': ['inbound'], 'outbound': ['outbound'], 'both': ['inbound', 'outbound']}
WILDCARDS = '*?'
ACCEPTED = 'an address (offers@spam.example) or a domain with a leading @ (@spam.example)'


def check_sender(sender: Any) -> Optional[str]:
    """Why ``sender`` cannot be a blocked sender, or None."""
    if not isinstance(sender, str) or not sender.strip():
        return '%r is empty or not a string' % (sender,)
    text = sender.strip()
    if any(char in text for char in WILDCARDS):
        return '%s: wildcards are not supported (to block a whole domain write @domain)' % text
    try:
        normalise_address(('x' + text) if text.startswith('@') else text)
    except InputError:
        return '%s is neither %s' % (text, ACCEPTED.replace(') or', ') nor'))
    return None


def _address(value: Any, where: str, problems: list[str]) -> Optional[str]:
    """A forward address as the module will write it (the rules grammar's one check), or None and a problem."""
    try:
        return validate_email(value, where)
    except RuleError as exc:
        problems.append(str(exc))
        return None


def routing_policy_rules(blocked_senders: Any, forwards: Optional[list[Any]] = None, archive_to: str = '',
                         rules: Optional[list[Any]] = None) -> list[dict[str, Any]]:
    """The rule list (see DOCUMENTATION); AnsibleFilterError naming every problem."""
    problems, result = [], []
    senders = parse_aliases(blocked_senders) if isinstance(blocked_senders, str) else list(blocked_senders or [])
    for sender in senders:
        why = check_sender(sender)
        if why:
            problems.append('routing_policy_blocked_senders: ' + why)
            continue
        text = sender.strip()
        result.append({'condition': {'address:from': {'$contains': text} if text.startswith('@') else text},
                       'actions': [{'action': 'drop'}], 'terminal': True})
    for index, forward in enumerate(forwards or []):
        where = 'routing_policy_forwards[%d]' % index
        if not hasattr(forward, 'get'):
            problems.append('%s: each forward is a mapping (to, forward_to, direction)' % where)
            continue
        person = _address(forward.get('to'), where + '.to', problems)
        target = _address(forward.get('forward_to'), where + '.forward_to', problems)
        direction = forward.get('direction') or 'inbound'
        if direction not in DIRECTIONS:
            problems.append('%s.direction: %r is not one of inbound, outbound, both' % (where, direction))
            continue
        if person is None or target is None:
            continue
        for way in DIRECTIONS[direction]:
            result.append({'direction': way, 'condition': {'address:tocc' if way == 'inbound' else 'address:from': person},
                           'actions': [{'action': 'forward', 'email': target}]})
    if archive_to:
        target = _address(archive_to, 'routing_policy_archive_to', problems)
        if target is not None:
            result.extend({'direction': way, 'condition': {}, 'actions': [{'action': 'forward', 'email': target}]}
                          for way in DIRECTIONS['both'])
    if problems:
        raise AnsibleFilterError('routing_policy: nothing was changed, because: %s. A blocked sender is %s.'
                                 % (' | '.join(problems), ACCEPTED))
    return result + list(rules or [])


class FilterModule(object):
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {'routing_policy_rules': routing_policy_rules}
