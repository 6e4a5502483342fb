# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""netangels_mailboxes' generated passwords (credentials_dir) against the API sandbox: a file only
for a mailbox this run creates, nothing in check mode, no shared or planted directory trusted, no
stale file trusted (issue 16, defects 1, 2 and 3)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.bulk import manage_mailboxes
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.credentials import PASSWORD_ALPHABET, generate_password
from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.modules import netangels_mailboxes
from ansible_collections.mailops.hosted_mail.tests.unit.helpers import run_module_main

KEY = 'sandbox-api-key-0123456789'
DOMAIN = 'example.com'
DOMAIN_ID = 1001


def client(sandbox):
    return NetAngelsClient(_http.Transport(), api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/', api_key=KEY)


def params(directory, rows, **extra):
    result = dict(domain=DOMAIN, domain_id=None, mailboxes=rows, src=None, update_password='on_create', prune=False, max_removals=10,
                  concurrency=4, credentials_dir=str(directory), password_length=20)
    result.update(extra)
    return result


def names(sandbox):
    return sorted(m['name'] for m in sandbox.snapshot()['netangels']['mailboxes'] if m['domain_id'] == DOMAIN_ID)


@pytest.fixture
def existing(sandbox):
    sandbox.seed({'netangels': {'mailboxes': [{'domain': DOMAIN, 'name': 'carol', 'password': 'Carol-Pass-1'}]}})
    return names(sandbox)


def test_a_file_only_for_each_mailbox_created_holding_its_password(sandbox, existing, tmp_path):
    directory = tmp_path / 'credentials'
    secrets = set()
    registering = NetAngelsClient(_http.Transport(secret_store=secrets), api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/',
                                  api_key=KEY)
    result = manage_mailboxes(registering, params(directory, [dict(name='anna'), dict(name='carol', comment='Carol'),
                                                              dict(name='dima', password='Dima-Given-1')]))
    assert result['created'] == ['anna', 'dima'] and result['credentials_files'] == [str(directory / 'anna@example.com')]
    assert sorted(os.listdir(directory)) == ['anna@example.com']
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700 and stat.S_IMODE(os.stat(directory / 'anna@example.com').st_mode) == 0o600
    password = (directory / 'anna@example.com').read_text().strip()
    assert len(password) == 20 and password in sandbox.state.secrets and {'Dima-Given-1', password} <= secrets
    assert password not in repr(result)
    again = manage_mailboxes(client(sandbox), params(directory, [dict(name='anna'), dict(name='carol', comment='Carol')]))
    assert again['changed'] is False and again['credentials_files'] == []
    assert (directory / 'anna@example.com').read_text().strip() == password


def test_the_file_is_named_after_the_resolved_domain_however_the_domain_was_written(sandbox, existing, tmp_path):
    """The file name takes the domain the task resolved (lower case, no trailing dot), not the option's spelling."""
    directory = tmp_path / 'credentials'
    result = manage_mailboxes(client(sandbox), params(directory, [dict(name='anna')], domain='Example.COM.'))
    assert result['created'] == ['anna'] and result['credentials_files'] == [str(directory / 'anna@example.com')]
    assert sorted(os.listdir(directory)) == ['anna@example.com']


def test_check_mode_generates_and_writes_nothing(sandbox, existing, tmp_path):
    """Defect 2: check mode, however asked for, writes no file (the module knows it is in check mode)."""
    directory = tmp_path / 'credentials'
    result = manage_mailboxes(client(sandbox), params(directory, [dict(name='anna')]), check_mode=True)
    assert result['created'] == ['anna'] and result['credentials_files'] == [str(directory / 'anna@example.com')]
    assert not directory.exists() and names(sandbox) == existing


@pytest.mark.parametrize('how', ['symlink', 'open to others', 'another owner'])
def test_a_shared_or_planted_directory_is_refused_before_any_write(sandbox, existing, tmp_path, how):
    """Defect 3: a symlink to a 0777 directory, with a file another user planted, became the password."""
    shared = tmp_path / 'shared'
    shared.mkdir()
    (shared / 'anna@example.com').write_text('Planted-Pass-1\n')
    directory = shared
    if how == 'symlink':
        os.chmod(shared, 0o700)
        directory = tmp_path / 'credentials'
        directory.symlink_to(shared)
    elif how == 'open to others':
        os.chmod(shared, 0o777)
    else:
        os.chmod(shared, 0o700)
        os.chown(shared, 4242, 4242)
    with pytest.raises(InputError) as caught:
        manage_mailboxes(client(sandbox), params(directory, [dict(name='anna')]))
    assert 'not a private directory' in str(caught.value) and 'credentials_dir' in str(caught.value)
    assert names(sandbox) == existing and 'Planted-Pass-1' not in sandbox.state.secrets


def test_a_stale_or_too_short_file_is_never_trusted_it_is_replaced(sandbox, existing, tmp_path):
    """Defect 1: a 4-character file from a failed run was reused; a file may also be a planted link."""
    directory = tmp_path / 'credentials'
    directory.mkdir(mode=0o700)
    (directory / 'anna@example.com').write_text('abcd\n')
    target = tmp_path / 'elsewhere'
    target.write_text('keep me')
    (directory / 'boris@example.com').symlink_to(target)
    manage_mailboxes(client(sandbox), params(directory, [dict(name='anna'), dict(name='boris')]))
    for name in ('anna', 'boris'):
        path = directory / ('%s@example.com' % name)
        assert not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(path.read_text().strip()) == 20 and path.read_text().strip() in sandbox.state.secrets
    assert target.read_text() == 'keep me' and 'abcd' not in sandbox.state.secrets


def test_a_path_that_is_not_a_file_is_refused_before_any_write(sandbox, existing, tmp_path):
    directory = tmp_path / 'credentials'
    (directory / 'anna@example.com').mkdir(parents=True)
    os.chmod(directory, 0o700)
    with pytest.raises(InputError) as caught:
        manage_mailboxes(client(sandbox), params(directory, [dict(name='anna')]))
    assert 'anna@example.com (not a file)' in str(caught.value) and names(sandbox) == existing


@pytest.mark.parametrize('length', [4, 129])
def test_a_password_length_outside_8_to_128_is_refused_before_any_write(sandbox, existing, tmp_path, length):
    with pytest.raises(InputError) as caught:
        manage_mailboxes(client(sandbox), params(tmp_path / 'c', [dict(name='anna')], password_length=length))
    assert 'password_length must be from 8 to 128' in str(caught.value)
    assert names(sandbox) == existing and not (tmp_path / 'c').exists()


def test_without_credentials_dir_a_new_mailbox_still_needs_a_password(sandbox, existing, tmp_path):
    with pytest.raises(InputError) as caught:
        manage_mailboxes(client(sandbox), params(None, [dict(name='anna')], credentials_dir=None))
    assert 'needs a password' in str(caught.value)


def test_generated_passwords():
    password = generate_password(64)
    assert len(password) == 64 and set(password) <= set(PASSWORD_ALPHABET)
    assert generate_password(20) != generate_password(20)


def test_the_module_shows_every_change_but_never_a_generated_password(sandbox, existing, tmp_path):
    """Defect 10: the task needs no no_log; its diff shows the changes, never the password."""
    directory = tmp_path / 'credentials'
    args = dict(api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/', api_key=KEY, domain=DOMAIN, credentials_dir=str(directory),
                mailboxes=[dict(name='anna', comment='Anna Smith'), dict(name='carol', comment='Carol King')])
    predicted = run_module_main(netangels_mailboxes.main, args, check_mode=True, diff=True)
    assert predicted['created'] == ['anna'] and predicted['diff']['after']['carol'] == {'comment': 'Carol King'}
    assert not directory.exists()
    result = run_module_main(netangels_mailboxes.main, args, diff=True)
    password = (directory / 'anna@example.com').read_text().strip()
    assert result['created'] == ['anna'] and result['updated'] == ['carol'] and result['diff']['after']['anna']['comment'] == 'Anna Smith'
    assert password in sandbox.state.secrets and password not in json.dumps(result)


def test_only_the_files_of_the_mailboxes_created_are_reported(sandbox, existing, tmp_path):
    """A mailbox someone else creates first is refused ('already exists'); a read shows it exists, so the run converges
    without a failure, but it did not create boris: his file is not reported as a hand-over."""
    directory = tmp_path / 'credentials'
    api = client(sandbox)
    upload = api.batch_create

    def someone_else_creates_boris_first(domain_id, text, **kwargs):
        if not sandbox.state.find_mailbox(DOMAIN_ID, 'boris'):
            sandbox.seed({'netangels': {'mailboxes': [{'domain': DOMAIN, 'name': 'boris', 'password': 'Other-Pass-1'}]}})
        return upload(domain_id, text, **kwargs)

    api.batch_create = someone_else_creates_boris_first
    result = manage_mailboxes(api, params(directory, [dict(name='anna'), dict(name='boris')]))
    assert result['created'] == ['anna'] and result['failures'] == []
    assert result['credentials_files'] == [str(directory / 'anna@example.com')]
