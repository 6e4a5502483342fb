#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: netangels_mailbox_alias
short_description: Add or remove single forwarding addresses of a NetAngels mailbox
version_added: 0.1.0
description:
  - Adds or removes just the named forwarding addresses (aliases) of an existing NetAngels mailbox, leaving every other
    forwarding address alone.
  - It is the companion of M(mailops.hosted_mail.netangels_mailbox), whose O(mailops.hosted_mail.netangels_mailbox#module:aliases)
    option sets the exact list instead. Do not manage the same mailbox's forwarding addresses with both.
  - Uses the API's add-alias and delete-alias calls, one per address that needs a change.
extends_documentation_fragment:
  - mailops.hosted_mail.netangels
  - mailops.hosted_mail.netangels.ACTIONGROUP
  - mailops.hosted_mail.common
options:
  mailbox:
    description:
      - The mailbox's full address, for example V(alice@example.com).
      - Exactly one of O(mailbox) and O(mailbox_id) is required.
    type: str
  mailbox_id:
    description:
      - The mailbox's numeric NetAngels ID. Saves the domain and mailbox lookups.
    type: int
  aliases:
    description:
      - One forwarding address or a list of them. Letter case does not matter (the API stores addresses in lower case).
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) adds each address the mailbox does not forward to yet.
      - V(absent) removes each of these addresses the mailbox forwards to.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    details: Check mode sends no write request and predicts the same C(changed) as a real run.
  diff_mode:
    support: full
    details: The diff shows the mailbox's forwarding addresses before and after.
  idempotent:
    support: full
seealso:
  - module: mailops.hosted_mail.netangels_mailbox
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
- name: Forward a copy of alice's mail to her manager too
  mailops.hosted_mail.netangels_mailbox_alias:
    mailbox: alice@example.com
    aliases: manager@example.com
    api_key: "{{ netangels_api_key }}"

- name: Stop forwarding to two addresses, by mailbox ID
  mailops.hosted_mail.netangels_mailbox_alias:
    mailbox_id: 20001
    aliases:
      - old.archive@example.net
      - temp@example.org
    state: absent
    api_key: "{{ netangels_api_key }}"
'''

RETURN = r'''
aliases:
  description:
    - Every forwarding address of the mailbox as it now stands, or would stand in check mode.
    - Also returned when the task failed after it had tried to add or remove an address (the mailbox is read again
      then); C(changed) says whether the task changed it before failing.
  returned: success, or failure after a write was tried
  type: list
  elements: str
  sample: [alice.archive@example.net, manager@example.com]
mailbox_id:
  description: The mailbox's ID.
  returned: success, or failure after a write was tried
  type: int
  sample: 20001
'''

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailbox import manage_aliases
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.runner import netangels_client, netangels_module, run


def main() -> None:
    module = netangels_module(
        dict(
            mailbox=dict(type='str'),
            mailbox_id=dict(type='int'),
            aliases=dict(type='list', elements='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        mutually_exclusive=[('mailbox', 'mailbox_id')],
        required_one_of=[('mailbox', 'mailbox_id')],
        supports_check_mode=True,
    )
    client = netangels_client(module)
    which = module.params['mailbox'] or 'with ID %s' % module.params['mailbox_id']
    result = run(module, lambda: manage_aliases(client, module.params, module.check_mode),
                 'Cannot change the forwarding addresses of the NetAngels mailbox %s' % which)
    if not module._diff:
        result.pop('diff')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
