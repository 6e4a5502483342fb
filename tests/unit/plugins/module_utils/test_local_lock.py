# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The local lock (_local_lock.py), the one home of its behaviour: the private lock directory, a
shared lock directory (``lock_dir``: writers in containers that do not share a temporary
directory), and that writers take turns. What a module does with it (fail before any request,
the message, the environment variable) is in the modules' tests."""

from __future__ import annotations

import multiprocessing
import os
import stat
import tempfile
import time

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _local_lock


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    """This process's temporary directory, of this test alone."""
    path = tmp_path / 'own-tmp'
    path.mkdir()
    monkeypatch.setattr(tempfile, 'tempdir', str(path))
    return path


@pytest.fixture
def shared(tmp_path):
    """A lock directory that several containers would see."""
    path = tmp_path / 'shared-locks'
    path.mkdir()
    return path


# -- the private lock directory -----------------------------------------------------------------

def test_the_lock_directory_is_private_and_the_file_name_hides_the_key(own_tmp):
    path = _local_lock.lock_directory()
    assert os.path.dirname(path) == str(own_tmp)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    assert 'y.test' not in _local_lock.lock_path('ns', 'https://y.test|42')


def test_a_symlinked_lock_directory_is_refused(own_tmp):
    target = own_tmp / 'elsewhere'
    target.mkdir(mode=0o700)
    os.symlink(str(target), os.path.join(str(own_tmp), 'mailops.hosted_mail-locks-%d' % os.getuid()))
    with pytest.raises(_local_lock.LockError, match='not a private directory'):
        _local_lock.lock_directory()


def test_the_lock_is_released_on_error(own_tmp):
    with pytest.raises(RuntimeError):
        with _local_lock.exclusive_lock('ns', 'key'):
            raise RuntimeError('boom')
    with _local_lock.exclusive_lock('ns', 'key', timeout=0):
        pass


# -- a shared lock directory (lock_dir) ---------------------------------------------------------

def test_the_lock_file_is_in_lock_dir_and_every_user_may_open_it(own_tmp, shared):
    with _local_lock.exclusive_lock('ns', 'https://y.test|42', shared_dir=str(shared)) as path:
        assert os.path.dirname(path) == str(shared)
        assert 'y.test' not in path
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666
    assert not os.listdir(str(own_tmp))  # the private lock directory was not used


def test_a_missing_lock_dir_is_not_created(shared):
    missing = str(shared / 'not-mounted')
    with pytest.raises(_local_lock.LockError, match='does not exist or is not a directory'):
        with _local_lock.exclusive_lock('ns', 'key', shared_dir=missing):
            pass
    assert not os.path.exists(missing)


def test_a_relative_lock_dir_is_refused():
    with pytest.raises(_local_lock.LockError, match='must be an absolute path'):
        with _local_lock.exclusive_lock('ns', 'key', shared_dir='locks'):
            pass


def test_a_file_linked_in_under_the_lock_name_is_not_opened_up(shared, tmp_path):
    victim = tmp_path / 'victim'
    victim.write_text('private')
    victim.chmod(0o600)
    digest_name = os.path.basename(_local_lock.lock_path('ns', 'key', shared_dir=str(shared)))
    os.link(str(victim), str(shared / digest_name))
    with _local_lock.exclusive_lock('ns', 'key', shared_dir=str(shared)):
        pass
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600


# -- writers take turns -------------------------------------------------------------------------

def _count_under_lock(own_tmp, shared_dir, counter, rounds):
    tempfile.tempdir = own_tmp  # each writer in a container of its own, or all on one machine
    for _round in range(rounds):
        with _local_lock.exclusive_lock('ns', 'shared', timeout=60, shared_dir=shared_dir):
            with open(counter) as handle:
                value = int(handle.read())
            time.sleep(0.002)  # a read-modify-write with a window, like GET ... PUT
            with open(counter, 'w') as handle:
                handle.write(str(value + 1))


@pytest.mark.parametrize('through', ['the private directory of one machine', 'lock_dir, from different temp dirs'])
def test_processes_take_turns(tmp_path, shared, through):
    counter = str(tmp_path / 'counter')
    with open(counter, 'w') as handle:
        handle.write('0')
    one_machine = through.startswith('the private')
    context = multiprocessing.get_context('fork')
    workers = []
    for number in range(6):
        own = tmp_path / ('machine' if one_machine else 'container-%d' % number)
        own.mkdir(exist_ok=True)
        workers.append(context.Process(target=_count_under_lock,
                                       args=(str(own), None if one_machine else str(shared), counter, 10)))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0] * 6
    with open(counter) as handle:
        assert int(handle.read()) == 60
