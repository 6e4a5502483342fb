# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validation of Yandex 360 routing rules, as the sandbox's PUT accepts them.

The grammar is the vendor's (see the condition section of the API notes)::

    CONDITION  := null | {} | {KEY: COMPARISON, ..., "$and": [CONDITION...], "$or": [CONDITION...]}
                  (null and {} mean every message, at every depth)
    KEY        := address:from | address:to | address:cc | address:tocc (the "address:" prefix is
                  optional) | subject | body | attach:filename | header:NAME  (NAME [-_a-zA-Z0-9]+)
    COMPARISON := VALUE | {OP: VALUE}          OP := $eq | $ne | $contains | $not-contains
                | {"$exists": true|false}
    VALUE      := str | [str, ...] | {"$any": [str...]} | {"$all": [str...]} | {"$base64": str}

``from`` and ``address:from`` (to, cc, tocc) are one key spelled two ways. Where the grammar is
silent, the choices of ``assumptions`` apply. Every error message names the place of the problem,
e.g. ``rules[0].condition.subject.$contains: ...``.

The collection checks rules with its own copy of this grammar (``plugins/module_utils/
_routing_rules.py``); ``tests/unit/plugins/module_utils/test_routing_rules_grammar.py`` runs one
table of conditions through both.
"""

from __future__ import annotations

import copy
import re

from .assumptions import (
    YANDEX_ADDRESS_KEY_TWICE_REJECTED,
    YANDEX_EMPTY_ACTIONS_REJECTED,
    YANDEX_EXISTS_ONLY_ON_HEADERS,
    YANDEX_FORWARD_EMAIL_CHECKED,
    YANDEX_MISSING_RULES_IS_EMPTY,
    YANDEX_ONE_OPERATOR_PER_COMPARISON,
    YANDEX_UNKNOWN_FIELDS_REJECTED,
    check_base64,
    normalise_alias,
)

CONDITION_KEY_RE = re.compile(r"(?:(?:address:)?(?:from|to|cc|tocc)|subject|body|attach:filename|header:[-_a-zA-Z0-9]+)")
"""Keys a condition may test (matched whole, with ``fullmatch``)."""

ADDRESS_FIELDS = ("from", "to", "cc", "tocc")
"""Address keys, which may be written with or without the ``address:`` prefix."""

OPERATORS = ("$eq", "$ne", "$contains", "$not-contains", "$exists")
"""Comparison operators."""

LOGIC_KEYS = ("$and", "$or")
"""Keys that combine a list of conditions."""

ACTIONS = ("drop", "forward")
"""Rule actions."""

DIRECTIONS = ("inbound", "outbound")
"""Values of ``scope.direction``."""


class RuleError(ValueError):
    """A routing-rule body that the API refuses with 400."""


def validate_rules_body(body: object) -> list[dict]:
    """Check a PUT body ``{"rules": [...]}`` and return a deep copy of its rules; raise RuleError."""
    if not isinstance(body, dict):
        raise RuleError("the body must be a JSON object {\"rules\": [...]}")
    _check_keys(body, ("rules",), "body")
    if "rules" not in body and not YANDEX_MISSING_RULES_IS_EMPTY:
        raise RuleError("rules: required")
    rules = body.get("rules")
    if rules is None:
        rules = []
    if not isinstance(rules, list):
        raise RuleError("rules: must be a list")
    for index, rule in enumerate(rules):
        validate_rule(rule, "rules[%d]" % index)
    return copy.deepcopy(rules)


def validate_rule(rule: object, where: str = "rule") -> None:
    """Check one rule; raise RuleError naming the problem."""
    if not isinstance(rule, dict):
        raise RuleError("%s: a rule must be an object" % where)
    _check_keys(rule, ("condition", "actions", "scope", "terminal"), where)
    check_condition(rule.get("condition"), where + ".condition")
    terminal = rule.get("terminal")
    if terminal is not None and not isinstance(terminal, bool):
        raise RuleError("%s.terminal: %r is not a boolean" % (where, terminal))
    scope = rule.get("scope")
    if scope is not None:
        if not isinstance(scope, dict):
            raise RuleError("%s.scope: must be an object" % where)
        _check_keys(scope, ("direction",), where + ".scope")
        if scope.get("direction") is not None and scope["direction"] not in DIRECTIONS:
            raise RuleError("%s.scope.direction: %r is not one of %s" % (where, scope["direction"], ", ".join(DIRECTIONS)))
    actions = rule.get("actions")
    if actions is None:
        actions = []
    if not isinstance(actions, list):
        raise RuleError("%s.actions: must be a list" % where)
    if not actions and YANDEX_EMPTY_ACTIONS_REJECTED:
        raise RuleError("%s.actions: at least one action is required" % where)
    for index, action in enumerate(actions):
        _check_action(action, "%s.actions[%d]" % (where, index))


def _check_action(action: object, where: str) -> None:
    """Check one action: ``{"action": "drop"}`` or ``{"action": "forward", "data": {"email": ...}}``."""
    if not isinstance(action, dict):
        raise RuleError("%s: an action must be an object" % where)
    _check_keys(action, ("action", "data"), where)
    kind = action.get("action") or "drop"
    if kind not in ACTIONS:
        raise RuleError("%s.action: %r is not one of %s" % (where, kind, ", ".join(ACTIONS)))
    data = action.get("data")
    if data is not None:
        if not isinstance(data, dict):
            raise RuleError("%s.data: must be an object" % where)
        _check_keys(data, ("email",), where + ".data")
    if kind == "forward":
        email = (data or {}).get("email")
        if not isinstance(email, str) or not email:
            raise RuleError("%s.data.email: required for action forward" % where)
        if YANDEX_FORWARD_EMAIL_CHECKED:
            why = normalise_alias(email)[1]
            if why:
                raise RuleError("%s.data.email: %s" % (where, why))


def check_condition(condition: object, where: str = "condition") -> None:
    """Check a condition against the grammar; raise RuleError naming the problem."""
    if condition is None:
        return
    if not isinstance(condition, dict):
        raise RuleError("%s: a condition must be an object or null, got %r" % (where, condition))
    fields = [key[len("address:"):] if key.startswith("address:") else key for key in condition]
    twice = [field for field in ADDRESS_FIELDS if fields.count(field) > 1]
    if twice and YANDEX_ADDRESS_KEY_TWICE_REJECTED:
        raise RuleError("%s: %s and address:%s are the same key" % (where, twice[0], twice[0]))
    for key, value in condition.items():
        here = "%s.%s" % (where, key)
        if key in LOGIC_KEYS:
            if not isinstance(value, list) or not value:
                raise RuleError("%s: must be a non-empty list of conditions" % here)
            for index, item in enumerate(value):
                check_condition(item, "%s[%d]" % (here, index))
        elif CONDITION_KEY_RE.fullmatch(key):
            _check_comparison(key, value, here)
        else:
            raise RuleError("%s: unknown condition key %r (expected address:from|to|cc|tocc, subject, body, "
                            "attach:filename, header:NAME, $and, $or)" % (here, key))


def _check_comparison(key: str, value: object, where: str) -> None:
    """Check ``VALUE`` or ``{OP: VALUE}`` for the condition key ``key``."""
    if isinstance(value, dict) and any(name in OPERATORS for name in value):
        if len(value) != 1 and YANDEX_ONE_OPERATOR_PER_COMPARISON:
            raise RuleError("%s: a comparison takes exactly one operator, got %s" % (where, ", ".join(sorted(value))))
        operator, operand = next(iter(value.items()))
        if operator not in OPERATORS:
            raise RuleError("%s: unknown operator %r" % (where, operator))
        if operator == "$exists":
            if YANDEX_EXISTS_ONLY_ON_HEADERS and not key.startswith("header:"):
                raise RuleError("%s.$exists: only header:NAME keys take $exists" % where)
            if not isinstance(operand, bool):
                raise RuleError("%s.$exists: %r is not true or false" % (where, operand))
            return
        _check_value(operand, "%s.%s" % (where, operator))
        return
    _check_value(value, where)


def _check_value(value: object, where: str) -> None:
    """Check ``str | [str...] | {"$any": [...]} | {"$all": [...]} | {"$base64": str}``."""
    if isinstance(value, str):
        return
    if isinstance(value, list):
        _check_string_list(value, where)
        return
    if isinstance(value, dict) and len(value) == 1:
        name, inner = next(iter(value.items()))
        if name in ("$any", "$all"):
            _check_string_list(inner, "%s.%s" % (where, name))
            return
        if name == "$base64":
            error = check_base64(inner)
            if error:
                raise RuleError("%s.$base64: %s" % (where, error))
            return
    raise RuleError("%s: expected a string, a list of strings, {\"$any\": [...]}, {\"$all\": [...]} or "
                    "{\"$base64\": \"...\"}, got %r" % (where, value))


def _check_string_list(items: object, where: str) -> None:
    """Check a non-empty list whose items are strings or ``{"$base64": str}``."""
    if not isinstance(items, list) or not items:
        raise RuleError("%s: must be a non-empty list of strings" % where)
    for index, item in enumerate(items):
        if isinstance(item, dict) and list(item) == ["$base64"]:
            error = check_base64(item["$base64"])
            if error:
                raise RuleError("%s[%d].$base64: %s" % (where, index, error))
        elif not isinstance(item, str):
            raise RuleError("%s[%d]: %r is not a string" % (where, index, item))


def _check_keys(data: dict, allowed: tuple, where: str) -> None:
    """Refuse keys outside ``allowed`` (grpc-gateway rejects unknown fields)."""
    unknown = sorted(set(data) - set(allowed))
    if unknown and YANDEX_UNKNOWN_FIELDS_REJECTED:
        raise RuleError("%s: unknown field(s) %s" % (where, ", ".join(unknown)))
