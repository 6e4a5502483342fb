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

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import Error
from ansible_collections.mailops.hosted_mail.plugins.module_utils._local_lock import DEFAULT_TIMEOUT, exclusive_lock
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import (
    api_rule_warnings,
    describe_rule,
    normalise_api_rules,
    plan,
    rule_key,
    same_rules,
)

CONFIRM_ROUNDS = 3
LOCK_NAMESPACE = 'yandex360-routing-rules'


class ConfirmError(Error):
    """The change was written but another writer kept undoing it."""


class RulesOutcome(object):
    """What :func:`sync_rules` found and did: normalised ``before`` and ``after`` lists."""

    def __init__(self, before, after, warnings, writes=0):
        self.before = before
        self.after = after
        self.warnings = warnings
        self.writes = writes

    @property
    def changed(self):
        return not same_rules(self.before, self.after)


def lock_key(api_url, org_id):
    """The lock key of an organisation's rule list: the same for every spelling of the same API URL."""
    return '%s|%d' % (api_url.rstrip('/').lower(), int(org_id))


def _unconfirmed(fresh, wanted, state, exclusive):
    """Up to five lines saying what, in the list read back, is not as wanted."""
    fresh = normalise_api_rules(fresh)
    fresh_keys = set(rule_key(rule) for rule in fresh)
    wanted_keys = set(rule_key(rule) for rule in wanted)
    if state == 'absent':
        lines = ['still there: %s' % describe_rule(rule, index + 1) for index, rule in enumerate(fresh) if rule_key(rule) in wanted_keys]
    else:
        lines = ['missing: %s' % describe_rule(rule, index + 1) for index, rule in enumerate(wanted) if rule_key(rule) not in fresh_keys]
        if exclusive:
            lines += ['not asked for: %s' % describe_rule(rule, index + 1)
                      for index, rule in enumerate(fresh) if rule_key(rule) not in wanted_keys]
    return lines[:5] or ['the rules are there, but not in the wanted order or number']


def confirm_empty(client, org_id):
    """An empty rule list about to be written over, read a second time; returns that read.

    The whole list is replaced by every write, so one glitch that answered "no rules" (a proxy's
    empty ``{}``) would wipe an organisation's rules. Issue 18: an empty list read just before a
    write is confirmed by a second read; when the second read shows rules, the plan is made from it.
    """
    return client.get_rules(org_id)


def sync_rules(client, org_id, wanted, state='present', exclusive=False, position='last', check_mode=False,
               lock_timeout=DEFAULT_TIMEOUT, rounds=CONFIRM_ROUNDS, lock_base=None, lock_dir=None):
    """Read, plan, write and confirm; return a :class:`RulesOutcome`.

    ``wanted`` must already be validated (:func:`._routing_rules.normalise_rules`), so nothing
    is written when a rule is bad. A second identical run reads once and writes nothing.
    """
    options = dict(state=state, exclusive=exclusive, position=position)
    if check_mode:
        current = client.get_rules(org_id)
        return RulesOutcome(normalise_api_rules(current), plan(current, wanted, **options), api_rule_warnings(current))

    what = 'the routing rules of Yandex 360 organisation %s' % org_id
    with exclusive_lock(LOCK_NAMESPACE, lock_key(client.api_url, org_id), timeout=lock_timeout, what=what, base=lock_base,
                        shared_dir=lock_dir):
        current = client.get_rules(org_id)
        before = normalise_api_rules(current)
        warnings = api_rule_warnings(current)
        target = plan(current, wanted, **options)
        if same_rules(before, target):
            return RulesOutcome(before, before, warnings)
        if not current:
            current = confirm_empty(client, org_id)
            before = normalise_api_rules(current)
            warnings = api_rule_warnings(current)
            target = plan(current, wanted, **options)
            if same_rules(before, target):
                return RulesOutcome(before, before, warnings)
        known = None  # the list as last written or read, once a write was confirmed
        try:
            for writes in range(1, rounds + 1):
                client.set_rules(org_id, target)
                known = normalise_api_rules(target)
                fresh = client.get_rules(org_id)
                known = normalise_api_rules(fresh)
                target = plan(fresh, wanted, **options)
                if same_rules(target, fresh):
                    return RulesOutcome(before, known, warnings, writes)
            raise ConfirmError(
                'the change was written %d times, but each time the list read back had been changed by another writer '
                '(another controller, a script or the web console writing at the same time). Now: %s. '
                'Run the task again when the other writer is done; two tasks with exclusive=true and different rules '
                'undo each other forever.' % (rounds, '; '.join(_unconfirmed(fresh, wanted, state, exclusive))))
        except Error as exc:
            if known is not None:
                exc.result = dict(changed=True, rules=known)
            raise
