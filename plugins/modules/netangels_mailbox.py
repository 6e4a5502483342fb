#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: netangels_mailbox
short_description: Create, update, disable, empty or delete a NetAngels mailbox
version_added: 0.1.0
description:
  - Manages one mailbox of a NetAngels mail domain, that is its password, comment, quota, local storage and forwarding addresses.
  - An option that is left out is left alone on an existing mailbox; it is never reset to a default.
  - Only the fields that differ are sent, so a second identical run reports no change and sends no write.
  - Every input is checked before the first request that changes anything, so a bad value leaves the mailbox untouched.
extends_documentation_fragment:
  - mailops.hosted_mail.netangels
  - mailops.hosted_mail.netangels.ACTIONGROUP
  - mailops.hosted_mail.common
options:
  name:
    description:
      - The mailbox's local part (V(alice)), or its full address (V(alice@example.com)), which implies O(domain).
      - The mailbox is found by an exact match on the local part.
      - Lower-case letters, digits, V(.), V(_) and V(-), 1 to 64 characters, starting and ending with a letter or digit.
    type: str
    required: true
  domain:
    description:
      - The mail domain's name, for example V(example.com). Its ID is looked up.
      - Exactly one of O(domain) and O(domain_id) is required, unless O(name) is a full address.
    type: str
  domain_id:
    description:
      - The mail domain's numeric NetAngels ID. Saves the domain lookup.
    type: int
  state:
    description:
      - V(present) creates the mailbox when it does not exist and brings the given fields to the given values.
      - V(absent) deletes the mailbox and all its mail.
      - V(disabled) disables the mailbox, after creating it first when it does not exist (which needs O(password)) and after
        applying the other options.
      - The NetAngels API has no call to enable a disabled mailbox. V(present) on a disabled mailbox therefore fails with
        a message saying so; enable it in the NetAngels control panel, or keep managing it with V(disabled).
    type: str
    choices: [present, absent, disabled]
    default: present
  password:
    description:
      - The mailbox's password. Required to create a mailbox.
      - 8 to 128 characters, without whitespace or control characters.
      - Never logged, returned or shown in a diff (a diff only notes that a password is set).
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the mailbox is created. The API cannot read a password back, so an existing
        mailbox's password is left alone and the task stays idempotent.
      - V(always) sets O(password) on every run. Because the current password cannot be compared, the task then reports
        C(changed) on every run, and check mode predicts the same.
    type: str
    choices: [always, on_create]
    default: on_create
  comment:
    description:
      - Free-text comment, at most 255 characters. V('') clears it.
    type: str
  quota:
    description:
      - Disk quota in MB, from 1 to 102400.
    type: int
  is_local:
    description:
      - Whether mail is stored in the mailbox. V(false) means forward only, which needs at least one address in O(aliases).
    type: bool
  aliases:
    description:
      - Forwarding addresses. When given, this is the exact set the mailbox forwards to; addresses not listed are removed,
        and V([]) removes every one. Order and letter case do not matter.
      - To add or remove single addresses and leave the others alone, use M(mailops.hosted_mail.netangels_mailbox_alias).
    type: list
    elements: str
  cleanup:
    description:
      - Empty the mailbox (delete all its mail).
      - Reports a change only when the mailbox uses space (its RV(mailbox.used) is above 0), so it stays idempotent.
      - Fails clearly when the API forbids cleanup for this mailbox.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    details: Check mode sends no write request and predicts the same C(changed) as a real run.
  diff_mode:
    support: full
    details: The diff shows the mailbox's fields before and after; a password appears only as a note that it is set.
  idempotent:
    support: partial
    details: Idempotent, except with O(update_password=always), which sets the password (and reports a change) on every run.
notes:
  - Creating a mailbox takes two writes when O(quota), O(is_local) or O(aliases) are given, because the create call accepts
    only the name, password and comment.
seealso:
  - module: mailops.hosted_mail.netangels_mailbox_alias
  - module: mailops.hosted_mail.netangels_mailbox_info
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
- name: Create alice@example.com, forwarding a copy to her archive
  mailops.hosted_mail.netangels_mailbox:
    name: alice@example.com
    password: "{{ vault_alice_password }}"
    comment: Alice Smith, accounting
    quota: 2048
    aliases:
      - alice.archive@example.net
    api_key: "{{ netangels_api_key }}"

- name: Manage several mailboxes, credentials once through module_defaults
  module_defaults:
    group/mailops.hosted_mail.netangels:
      api_key: "{{ netangels_api_key }}"
  block:
    - name: Forward-only mailbox in domain 1001 (no domain lookup)
      mailops.hosted_mail.netangels_mailbox:
        name: sales
        domain_id: 1001
        password: "{{ vault_sales_password }}"
        is_local: false
        aliases: [bob@example.com, carol@example.com]

    - name: Rotate a password on every run (always reports changed)
      mailops.hosted_mail.netangels_mailbox:
        name: bob@example.com
        password: "{{ vault_bob_password }}"
        update_password: always

    - name: Empty and disable a leaver's mailbox
      mailops.hosted_mail.netangels_mailbox:
        name: dave@example.com
        state: disabled
        cleanup: true

    - name: Delete a mailbox
      mailops.hosted_mail.netangels_mailbox:
        name: eve@example.com
        state: absent
'''

RETURN = r'''
mailbox:
  description:
    - The mailbox as it now stands, or would stand in check mode; V({}) when it is absent.
    - In check mode a mailbox that would be created has no RV(mailbox.id), and fields the API would default are missing.
    - Never contains a password.
    - Also returned when the task failed after it had tried a write (the mailbox is read again then; C(changed) says
      whether the task changed it before failing, for example when the create succeeded and the quota update failed).
  returned: success, or failure after a write was tried
  type: dict
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
      description: Whether mail is stored in the mailbox.
      type: bool
      sample: true
    quota:
      description: Disk quota in MB.
      type: int
      sample: 2048
    used:
      description: Disk space used, in MB.
      type: int
      sample: 0
    state:
      description: The mailbox's state as the API reports it (V(active) or V(disabled)).
      type: str
      sample: active
    created:
      description: When the mailbox was created.
      type: str
      sample: '2026-01-15T10:00:00+00:00'
    updated:
      description: When the mailbox was last changed.
      type: str
      sample: '2026-01-15T10:00:00+00:00'
'''

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailbox import describe_params, manage_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.runner import netangels_client, netangels_module, run


def main() -> None:
    module = netangels_module(
        dict(
            name=dict(type='str', required=True),
            domain=dict(type='str'),
            domain_id=dict(type='int'),
            state=dict(type='str', default='present', choices=['present', 'absent', 'disabled']),
            password=dict(type='str', no_log=True),
            update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
            comment=dict(type='str'),
            quota=dict(type='int'),
            is_local=dict(type='bool'),
            aliases=dict(type='list', elements='str'),
            cleanup=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('domain', 'domain_id')],
        supports_check_mode=True,
    )
    client = netangels_client(module)
    result = run(module, lambda: manage_mailbox(client, module.params, module.check_mode),
                 'Cannot manage the NetAngels mailbox %s' % describe_params(module.params))
    if not module._diff:
        result.pop('diff')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
