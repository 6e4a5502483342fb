# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Data flows one way through plugins/module_utils (CONTRIBUTING.md draws the map).

Layers, lowest first: the shared files (transport, errors, token cache, lock, address, files,
version), then the vendor packages (``_netangels``, ``_yandex360``), then the module machinery
(``_module``). A file may import its own layer or a lower one, never a higher one, and one
vendor package never imports the other.
"""

from __future__ import annotations

import ast
import os

import pytest

PREFIX = 'ansible_collections.mailops.hosted_mail.plugins.module_utils.'
MODULE_UTILS = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'module_utils')
LAYERS = {'_netangels': 1, '_yandex360': 1, '_module': 2}


def unit(relative_path):
    """The top-level name under module_utils of a file or a dotted import: '_http', '_netangels', ..."""
    return relative_path.replace(os.sep, '.').split('.')[0]


def layer(name):
    return LAYERS.get(name, 0)


def files():
    for directory, dummy, names in os.walk(MODULE_UTILS):
        for name in sorted(names):
            if name.endswith('.py'):
                yield os.path.relpath(os.path.join(directory, name), MODULE_UTILS)


def imported_units(path):
    with open(os.path.join(MODULE_UTILS, path), encoding='utf-8') as source:
        tree = ast.parse(source.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            full = node.module + '.'
            if full.startswith(PREFIX):
                rest = full[len(PREFIX):].rstrip('.')
                if rest:
                    yield unit(rest)
                else:  # from ...module_utils import _http, _netangels
                    for alias in node.names:
                        yield unit(alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PREFIX):
                    yield unit(alias.name[len(PREFIX):])


def test_the_layout_is_what_the_map_says():
    assert sorted(name for name in os.listdir(MODULE_UTILS) if os.path.isdir(os.path.join(MODULE_UTILS, name))
                  and not name.startswith('__')) == ['_module', '_netangels', '_yandex360']


@pytest.mark.parametrize('path', list(files()))
def test_nothing_imports_upward_or_across_vendors(path):
    own = unit(path)
    for other in imported_units(path):
        if other == own:
            continue
        assert layer(other) <= layer(own), '%s imports %s, a higher layer' % (path, other)
        assert not (layer(own) == layer(other) == 1), '%s imports the other vendor package %s' % (path, other)
