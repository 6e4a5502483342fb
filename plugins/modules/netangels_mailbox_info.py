#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: netangels_mailbox_info
short_description: List the mailboxes of a NetAngels mail domain
version_added: 0.1.0
description:
  - Returns every mailbox of a NetAngels mail domain, across all pages of the API's list, or the one mailbox with a given name.
  - Forwarding addresses (RV(mailboxes[].aliases)) are always returned as a list, whatever shape the API used.
extends_documentation_fragment:
  - mailops.hosted_mail.netangels
  - mailops.hosted_mail.netangels.ACTIONGROUP
  - mailops.hosted_mail.common
options:
  domain:
    description:
      - The mail domain's name, for example V(example.com). Its ID is looked up (one page-walk of the account's domains).
      - Exactly one of O(domain) and O(domain_id) is required, unless O(name) is a full address.
    type: str
  domain_id:
    description:
      - The mail domain's numeric NetAngels ID. Saves the domain lookup.
    type: int
  name:
    description:
      - Return only the mailbox with exactly this local part (V(alice)), or this full address (V(alice@example.com)), which
        implies O(domain).
      - The match is exact; RV(mailboxes) is empty when there is no such mailbox.
    type: str
  dest:
    description:
      - Also write the mailboxes read to this CSV file on the host that runs the module, in exactly the format that
        O(mailops.hosted_mail.netangels_mailboxes#module:src) reads, to adopt an existing domain (see the guide
        "Bring an existing domain under Ansible"). Importing the file unchanged is a run with no change.
      - Not with O(name) - a file of one mailbox, imported with
        O(mailops.hosted_mail.netangels_mailboxes#module:prune), would delete every other mailbox of the domain.
      - The columns are V(name), V(comment), V(quota), V(is_local), V(aliases) and V(state); never a password (the API does
        not return them). UTF-8 with a byte-order mark, so that Excel shows Cyrillic correctly; rows sorted by name.
      - A cell that a spreadsheet would run as a formula (starting with V(=), V(+), V(-) or V(@)) is written after a V(')
        so that it shows as text; O(mailops.hosted_mail.netangels_mailboxes#module:src) reads it back exactly.
      - The file is replaced atomically and only when its content changes (the task then reports C(changed)); a new file is made readable by
        its owner only (it lists people), an existing one keeps its mode. Check mode writes nothing and reports whether it
        would change.
    type: path
    version_added: 0.2.0
  delimiter:
    description:
      - The delimiter O(dest) uses. V(comma) suits English-locale spreadsheets, V(semicolon) Russian-locale Excel,
        which opens such a file with a double click; V(tab) any of them.
    type: str
    choices: [comma, semicolon, tab]
    default: comma
    version_added: 0.2.0
attributes:
  check_mode:
    support: full
    details: Reading runs the same way in check mode; O(dest) is not written, and C(changed) tells whether it would be.
  diff_mode:
    support: none
  idempotent:
    support: full
    details: Writes O(dest) only when its content would change.
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
- name: List every mailbox of example.com
  mailops.hosted_mail.netangels_mailbox_info:
    domain: example.com
    api_key: "{{ netangels_api_key }}"
  register: result

- name: Show the addresses
  ansible.builtin.debug:
    msg: "{{ result.mailboxes | map(attribute='name') | map('regex_replace', '$', '@example.com') | list }}"

- name: Read one mailbox, credentials from module_defaults
  module_defaults:
    group/mailops.hosted_mail.netangels:
      api_key: "{{ netangels_api_key }}"
  block:
    - name: Look up alice@example.com
      mailops.hosted_mail.netangels_mailbox_info:
        name: alice@example.com
      register: alice

    - name: Fail when she has no mailbox
      ansible.builtin.assert:
        that: alice.mailboxes | length == 1
'''

RETURN = r'''
domain_id:
  description: The ID of the mail domain that was read.
  returned: success
  type: int
  sample: 1001
mailboxes:
  description: The mailboxes, in the API's order. Passwords are never returned (the API cannot read them).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Mailbox ID.
      type: int
      sample: 20001
    name:
      description: The local part of the address.
      type: str
      sample: alice
    domain_id:
      description: The mail domain's ID.
      type: int
      sample: 1001
    aliases:
      description: Forwarding addresses; always a list.
      type: list
      elements: str
      sample: [alice.archive@example.net]
    comment:
      description: Free-text comment.
      type: str
      sample: Alice Smith, accounting
    is_local:
      description: Whether mail is stored in the mailbox (V(false) means forward only).
      type: bool
      sample: true
    quota:
      description: Disk quota in MB.
      type: int
      sample: 1000
    used:
      description: Disk space used, in MB.
      type: int
      sample: 12
    state:
      description: The mailbox's state as the API reports it (for example V(active) or V(disabled)).
      type: str
      sample: active
    created:
      description: When the mailbox was created.
      type: str
      sample: '2026-01-15T10:00:00Z'
    updated:
      description: When the mailbox was last changed.
      type: str
      sample: '2026-01-15T10:00:00Z'
'''

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailbox import describe_params, read_mailboxes
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailboxes_csv import write_mailboxes_csv
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.runner import netangels_client, netangels_module, run


DELIMITERS = {'comma': ',', 'semicolon': ';', 'tab': '\t'}


def main() -> None:
    module = netangels_module(
        dict(
            domain=dict(type='str'),
            domain_id=dict(type='int'),
            name=dict(type='str'),
            dest=dict(type='path'),
            delimiter=dict(type='str', default='comma', choices=list(DELIMITERS)),
        ),
        mutually_exclusive=[('name', 'dest')],
        supports_check_mode=True,
    )
    client = netangels_client(module)
    p = module.params
    if p['name']:
        doing = 'Cannot read the NetAngels mailbox %s' % describe_params(p)
    else:
        doing = 'Cannot read the mailboxes of %s' % (p['domain'] or 'mail domain %s' % p['domain_id'])
    domain_id, mailboxes = run(module, lambda: read_mailboxes(client, p['name'], p['domain'], p['domain_id']), doing)
    changed = False
    if p['dest']:
        changed = run(module, lambda: write_mailboxes_csv(p['dest'], mailboxes, DELIMITERS[p['delimiter']], module.check_mode),
                      'Cannot export the mailboxes')
    module.exit_json(changed=changed, domain_id=domain_id, mailboxes=mailboxes)


if __name__ == '__main__':
    main()
