# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The one table of write kinds: for each kind of write, whether a repeat is safe, which read
proves whether it took effect, and its budget.

* ``repeat_safe``: sending it twice has the effect of sending it once. The transport sends it
  again after a fault whose outcome is unknown (no answer, HTTP 5xx). Any other write is sent
  again only after its proving read showed that the last attempt did not take effect.
* ``proof``: the read that proves whether it took effect ('' when nothing can: a password cannot
  be read back). The vendor client makes that read; this table names it.
* ``budget``: the most requests one write of this kind may send, its proving reads included
  (:meth:`._http.Transport.writing`). A proving read made inside a write spends the write's budget;
  it has no budget of its own, so the counts add up instead of multiplying.
* ``rounds``: how many times the caller may start the whole write over, each time after reading
  what still has to be done: a batch upload after the domain is read again, a rule list after
  another writer changed it. 1 for a write that is not started over.

:func:`worst_case` gives the most requests an operation of a kind sends, from the table alone;
``tests/unit/plugins/module_utils/test_write_kinds.py`` makes each kind spend exactly that
under injected faults.
"""

from __future__ import annotations

from typing import NamedTuple

ATTEMPTS = 13
"""Sends of one request at most (1 + the transport's 12 retries): a read, or a write's own sends."""
PROOF = 3
"""Requests left, after its own sends, for the proving read of a write that is safe to repeat."""


class WriteKind(NamedTuple):
    name: str
    repeat_safe: bool
    proof: str
    budget: int
    rounds: int = 1


TOKEN_EXCHANGE = WriteKind('token exchange', True, '', ATTEMPTS)
CREATE = WriteKind('create mailbox', False, 'the mailbox is listed in its domain', 2 * ATTEMPTS)
UPDATE = WriteKind('update mailbox', True, 'every field sent reads back as sent', ATTEMPTS + PROOF)
ADD_ALIAS = WriteKind('add alias', False, 'the address is among the aliases', 2 * ATTEMPTS)
DELETE_ALIAS = WriteKind('delete alias', False, 'the address is not among the aliases', 2 * ATTEMPTS)
CHANGE_PASSWORD = WriteKind('change password', True, '', ATTEMPTS)
DISABLE = WriteKind('disable mailbox', True, 'the mailbox reads as disabled', ATTEMPTS + PROOF)
CLEANUP = WriteKind('cleanup mailbox', False, 'the mailbox reads as empty (used 0)', 2 * ATTEMPTS)
DELETE = WriteKind('delete mailbox', True, 'the mailbox is gone', ATTEMPTS + PROOF)
BATCH_UPLOAD = WriteKind('batch upload', False, "the domain's list, read again after the upload", ATTEMPTS, rounds=5)
RULES_REPLACE = WriteKind('rules replace', True, 'the rule list reads as written', ATTEMPTS + PROOF, rounds=3)

KINDS = (TOKEN_EXCHANGE, CREATE, UPDATE, ADD_ALIAS, DELETE_ALIAS, CHANGE_PASSWORD, DISABLE, CLEANUP, DELETE,
         BATCH_UPLOAD, RULES_REPLACE)


def worst_case(kind: WriteKind, read: int = ATTEMPTS) -> int:
    """The most requests one operation of ``kind`` sends, from the table alone.

    A kind of one round spends at most its budget. A kind of several rounds spends at most its
    budget in each round, and after each round the caller reads what is left to do: ``read``
    requests at most (each request of that read may be sent :data:`ATTEMPTS` times; pass the
    pages of the domain times that for a batch upload).
    """
    if kind.rounds == 1:
        return kind.budget
    return kind.rounds * (kind.budget + read)
