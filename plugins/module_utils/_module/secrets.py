# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""Nested options read the way ansible-core reads them, before ansible-core validates them.

ansible-core registers ``no_log`` values while it validates the arguments and stops at the first
nested value it cannot read as a mapping (``actions: drop``); its failure then echoes the secrets
given as options. So every secret is collected here whatever the input's shape
(:func:`secret_values`), and each malformed nested value is named (:func:`shape_problems`) so the
module can fail on it before ansible-core does. :class:`~._module.runner.CollectionModule` calls
both as soon as the parameters are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ansible.module_utils.common.validation import check_type_dict, check_type_list

from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.specs import shown


def _option_values(spec: Mapping[str, Any], params: Any) -> Iterator[tuple[str, Mapping[str, Any], Any]]:
    """``(name, options, value)`` for each option of ``spec`` that ``params`` sets (by name or alias)."""
    for name, options in spec.items():
        for key in [name] + list(options.get('aliases') or []):
            if isinstance(params, Mapping) and params.get(key) is not None:
                yield name, options, params[key]
                break


def _as_mapping(value: Any) -> Mapping[str, Any] | None:
    """``value`` as ansible-core would read a suboption mapping (a dict, or a JSON / ``k=v`` string), or None."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            return check_type_dict(value)
        except (TypeError, ValueError):
            return None
    return None


def _elements(options: Mapping[str, Any], value: Any) -> list[Mapping[str, Any] | None]:
    """The mappings a nested option holds, as ansible-core would read them; None where one is malformed."""
    if options.get('type') == 'dict':
        return [_as_mapping(value)]
    try:
        items = check_type_list(value)
    except TypeError:
        return [None]
    return [_as_mapping(item) for item in items]


def _leaves(value: Any) -> set[str]:
    """Every string a secret value holds (keys included), as ansible-core would show it."""
    if isinstance(value, bytes):
        value = value.decode('utf-8', 'replace')
    if isinstance(value, str):
        return {value} if value else set()
    if value is None or isinstance(value, bool):
        return set()
    if isinstance(value, Mapping):
        found = set()
        for key, item in value.items():
            found |= _leaves(key) | _leaves(item)
        return found | {str(value)}
    if isinstance(value, (list, tuple, set, frozenset)):
        found = set()
        for item in value:
            found |= _leaves(item)
        return found | {str(value)}
    return {str(value)}


def secret_values(spec: Mapping[str, Any], params: Any) -> set[str]:
    """Every value of a ``no_log`` option (nested ones too) that ``params`` sets, whatever its shape.

    Never raises: it reads malformed input as far as it can be read.
    """
    found = set()
    for dummy, options, value in _option_values(spec, params):
        if options.get('no_log'):
            found |= _leaves(value)
        if options.get('options'):
            # A string may be read whole (as ansible-core's no_log pass does) or split at commas
            # (as its type check does): look in both.
            candidates = _elements(options, value) + [_as_mapping(value)]
            for mapping in candidates:
                if mapping is not None:
                    found |= secret_values(options['options'], mapping)
    return found


def shape_problems(spec: Mapping[str, Any], params: Any, path: str = '') -> list[str]:
    """What in ``params`` is not the mapping (or list of mappings) a nested option needs, by path.

    ``rules[1].actions: a list of mappings is needed, got a string "drop"``. These are exactly
    the values on which ansible-core's own check would fail with no option named.
    """
    problems = []
    for name, options, value in _option_values(spec, params):
        if not options.get('options'):
            continue
        where = '%s.%s' % (path, name) if path else name
        elements = _elements(options, value)
        if options.get('type') == 'dict':
            if elements[0] is None:
                problems.append('%s: a mapping is needed, got %s' % (where, shown(value)))
            else:
                problems.extend(shape_problems(options['options'], elements[0], where))
            continue
        if not isinstance(value, list):
            if None in elements:
                problems.append('%s: a list of mappings is needed, got %s' % (where, shown(value)))
            continue
        for index, (item, mapping) in enumerate(zip(value, elements)):
            if mapping is None:
                problems.append('%s[%d]: a mapping is needed, got %s' % (where, index, shown(item)))
            else:
                problems.extend(shape_problems(options['options'], mapping, '%s[%d]' % (where, index)))
    return problems
