# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The roles refuse hosts that give them different values, naming the hosts (issue 16, defect 9)."""

from __future__ import annotations

from ansible_collections.mailops.hosted_mail.plugins.filter.differing_hosts import differing_hosts


def test_hosts_that_agree():
    assert differing_hosts(['a', 'b', 'c'], [{'x': [1]}, {'x': [1]}, {'x': [1]}]) == []
    assert differing_hosts([], []) == []


def test_each_differing_host_is_named_with_its_variables_and_never_a_value():
    lines = differing_hosts(['a', 'b', 'c'], [{'x': 1, 'p': 'Secret-1'}, {'x': 2, 'p': 'Secret-1'}, {'x': 1, 'p': 'Secret-2'}])
    assert lines == ['b (x) differs from a', 'c (p) differs from a']
    assert 'Secret' not in repr(lines)
