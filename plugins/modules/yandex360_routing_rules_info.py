#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: yandex360_routing_rules_info
short_description: Read the mail routing rules of a Yandex 360 organisation
version_added: 0.1.0
description:
  - Returns the organisation's mail routing rules (drop / forward), in the order they are applied.
  - Each rule is normalised to the API's own shape with every key present, so the list can be fed unchanged to
    M(mailops.hosted_mail.yandex360_routing_rules) (a round trip changes nothing).
extends_documentation_fragment:
  - mailops.hosted_mail.yandex360
  - mailops.hosted_mail.yandex360.ACTIONGROUP
  - mailops.hosted_mail.common
  - mailops.hosted_mail.common.INFO_MODULE
options: {}
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
- name: Read the routing rules
  mailops.hosted_mail.yandex360_routing_rules_info:
    org_id: 424242
    oauth_token: "{{ yandex360_oauth_token }}"
  register: current

- name: Keep a copy of the rules before a change
  ansible.builtin.copy:
    content: "{{ current.rules | to_nice_json }}"
    dest: routing-rules-backup.json
    mode: "0600"
  delegate_to: localhost
'''

RETURN = r'''
rules:
  description: The rules in the order the API applies them, normalised to the API's shape.
  returned: success
  type: list
  elements: dict
  contains:
    condition:
      description: The condition (see the Yandex 360 condition grammar); V({}) matches every message.
      type: dict
      sample: {"address:from": "spam@example.com"}
    actions:
      description:
        - 'What happens to a matching message; each item is V({"action": "drop"}) or V({"action": "forward", "data": {"email": "..."}}).'
      type: list
      elements: dict
      sample: [{"action": "drop"}]
    scope:
      description: Which mail the rule applies to; C(direction) is always present (V(inbound) or V(outbound)).
      type: dict
      sample: {"direction": "inbound"}
    terminal:
      description: Whether a match stops the rules after this one; always present.
      type: bool
      sample: false
'''

from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.runner import run, yandex360_client, yandex360_module
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import api_rule_warnings, written
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import read_rules


def main() -> None:
    module = yandex360_module({}, supports_check_mode=True)
    client = yandex360_client(module)
    org_id = module.params['org_id']
    rules = run(module, lambda: read_rules(client, org_id), 'Cannot read the routing rules of Yandex 360 organisation %s' % org_id)
    for warning in api_rule_warnings(rules):
        module.warn(warning)
    module.exit_json(changed=False, rules=written(rules))


if __name__ == '__main__':
    main()
