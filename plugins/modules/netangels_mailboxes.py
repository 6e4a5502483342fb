#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: netangels_mailboxes
short_description: Manage many mailboxes of a NetAngels mail domain in one task, from a list or a CSV file
version_added: 0.1.0
description:
  - Brings the mailboxes of one NetAngels mail domain to the state a list (O(mailboxes)) or a spreadsheet's CSV file (O(src))
    describes, in one task and a handful of requests, whether there are ten mailboxes or ten thousand.
  - Every row is checked before the first request, with the same rules as M(mailops.hosted_mail.netangels_mailbox); all
    problems are reported at once, each with its row (CSV line number or list index) and mailbox name.
  - The domain is read once (one request per 100 mailboxes). Missing mailboxes are created with the API's batch-create call,
    up to 1000 per upload; what an upload cannot set (quota, local storage, forwarding addresses) and every other change
    (passwords, disable, delete) is applied per mailbox, sending only the fields that differ, O(concurrency) at a time.
  - When some mailboxes fail, the others are still applied; the task fails, names every mailbox that failed with what the API
    said, and reports C(changed) when anything was written. Running it again converges.
  - An option left out of a row (or an empty CSV cell) is left alone on an existing mailbox.
extends_documentation_fragment:
  - mailops.hosted_mail.netangels
  - mailops.hosted_mail.netangels.ACTIONGROUP
  - mailops.hosted_mail.common
options:
  domain:
    description:
      - The mail domain's name, for example V(example.com). Its ID is looked up.
      - Exactly one of O(domain) and O(domain_id) is required.
    type: str
  domain_id:
    description:
      - The mail domain's numeric NetAngels ID. Saves the domain lookup; the rows' names must then be local parts.
    type: int
  mailboxes:
    description:
      - The mailboxes, one mapping each. Exactly one of O(mailboxes) and O(src) is required.
      - The RV(mailops.hosted_mail.netangels_mailbox_info#module:mailboxes) that M(mailops.hosted_mail.netangels_mailbox_info)
        returns can be fed here unchanged (their read-only keys are accepted and ignored), so an export can be edited and
        imported again.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The mailbox's local part (V(alice)), or its full address in this domain (V(alice@example.com)). Required.
          - An address in another domain, and a name listed twice, are errors.
        type: str
      password:
        description:
          - The password; needed to create a mailbox. 8 to 128 characters, without whitespace.
          - Set on existing mailboxes only with O(update_password=always). Never logged, returned or shown.
        type: str
      comment:
        description: Free-text comment, at most 255 characters. V('') clears it.
        type: str
      quota:
        description: Disk quota in MB, a whole number from 1 to 102400.
        type: raw
      is_local:
        description: Whether mail is stored in the mailbox; V(false) (forward only) needs at least one address in O(mailboxes[].aliases).
        type: raw
      aliases:
        description:
          - The exact set of forwarding addresses (a list, or one string of addresses separated by spaces); V([]) removes every one.
        type: raw
      state:
        description:
          - V(present) (the default; V(active), as M(mailops.hosted_mail.netangels_mailbox_info) reports it, means the same),
            V(absent) or V(disabled), as in M(mailops.hosted_mail.netangels_mailbox).
          - The API has no call to enable a disabled mailbox, so V(present) on a disabled mailbox is an error.
        type: str
      id:
        description: Accepted and ignored (read-only, as M(mailops.hosted_mail.netangels_mailbox_info) returns it).
        type: raw
      domain_id:
        description: Accepted (read-only); when given, it must be the ID of this task's domain.
        type: raw
      used:
        description: Accepted and ignored (read-only).
        type: raw
      created:
        description: Accepted and ignored (read-only).
        type: raw
      updated:
        description: Accepted and ignored (read-only).
        type: raw
  src:
    description:
      - The path of a CSV file (or of an C(.xlsx) workbook, whose first sheet is read) on the host that runs the module,
        instead of O(mailboxes).
      - A header row names the columns V(name) (required), V(password), V(comment), V(quota), V(is_local), V(aliases) and
        V(state), in any order; trailing columns with no name are allowed while they are empty. Several forwarding addresses
        in one cell are separated by spaces. An empty cell leaves the field alone.
      - The file is read as office suites save it. The delimiter is V(,), V(;) or a tab (told apart on the header row). The
        encoding is found from a byte-order mark (UTF-8, or UTF-16 as in Excel's "Unicode Text"), else UTF-8, else cp1251
        (Russian Excel's "CSV (semicolon-separated)"); O(encoding) forces one. Booleans may be written V(TRUE)/V(FALSE),
        V(yes)/V(no), V(1)/V(0), V(ИСТИНА)/V(ЛОЖЬ) or V(да)/V(нет); a quota V(2048), V(2 048) (any space between the digit
        groups), V(2048,0) or V(2048.0). Anything ambiguous (a quota V(2,5), a boolean V(maybe)) is refused with its line
        and column.
      - An C(.xlsx) workbook needs the Python library C(openpyxl) on the host that runs the module (the collection's
        execution environment has it); without it the task fails saying so, before any request.
      - Every problem in the file is reported with its line number, and never with a cell's content. The format, with
        sample files, is described in the collection's CSV format guide. M(mailops.hosted_mail.netangels_mailbox_info)
        writes a domain's mailboxes in this format (its O(mailops.hosted_mail.netangels_mailbox_info#module:dest)).
    type: path
  encoding:
    description:
      - The encoding of the O(src) CSV file. V(auto) finds it (a byte-order mark, else UTF-8, else cp1251).
    type: str
    choices: [auto, utf-8, utf-8-sig, utf-16, cp1251]
    default: auto
  credentials_dir:
    description:
      - Generate the initial password of each listed mailbox that has none and is created by this task, and hand it over in
        a file on the machine that runs the module, named after the address (V(anna@example.com)), mode 0600, holding the
        password. Needs O(domain).
      - A password is generated only after every input is validated and the domain is read, only for a mailbox that does not
        exist, and its file is written just before the mailbox is created. Check mode generates and writes nothing.
      - The directory must be private to the user running the module, it is refused (before any write) when it is a symlink,
        belongs to another user or is open to group or others; it is created with mode 0700 when missing. A path there that is
        not a file is refused too.
      - A file already there for a mailbox that does not exist (left by a run that failed, or put there by someone else) is
        never read; it is replaced by a new file with the new password. A file of a mailbox that exists is left alone.
      - Not set means a mailbox to create must have a password.
    type: path
  password_length:
    description:
      - The length of a password generated for O(credentials_dir), from 8 to 128 (letters, digits, V(-), V(_) and V(.)).
    type: int
    default: 20
  update_password:
    description:
      - V(on_create) sends a row's password only when the mailbox is created, so the task stays idempotent.
      - V(always) sets it on every listed mailbox that has one on every run (which then always reports a change).
    type: str
    choices: [always, on_create]
    default: on_create
  prune:
    description:
      - Delete the mailboxes of the domain that are not listed, with all their mail.
      - With nothing to keep (an empty list, a CSV file of a header only, or only V(absent) rows) it would empty the domain;
        that is refused before any write unless O(allow_empty_domain=true).
    type: bool
    default: false
  allow_empty_domain:
    description:
      - Say that O(prune) may delete every mailbox of the domain when no mailbox is listed to keep. O(max_removals) still
        applies.
    type: bool
    default: false
  max_removals:
    description:
      - The most mailboxes one run may delete (by O(prune) or V(absent) rows together). A run that would delete more fails
        before any write, listing them. This is the guard a truncated CSV file needs.
    type: int
    default: 10
  concurrency:
    description:
      - How many per-mailbox writes run at the same time, from 1 to 16. When the API answers 429 (too many requests), every
        one of them waits as long as it asks, each within O(retry_timeout).
      - Reading the domain's mailboxes uses it too - once the first page tells how many there are, the other pages are read
        that many at a time (the same requests, fewer round trips to wait for).
    type: int
    default: 4
attributes:
  check_mode:
    support: full
    details: Check mode reads the domain, sends no write, and reports exactly the lists a real run would.
  diff_mode:
    support: full
    details: The diff names every mailbox created or removed with its fields, and every changed field of the others; a password
      only as a note that it is set.
  idempotent:
    support: partial
    details: Idempotent, except with O(update_password=always), which sets the passwords (and reports a change) on every run.
notes:
  - The batch-create call sets only the name, password and comment; quota, local storage and forwarding addresses of a new
    mailbox are set by one update each, only where they differ from the API's defaults.
  - A mailbox that was created by this run appears in RV(created) only, even when it also needed such an update.
  - Two runs of the same list at the same time (a scheduled job and a manual one) both succeed. A create the API refuses
    because the mailbox already exists is checked with a read; when the mailbox is there, it is handled as an existing
    mailbox of this run (not in RV(created), not a failure), and a mailbox another run deleted first is not in RV(removed).
  - The domain's list is read page by page; when its count changes meanwhile (another client adding or deleting
    mailboxes), it is read again from the start, and the task fails before any write when it never holds still.
seealso:
  - module: mailops.hosted_mail.netangels_mailbox
  - module: mailops.hosted_mail.netangels_mailbox_info
  - ref: ansible_collections.mailops.hosted_mail.docsite.csv_format
    description: The CSV file format, with a sample file.
author:
  - mailops.hosted_mail maintainers (@mailops)
'''

EXAMPLES = r'''
- name: Onboard a school year from the HR spreadsheet (saved as CSV), deleting nobody
  mailops.hosted_mail.netangels_mailboxes:
    domain: school.example.com
    src: /srv/onboarding/class-of-2030.csv
    api_key: "{{ netangels_api_key }}"

- name: The whole domain exactly as listed; refuse to delete more than 5 mailboxes
  mailops.hosted_mail.netangels_mailboxes:
    domain: example.com
    prune: true
    max_removals: 5
    mailboxes:
      - name: alice
        password: "{{ vault_passwords.alice }}"
        comment: Alice Smith, accounting
        quota: 2048
      - name: sales
        password: "{{ vault_passwords.sales }}"
        is_local: false
        aliases: [alice@example.com, bob@example.com]
      - name: leaver
        state: disabled
    api_key: "{{ netangels_api_key }}"

- name: Export, edit, import
  module_defaults:
    group/mailops.hosted_mail.netangels:
      api_key: "{{ netangels_api_key }}"
  block:
    - name: Read every mailbox
      mailops.hosted_mail.netangels_mailbox_info:
        domain: example.com
      register: export

    - name: Give every mailbox 4 GB
      mailops.hosted_mail.netangels_mailboxes:
        domain: example.com
        mailboxes: "{{ export.mailboxes | map('combine', {'quota': 4096}) | list }}"
'''

RETURN = r'''
created:
  description: Local parts of the mailboxes created (in check mode, that would be created).
  returned: always
  type: list
  elements: str
  sample: [alice, bob]
updated:
  description: Local parts of existing mailboxes whose fields or password were changed.
  returned: always
  type: list
  elements: str
  sample: [carol]
removed:
  description: Local parts of the mailboxes deleted.
  returned: always
  type: list
  elements: str
  sample: [dave]
disabled:
  description: Local parts of the mailboxes disabled (existing ones, and new ones created with V(state=disabled)).
  returned: always
  type: list
  elements: str
  sample: [eve]
unchanged:
  description: How many listed mailboxes needed no write.
  returned: always
  type: int
  sample: 4980
failures:
  description: The mailboxes that failed, each with what was being done and what the API said. Empty on success.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The mailbox's local part.
      type: str
      sample: frank
    error:
      description: The step that failed and the API's answer.
      type: str
      sample: 'updating quota: PUT https://api-ms.netangels.ru/api/v2/mail/mailboxes/5012/: HTTP 400: ...'
credentials_files:
  description:
    - With O(credentials_dir), the credentials files written for the mailboxes created by this task (in check mode, that would
      be written), each holding the generated password.
  returned: when O(credentials_dir) is set
  type: list
  elements: path
  sample: [/home/admin/mailbox-credentials/alice@example.com]
domain_id:
  description: The ID of the mail domain.
  returned: success
  type: int
  sample: 1001
'''

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.bulk import failure_message, manage_mailboxes
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailboxes_csv import ENCODINGS
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.runner import netangels_client, netangels_module, run


def main() -> None:
    module = netangels_module(
        dict(
            domain=dict(type='str'),
            domain_id=dict(type='int'),
            mailboxes=dict(type='list', elements='dict', options=dict(
                name=dict(type='str'),
                password=dict(type='str', no_log=True),
                comment=dict(type='str'),
                quota=dict(type='raw'),
                is_local=dict(type='raw'),
                aliases=dict(type='raw'),
                state=dict(type='str'),
                id=dict(type='raw'),
                domain_id=dict(type='raw'),
                used=dict(type='raw'),
                created=dict(type='raw'),
                updated=dict(type='raw'),
            )),
            src=dict(type='path'),
            credentials_dir=dict(type='path'),
            password_length=dict(type='int', default=20, no_log=False),
            encoding=dict(type='str', default='auto', choices=list(ENCODINGS)),
            update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
            prune=dict(type='bool', default=False),
            allow_empty_domain=dict(type='bool', default=False),
            max_removals=dict(type='int', default=10),
            concurrency=dict(type='int', default=4),
        ),
        mutually_exclusive=[('domain', 'domain_id'), ('mailboxes', 'src')],
        required_one_of=[('domain', 'domain_id')],
        supports_check_mode=True,
    )
    client = netangels_client(module)
    where = module.params['domain'] or 'mail domain %s' % module.params['domain_id']
    result = run(module, lambda: manage_mailboxes(client, module.params, module.check_mode),
                 'Cannot manage the NetAngels mailboxes of %s' % where)
    if not module._diff:
        result.pop('diff')
    if result['failures']:
        module.fail_json(msg=failure_message(result), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
