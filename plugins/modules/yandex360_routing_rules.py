#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: yandex360_routing_rules
short_description: Manage the mail routing rules of a Yandex 360 organisation
version_added: 0.1.0
description:
  - Adds, removes or replaces the organisation's mail routing rules (drop or forward mail that matches a condition).
  - The Yandex 360 API can only read and replace the whole rule list, and rules have no IDs. This module identifies a
    rule by its content and works out the full list to write, so that a task only changes what it asks for.
  - A rule is the same rule whatever shape it is written in (the module's or the API's), whatever the order of the keys
    in its condition, and whether or not the defaults (O(rules[].direction=inbound), O(rules[].terminal=false)) are
    written out. A second identical run reads the list once and writes nothing.
  - 'Spellings that the Yandex 360 condition grammar defines as equal are the same rule: C(from) and C(address:from)
    (likewise C(to), C(cc), C(tocc)), and V(null) and V({}). A rule written one way is found, kept or removed when it
    is stored the other way; a rule that is added is written as given. Other spellings (a value and a one-element
    list, C(header:X-Spam) and C(header:x-spam)) are different rules.'
  - By default (O(exclusive=false)) the module adds and removes only the listed rules and keeps every other rule of the
    organisation. Owning the whole list must be asked for with O(exclusive=true).
  - 'Every rule is checked against the Yandex 360 condition grammar before anything is sent; an error names the rule
    and the place in it, for example C(rules[2].condition.subject: unknown operator "$contain").'
  - Tasks that change the same organisation's rules at the same time on one machine (forks, C(async) loops, parallel
    playbooks), or anywhere that shares O(lock_dir) (AWX / Automation Controller jobs), take turns, and every write is
    read back and confirmed; see the notes.
extends_documentation_fragment:
  - mailops.hosted_mail.yandex360
  - mailops.hosted_mail.yandex360.ACTIONGROUP
  - mailops.hosted_mail.common
attributes:
  check_mode:
    support: full
    details: Reads the list once and predicts the result exactly; never writes and takes no lock.
  diff_mode:
    support: full
    details: The list before and after, one numbered line per rule.
  idempotent:
    support: full
options:
  rules:
    description:
      - The rules, in the order they should apply.
      - Each rule may be written in the module's shape (O(rules[].direction), O(rules[].actions[].email)) or in the
        API's own shape (O(rules[].scope), O(rules[].actions[].data)), so the RV(mailops.hosted_mail.yandex360_routing_rules_info#module:rules)
        of M(mailops.hosted_mail.yandex360_routing_rules_info) can be fed back unchanged.
      - With O(state=present) and O(exclusive=true), V([]) removes every rule of the organisation; with the default
        O(exclusive=false) it changes nothing.
    type: list
    elements: dict
    required: true
    suboptions:
      condition:
        description:
          - 'Which messages the rule matches, in the Yandex 360 condition grammar, for example
            V({"address:from": "spam@example.com"}) or V({"subject": {"$contains": {"$any": ["invoice", "bill"]}}}).'
          - 'Keys: C(address:from), C(address:to), C(address:cc), C(address:tocc) (the C(address:) prefix may be
            dropped), C(subject), C(body), C(attach:filename), C(header:NAME); C($and) and C($or) take a list of
            conditions; several keys in one mapping must all match.'
          - 'Operators: C($eq), C($ne), C($contains), C($not-contains), C($exists) (headers only). A value is a string,
            a list of strings (any of them), V({"$any": [...]}), V({"$all": [...]}) or V({"$base64": "..."}).'
          - Not set, V({}) or V(null) match every message.
          - C(from) and C(address:from) are the same key; a mapping may not hold both (combine them with C($and)).
        type: dict
      actions:
        description:
          - What happens to a matching message, in order. At least one.
        type: list
        elements: dict
        required: true
        suboptions:
          action:
            description:
              - V(drop) does not deliver the message (an inbound one is deleted, an outbound one is not sent);
                V(forward) sends a copy to O(rules[].actions[].email).
              - Not set means V(drop), as in the API.
            type: str
            choices: [drop, forward]
          email:
            description:
              - The address a V(forward) action sends the copy to.
              - It must pass the same check as a NetAngels mailbox's forwarding address (C(name@example.com), ASCII, an
                internationalised domain in its C(xn--) form, at most 254 characters). It is sent as written, without
                surrounding spaces.
            type: str
          data:
            description:
              - 'The API''s spelling of the address, V({"email": "..."}); may be given instead of O(rules[].actions[].email).'
            type: dict
      direction:
        description:
          - Whether the rule applies to V(inbound) or V(outbound) mail. Not set means V(inbound).
        type: str
        choices: [inbound, outbound]
      scope:
        description:
          - 'The API''s spelling of O(rules[].direction), V({"direction": "outbound"}). When both are given they must agree.'
        type: dict
      terminal:
        description:
          - Whether a match stops the rules after this one. Not set means V(false).
        type: bool
  state:
    description:
      - V(present) makes sure the rules are there (see O(exclusive)); V(absent) removes each listed rule wherever it
        stands, every copy of it, and keeps the rest in order.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With V(false) (the default), each listed rule that is missing is inserted at O(position), and every other rule is
        kept where it is. A listed rule that already exists somewhere is left where it is (it is not moved).
      - With O(state=present) and V(true), the organisation's list becomes exactly O(rules), in that order; every other
        rule is removed. Ask for it only when this task owns the organisation's whole rule list.
      - Ignored with O(state=absent).
      - The default was V(true) before version 0.2.0.
    type: bool
    default: false
  position:
    description:
      - Where O(exclusive=false) inserts the missing rules, keeping their order among themselves. V(first) puts them before
        every existing rule (so a V(terminal) rule there stops all others); V(last) after them.
      - Ignored unless O(state=present) and O(exclusive=false).
    type: str
    choices: [first, last]
    default: last
  lock_timeout:
    description:
      - How many seconds to wait for other tasks on the same machine (or sharing O(lock_dir)) that are changing the same
        organisation's rules (see the notes) before failing.
    type: float
    default: 300
  lock_dir:
    description:
      - An existing directory that every machine or container running this module for the same organisation shares,
        where the tasks take turns (one lock file per API URL and organisation). Needed when the writers do not share a
        temporary directory, as AWX / Automation Controller jobs do not (each runs in its own container); for example a
        host path exposed to every job, or a volume.
      - Not set (and an empty E(YANDEX360_LOCK_DIR)) means a private directory under the temporary directory, which
        serialises only the tasks of one user on one machine.
      - It is never created; a missing directory fails the task before anything is written. The lock files in it are
        readable and writable by every user (they hold no data), so that jobs running as different users share them.
      - If not set, the environment variable E(YANDEX360_LOCK_DIR) is used.
    type: path
    version_added: 0.1.0
notes:
  - 'Two writers of the rule list overwrite each other: the API replaces the whole list and has no version check. The
    module guards against this in two ways. Tasks on the same machine (forks, C(async) loop items, parallel playbooks, as
    the same user) take turns: each holds an exclusive lock for the organisation (a file in a private directory under
    the temporary directory, or in O(lock_dir)) while it reads, writes and confirms. After every write the list is read again; if another
    writer has changed it in between so that the change is not there, the change is applied again to the fresh list
    (keeping the other writer''s rules unless O(exclusive=true)), at most 3 times, and then the task fails clearly.'
  - 'The lock is taken where the module runs. Run this module on one machine for all tasks (the usual C(hosts: localhost),
    C(connection: local) or C(delegate_to: localhost)) so that they share it. Writers that do not share a temporary
    directory (AWX / Automation Controller jobs, each in its own container; several control nodes) take turns only
    when they share O(lock_dir); without it they are protected by the read-back alone.'
  - 'What no client can prevent, as the API has no version check: a writer outside this machine (another controller, the
    web console) that writes between this module''s read and its write loses its change. Keep one tool in charge of an
    organisation''s rules.'
  - Rules read from the API that this collection cannot validate are kept as they are (with a warning) unless
    O(exclusive=true) replaces them.
seealso:
  - module: mailops.hosted_mail.yandex360_routing_rules_info
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
# Set the credentials once for every Yandex 360 task of a block (or of a whole play).
- name: Routing-rule cookbook
  module_defaults:
    group/mailops.hosted_mail.yandex360:
      org_id: 424242
      oauth_token: "{{ yandex360_oauth_token }}"
  vars:
    # A rule kept in a variable: state=absent removes exactly the rule that was added.
    departed_forward:
      - condition:
          address:to: departed@example.com
        actions:
          - action: forward
            email: successor@example.com
  block:
    # Cookbook: block a sender. A terminal drop first, so nothing else runs on that mail.
    - name: Block a sender
      mailops.hosted_mail.yandex360_routing_rules:
        exclusive: false
        position: first
        rules:
          - condition:
              address:from: offers@spam.example
            actions:
              - action: drop
            terminal: true

    # Cookbook: copy outgoing invoices to the accounting archive. A forward sends a copy;
    # the original still goes out.
    - name: Copy outgoing invoices to the accounting archive
      mailops.hosted_mail.yandex360_routing_rules:
        exclusive: false
        rules:
          - direction: outbound
            condition:
              subject:
                $contains:
                  $any: [invoice, Invoice, INVOICE]
            actions:
              - action: forward
                email: invoices-archive@example.com

    # Cookbook: forward a departed employee's mail to a successor.
    - name: Forward a departed employee's mail to the successor
      mailops.hosted_mail.yandex360_routing_rules:
        exclusive: false
        rules: "{{ departed_forward }}"

    # Cookbook: drop messages that an upstream filter marked as spam.
    - name: Drop messages with a spam header
      mailops.hosted_mail.yandex360_routing_rules:
        exclusive: false
        position: first
        rules:
          - condition:
              header:X-Spam-Flag:
                $eq: "YES"
            actions:
              - action: drop
            terminal: true

    # Months later: stop forwarding (the rest of the list is kept).
    - name: Stop forwarding the departed employee's mail
      mailops.hosted_mail.yandex360_routing_rules:
        state: absent
        rules: "{{ departed_forward }}"

# The whole list under version control: anything not listed is removed; order is kept.
- name: Make the rule list exactly this
  mailops.hosted_mail.yandex360_routing_rules:
    org_id: 424242
    oauth_token: "{{ yandex360_oauth_token }}"
    exclusive: true
    rules: "{{ lookup('ansible.builtin.file', 'routing-rules.json') | from_json }}"

# Round trip: a list read with the info module can be written back unchanged (no change).
- name: Read the rules
  mailops.hosted_mail.yandex360_routing_rules_info:
    org_id: 424242
    oauth_token: "{{ yandex360_oauth_token }}"
  register: current

- name: Restore them later (for example into another organisation), replacing every other rule
  mailops.hosted_mail.yandex360_routing_rules:
    org_id: 434343
    oauth_token: "{{ yandex360_oauth_token }}"
    exclusive: true
    rules: "{{ current.rules }}"
'''

RETURN = r'''
rules:
  description:
    - The organisation's rules after the task (in check mode, as they would be), in the order the API applies them,
      normalised to the API's shape with every key present, like the info module returns them.
    - After a write this is the list as read back from the API, so it also shows rules that another writer added at the
      same time.
    - Also returned, with C(changed=true), when the task failed after the API had accepted a write (reading the list
      back failed, or another writer kept undoing the change). It is then the list as last written or read.
  returned: success, or failure after a write
  type: list
  elements: dict
  contains:
    condition:
      description: The condition (see the Yandex 360 condition grammar); V({}) matches every message.
      type: dict
      sample: {"address:from": "spam@example.com"}
    actions:
      description: 'What happens to a matching message; each item is V({"action": "drop"}) or
        V({"action": "forward", "data": {"email": "..."}}).'
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
      sample: true
'''

from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import Done
from ansible_collections.mailops.hosted_mail.plugins.module_utils._local_lock import DEFAULT_TIMEOUT
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.runner import run, yandex360_client, yandex360_module
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import diff_text, parse_rules, written
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import sync_rules

RULE_OPTIONS = dict(
    condition=dict(type='dict'),
    actions=dict(type='list', elements='dict', required=True, options=dict(
        action=dict(type='str', choices=['drop', 'forward']),
        email=dict(type='str'),
        data=dict(type='dict'),
    )),
    direction=dict(type='str', choices=['inbound', 'outbound']),
    scope=dict(type='dict'),
    terminal=dict(type='bool'),
)


def main() -> None:
    module = yandex360_module(
        dict(
            rules=dict(type='list', elements='dict', required=True, options=RULE_OPTIONS),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            exclusive=dict(type='bool', default=False),
            position=dict(type='str', choices=['first', 'last'], default='last'),
            lock_timeout=dict(type='float', default=DEFAULT_TIMEOUT),
            lock_dir=dict(type='path', fallback=(env_fallback, ['YANDEX360_LOCK_DIR'])),
        ),
        supports_check_mode=True,
    )
    p = module.params
    wanted = run(module, lambda: parse_rules(p['rules']), 'The routing rules are not valid')
    client = yandex360_client(module)
    doing = 'Cannot %s the routing rules of Yandex 360 organisation %s' % ('read' if module.check_mode else 'update', p['org_id'])

    def work() -> Done:
        outcome = sync_rules(client, p['org_id'], wanted, state=p['state'], exclusive=p['exclusive'], position=p['position'],
                             check_mode=module.check_mode, lock_timeout=p['lock_timeout'], lock_dir=p['lock_dir'] or None)
        for warning in outcome.warnings:
            module.warn(warning)
        result: dict[str, Any] = dict(changed=outcome.changed, rules=written(outcome.after))
        if module._diff and outcome.error is None:
            header = 'routing rules of Yandex 360 organisation %s' % p['org_id']
            result['diff'] = dict(before=diff_text(outcome.before), after=diff_text(outcome.after),
                                  before_header=header, after_header=header)
        return Done(result, outcome.error)

    module.exit_json(**run(module, work, doing))


if __name__ == '__main__':
    main()
