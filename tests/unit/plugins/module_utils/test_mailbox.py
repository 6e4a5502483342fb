# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure parts of the mailbox logic: input checks, comparison, diff views, check-mode predictions."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import mailbox as _mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.target import MailboxTarget


def params(**kwargs):
    result = dict(name='alice@example.com', domain=None, domain_id=None, state='present', password=None, update_password='on_create',
                  comment=None, quota=None, is_local=None, aliases=None, cleanup=False)
    result.update(kwargs)
    return result


def test_alias_list_normalises_and_drops_duplicates_in_order():
    assert _mailbox.alias_list([' B@Example.net', 'a@example.net', 'b@example.net']) == ['b@example.net', 'a@example.net']


def test_alias_list_names_every_bad_value():
    with pytest.raises(ValueError) as info:
        _mailbox.alias_list(['ok@example.net', 'bad', 'x@nodot'])
    assert '"bad"' in str(info.value) and '"x@nodot"' in str(info.value)


def test_inputs_keep_only_the_options_given():
    target, desired = _mailbox.mailbox_inputs(params(quota=10, aliases=['A@example.net']))
    assert target == MailboxTarget('alice', 'example.com', None)
    assert desired == {'quota': 10, 'aliases': ['a@example.net']}


def test_inputs_empty_comment_is_a_value():
    assert _mailbox.mailbox_inputs(params(comment=''))[1] == {'comment': ''}


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
