# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure parts of the mailbox logic: comparison, diff views, check-mode predictions (the input checks: test_spec.py)."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import mailbox as _mailbox


@pytest.mark.parametrize('current, desired, changes', [
    ({'comment': None}, {'comment': ''}, {}),
    ({'comment': 'a'}, {'comment': 'b'}, {'comment': 'b'}),
    ({'aliases': ['B@x.org', 'a@x.org']}, {'aliases': ['a@x.org', 'b@x.org']}, {}),
    ({'aliases': 'a@x.org,b@x.org'}, {'aliases': ['a@x.org']}, {'aliases': ['a@x.org']}),
    ({'quota': 10, 'is_local': True}, {'quota': 10, 'is_local': False}, {'is_local': False}),
    ({'quota': 10}, {}, {}),
])
def test_field_changes(current, desired, changes):
    assert _mailbox.field_changes(current, desired) == changes


def test_view_has_no_ids_and_no_password():
    mailbox = dict(id=7, domain_id=1001, name='alice', password='x', comment='c', quota=1, is_local=True, aliases=[], state='active',
                   used=0, created='t', updated='t')
    assert _mailbox.view(mailbox, 'alice@example.com') == dict(address='alice@example.com', comment='c', quota=1, is_local=True,
                                                               aliases=[], state='active', used=0)
    assert _mailbox.view(None, 'alice@example.com') == {}


@pytest.mark.parametrize('raw, text', [
    (dict(name='alice@example.com'), 'alice@example.com'),
    (dict(name='alice', domain='example.com'), 'alice@example.com'),
    (dict(name='alice', domain_id=1001), 'alice in mail domain 1001'),
    (dict(name='alice'), 'alice'),
])
def test_describe_params(raw, text):
    assert _mailbox.describe_params(raw) == text


def test_check_writer_predicts_every_step_and_counts_them():
    writer = _mailbox.CheckWriter()
    mailbox = writer.create(1001, 'alice', 'ignored', None)
    mailbox = writer.update(mailbox, {'quota': 5})
    mailbox = writer.add_alias(mailbox, 'a@x.org')
    mailbox = writer.cleanup(dict(mailbox, used=9))
    mailbox = writer.disable(mailbox)
    mailbox = writer.delete_alias(mailbox, 'a@x.org')
    assert mailbox == dict(name='alice', domain_id=1001, comment='', aliases=[], used=0, state='disabled', quota=5)
    assert len(writer.steps) == 6
    assert 'ignored' not in repr(writer.steps)
