# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection: which API request gets which fault.

A fault plan is an ordered list of rules plus a random seed. Each rule has a ``kind``:

``latency``        wait ``seconds`` before answering (adds up with other latency rules);
``429``            answer 429 with ``Retry-After: retry_after`` (default 1) and the API's JSON error;
``500``            answer 500 with the API's JSON error;
``502``, ``503``   answer with the front proxy's HTML page (``retry_after`` optional);
``drop``           close the connection without answering; nothing is processed;
``lost_response``  process the request (the write is committed), then close without answering;
``200``            answer HTTP 200 with ``body`` (text, default empty) instead: an answer of the wrong
                   shape (``""``, ``"[]"``, ``"{}"``, ``'{"count": "x"}'``); nothing is processed;
``silent``         accept the request and never answer: hold it for ``seconds`` (default 3600), or
                   until the rule is no longer in the plan (cleared, replaced, reset), then close;
``churn``          answer normally, then act as another client changing the domain of the request's
                   path (or the first domain): ``change: delete`` deletes its first mailbox in list
                   order (offset paging then skips one), ``change: add`` adds one (``churn-N``).

A rule applies to a request when its optional ``method`` equals the request method and its
optional ``path`` is a prefix of the request path; a ``*`` in it stands for any run of characters
(``/api/v2/mail/mailboxes/*/add-alias/``: the add-alias call of any mailbox). Then, when the rule has ``next: N`` it fires
for the next N such requests only; with ``rate: P`` (0..1) it fires with probability P, drawn from
a ``random.Random(seed)`` so a run is repeatable; with neither it fires every time. Latency rules
all add up; of the other rules the first that fires wins. Control endpoints are never faulted.

Example plan (the body of ``PUT /_sandbox/faults``)::

    {"seed": 7, "faults": [{"kind": "latency", "seconds": 0.2},
                           {"kind": "429", "next": 2, "retry_after": 1, "method": "PUT"},
                           {"kind": "lost_response", "next": 1, "path": "/api/v2/mail/mailboxes/"}]}
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass

from .assumptions import RETRY_AFTER_DEFAULT

STATUS_KINDS = ("429", "500", "502", "503")
"""Kinds that replace the answer with an HTTP error."""

CONNECTION_KINDS = ("drop", "lost_response", "silent")
"""Kinds that close the connection without an answer."""

ANSWER_KINDS = ("200", "churn")
"""Kinds that answer 200: with a body of the wrong shape, or normally while another client changes the domain."""

FAULT_KINDS = ("latency",) + STATUS_KINDS + CONNECTION_KINDS + ANSWER_KINDS
"""Every fault kind."""

CHURN_CHANGES = ("delete", "add")
"""What a ``churn`` fault does to the domain after answering."""

SILENT_SECONDS = 3600.0
"""How long a ``silent`` fault holds a request by default."""


@dataclass
class FaultRule:
    """One rule of a fault plan (see the module docstring)."""

    kind: str
    method: str | None = None
    path: str | None = None
    next: int | None = None
    rate: float | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    body: str | None = None
    change: str | None = None

    @classmethod
    def from_dict(cls, data: object) -> FaultRule:
        """Build a rule from its JSON form; raise ValueError with a readable message when invalid."""
        if not isinstance(data, dict):
            raise ValueError("a fault must be an object, got %r" % (data,))
        unknown = set(data) - {"kind", "method", "path", "next", "rate", "retry_after", "seconds", "body", "change"}
        if unknown:
            raise ValueError("unknown fault keys: %s" % ", ".join(sorted(unknown)))
        kind = str(data.get("kind", ""))
        if kind not in FAULT_KINDS:
            raise ValueError("fault kind %r is not one of %s" % (data.get("kind"), ", ".join(FAULT_KINDS)))
        rule = cls(kind=kind, method=data.get("method"), path=data.get("path"))
        if rule.method is not None:
            rule.method = str(rule.method).upper()
        if rule.path is not None and not str(rule.path).startswith("/"):
            raise ValueError("fault path %r must start with /" % rule.path)
        if data.get("next") is not None and data.get("rate") is not None:
            raise ValueError("a fault takes 'next' or 'rate', not both")
        if data.get("next") is not None:
            rule.next = _number(data, "next", int, 1)
        if data.get("rate") is not None:
            rule.rate = _number(data, "rate", float, 0.0, 1.0)
        if data.get("retry_after") is not None:
            rule.retry_after = _number(data, "retry_after", int, 0)
        elif kind == "429":
            rule.retry_after = RETRY_AFTER_DEFAULT
        if kind == "latency":
            rule.seconds = _number(data, "seconds", float, 0.0, 60.0)
        if kind == "silent":
            rule.seconds = _number(data, "seconds", float, 0.0, SILENT_SECONDS) if data.get("seconds") is not None else SILENT_SECONDS
        if kind == "200":
            rule.body = str(data.get("body") or "")
        elif data.get("body") is not None:
            raise ValueError("only a fault of kind 200 takes 'body'")
        if kind == "churn":
            rule.change = str(data.get("change") or "delete")
            if rule.change not in CHURN_CHANGES:
                raise ValueError("churn change %r is not one of %s" % (rule.change, ", ".join(CHURN_CHANGES)))
        elif data.get("change") is not None:
            raise ValueError("only a fault of kind churn takes 'change'")
        return rule

    @classmethod
    def from_spec(cls, spec: str) -> FaultRule:
        """Build a rule from the CLI form ``KIND[,key=value...]``, e.g. ``503,rate=0.2,method=PUT``."""
        kind, *options = spec.split(",")
        data: dict = {"kind": kind.strip()}
        for option in options:
            key, sep, value = option.partition("=")
            if not sep:
                raise ValueError("fault option %r is not key=value" % option)
            data[key.strip()] = value.strip()
        return cls.from_dict(data)

    def applies_to(self, method: str, path: str) -> bool:
        """Return whether this rule is limited to nothing that excludes ``method path``."""
        if self.method and self.method != method.upper():
            return False
        return not self.path or re.match(".*".join(re.escape(part) for part in self.path.split("*")), path) is not None

    def to_dict(self) -> dict:
        """Return the JSON form (``next`` shows how many firings remain)."""
        return {key: value for key, value in asdict(self).items()
                if value is not None and not (key == "seconds" and self.kind not in ("latency", "silent"))}


def _number(data: dict, key: str, kind: type, low: float, high: float | None = None):
    """Read ``data[key]`` as ``kind`` within ``low..high``; raise ValueError naming the key."""
    try:
        value = kind(data[key])
    except (TypeError, ValueError):
        raise ValueError("fault %s must be a number, got %r" % (key, data.get(key))) from None
    if value < low or (high is not None and value > high):
        raise ValueError("fault %s=%r is outside %s..%s" % (key, value, low, "" if high is None else high))
    return value


class FaultPlan:
    """An ordered list of fault rules and the seeded random generator behind ``rate``.

    Not thread-safe by itself: the caller holds the sandbox state lock around ``decide``.
    """

    def __init__(self, rules: list[FaultRule] | None = None, seed: int = 0) -> None:
        self.rules = list(rules or [])
        self.seed = seed
        self._random = random.Random(seed)

    @classmethod
    def from_dict(cls, data: object) -> FaultPlan:
        """Build a plan from ``{"seed": int, "faults": [rule, ...]}`` or a bare list of rules."""
        if isinstance(data, list):
            data = {"faults": data}
        if not isinstance(data, dict):
            raise ValueError("faults must be an object {\"seed\", \"faults\"} or a list of faults")
        unknown = set(data) - {"seed", "faults"}
        if unknown:
            raise ValueError("unknown keys: %s" % ", ".join(sorted(unknown)))
        faults = data.get("faults") or []
        if not isinstance(faults, list):
            raise ValueError("'faults' must be a list")
        seed = data.get("seed") or 0
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError("'seed' must be an integer")
        return cls([FaultRule.from_dict(item) for item in faults], seed)

    def to_dict(self) -> dict:
        """Return the JSON form of the plan as it stands now."""
        return {"seed": self.seed, "faults": [rule.to_dict() for rule in self.rules]}

    def decide(self, method: str, path: str) -> tuple[float, FaultRule | None]:
        """Return ``(latency_seconds, fault)`` for one request; ``fault`` is None for a normal answer."""
        latency = 0.0
        fault = None
        for rule in self.rules:
            if rule.kind != "latency" and fault is not None:
                continue
            if not rule.applies_to(method, path) or not self._fires(rule):
                continue
            if rule.kind == "latency":
                latency += rule.seconds
            else:
                fault = rule
        return latency, fault

    def _fires(self, rule: FaultRule) -> bool:
        """Return whether ``rule`` fires for this request, and consume one of its ``next`` firings."""
        if rule.next is not None:
            if rule.next <= 0:
                return False
            rule.next -= 1
            return True
        if rule.rate is not None:
            return self._random.random() < rule.rate
        return True
