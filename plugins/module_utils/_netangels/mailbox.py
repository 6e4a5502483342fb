# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The logic of ``netangels_mailbox`` and ``netangels_mailbox_alias``, free of Ansible.

Both follow the collection's module body: validate every input (nothing is sent before the
inputs are known to be good), read the current mailbox, run the same sequence of steps through
either a :class:`LiveWriter` (real calls) or a :class:`CheckWriter` (check mode: predicts each
call's answer and sends nothing), so check mode takes exactly the decisions a real run takes.

Errors are raised, never turned into failures here: :class:`~._errors.InputError` for bad input
or an impossible request, the transport's ``ApiError`` (with the step that failed prepended) for
the API. The module runner turns both into ``fail_json``. Once a write was attempted, an error is
not raised but returned, with what the task had done (:func:`progress`), as a :class:`~._errors.Done`.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Callable

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import Done, Error, InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._http import AuthError, NotFoundError, RequestError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import AlreadyThere
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.compare import same_field
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import (
    MAILBOX_STATE_DISABLED, check_local_part, is_disabled, parse_aliases)
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.spec import alias_list, parse_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.target import MailboxTarget, parse_target, resolve_target

if TYPE_CHECKING:
    from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient

FIELDS = ('comment', 'quota', 'is_local', 'aliases')
"""Mailbox fields the update call can set (and the module compares)."""

PASSWORD_NOTE = '(set by this task; never shown)'
"""What a diff shows instead of a password that is sent."""

DIFF_KEYS = ('address', 'comment', 'quota', 'is_local', 'aliases', 'state', 'used')


# -- inputs (one mailbox as a task asks for it: _netangels/spec.py) ---------------------------

def describe(target: MailboxTarget, mailbox: dict[str, Any] | None = None) -> str:
    """The mailbox as a person reads it: ``alice@example.com``, or ``alice in mail domain 1001``."""
    name = target.name or (mailbox or {}).get('name') or '?'
    if target.domain:
        return '%s@%s' % (name, target.domain)
    return '%s in mail domain %s' % (name, target.domain_id)


def describe_params(params: dict[str, Any]) -> str:
    """:func:`describe` from raw options, for messages written before the inputs are parsed."""
    name, domain = params.get('name') or '?', params.get('domain')
    if '@' in name or not (domain or params.get('domain_id')):
        return name
    return '%s@%s' % (name, domain) if domain else '%s in mail domain %s' % (name, params.get('domain_id'))


# -- comparing ------------------------------------------------------------------------------

def field_changes(mailbox: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``desired`` that differ from ``mailbox`` (only those are sent)."""
    return dict((field, desired[field]) for field in FIELDS if field in desired and not same_field(field, mailbox.get(field), desired[field]))


def view(mailbox: dict[str, Any] | None, address: str) -> dict[str, Any]:
    """A mailbox as a readable, comparable dict for a diff (no ids, never a password)."""
    if not mailbox:
        return {}
    result = {'address': address}
    for key in DIFF_KEYS[1:]:
        if key in mailbox:
            result[key] = mailbox[key]
    return result


# -- writers: one real, one that predicts ---------------------------------------------------

CLEANUP = 'emptying it (cleanup)'


class LiveWriter(object):
    """Performs each step through the client; every failure names the step.

    ``steps`` lists the writes attempted, ``done`` those the API confirmed. A write the API refused
    because its wanted state already held (the client answers :class:`~._netangels.client.AlreadyThere`)
    is in neither: it changed nothing in this run. ``last`` is the last mailbox a write answered
    with (None before the first), what a task that fails half-way knows of the mailbox when it
    cannot read it again.
    """

    check_mode = False

    def __init__(self, client: NetAngelsClient) -> None:
        self.client = client
        self.steps: list[str] = []
        self.done: list[str] = []
        self.last: dict[str, Any] | None = None

    def _do(self, step: str, call: Callable[..., Any], *args: Any) -> Any:
        self.steps.append(step)
        try:
            answer = call(*args)
        except Error as exc:
            if step == CLEANUP and isinstance(exc, RequestError) and exc.status == 400:
                step += ': the API forbids cleanup for this mailbox'
            raise exc.prefixed(step) from exc
        if isinstance(answer, dict) and answer:
            self.last = answer
        if isinstance(answer, AlreadyThere):
            # refused because the wanted state already held (another writer got there first): done, not a change of this run
            self.steps.pop()
            return answer
        self.done.append(step)
        return answer

    def create(self, domain_id: int, name: str, password: str | None, comment: str | None) -> dict[str, Any]:
        return self._do('creating it', self.client.create_mailbox, domain_id, name, password, comment)

    def update(self, mailbox: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        return self._do('updating %s' % ', '.join(sorted(changes)), self.client.update_mailbox, mailbox['id'], changes)

    def change_password(self, mailbox: dict[str, Any], password: str | None) -> dict[str, Any]:
        return self._do('setting its password', self.client.change_password, mailbox['id'], password)

    def cleanup(self, mailbox: dict[str, Any]) -> dict[str, Any]:
        return self._do(CLEANUP, self.client.cleanup_mailbox, mailbox['id'])

    def disable(self, mailbox: dict[str, Any]) -> dict[str, Any]:
        return self._do('disabling it', self.client.disable_mailbox, mailbox['id'])

    def delete(self, mailbox: dict[str, Any]) -> bool:
        deleted = self._do('deleting it', self.client.delete_mailbox, mailbox['id'])
        if deleted is False:  # already gone (404): another writer deleted it first; not a change of this run
            self.steps.pop()
            self.done.pop()
        return deleted

    def add_alias(self, mailbox: dict[str, Any], alias: str) -> dict[str, Any]:
        return self._do('adding the forwarding address %s' % alias, self.client.add_alias, mailbox['id'], alias)

    def delete_alias(self, mailbox: dict[str, Any], alias: str) -> dict[str, Any]:
        return self._do('removing the forwarding address %s' % alias, self.client.delete_alias, mailbox['id'], alias)


class CheckWriter(object):
    """Check mode: predicts each call's answer from what the API is known to do; sends nothing."""

    check_mode = True

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.done = self.steps
        self.last: dict[str, Any] | None = None  # nothing is sent, so nothing fails half-way

    def create(self, domain_id: int, name: str, password: str | None, comment: str | None) -> dict[str, Any]:
        self.steps.append('creating it')
        return {'name': name, 'domain_id': domain_id, 'comment': comment or '', 'aliases': [], 'used': 0, 'state': 'active'}

    def update(self, mailbox: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        self.steps.append('updating %s' % ', '.join(sorted(changes)))
        return dict(mailbox, **changes)

    def change_password(self, mailbox: dict[str, Any], password: str | None) -> dict[str, Any]:
        self.steps.append('setting its password')
        return mailbox

    def cleanup(self, mailbox: dict[str, Any]) -> dict[str, Any]:
        self.steps.append(CLEANUP)
        return dict(mailbox, used=0)

    def disable(self, mailbox: dict[str, Any]) -> dict[str, Any]:
        self.steps.append('disabling it')
        return dict(mailbox, state=MAILBOX_STATE_DISABLED)

    def delete(self, mailbox: dict[str, Any]) -> bool:
        self.steps.append('deleting it')
        return True

    def add_alias(self, mailbox: dict[str, Any], alias: str) -> dict[str, Any]:
        self.steps.append('adding the forwarding address %s' % alias)
        return dict(mailbox, aliases=list(mailbox['aliases']) + [alias])

    def delete_alias(self, mailbox: dict[str, Any], alias: str) -> dict[str, Any]:
        self.steps.append('removing the forwarding address %s' % alias)
        return dict(mailbox, aliases=[a for a in mailbox['aliases'] if a.lower() != alias])


def writer_for(client: NetAngelsClient, check_mode: bool) -> LiveWriter | CheckWriter:
    return CheckWriter() if check_mode else LiveWriter(client)


def progress(exc: Error, writer: LiveWriter | CheckWriter, before: dict[str, Any] | None, last: dict[str, Any] | None,
             read_again: Callable[[], dict[str, Any] | None]) -> tuple[bool, dict[str, Any] | None]:
    """What a task that failed while writing had done: ``(changed, the mailbox as it now stands)``.

    The mailbox is read again (``read_again()``; if that read fails too, the last known state is
    kept). A confirmed write is a change. So is a difference the read shows when the failed write
    may have been made after all (no answer, a server error, a rate limit after a lost answer);
    not when the API refused it outright (another 4xx), which also keeps others' changes out.
    """
    now = last
    with contextlib.suppress(Error):
        now = read_again()
    refused = isinstance(exc, (RequestError, AuthError, NotFoundError))
    return bool(writer.done) or (not refused and view(now, '') != view(before, '')), now


# -- netangels_mailbox ----------------------------------------------------------------------

def state_refusal(current: dict[str, Any] | None, desired: dict[str, Any], state: str) -> str | None:
    """Why ``desired`` cannot be applied to the mailbox as it stands (``None``: absent), or None.

    Decided before the first write (shared with the bulk module).
    """
    if state == 'present' and current is not None and is_disabled(current):
        return ('it is disabled, and the NetAngels API has no call to enable a mailbox. Enable it in the NetAngels control '
                'panel and run again, or keep it disabled with state=disabled, or delete it (state=absent) and create it anew')
    merged = dict(current or {}, **desired)
    if ('is_local' in desired or 'aliases' in desired) and merged.get('is_local') is False \
            and not parse_aliases(merged.get('aliases')):
        return 'is_local=false with no forwarding address would make a mailbox that neither stores nor forwards mail'
    return None


def converge(writer: LiveWriter | CheckWriter, mailbox: dict[str, Any], desired: dict[str, Any], state: str, password: str | None, update_password: str | None,
             cleanup: bool | None = False, password_sent: bool = False) -> tuple[dict[str, Any], bool]:
    """Bring an existing (or just created) mailbox to ``desired`` through ``writer``, step by step.

    Only the fields that differ are sent; the password only with ``update_password=always`` (and
    not twice); then cleanup and disable. Returns ``(mailbox, password_sent)``; after a failing
    write, the writer's ``last`` is the last mailbox a write answered with. Shared with the bulk
    module, so one sequence of writes serves both.
    """
    changes = field_changes(mailbox, desired)
    if changes:
        mailbox = writer.update(mailbox, changes) or mailbox
    if update_password == 'always' and not password_sent:
        mailbox = writer.change_password(mailbox, password) or mailbox
        password_sent = True
    if cleanup and int(mailbox.get('used') or 0) > 0:
        mailbox = writer.cleanup(mailbox) or mailbox
    if state == 'disabled' and not is_disabled(mailbox):
        mailbox = writer.disable(mailbox) or mailbox
    return mailbox, password_sent


def manage_mailbox(client: NetAngelsClient, params: dict[str, Any], check_mode: bool = False) -> Done:
    """Bring one mailbox to the state the options describe; return the module's result as a :class:`~._errors.Done`.

    Result keys: ``changed``, ``mailbox`` (as it now stands, or would stand; ``{}`` when absent)
    and ``diff`` (``before``/``after`` from :func:`view`, a password only as a note). Bad input
    raises InputError before any request; a failure once writing began comes back as the
    ``Done``'s error, with ``changed`` and ``mailbox`` as they then stood.
    """
    spec = parse_mailbox(params, params.get('domain'), params.get('domain_id'), params.get('update_password'))
    desired, state, password = spec.desired, spec.state, spec.password
    target = resolve_target(client, params['name'], params.get('domain'), params.get('domain_id'))
    address = describe(target)
    current = client.find_mailbox(target.domain_id, target.name)

    if state != 'absent':
        if current is None and password is None:
            raise InputError('it does not exist, and creating a mailbox needs a password (set password)')
        why = state_refusal(current, desired, state)
        if why:
            raise InputError(why)

    writer = writer_for(client, check_mode)
    mailbox = current
    password_sent = False
    try:
        if state == 'absent':
            if current is not None:
                writer.delete(current)
            mailbox = None
        else:
            if mailbox is None:
                mailbox = writer.create(target.domain_id, target.name, password, desired.get('comment'))
                password_sent = not isinstance(mailbox, AlreadyThere)
                if not password_sent:  # another writer created it first: this run found it as it is
                    current = mailbox
            mailbox, password_sent = converge(writer, mailbox, desired, state, password, spec.update_password,
                                              cleanup=spec.cleanup, password_sent=password_sent)
    except Error as exc:
        mailbox = writer.last or mailbox
        changed, now = progress(exc, writer, current, mailbox, lambda: client.find_mailbox(target.domain_id, target.name))
        return Done(dict(changed=changed, mailbox=now or {}), exc)

    before = view(current, address)
    after = view(mailbox, address)
    if password_sent:
        after['password'] = PASSWORD_NOTE
    return Done(dict(changed=bool(writer.steps), mailbox=mailbox or {}, diff=dict(before=before, after=after)))


# -- netangels_mailbox_alias ----------------------------------------------------------------

def alias_target(address: str | None = None, mailbox_id: int | None = None) -> MailboxTarget | None:
    """Check the mailbox option of ``netangels_mailbox_alias`` (no request): the parsed target, or None for an ID."""
    if mailbox_id is not None:
        return None
    if '@' not in (address or ''):
        raise InputError('"%s" is not a full mailbox address: give it as alice@example.com, or use mailbox_id' % address)
    target = parse_target(address)
    why = check_local_part(target.name)
    if why:
        raise InputError(why)
    return target


def find_alias_mailbox(client: NetAngelsClient, target: MailboxTarget | None, mailbox_id: Any = None) -> dict[str, Any]:
    """The mailbox named by its (parsed) address or its ID; InputError when there is none."""
    if target is None:
        mailbox = client.get_mailbox(mailbox_id)
        if mailbox is None:
            raise InputError('there is no mailbox with ID %s' % mailbox_id)
        return mailbox
    target = resolve_target(client, target.name, target.domain)
    mailbox = client.find_mailbox(target.domain_id, target.name)
    if mailbox is None:
        raise InputError('the mailbox does not exist (create it with mailops.hosted_mail.netangels_mailbox first)')
    return mailbox


def manage_aliases(client: NetAngelsClient, params: dict[str, Any], check_mode: bool = False) -> Done:
    """Add or remove just the named forwarding addresses of one mailbox; return the result as a :class:`~._errors.Done`."""
    wanted = alias_list(params['aliases'])
    if not wanted:
        raise InputError('aliases: name at least one forwarding address')
    state = params.get('state') or 'present'
    target = alias_target(params.get('mailbox'), params.get('mailbox_id'))
    mailbox = find_alias_mailbox(client, target, params.get('mailbox_id'))
    present = [a.lower() for a in mailbox['aliases']]
    writer = writer_for(client, check_mode)
    current = mailbox
    before = {'aliases': list(mailbox['aliases'])}
    try:
        for alias in wanted:
            if state == 'present' and alias not in present:
                mailbox = writer.add_alias(mailbox, alias) or mailbox
            elif state == 'absent' and alias in present:
                mailbox = writer.delete_alias(mailbox, alias) or mailbox
            present = [a.lower() for a in mailbox['aliases']]
    except Error as exc:
        changed, now = progress(exc, writer, current, mailbox, lambda: client.get_mailbox(current['id']))
        now = now or mailbox
        return Done(dict(changed=changed, aliases=list(now['aliases']), mailbox_id=current.get('id')), exc)
    after = {'aliases': list(mailbox['aliases'])}
    return Done(dict(changed=bool(writer.steps), aliases=list(mailbox['aliases']), mailbox_id=mailbox.get('id'),
                     diff=dict(before=before, after=after)))


# -- netangels_mailbox_info -----------------------------------------------------------------

def read_mailboxes(client: NetAngelsClient, name: str | None = None, domain: str | None = None,
                   domain_id: int | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Every mailbox of a domain, or the one named: ``(domain_id, mailboxes)``.

    A name is checked like ``netangels_mailbox`` checks it (same message, same hint) before any
    request, so a name the API cannot hold is not answered with "no mailboxes".
    """
    target = parse_target(name, domain, domain_id)
    if target.name is not None:
        why = check_local_part(target.name)
        if why:
            raise InputError(why)
    target = resolve_target(client, name, domain, domain_id)
    if target.name is None:
        return target.domain_id, client.list_mailboxes(target.domain_id)
    mailbox = client.find_mailbox(target.domain_id, target.name)
    return target.domain_id, [mailbox] if mailbox else []
