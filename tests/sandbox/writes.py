# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The request log read as writes: which kind each API write was, and whether any was done twice.

``summarise(entries)`` (``GET /_sandbox/writes``) counts the requests and the faults injected (by
fault kind), and per write kind the requests sent, the faults injected into them, how many the API
committed (processed with a 2xx answer, a ``lost_response`` included), and the **duplicates**: requests for a write that is not idempotent
(create, add/delete alias, cleanup, batch create) that reached the API after the same write had
already been committed. Such a repeat creates something twice or is refused as "already there";
a correct client sends none. A repeat of an idempotent write (update, password, disable, delete,
the rules PUT) after a lost answer is harmless and counted apart, as ``repeats``.

A write's identity is what it acts on (mailbox and field values, alias address, organisation and
rule list), so the figures are exact as long as the same write is asked for once per log, as the
faults tests do.
"""

from __future__ import annotations

import json
import re

_MAILBOX = r"^/api/v2/mail/mailboxes/(?P<id>\d+)/"

WRITE_KINDS = (
    # kind, method, path pattern, idempotent, identity of the write from (path match, body)
    ("token", "POST", r"^/api/gateway/token/$", True, lambda match, body: None),
    ("create", "POST", r"^/api/v2/mail/mailboxes/$", False, lambda match, body: [body.get("domain_id"), body.get("name")]),
    ("batch create", "POST", r"^/api/v2/mail/domains/(?P<id>\d+)/mailboxes/batch-create/$", False, lambda match, body: match["id"]),
    ("update", "PUT", _MAILBOX + "$", True, lambda match, body: [match["id"], body]),
    ("add alias", "PUT", _MAILBOX + "add-alias/$", False, lambda match, body: [match["id"], str(body.get("alias")).lower()]),
    ("delete alias", "PUT", _MAILBOX + "delete-alias/$", False, lambda match, body: [match["id"], str(body.get("alias")).lower()]),
    ("password", "PUT", _MAILBOX + "change-password/$", True, lambda match, body: match["id"]),
    ("disable", "PUT", _MAILBOX + "disable/$", True, lambda match, body: match["id"]),
    ("cleanup", "PUT", _MAILBOX + "cleanup/$", False, lambda match, body: match["id"]),
    ("delete", "DELETE", _MAILBOX + "$", True, lambda match, body: match["id"]),
    ("rules PUT", "PUT", r"^/admin/v1/org/(?P<id>\d+)/mail/routing/rules$", True, lambda match, body: [match["id"], body]),
)
"""Every API request that is not a read (the key exchange included: it is a POST)."""


def classify(entry: dict) -> tuple[str, bool, str | None] | None:
    """Return ``(kind, idempotent, identity)`` of a request log entry, or None for a read.

    The identity is None for a key exchange: each one is a new token, never a repeat.
    """
    for kind, method, pattern, idempotent, identity in WRITE_KINDS:
        match = re.match(pattern, entry["path"])
        if entry["method"] == method and match:
            body = entry.get("body") if isinstance(entry.get("body"), dict) else {}
            target = identity(match, body)
            return kind, idempotent, None if target is None else json.dumps([kind, target], sort_keys=True)
    return None


def processed(entry: dict) -> bool:
    """Whether the API acted on a request (no injected answer, or only its answer was lost)."""
    return entry.get("fault") in (None, "lost_response", "churn")


def committed(entry: dict) -> bool:
    """Whether the API acted on a request and accepted it."""
    return processed(entry) and entry.get("status") is not None and 200 <= entry["status"] < 300


def summarise(entries: list[dict]) -> dict:
    """Figures of a request log: totals, and per write kind (only kinds that were sent)."""
    kinds: dict[str, dict] = {}
    done: set[str] = set()
    for entry in entries:
        found = classify(entry)
        if found is None:
            continue
        kind, idempotent, identity = found
        figures = kinds.setdefault(kind, {"kind": kind, "idempotent": idempotent, "requests": 0, "faults": 0, "committed": 0,
                                          "duplicates": 0, "repeats": 0})
        figures["requests"] += 1
        figures["faults"] += entry.get("fault") is not None
        if identity is not None and processed(entry) and identity in done:
            figures["repeats" if idempotent else "duplicates"] += 1
        if committed(entry):
            figures["committed"] += 1
            done.add(identity)
    order = [kind for kind, *dummy in WRITE_KINDS]
    faults = [entry["fault"] for entry in entries if entry.get("fault") is not None]
    return {
        "requests": len(entries),
        "faults": len(faults),
        "faults_by_kind": {kind: faults.count(kind) for kind in sorted(set(faults))},
        "reads": sum(classify(entry) is None for entry in entries),
        "duplicates": sum(figures["duplicates"] for figures in kinds.values()),
        "kinds": sorted(kinds.values(), key=lambda figures: order.index(figures["kind"])),
    }
