# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The NetAngels token cache: a hit saves the key exchange, a refused token is dropped, the cache
stays private (0700 directory, 0600 files, no symlinks, no other owner, never the key), it can be
turned off, and check mode never writes it. Driven through the client and through a module's main()."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.module_utils._token_cache import TokenCache, cache_file_name, default_directory
from ansible_collections.mailops.hosted_mail.plugins.modules import netangels_mailbox

API = 'https://api.test'
AUTH = 'https://api.test/api/gateway/token/'
KEY = 'key-0123456789-secret'
MAILBOX = API + '/api/v2/mail/mailboxes/7/'
MAILBOXES = API + '/api/v2/mail/domains/1001/mailboxes/'
TOKEN = 'tok-cached-0123456789'
NEW_TOKEN = 'tok-fresh-9876543210'
MAILBOX_BODY = dict(id=7, name='alice', domain_id=1001, aliases='', comment='', is_local=True, quota=1024, used=0, state='active')


@pytest.fixture
def cache_dir(tmp_path):
    return str(tmp_path / 'tokens')


def make_cache(cache_dir, **kwargs):
    warnings = []
    cache = TokenCache(KEY, AUTH, directory=cache_dir, warn=warnings.append, **kwargs)
    cache.warnings = warnings
    return cache


def client(cache):
    return NetAngelsClient(_http.Transport(), api_url=API, auth_url=AUTH, api_key=KEY, token_cache=cache)


def cached_path(cache_dir):
    return os.path.join(cache_dir, cache_file_name(KEY, AUTH))


def seed(cache_dir, token=TOKEN):
    os.mkdir(cache_dir, 0o700)
    make_cache(cache_dir).store(token)


def read_cached(cache_dir):
    with open(cached_path(cache_dir)) as handle:
        return json.load(handle)['token']


def login(http, token=NEW_TOKEN):
    http.expect('POST', AUTH, body={'token': token}, form={'api_key': KEY})


def every_file(cache_dir):
    return sorted(os.listdir(cache_dir)) if os.path.exists(cache_dir) else []


# -- through the client -----------------------------------------------------------------------

def test_a_miss_exchanges_the_key_and_caches_the_token_privately(http, cache_dir):
    login(http)
    http.expect('GET', MAILBOX, body=MAILBOX_BODY)
    cache = make_cache(cache_dir)
    client(cache).get_mailbox(7)
    assert read_cached(cache_dir) == NEW_TOKEN
    assert stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cached_path(cache_dir)).st_mode) == 0o600
    assert every_file(cache_dir) == [os.path.basename(cached_path(cache_dir))]  # no temporary file left behind
    assert cache.warnings == []


def test_the_key_is_never_in_a_file_name_or_a_file(http, cache_dir):
    login(http)
    http.expect('GET', MAILBOX, body=MAILBOX_BODY)
    client(make_cache(cache_dir)).get_mailbox(7)
    for name in every_file(cache_dir):
        assert KEY not in name and 'api.test' not in name
        with open(os.path.join(cache_dir, name)) as handle:
            assert KEY not in handle.read()


def test_a_hit_skips_the_key_exchange(http, cache_dir):
    seed(cache_dir)
    http.expect('GET', MAILBOX, body=MAILBOX_BODY)
    c = client(make_cache(cache_dir))
    assert c.get_mailbox(7)['id'] == 7
    assert len(http.requests) == 1
    assert http.requests[0].headers['Authorization'] == 'Bearer ' + TOKEN


def test_a_cached_token_is_a_secret_of_the_transport(http, cache_dir):
    seed(cache_dir)
    http.expect('GET', MAILBOX, status=400, body={'detail': 'bad token %s' % TOKEN})
    with pytest.raises(_http.RequestError) as info:
        client(make_cache(cache_dir)).get_mailbox(7)
    assert TOKEN not in str(info.value) and TOKEN not in json.dumps(info.value.details)


@pytest.mark.parametrize('status', [401, 403])
def test_a_refused_token_is_dropped_and_the_key_exchanged_once(http, cache_dir, status):
    seed(cache_dir)
    http.expect('GET', MAILBOX, status=status, body={'detail': 'Token expired'})
    login(http)
    http.expect('GET', MAILBOX, body=MAILBOX_BODY)
    assert client(make_cache(cache_dir)).get_mailbox(7)['id'] == 7
    assert http.requests[-1].headers['Authorization'] == 'Bearer ' + NEW_TOKEN
    assert read_cached(cache_dir) == NEW_TOKEN


def test_a_refused_token_stays_dropped_when_the_key_is_refused_too(http, cache_dir):
    seed(cache_dir)
    http.expect('GET', MAILBOX, status=403, body={'detail': 'Token expired'})
    http.expect('POST', AUTH, status=401, body={'detail': 'bad key'})
    with pytest.raises(_http.AuthError, match='refused the API key'):
        client(make_cache(cache_dir)).get_mailbox(7)
    assert not os.path.exists(cached_path(cache_dir))


def test_dropping_leaves_a_newer_token_of_another_task_alone(cache_dir):
    seed(cache_dir, NEW_TOKEN)
    make_cache(cache_dir).drop(TOKEN)
    assert read_cached(cache_dir) == NEW_TOKEN
    make_cache(cache_dir).drop(NEW_TOKEN)
    assert not os.path.exists(cached_path(cache_dir))


def test_each_key_and_gateway_has_its_own_token(cache_dir):
    seed(cache_dir)
    assert TokenCache('another-key-0123456789', AUTH, directory=cache_dir).load() is None
    assert TokenCache(KEY, 'https://other.test/api/gateway/token/', directory=cache_dir).load() is None
    assert TokenCache(KEY, AUTH, directory=cache_dir).load() == TOKEN


def test_a_ready_token_never_touches_the_cache(http, cache_dir):
    seed(cache_dir)
    http.expect('GET', MAILBOX, body=MAILBOX_BODY)
    NetAngelsClient(_http.Transport(), api_url=API, auth_url=AUTH, api_key=KEY, api_token='ready-token-123',
                    token_cache=make_cache(cache_dir)).get_mailbox(7)
    assert http.requests[0].headers['Authorization'] == 'Bearer ready-token-123'
    assert read_cached(cache_dir) == TOKEN


@pytest.mark.parametrize('content', ['', 'not json', '[]', '{"token": 42}', '{"token": ""}'])
def test_a_damaged_file_is_a_miss_and_is_replaced(http, cache_dir, content):
    os.mkdir(cache_dir, 0o700)
    fd = os.open(cached_path(cache_dir), os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, content.encode())
    os.close(fd)
    login(http)
    http.expect('GET', MAILBOX, body=MAILBOX_BODY)
    client(make_cache(cache_dir)).get_mailbox(7)
    assert read_cached(cache_dir) == NEW_TOKEN


def test_the_default_directory_is_per_user_in_the_temp_dir(tmp_path, monkeypatch):
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    assert default_directory() == os.path.join(str(tmp_path), 'mailops.hosted_mail-tokens-%d' % os.getuid())
    cache = TokenCache(KEY, AUTH)
    cache.store(TOKEN)
    assert stat.S_IMODE(os.stat(default_directory()).st_mode) == 0o700
    assert TokenCache(KEY, AUTH).load() == TOKEN


# -- unsafe places are refused ----------------------------------------------------------------

def refused(http, cache):
    """The cache is not used: the key is exchanged, a warning says why, and nothing is written."""
    login(http)
    http.expect('GET', MAILBOX, body=MAILBOX_BODY)
    client(cache).get_mailbox(7)
    assert len(cache.warnings) == 1
    assert 'token cache is not used' in cache.warnings[0]
    assert KEY not in cache.warnings[0] and NEW_TOKEN not in cache.warnings[0] and TOKEN not in cache.warnings[0]
    return cache.warnings[0]


def test_a_directory_open_to_others_is_refused(http, cache_dir):
    seed(cache_dir)
    os.chmod(cache_dir, 0o755)
    assert 'not a private directory' in refused(http, make_cache(cache_dir))
    assert read_cached(cache_dir) == TOKEN  # neither used nor replaced


def test_a_symlinked_directory_is_refused(http, cache_dir, tmp_path):
    elsewhere = str(tmp_path / 'elsewhere')
    seed(elsewhere)
    os.symlink(elsewhere, cache_dir)
    assert 'not a private directory' in refused(http, make_cache(cache_dir))
    assert read_cached(elsewhere) == TOKEN


def test_a_directory_of_another_user_is_refused(http, cache_dir, monkeypatch):
    seed(cache_dir)
    uid = os.getuid()
    monkeypatch.setattr(os, 'getuid', lambda: uid + 1)
    assert 'owned by uid %d' % (uid + 1) in refused(http, make_cache(cache_dir))
    monkeypatch.setattr(os, 'getuid', lambda: uid)
    assert read_cached(cache_dir) == TOKEN


def test_a_file_open_to_others_is_refused(http, cache_dir):
    seed(cache_dir)
    os.chmod(cached_path(cache_dir), 0o644)
    assert 'not a private file' in refused(http, make_cache(cache_dir))


def test_a_symlinked_file_is_refused(http, cache_dir, tmp_path):
    os.mkdir(cache_dir, 0o700)
    target = str(tmp_path / 'planted.json')
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, json.dumps({'token': TOKEN}).encode())
    os.close(fd)
    os.symlink(target, cached_path(cache_dir))
    assert 'cannot open' in refused(http, make_cache(cache_dir))
    with open(target) as handle:
        assert json.load(handle) == {'token': TOKEN}


def test_a_directory_that_cannot_be_made_is_refused(http, tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('')
    warning = refused(http, make_cache(str(blocker / 'tokens')))
    assert str(blocker / 'tokens') in warning and 'Not a directory' in warning


# -- check mode -------------------------------------------------------------------------------

def test_read_only_reads_but_never_writes(http, cache_dir):
    login(http)
    http.expect('GET', MAILBOX, body=MAILBOX_BODY)
    client(make_cache(cache_dir, read_only=True)).get_mailbox(7)
    assert not os.path.exists(cache_dir)


def test_read_only_does_not_drop_a_refused_token(http, cache_dir):
    seed(cache_dir)
    http.expect('GET', MAILBOX, status=403, body={'detail': 'Token expired'})
    login(http)
    http.expect('GET', MAILBOX, body=MAILBOX_BODY)
    client(make_cache(cache_dir, read_only=True)).get_mailbox(7)
    assert read_cached(cache_dir) == TOKEN


# -- through a module's main() ----------------------------------------------------------------

def run_mailbox(run_module, check_mode=False, **kwargs):
    args = dict(api_key=KEY, api_url=API, auth_url=AUTH, name='alice', domain_id=1001)
    args.update(kwargs)
    result = run_module(netangels_mailbox.main, args, check_mode=check_mode)
    text = json.dumps(result)
    assert KEY not in text and TOKEN not in text and NEW_TOKEN not in text
    return result


def found(http):
    http.expect('GET', MAILBOXES, query={'filter': 'alice', 'offset': 0, 'limit': 100}, body={'count': 1, 'entities': [MAILBOX_BODY]})


def test_the_second_task_costs_one_request(http, run_module, token_cache_dir):
    login(http)
    found(http)
    found(http)
    assert run_mailbox(run_module)['changed'] is False
    assert len(http.requests) == 2
    second = run_mailbox(run_module)
    assert second['changed'] is False and second['mailbox']['id'] == 7
    assert len(http.requests) == 3
    assert http.requests[2].headers['Authorization'] == 'Bearer ' + NEW_TOKEN
    assert stat.S_IMODE(os.stat(str(token_cache_dir)).st_mode) == 0o700


def test_check_mode_uses_the_cache_and_writes_nothing(http, run_module, token_cache_dir):
    login(http)
    found(http)
    run_mailbox(run_module, check_mode=True)
    assert not token_cache_dir.exists()
    login(http, TOKEN)
    found(http)
    run_mailbox(run_module)
    found(http)
    run_mailbox(run_module, check_mode=True)
    assert [r.method for r in http.requests] == ['POST', 'GET', 'POST', 'GET', 'GET']


@pytest.mark.parametrize('how', ['option', 'environment'])
def test_the_cache_can_be_turned_off(http, run_module, token_cache_dir, monkeypatch, how):
    extra = {}
    if how == 'option':
        extra['token_cache'] = False
    else:
        monkeypatch.setenv('NETANGELS_TOKEN_CACHE', 'false')
    for dummy in range(2):
        login(http)
        found(http)
        run_mailbox(run_module, **extra)
    assert [r.method for r in http.requests] == ['POST', 'GET', 'POST', 'GET']
    assert not token_cache_dir.exists()


def test_the_directory_option_wins_over_the_environment(http, run_module, token_cache_dir, tmp_path):
    login(http)
    found(http)
    run_mailbox(run_module, token_cache_dir=str(tmp_path / 'mine'))
    assert not token_cache_dir.exists()
    assert len(os.listdir(str(tmp_path / 'mine'))) == 1


def test_an_unsafe_directory_warns_and_the_task_still_works(http, run_module, token_cache_dir):
    os.mkdir(str(token_cache_dir), 0o777)
    os.chmod(str(token_cache_dir), 0o777)
    login(http)
    found(http)
    result = run_mailbox(run_module)
    assert result.get('failed') is not True
    assert len(result['warnings']) == 1 and 'not a private directory' in json.dumps(result['warnings'])
    assert os.listdir(str(token_cache_dir)) == []
