# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client tells a refusal that says "the wanted state already holds" as the sandbox words it.

The vendor documents no refusal text. The sandbox (``tests/sandbox/assumptions.py``) writes the
three "already" refusals down once; ``_netangels.says_already`` recognises them, and only them, so
that only they are checked with a read (issue 18 B3). One table runs through both.
"""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils._http import RequestError, vendor_message
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import says_already
from ansible_collections.mailops.hosted_mail.tests.sandbox import assumptions as sandbox


def refusal(status, field, message):
    body = sandbox.netangels_error('%s: %s' % (field, message), {field: [message]})
    return RequestError('refused', status=status, vendor_message=vendor_message(body, ''), details=body)


@pytest.mark.parametrize('field, message', [
    ('name', (sandbox.ALREADY_EXISTS + ' in %s') % ('alice', 'example.com')),
    (sandbox.BATCH_CSV_FIELD, 'line 3: name: ' + sandbox.ALREADY_EXISTS % 'alice'),
    ('alias', sandbox.ALIAS_PRESENT % 'a@example.org'),
    ('alias', sandbox.ALIAS_ABSENT % 'a@example.org'),
])
def test_the_sandboxs_already_refusals_are_checked_with_a_read(field, message):
    assert says_already(refusal(400, field, message))


@pytest.mark.parametrize('field, message', [
    ('password', sandbox.check_password('short')),
    ('name', sandbox.check_mailbox_name('Alice')),
    ('quota', sandbox.check_quota(0)),
    ('detail', sandbox.CLEANUP_FORBIDDEN_MESSAGE),
])
def test_any_other_refusal_is_final_without_a_read(field, message):
    assert message
    assert not says_already(refusal(400, field, message))


def test_only_a_400_or_409_counts():
    assert not says_already(refusal(403, 'name', sandbox.ALREADY_EXISTS % 'alice'))
    assert says_already(refusal(409, 'name', sandbox.ALREADY_EXISTS % 'alice'))


def test_live_mode_reads_refusals_with_the_clients_own_pattern():
    """tests/live checks these assumptions against the real API with a copy of the client's pattern."""
    from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import client as _netangels  # pylint: disable=import-outside-toplevel
    from ansible_collections.mailops.hosted_mail.tests.live import probes  # pylint: disable=import-outside-toplevel
    assert probes.ALREADY_RE.pattern == _netangels._ALREADY_RE.pattern  # pylint: disable=protected-access
    assert probes.ALREADY_RE.flags == _netangels._ALREADY_RE.flags  # pylint: disable=protected-access
