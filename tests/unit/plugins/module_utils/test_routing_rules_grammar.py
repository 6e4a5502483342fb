# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Forward addresses of routing rules: the same check as a mailbox's forwarding address.

A rule's forward address passes exactly the check a mailbox's forwarding address passes, in the
collection (``_address.normalise_address``) and in the API sandbox (``assumptions.normalise_alias``),
against the one table of addresses in ``test_mailbox_validation.ALIASES``.
"""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _address
from ansible_collections.mailops.hosted_mail.plugins.module_utils._routing_rules import RuleError, normalise_rule
from ansible_collections.mailops.hosted_mail.tests.sandbox import assumptions
from ansible_collections.mailops.hosted_mail.tests.sandbox import rules as sandbox
from ansible_collections.mailops.hosted_mail.tests.unit.plugins.module_utils.test_mailbox_validation import ALIASES


def _sandbox_put(rule):
    """The sandbox's PUT body check (what answers 400 over HTTP)."""
    return sandbox.validate_rules_body({'rules': [rule]})


# ---------------------------------------------------------------------------
# Forward addresses: the same check as a mailbox's forwarding address
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('value', ALIASES)
def test_forward_address_passes_the_mailbox_address_check(value):
    try:
        expected = _address.normalise_address(value)
    except ValueError:
        expected = None
    rule = {'actions': [{'action': 'forward', 'email': value}]}
    if expected is None:
        with pytest.raises(RuleError) as excinfo:
            normalise_rule(rule, 'rules[0]')
        assert excinfo.value.path.startswith('rules[0].actions[0]')
    else:
        # The address is checked like a mailbox's, but written as the user spelled it (only
        # the surrounding spaces the check ignores are dropped).
        assert normalise_rule(rule)['actions'] == [{'action': 'forward', 'data': {'email': value.strip()}}]


@pytest.mark.parametrize('value', ALIASES)
def test_the_sandbox_checks_forward_addresses_like_mailbox_addresses(value):
    accepted = assumptions.normalise_alias(value)[1] is None
    rule = {'actions': [{'action': 'forward', 'data': {'email': value}}]}
    if accepted:
        _sandbox_put(rule)
    else:
        with pytest.raises(sandbox.RuleError, match=r'^rules\[0\]\.actions\[0\]\.data\.email: '):
            _sandbox_put(rule)
