# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one atomic write shared by the credentials files and the exported mailboxes CSV."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _files
from ansible_collections.mailops.hosted_mail.plugins.module_utils._files import write_atomically


def test_a_new_file_gets_the_mode_asked_for_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        write_atomically(str(tmp_path / 'a'), b'data', 0o600)
        write_atomically(str(tmp_path / 'b'), b'data', 0o644)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(str(tmp_path / 'a')).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(tmp_path / 'b')).st_mode) == 0o644
    assert (tmp_path / 'a').read_bytes() == b'data'


def test_a_symlink_is_replaced_not_followed(tmp_path):
    victim = tmp_path / 'victim'
    victim.write_bytes(b'keep me')
    link = tmp_path / 'file'
    link.symlink_to(victim)
    write_atomically(str(link), b'new', 0o600)
    assert victim.read_bytes() == b'keep me'
    assert not link.is_symlink() and link.read_bytes() == b'new'
    assert sorted(os.listdir(str(tmp_path))) == ['file', 'victim']


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / 'file'
    target.write_bytes(b'old')

    def refuse(source, destination):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(_files.os, 'replace', refuse)
    with pytest.raises(OSError):
        write_atomically(str(target), b'new', 0o600)
    assert target.read_bytes() == b'old'
    assert os.listdir(str(tmp_path)) == ['file']
