# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""Bring a Yandex 360 organisation's routing rules to the wanted state, safely.

The API can only read and replace the whole rule list, rules have no ids, and two writers that
each read, change and write the list silently overwrite each other. :func:`sync_rules` makes
that safe as far as a client can:

1. **Serialise locally.** Every real run takes an exclusive lock keyed by API URL + org ID
   (:mod:`._local_lock`) around its whole read-plan-write-confirm cycle, so tasks running at the
   same time on this machine (forks, ``async`` loop items, parallel playbooks) take turns; with
   ``lock_dir``, a directory several machines or job containers share, they take turns too.
2. **Confirm after every write.** After the PUT the list is read again. The change is confirmed
   when planning it again on the fresh list changes nothing (``plan(fresh) == fresh``). If another
   writer got in between (someone outside the lock: another machine, the web console), the change
   is planned again onto the fresh list -- keeping the other writer's rules unless ``exclusive``
   says the list must be exactly ours -- and written again, at most ``rounds`` times; then it
   fails clearly.

What it cannot do: the API has no version or ETag, so a writer outside the lock that writes
between our read and our PUT loses its change without anyone noticing (we detect only the loss
of *our* change), and a writer that overwrites the list after our read-back is not seen either.

An empty list read just before a write is read a second time (:func:`confirm_empty`): one glitch
answering "no rules" must not wipe the organisation's rules.

Check mode reads once, takes no lock and never writes. No Ansible here; errors are
:class:`~._errors.Error` subclasses (the transport's, a rule's, the lock's, :class:`ConfirmError`),
which the module runner turns into a failure. When a write had been confirmed (the PUT was
answered) before the failure, the error carries ``changed`` and the rules as last known.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import Error
from ansible_collections.mailops.hosted_mail.plugins.module_utils._local_lock import DEFAULT_TIMEOUT, exclusive_lock
from ansible_collections.mailops.hosted_mail.plugins.module_utils._writes import RULES_REPLACE
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import (
    Rule,
    api_rule_warnings,
    describe_rule,
    parse_api_rules,
    plan,
    same_rules,
    written,
)

CONFIRM_ROUNDS = RULES_REPLACE.rounds
"""Writes of the rule list in one run, each after a read showed another writer changed it (:mod:`._writes`)."""
LOCK_NAMESPACE = 'yandex360-routing-rules'


class ConfirmError(Error):
    """The change was written but another writer kept undoing it."""


class RulesOutcome(object):
    """What :func:`sync_rules` found and did: the ``before`` and ``after`` lists of :class:`~.rules.Rule`.

    ``error``: what stopped the sync after it had written (``after`` is then the list as last
    written or read); None when it finished.
    """

    def __init__(self, before: list[Rule], after: list[Rule], warnings: list[str], writes: int = 0,
                 error: Optional[Error] = None) -> None:
        self.before = before
        self.after = after
        self.warnings = warnings
        self.writes = writes
        self.error = error

    @property
    def changed(self) -> bool:
        """Whether the list changed; after a write and an error, it may have: True."""
        return self.error is not None or not same_rules(self.before, self.after)


def lock_key(api_url: str, org_id: int) -> str:
    """The lock key of an organisation's rule list: the same for every spelling of the same API URL."""
    return '%s|%d' % (api_url.rstrip('/').lower(), int(org_id))


def _unconfirmed(fresh: Sequence[Rule], wanted: Sequence[Rule], state: str, exclusive: bool) -> list[str]:
    """Up to five lines saying what, in the list read back, is not as wanted."""
    fresh_keys = set(rule.key for rule in fresh)
    wanted_keys = set(rule.key for rule in wanted)
    if state == 'absent':
        lines = ['still there: %s' % describe_rule(rule, index + 1) for index, rule in enumerate(fresh) if rule.key in wanted_keys]
    else:
        lines = ['missing: %s' % describe_rule(rule, index + 1) for index, rule in enumerate(wanted) if rule.key not in fresh_keys]
        if exclusive:
            lines += ['not asked for: %s' % describe_rule(rule, index + 1)
                      for index, rule in enumerate(fresh) if rule.key not in wanted_keys]
    return lines[:5] or ['the rules are there, but not in the wanted order or number']


def reads_as(target: Sequence[Rule]) -> Callable[[list[dict[str, Any]]], bool]:
    """The test of a confirming read after a PUT whose answer was lost: the list read back is ``target``.

    Passed to :meth:`~._yandex360.client.Yandex360Client.set_rules` as ``took_effect``, so the
    client itself knows nothing of the rules grammar.
    """
    def took_effect(read: list[dict[str, Any]]) -> bool:
        return same_rules(parse_api_rules(read), target)
    return took_effect


def read_rules(client: Yandex360Client, org_id: int) -> list[Rule]:
    """The organisation's rule list, read and parsed once."""
    return parse_api_rules(client.get_rules(org_id))


def confirm_empty(client: Yandex360Client, org_id: int) -> list[Rule]:
    """An empty rule list about to be written over, read a second time; returns that read.

    The whole list is replaced by every write, so one glitch that answered "no rules" (a proxy's
    empty ``{}``) would wipe an organisation's rules. Issue 18: an empty list read just before a
    write is confirmed by a second read; when the second read shows rules, the plan is made from it.
    """
    return read_rules(client, org_id)


def sync_rules(client: Yandex360Client, org_id: int, wanted: Sequence[Rule], state: str = 'present', exclusive: bool = False,
               position: str = 'last', check_mode: bool = False, lock_timeout: float = DEFAULT_TIMEOUT,
               rounds: int = CONFIRM_ROUNDS, lock_base: Optional[str] = None, lock_dir: Optional[str] = None) -> RulesOutcome:
    """Read, plan, write and confirm; return a :class:`RulesOutcome`.

    ``wanted`` are the user's rules, already parsed (:func:`._yandex360.rules.parse_rules`), so
    nothing is written when a rule is bad. Each answer of the API is parsed once
    (:func:`read_rules`). A second identical run reads once and writes nothing.
    """
    def replan(current: list[Rule]) -> list[Rule]:
        return plan(current, wanted, state=state, exclusive=exclusive, position=position)

    if check_mode:
        current = read_rules(client, org_id)
        return RulesOutcome(current, replan(current), api_rule_warnings(current))

    what = 'the routing rules of Yandex 360 organisation %s' % org_id
    with exclusive_lock(LOCK_NAMESPACE, lock_key(client.api_url, org_id), timeout=lock_timeout, what=what, base=lock_base,
                        shared_dir=lock_dir):
        before = read_rules(client, org_id)
        target = replan(before)
        if same_rules(before, target):
            return RulesOutcome(before, before, api_rule_warnings(before))
        if not before:
            before = confirm_empty(client, org_id)
            target = replan(before)
            if same_rules(before, target):
                return RulesOutcome(before, before, api_rule_warnings(before))
        warnings = api_rule_warnings(before)
        known: Optional[list[Rule]] = None  # the list as last written or read, once a write was confirmed
        try:
            for writes in range(1, rounds + 1):
                client.set_rules(org_id, written(target), reads_as(target))
                known = target
                fresh = read_rules(client, org_id)
                known = fresh
                target = replan(fresh)
                if same_rules(target, fresh):
                    return RulesOutcome(before, known, warnings, writes)
            raise ConfirmError(
                'the change was written %d times, but each time the list read back had been changed by another writer '
                '(another controller, a script or the web console writing at the same time). Now: %s. '
                'Run the task again when the other writer is done; two tasks with exclusive=true and different rules '
                'undo each other forever.' % (rounds, '; '.join(_unconfirmed(fresh, wanted, state, exclusive))))
        except Error as exc:
            if known is None:
                raise
            return RulesOutcome(before, known, warnings, writes, exc)
