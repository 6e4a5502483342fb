# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""yandex360_routing_rules' lock_dir: a lock directory shared by writers that do not share a
temporary directory (AWX / Automation Controller jobs, each in its own container)."""

from __future__ import annotations

import multiprocessing
import os
import stat
import tempfile
import time

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _local_lock
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import LOCK_NAMESPACE, lock_key
from ansible_collections.mailops.hosted_mail.plugins.modules import yandex360_routing_rules

RULES = 'https://y.test/admin/v1/org/42/mail/routing/rules'
ARGS = dict(oauth_token='oauth-0123456789', org_id=42, api_url='https://y.test')
SPAM_SENDER = {'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}], 'terminal': True}
SPAM_SENDER_READ = {'terminal': True, 'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}]}


@pytest.fixture
def shared(tmp_path, monkeypatch):
    """A shared lock directory; this process's own temp dir is elsewhere."""
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path / 'own-tmp'))
    (tmp_path / 'own-tmp').mkdir()
    path = tmp_path / 'shared-locks'
    path.mkdir()
    return path


def run_rules(run_module, **kwargs):
    return run_module(yandex360_routing_rules.main, dict(ARGS, rules=[SPAM_SENDER], **kwargs))


def test_the_lock_file_is_in_lock_dir_and_every_user_may_open_it(shared):
    with _local_lock.exclusive_lock('ns', 'https://y.test|42', shared_dir=str(shared)) as path:
        assert os.path.dirname(path) == str(shared)
        assert 'y.test' not in path
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666
    assert not os.listdir(tempfile.gettempdir())  # the private lock directory was not used


def test_a_missing_lock_dir_is_not_created(shared):
    missing = str(shared / 'not-mounted')
    with pytest.raises(_local_lock.LockError, match='does not exist or is not a directory'):
        with _local_lock.exclusive_lock('ns', 'key', shared_dir=missing):
            pass
    assert not os.path.exists(missing)


def test_a_relative_lock_dir_is_refused(shared):
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


def test_the_module_fails_before_any_request_when_lock_dir_is_missing(http, run_module, shared):
    result = run_rules(run_module, lock_dir=str(shared / 'not-mounted'))
    assert result['failed'] is True
    assert 'not-mounted does not exist or is not a directory' in result['msg']
    assert 'every job changing these rules sees' in result['msg']
    assert http.requests == []


def test_lock_dir_comes_from_the_environment(http, run_module, shared, monkeypatch):
    monkeypatch.setenv('YANDEX360_LOCK_DIR', str(shared))
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ]})
    assert run_rules(run_module)['changed'] is False
    assert len(os.listdir(str(shared))) == 1


def test_an_empty_environment_variable_means_the_private_directory(http, run_module, shared, monkeypatch):
    monkeypatch.setenv('YANDEX360_LOCK_DIR', '')
    http.expect('GET', RULES, body={'rules': [SPAM_SENDER_READ]})
    assert run_rules(run_module)['changed'] is False
    assert os.listdir(str(shared)) == []
    assert os.listdir(tempfile.gettempdir()) == ['mailops.hosted_mail-locks-%d' % os.getuid()]


def test_a_writer_sharing_lock_dir_waits_and_the_message_names_the_directory(http, run_module, shared):
    with _local_lock.exclusive_lock(LOCK_NAMESPACE, lock_key('https://y.test', 42), shared_dir=str(shared)):
        result = run_rules(run_module, lock_dir=str(shared), lock_timeout=0.2)
    assert result['failed'] is True
    assert 'another task sharing the lock directory %s' % shared in result['msg']
    assert http.requests == []


def _count_under_lock(own_tmp, shared_dir, counter, rounds):
    tempfile.tempdir = own_tmp  # as in its own container
    for _round in range(rounds):
        with _local_lock.exclusive_lock('ns', 'shared', timeout=60, shared_dir=shared_dir):
            with open(counter) as handle:
                value = int(handle.read())
            time.sleep(0.002)  # a read-modify-write with a window, like GET ... PUT
            with open(counter, 'w') as handle:
                handle.write(str(value + 1))


def test_processes_with_different_temp_dirs_take_turns_through_lock_dir(shared, tmp_path):
    counter = str(tmp_path / 'counter')
    with open(counter, 'w') as handle:
        handle.write('0')
    context = multiprocessing.get_context('fork')
    workers = []
    for number in range(6):
        own_tmp = tmp_path / ('container-%d' % number)
        own_tmp.mkdir()
        workers.append(context.Process(target=_count_under_lock, args=(str(own_tmp), str(shared), counter, 10)))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0] * 6
    with open(counter) as handle:
        assert int(handle.read()) == 60
