# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""One mailbox as a task asks for it, parsed once: :func:`parse_mailbox` and its :class:`MailboxSpec`.

The one parser of a wanted mailbox. It serves ``netangels_mailbox`` (its options), every row of
``netangels_mailboxes`` (a ``mailboxes`` item, or a line of a CSV file) and the onboarding plan.
It converts the values (text from a CSV cell, or what YAML gave, or what ansible-core already
converted) in one way, checks them against the vendor's rules (:mod:`._netangels.rules`) and
reports every problem at once, before any request.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import (
    check_comment, check_local_part, check_password, check_quota, normalise_alias, parse_aliases)
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.target import MailboxTarget, parse_target

STATES = ('present', 'absent', 'disabled')
STATE_ALIASES = {'active': 'present'}
"""``state`` as ``netangels_mailbox_info`` reports it, read as the state to keep."""


class MailboxSpec(NamedTuple):
    """A wanted mailbox, validated.

    ``label`` says where it was given (``mailboxes[3]``, ``line 4``; '' for ``netangels_mailbox``).
    ``target`` is parsed, not yet resolved. ``update_password`` is what applies to this mailbox:
    in a list, ``always`` applies only to the rows that carry a password. ``desired`` holds only
    the fields the task sets. ``domain_id`` is a row's own ``domain_id`` (an export of
    ``netangels_mailbox_info``), which must be the task's domain.
    """

    label: str
    target: MailboxTarget
    password: str | None
    update_password: str
    desired: dict[str, Any]
    state: str
    cleanup: bool = False
    domain_id: Any = None

    @property
    def name(self) -> str:
        return self.target.name or ''


def alias_list(values: Iterable[Any] | None, option: str = 'aliases') -> list[str]:
    """Forwarding addresses validated and normalised (lower case, duplicates dropped, order kept).

    Raises InputError naming every bad value.
    """
    result: list[str] = []
    bad = []
    for value in values or []:
        try:
            alias = normalise_alias(value)
        except InputError as exc:
            bad.append(str(exc))
            continue
        if alias not in result:
            result.append(alias)
    if bad:
        raise InputError('%s: %s' % (option, '; '.join(bad)))
    return result


def _converted(values: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    """``quota``, ``is_local``, ``aliases`` and ``state`` in the types the checks expect, whatever their source.

    A CSV cell is text (``"2048"``, ``"yes"``, ``"a@x.org b@x.org"``); YAML gives numbers, booleans
    and lists; ansible-core has already converted a module's own options. A value that cannot be
    converted is reported in ``problems`` and left out.
    """
    result: dict[str, Any] = {}
    quota = values.get('quota')
    if isinstance(quota, str) and quota.strip().lstrip('-').isdigit():
        quota = int(quota)
    if quota is not None:
        result['quota'] = quota
    if values.get('is_local') is not None:
        try:
            result['is_local'] = boolean(values['is_local'], strict=True)
        except TypeError:
            problems.append('is_local %r is not true or false' % (values['is_local'],))
    aliases = values.get('aliases')
    if isinstance(aliases, str):
        aliases = parse_aliases(aliases)
    if isinstance(aliases, (list, tuple)):
        result['aliases'] = list(aliases)
    elif aliases is not None:
        problems.append('aliases must be a list of addresses (or, in a CSV cell, addresses separated by spaces)')
    state = str(values.get('state') or 'present').strip().lower()
    result['state'] = STATE_ALIASES.get(state, state)
    if result['state'] not in STATES:
        problems.append('state %r is not one of %s' % (values.get('state'), ', '.join(STATES)))
        result['state'] = 'present'
    return result


def parse_mailbox(values: Mapping[str, Any], domain: str | None = None, domain_id: int | None = None,
                  update_password: str | None = 'on_create', label: str = '', in_list: bool = False) -> MailboxSpec:
    """The :class:`MailboxSpec` that ``values`` ask for; InputError naming every problem at once.

    ``values`` are a mailbox's fields (``name``, ``password``, ``comment``, ``quota``, ``is_local``,
    ``aliases``, ``state``, ``cleanup``, a row's ``domain_id``); ``domain`` and ``domain_id`` are
    the task's. ``in_list``: the values are a row of a list, where a name must be the local part
    only when the task gives ``domain_id``, and ``update_password=always`` applies to the rows that
    carry a password.
    """
    problems: list[str] = []
    converted = _converted(values, problems)
    state = converted['state']
    name = str(values.get('name') or '').strip()
    if in_list and domain_id is not None and '@' in name:
        problems.append('give the local part only (%s) with domain_id, or set domain instead of domain_id' % name.split('@', 1)[0])
    try:
        target = parse_target(name, domain, domain_id)
    except InputError as exc:  # which mailbox is meant is unknown: its other values cannot be checked
        raise InputError('; '.join(problems + [str(exc)])) from None
    checks = [check_local_part(target.name or '')]
    desired: dict[str, Any] = {}
    if values.get('comment') is not None:
        checks.append(check_comment(values['comment']))
        desired['comment'] = values['comment']
    if 'quota' in converted:
        checks.append(check_quota(converted['quota']))
        desired['quota'] = converted['quota']
    if 'is_local' in converted:
        desired['is_local'] = converted['is_local']
    if 'aliases' in converted:
        try:
            desired['aliases'] = alias_list(converted['aliases'])
        except InputError as exc:
            checks.append(str(exc))
    password = values.get('password')
    if password is not None:
        checks.append(check_password(password))
    cleanup = bool(values.get('cleanup'))
    if state == 'absent' and cleanup:
        checks.append('cleanup=true contradicts state=absent (deleting the mailbox removes its mail anyway)')
    if update_password == 'always' and password is None:
        if in_list:
            update_password = 'on_create'
        elif state != 'absent':
            checks.append('update_password=always needs a password')
    if desired.get('is_local') is False and desired.get('aliases') == []:
        checks.append('is_local=false with an empty aliases list would make a mailbox that neither stores nor forwards mail')
    problems.extend(why for why in checks if why)
    if problems:
        raise InputError('; '.join(problems))
    return MailboxSpec(label, target, password, update_password or 'on_create', desired, state, cleanup, values.get('domain_id') if in_list else None)
