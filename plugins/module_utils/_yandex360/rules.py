# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

from __future__ import annotations

# Validate, normalise, compare and plan Yandex 360 mail routing rules.
#
# Pure functions only: no HTTP, no Ansible imports. Used by the
# ``yandex360_routing_rules`` and ``yandex360_routing_rules_info`` modules.
#
# Rule shapes
# ===========
#
# A rule may be written in the module's shape::
#
#     {"condition": {...},                       # default {} (every message); null also means every message
#      "actions": [{"action": "drop"},
#                  {"action": "forward", "email": "a@example.com"}],
#      "direction": "inbound" | "outbound",      # default inbound
#      "terminal": true | false}                 # default false
#
# or in the API's own shape (what the info module returns)::
#
#     {"condition": {...},
#      "actions": [{"action": "forward", "data": {"email": "a@example.com"}}],
#      "scope": {"direction": "inbound"},
#      "terminal": false}
#
# ``action`` defaults to ``drop`` (as in the API). Both spellings of the same
# fact may be given when they agree (``direction`` and ``scope.direction``,
# ``email`` and ``data.email``); when they disagree it is an error. A key whose
# value is null counts as absent. Unknown keys in a rule, a scope, an action or
# its data are errors, and so is an address on a ``drop`` action. A forward
# address passes the same check as a NetAngels mailbox's forwarding address
# (``_address.normalise_address``, lengths included) and is kept as written,
# without surrounding spaces.
#
# The normalised shape is always the API shape with every key, the condition
# as the user wrote it (only ``null`` becomes ``{}``)::
#
#     {"condition": {...}, "actions": [...], "scope": {"direction": ...}, "terminal": bool}
#
# The condition grammar
# =====================
#
# ::
#
#     CONDITION   := null | {} | {KEY: COMPARISON, "$and": [CONDITION, ...], "$or": [CONDITION, ...], ...}
#     KEY         := address:from | address:to | address:cc | address:tocc
#                  | from | to | cc | tocc            (the "address:" prefix may be dropped)
#                  | subject | body | attach:filename
#                  | header:NAME                      (NAME matches [-_a-zA-Z0-9]+)
#     COMPARISON  := VALUE | VALUE_LIST | {OP: VALUE} | {OP: VALUE_LIST} | {"$exists": BOOL}
#     OP          := $eq | $ne | $contains | $not-contains
#     VALUE       := string | {"$base64": string}
#     VALUE_LIST  := [VALUE, ...] (any of them) | {"$any": [VALUE, ...]} | {"$all": [VALUE, ...]}
#
# * Several keys in one object are ANDed; ``$and`` and ``$or`` take a non-empty
#   list of conditions. There is no ``$not``.
# * ``null`` and ``{}`` mean "every message", at every depth: ``$and`` and
#   ``$or`` take a list of conditions, and the vendor defines both as one.
# * An operator object holds exactly one operator; lists are never empty.
# * ``$exists`` takes a boolean and is accepted on ``header:NAME`` keys only (the
#   vendor documents it for headers; on other keys it is rejected early rather
#   than left to an API error).
# * Lists may hold ``{"$base64": ...}`` items as well as strings (VALUE_LIST is a
#   list of VALUEs); a ``$base64`` string must decode as standard base64.
# * Keys and operators are case-sensitive, as the vendor writes them.
# * ``from`` and ``address:from`` (likewise to, cc, tocc) are one key spelled two
#   ways, so a mapping that holds both holds the same key twice: rejected, as a
#   JSON object's names must be unique (combine the two tests with ``$and``).
#
# Rule identity
# =============
#
# Rules have no ids: a rule is its content, compared in a canonical form
# (:func:`canonical_condition`, :class:`Rule`'s ``key``) in which the spellings the
# vendor's grammar defines as equal are written one way. What is sent is always
# the user's spelling; only the comparison is canonical. Equal:
#
# * ``from`` and ``address:from`` (and ``to``, ``cc``, ``tocc``): the reference
#   says the prefix may be dropped. The canonical key has the prefix.
# * ``null``, ``{}`` and a missing condition: the reference says both mean
#   "every message". Canonically ``{}``, at every depth.
# * the order of keys in a mapping (JSON objects are unordered), the module's
#   and the API's shape of a rule, and defaults written out or left out.
#
# Not equal, because the reference does not say they are (a guess would make
# ``state: absent`` remove a rule nobody listed):
#
# * a value and a one-element list (``"a"`` / ``["a"]``), a list and ``$any``
#   of it, a bare value and ``{"$eq": value}``, ``$base64`` and the text it
#   encodes, the order of items in a list, ``$and`` or ``$or``;
# * ``header:X-Spam`` and ``header:x-spam``: mail header names are
#   case-insensitive, but the vendor does not say its matching is;
# * forward addresses that differ in case (compared as written, spaces around
#   them dropped).
#
# This assumes the API returns a condition as it was stored; the API sandbox
# behaves the same way.

import base64
import binascii
import copy
import json
import re
from typing import Any, NamedTuple, Optional, Sequence

from ansible_collections.mailops.hosted_mail.plugins.module_utils._address import normalise_address
from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError

__all__ = [
    'RuleError',
    'validate_condition',
    'validate_email',
    'canonical_condition',
    'normalise_rule',
    'Rule',
    'parse_rule',
    'parse_rules',
    'parse_api_rules',
    'written',
    'api_rule_warnings',
    'same_rules',
    'plan',
    'describe_rule',
    'diff_text',
]

DIRECTIONS = ('inbound', 'outbound')
ACTIONS = ('drop', 'forward')
STATES = ('present', 'absent')
POSITIONS = ('first', 'last')

ADDRESS_FIELDS = ('from', 'to', 'cc', 'tocc')
ADDRESS_PREFIX = 'address:'
PLAIN_KEYS = frozenset(
    [ADDRESS_PREFIX + field for field in ADDRESS_FIELDS] + list(ADDRESS_FIELDS) + ['subject', 'body', 'attach:filename']
)
HEADER_PREFIX = 'header:'
HEADER_NAME_RE = re.compile(r'[-_a-zA-Z0-9]+')  # used with fullmatch: "$" would let a trailing newline through
LOGIC_KEYS = ('$and', '$or')
VALUE_OPERATORS = ('$eq', '$ne', '$contains', '$not-contains')
EXISTS = '$exists'
LIST_OPERATORS = ('$any', '$all')
BASE64 = '$base64'

RULE_KEYS = ('condition', 'actions', 'direction', 'scope', 'terminal')
ACTION_KEYS = ('action', 'email', 'data')


class RuleError(InputError):
    """A rule or condition is invalid.

    ``path`` names the offending element (``rules[2].condition.subject``) and
    the message is already prefixed with it.
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.reason = message
        super().__init__('%s: %s' % (path, message))


def _show(value: Any) -> str:
    """Render an offending value for an error message (JSON-like, short)."""
    try:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > 80:
        text = text[:77] + '...'
    return text


def _type_name(value: Any) -> str:
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, (list, tuple)):
        return 'a list'
    if isinstance(value, dict):
        return 'a mapping'
    return type(value).__name__


def _got(value: Any) -> str:
    return '%s %s' % (_type_name(value), _show(value)) if value is not None else 'null'


# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------

def _is_condition_key(key: str) -> bool:
    if key in PLAIN_KEYS:
        return True
    return key.startswith(HEADER_PREFIX) and bool(HEADER_NAME_RE.fullmatch(key[len(HEADER_PREFIX):]))


def _canonical_key(key: str) -> str:
    """The one spelling of a condition key: ``from`` -> ``address:from`` (the prefix may be dropped)."""
    return ADDRESS_PREFIX + key if key in ADDRESS_FIELDS else key


def _check_value(value: Any, path: str) -> None:
    """VALUE := string | {"$base64": string}."""
    if isinstance(value, str):
        return
    if isinstance(value, dict) and list(value) == [BASE64]:
        encoded = value[BASE64]
        if not isinstance(encoded, str):
            raise RuleError(path, '$base64 takes a string, got %s' % _got(encoded))
        try:
            base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise RuleError(path, '$base64 value is not valid base64: %s' % _show(encoded)) from None
        return
    raise RuleError(path, 'expected a string or {"$base64": ...}, got %s' % _got(value))


def _check_list(items: Any, path: str) -> None:
    """A non-empty list of VALUEs."""
    if not isinstance(items, list):
        raise RuleError(path, 'expected a list, got %s' % _got(items))
    if not items:
        raise RuleError(path, 'a list of values must not be empty')
    for index, item in enumerate(items):
        _check_value(item, '%s[%d]' % (path, index))


def _check_value_or_list(value: Any, path: str) -> None:
    """VALUE | VALUE_LIST, where the value is not an operator object."""
    if isinstance(value, list):
        _check_list(value, path)
        return
    if isinstance(value, dict) and len(value) == 1:
        key, inner = next(iter(value.items()))
        if key in LIST_OPERATORS:
            _check_list(inner, '%s.%s' % (path, key))
            return
    _check_value(value, path)


def _check_comparison(key: str, comparison: Any, path: str) -> None:
    """COMPARISON := VALUE | VALUE_LIST | {OP: VALUE} | {OP: VALUE_LIST} | {"$exists": BOOL}."""
    if isinstance(comparison, dict):
        if not comparison:
            raise RuleError(path, 'an empty mapping is not a comparison')
        operators = [name for name in comparison if isinstance(name, str) and name.startswith('$')]
        if len(comparison) > 1:
            raise RuleError(path, 'a comparison takes exactly one operator, got %s' % _show(sorted(str(name) for name in comparison)))
        operator, operand = next(iter(comparison.items()))
        if operator in LIST_OPERATORS or operator == BASE64:
            _check_value_or_list(comparison, path)
            return
        if operator == EXISTS:
            if not key.startswith(HEADER_PREFIX):
                raise RuleError(path, '$exists is only allowed on header:NAME keys')
            if not isinstance(operand, bool):
                raise RuleError(path, '$exists takes true or false, got %s' % _got(operand))
            return
        if operator in VALUE_OPERATORS:
            _check_value_or_list(operand, '%s.%s' % (path, operator))
            return
        if operators:
            raise RuleError(path, 'unknown operator %s' % _show(operator))
        raise RuleError(path, 'expected a value, a list or {OPERATOR: value}, got %s' % _got(comparison))
    _check_value_or_list(comparison, path)


def _check_condition(condition: Any, path: str) -> None:
    if condition is None:
        return
    if not isinstance(condition, dict):
        raise RuleError(path, 'a condition must be a mapping, got %s' % _got(condition))
    spellings: dict[str, str] = {}
    for key, value in condition.items():
        if not isinstance(key, str):
            raise RuleError(path, 'condition keys must be strings, got %s' % _got(key))
        key_path = '%s.%s' % (path, key)
        same = spellings.setdefault(_canonical_key(key), key)
        if same != key:
            raise RuleError(path, '%s are the same key (the "address:" prefix may be dropped); give it once, '
                            'or combine the two tests with $and' % ' and '.join(_show(name) for name in sorted((same, key))))
        if key in LOGIC_KEYS:
            if not isinstance(value, list):
                raise RuleError(key_path, '%s takes a list of conditions, got %s' % (key, _got(value)))
            if not value:
                raise RuleError(key_path, '%s takes a non-empty list of conditions' % key)
            for index, item in enumerate(value):
                _check_condition(item, '%s[%d]' % (key_path, index))
        elif key == '$not':
            raise RuleError(key_path, 'there is no $not: use $ne or $not-contains')
        elif key.startswith(HEADER_PREFIX) and not _is_condition_key(key):
            raise RuleError(path, 'bad header name in %s: it must match [-_a-zA-Z0-9]+' % _show(key))
        elif _is_condition_key(key):
            _check_comparison(key, value, key_path)
        elif key.startswith('$'):
            raise RuleError(path, 'unknown logical operator %s (use $and or $or)' % _show(key))
        else:
            raise RuleError(
                path, 'unknown key %s; expected one of address:from|to|cc|tocc, from, to, cc, tocc, subject, body, '
                'attach:filename, header:NAME, $and, $or' % _show(key))


def validate_condition(condition: Any, path: str = 'condition') -> None:
    """Check a routing-rule condition against the vendor's grammar.

    In short (the full grammar and the choices made are in the comment at the
    top of this file)::

        CONDITION  := null | {} | {KEY: COMPARISON, "$and": [CONDITION, ...], "$or": [CONDITION, ...]}
        KEY        := [address:]from|to|cc|tocc | subject | body | attach:filename | header:NAME
        COMPARISON := VALUE | VALUE_LIST | {OP: VALUE} | {OP: VALUE_LIST} | {"$exists": BOOL} (headers only)
        OP         := $eq | $ne | $contains | $not-contains
        VALUE      := string | {"$base64": string}
        VALUE_LIST := [VALUE, ...] | {"$any": [VALUE, ...]} | {"$all": [VALUE, ...]}

    ``None`` and ``{}`` are valid and mean "every message", at any depth.
    ``from`` and ``address:from`` (to, cc, tocc) may not both be in one mapping.
    Raises :class:`RuleError` naming the offending element under ``path``.
    """
    _check_condition(condition, path)


def canonical_condition(condition: Optional[dict[str, Any]]) -> dict[str, Any]:
    """The condition with every spelling the vendor's grammar defines as equal written one way.

    ``null`` becomes ``{}`` (at every depth) and ``from``/``to``/``cc``/``tocc`` get
    their ``address:`` prefix; comparisons and the order of lists are kept as
    written (see "Rule identity" at the top of this file for what is, and is
    not, treated as equal). Only for comparing: what is sent is the user's
    spelling. Expects a valid condition (:func:`validate_condition`).
    """
    if condition is None:
        return {}
    canonical: dict[str, Any] = {}
    for key, value in condition.items():
        if key in LOGIC_KEYS:
            value = [canonical_condition(item) for item in value]
        canonical[_canonical_key(key)] = value
    return canonical


def validate_email(email: Any, path: str = 'email') -> str:
    """Check a forward address with the collection's one address check (the one a mailbox's
    forwarding address passes: :func:`._address.normalise_address`, lengths included) and return
    it as the user spelled it, without surrounding spaces. Raises :class:`RuleError`.
    """
    if not isinstance(email, str):
        raise RuleError(path, 'the address must be a string, got %s' % _got(email))
    try:
        normalise_address(email)
    except InputError as exc:
        raise RuleError(path, str(exc)) from None
    return email.strip()


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------

def _present(mapping: dict[str, Any], key: str) -> bool:
    """A key counts as given when it is there and not null."""
    return mapping.get(key) is not None


def _check_keys(mapping: dict[Any, Any], allowed: Sequence[str], path: str, what: str) -> None:
    unknown = sorted(str(key) for key in mapping if key not in allowed)
    if unknown:
        raise RuleError(path, 'unknown key%s in %s: %s (allowed: %s)' % (
            's' if len(unknown) > 1 else '', what, ', '.join(unknown), ', '.join(allowed)))


def _flat_or_nested(mapping: dict[str, Any], key: str, outer: str, path: str, what: str) -> tuple[Any, str]:
    """A field of the module's shape (``email``, ``direction``) or of the API's (``data.email``,
    ``scope.direction``); when both are given they must agree. Returns the value (``None`` when
    neither is given) and the path to name in an error about it.
    """
    value, where = None, '%s.%s' % (path, key)
    if _present(mapping, outer):
        inner = mapping[outer]
        if not isinstance(inner, dict):
            raise RuleError('%s.%s' % (path, outer), 'must be a mapping, got %s' % _got(inner))
        _check_keys(inner, (key,), '%s.%s' % (path, outer), what)
        value, where = inner.get(key), '%s.%s.%s' % (path, outer, key)
    if _present(mapping, key):
        if value is not None and value != mapping[key]:
            raise RuleError(path, '%s %s and %s.%s %s disagree' % (key, _show(mapping[key]), outer, key, _show(value)))
        value, where = mapping[key], '%s.%s' % (path, key)
    return value, where


def _normalise_action(action: Any, path: str) -> dict[str, Any]:
    if not isinstance(action, dict):
        raise RuleError(path, 'an action must be a mapping, got %s' % _got(action))
    _check_keys(action, ACTION_KEYS, path, 'an action')
    kind = action.get('action')
    if kind is None:
        kind = 'drop'
    if kind not in ACTIONS:
        raise RuleError(path + '.action', 'must be drop or forward, got %s' % _show(kind))

    email = _flat_or_nested(action, 'email', 'data', path, 'action data')[0]
    if kind == 'drop':
        if email is not None:
            raise RuleError(path, 'drop takes no address, got email %s' % _show(email))
        return {'action': 'drop'}
    if email is None:
        raise RuleError(path, 'forward needs an address (email)')
    return {'action': 'forward', 'data': {'email': validate_email(email, path + '.email')}}


def _normalise_direction(rule: dict[str, Any], path: str) -> str:
    direction, where = _flat_or_nested(rule, 'direction', 'scope', path, 'scope')
    if direction is None:
        return 'inbound'
    if direction not in DIRECTIONS:
        raise RuleError(where, 'must be inbound or outbound, got %s' % _show(direction))
    return direction


def normalise_rule(rule: Any, path: str = 'rule') -> dict[str, Any]:
    """Validate one rule (either shape) and return it in the canonical API shape.

    The result always has ``condition`` (``{}`` for every message),
    ``actions``, ``scope`` and ``terminal``. The condition is deep-copied as
    written (only ``None`` becomes ``{}``, nested nulls are kept); forward
    addresses are kept as written, without surrounding spaces. Raises
    :class:`RuleError`.
    """
    if not isinstance(rule, dict):
        raise RuleError(path, 'a rule must be a mapping, got %s' % _got(rule))
    _check_keys(rule, RULE_KEYS, path, 'a rule')

    condition = rule.get('condition')
    validate_condition(condition, path + '.condition')

    actions = rule.get('actions')
    if actions is None:
        raise RuleError(path, 'actions is required (a list such as [{"action": "drop"}])')
    if not isinstance(actions, list):
        raise RuleError(path + '.actions', 'must be a list, got %s' % _got(actions))
    if not actions:
        raise RuleError(path + '.actions', 'must not be empty')
    normal_actions = [_normalise_action(action, '%s.actions[%d]' % (path, index)) for index, action in enumerate(actions)]

    direction = _normalise_direction(rule, path)

    terminal = rule.get('terminal')
    if terminal is None:
        terminal = False
    if not isinstance(terminal, bool):
        raise RuleError(path + '.terminal', 'must be true or false, got %s' % _got(terminal))

    return {
        'condition': copy.deepcopy(condition) if condition is not None else {},
        'actions': normal_actions,
        'scope': {'direction': direction},
        'terminal': terminal,
    }


# ---------------------------------------------------------------------------
# What the API returns
# ---------------------------------------------------------------------------

def _api_tidy(rule: dict[str, Any]) -> dict[str, Any]:
    """Drop what the API may send as an empty default before strict normalisation.

    The API's schema makes every field optional and a protobuf gateway may
    render unset fields as null or empty. :func:`normalise_rule` already treats
    null ``scope``/``terminal``/``condition`` and an empty ``scope`` as absent;
    this also drops an empty ``data`` (``null``, ``{}``, ``{"email": ""}`` or
    ``{"email": null}``) on an action. Anything else is left for validation.
    """
    tidy = dict(rule)
    actions = tidy.get('actions')
    if isinstance(actions, list):
        tidy_actions = []
        for action in actions:
            if isinstance(action, dict) and 'data' in action:
                data = action['data']
                if data is None or data == {} or data == {'email': ''} or data == {'email': None}:
                    action = dict(action)
                    del action['data']
            tidy_actions.append(action)
        tidy['actions'] = tidy_actions
    return tidy


def _identity(written: Any, validated: bool) -> str:
    """The canonical key of a rule: its normalised shape with the condition in canonical form
    (:func:`canonical_condition`), as sorted JSON; a rule that could not be validated by its exact content."""
    if validated:
        written = dict(written, condition=canonical_condition(written['condition']))
    return json.dumps(written, sort_keys=True, separators=(',', ':'), ensure_ascii=False)


class Rule(NamedTuple):
    """One routing rule, parsed once: what is written, and its canonical key.

    ``written`` is the rule in the canonical API shape (:func:`normalise_rule`: the body of a PUT
    and what the modules return), in the spelling it was given or read in; a rule read from the
    API that this collection cannot validate is carried as the API's own copy, and ``error`` says
    why. ``key`` is equal for rules that mean the same to the API: both shapes, missing
    ``scope``/``terminal``/``condition``, the order of keys inside a condition and ``from`` against
    ``address:from`` do not matter; order inside lists (``$and``, ``$any``, actions) does. Rules
    that cannot be validated are compared by their exact content. Never mutate ``written``.
    """

    written: Any
    key: str
    error: Optional[str] = None


def parse_rule(rule: Any, path: str = 'rule') -> Rule:
    """Validate one rule given by the user (either shape); raise :class:`RuleError` naming ``path``."""
    normal = normalise_rule(rule, path)
    return Rule(normal, _identity(normal, True))


def parse_rules(rules: Any, name: str = 'rules') -> list[Rule]:
    """Validate a list of rules given by the user; raise :class:`RuleError` on the first bad one (path ``name[i]``)."""
    if not isinstance(rules, list):
        raise RuleError(name, 'must be a list of rules, got %s' % _got(rules))
    return [parse_rule(rule, '%s[%d]' % (name, index)) for index, rule in enumerate(rules)]


def _parse_api_rule(rule: Any, path: str) -> Rule:
    """One rule read from the API, leniently: see :func:`parse_api_rules`."""
    try:
        normal = normalise_rule(_api_tidy(rule) if isinstance(rule, dict) else rule, path)
    except RuleError as exc:
        raw = copy.deepcopy(rule)
        return Rule(raw, _identity(raw, False), str(exc))
    return Rule(normal, _identity(normal, True))


def parse_api_rules(rules: Any) -> list[Rule]:
    """Leniently parse the list of rules read from the API, once per read.

    Every rule this collection understands is carried in the canonical shape (missing ``scope``,
    ``terminal``, ``condition`` and empty ``data`` filled in or dropped). A rule that does not pass
    validation -- for example one written by another tool with a key this collection does not
    know -- is carried through unchanged (deep-copied), with ``error`` set: the API accepted it,
    so writing it back as it was is the safest thing to do, and failing would make the info module
    useless. :func:`api_rule_warnings` tells the user about such rules. ``None`` (no ``rules`` in
    the answer) is an empty list.
    """
    if rules is None:
        return []
    if not isinstance(rules, list):
        raise RuleError('rules', 'the API returned %s instead of a list' % _got(rules))
    return [_parse_api_rule(rule, 'rules[%d]' % index) for index, rule in enumerate(rules)]


def written(rules: Sequence[Rule]) -> list[Any]:
    """The rules as written: the body of a PUT, what the modules return."""
    return [rule.written for rule in rules]


def api_rule_warnings(rules: Sequence[Rule]) -> list[str]:
    """Messages for the rules read from the API that had to be carried through unchanged."""
    return ['kept a rule this collection cannot validate unchanged: %s' % rule.error for rule in rules if rule.error is not None]


# ---------------------------------------------------------------------------
# Comparing and planning
# ---------------------------------------------------------------------------

def same_rules(left: Sequence[Rule], right: Sequence[Rule]) -> bool:
    """True when two rule lists are the same, rule by rule and in order (see :class:`Rule`'s ``key``)."""
    return [rule.key for rule in left] == [rule.key for rule in right]


def plan(current: Sequence[Rule], wanted: Sequence[Rule], state: str = 'present', exclusive: bool = False,
         position: str = 'last') -> list[Rule]:
    """Compute the full rule list to PUT, as a new list.

    ``current`` is the list read from the API (:func:`parse_api_rules`) and ``wanted`` the user's
    rules (:func:`parse_rules`); nothing is parsed again here. Rules are compared by their key
    (canonically: ``from`` and ``address:from`` are one key); a rule that is added is written in
    the user's spelling, a rule that is there is kept in its stored spelling.

    * ``present`` + ``exclusive``: exactly ``wanted``, in order, duplicates
      included (the user asked for them); the current list itself when it is
      already the same (so a different spelling alone changes nothing).
    * ``present`` + not ``exclusive``: every wanted rule not already in
      ``current`` is inserted at ``position`` (``first``: before every existing
      rule; ``last``: appended), keeping the wanted rules' relative order.
      Existing rules are kept untouched, where they are, duplicates included.
      A rule given twice in ``wanted`` is inserted once: "present" means "at
      least one copy exists", so the result does not depend on the starting
      list and a second run changes nothing.
    * ``absent``: every rule equal to a wanted one is removed, all occurrences,
      wherever it stands; the rest is kept in order. ``exclusive`` and
      ``position`` are ignored.

    The caller decides whether anything changed with :func:`same_rules`.
    """
    if state not in STATES:
        raise ValueError('state must be present or absent, got %s' % _show(state))
    if position not in POSITIONS:
        raise ValueError('position must be first or last, got %s' % _show(position))
    existing = list(current)

    if state == 'absent':
        unwanted = set(rule.key for rule in wanted)
        return [rule for rule in existing if rule.key not in unwanted]

    if exclusive:
        return existing if same_rules(existing, wanted) else list(wanted)

    seen = set(rule.key for rule in existing)
    missing = []
    for rule in wanted:
        if rule.key not in seen:
            seen.add(rule.key)
            missing.append(rule)
    if position == 'first':
        return missing + existing
    return existing + missing


# ---------------------------------------------------------------------------
# Human-readable output for diffs
# ---------------------------------------------------------------------------

def _describe_action(action: dict[str, Any]) -> str:
    if action.get('action') == 'forward':
        return 'forward to %s' % (action.get('data') or {}).get('email')
    return 'drop'


def describe_rule(rule: Rule, number: int) -> str:
    """One line describing a rule, e.g. ``1. inbound terminal: if {"address:from": "spam@x"} then drop``.

    ``number`` is printed as given (callers use 1-based numbers). A rule that
    could not be validated is shown as its raw JSON.
    """
    if rule.error is not None:
        return '%d. (not validated) %s' % (number, _show_full(rule.written))
    normal = rule.written
    head = normal['scope']['direction'] + (' terminal' if normal['terminal'] else '')
    actions = ', '.join(_describe_action(action) for action in normal['actions'])
    if not normal['condition']:
        return '%d. %s: always %s' % (number, head, actions)
    return '%d. %s: if %s then %s' % (number, head, _show_full(normal['condition']), actions)


def _show_full(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def diff_text(rules: Sequence[Rule]) -> str:
    """The rule list as text for Ansible's diff: one numbered line per rule, ``""`` for no rules."""
    return ''.join(describe_rule(rule, index + 1) + '\n' for index, rule in enumerate(rules))
