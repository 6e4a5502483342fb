# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""yandex360_routing_rules' lock_dir: a lock directory shared by writers that do not share a
temporary directory (AWX / Automation Controller jobs, each in its own container). The lock itself
is tested in module_utils/test_local_lock.py; here, what the module does with lock_dir."""

from __future__ import annotations

import os
import tempfile

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
