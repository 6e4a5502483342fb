# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

DOCUMENTATION = r'''
name: differing_hosts
short_description: The hosts that give a role other values than the first host
version_added: 0.3.0
description:
  - The collection's roles do their vendor work once per play, whatever the number of hosts. Each host first records the
    values it gives the role (a mapping of variable names to values); this filter compares them and names every host whose
    values differ from the first host's, with the variables that differ (never their values, which may hold passwords).
options:
  _input:
    description: The hosts, in play order (C(ansible_play_batch)).
    type: list
    elements: str
    required: true
  values:
    description: The recorded mapping of each host, in the same order.
    type: list
    elements: dict
    required: true
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
- name: Refuse different values on different hosts
  ansible.builtin.assert:
    that: differences | length == 0
    fail_msg: "{{ differences | join('; ') }}"
  vars:
    differences: "{{ ansible_play_batch | mailops.hosted_mail.differing_hosts(ansible_play_batch | map('extract', hostvars, 'my_role__inputs')) }}"
  run_once: true
'''

RETURN = r'''
_value:
  description: One line per differing host, V(host2 (my_role_people) differs from host1); empty when all agree.
  type: list
  elements: str
'''


def differing_hosts(hosts: Iterable[str], values: Iterable[Mapping[str, Any] | None]) -> list[str]:
    """One line per host whose mapping differs from the first host's (variable names only)."""
    hosts, values = list(hosts), list(values)
    lines: list[str] = []
    if not hosts:
        return lines
    first = values[0] or {}
    for host, mine in zip(hosts[1:], values[1:]):
        mine = mine or {}
        keys = sorted(key for key in set(first) | set(mine) if first.get(key) != mine.get(key))
        if keys:
            lines.append('%s (%s) differs from %s' % (host, ', '.join(keys), hosts[0]))
    return lines


class FilterModule(object):
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {'differing_hosts': differing_hosts}
