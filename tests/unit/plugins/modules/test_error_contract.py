# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every module shares, driven through main(): each bad value is named before any request,
expected failures are one line, a bug fails with its type and traceback (never a secret), and a
proxy's HTML error page is summarised."""

from __future__ import annotations

import json
import tempfile

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.runner import BUG_REPORT
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client
from ansible_collections.mailops.hosted_mail.plugins.modules import (
    netangels_mailbox, netangels_mailbox_alias, netangels_mailbox_info, yandex360_routing_rules, yandex360_routing_rules_info)

KEY = 'contract-api-key-0123456789'
OAUTH = 'contract-oauth-token-0123456789'
NETANGELS = dict(api_key=KEY, api_url='https://api.test', auth_url='https://api.test/api/gateway/token/')
YANDEX = dict(oauth_token=OAUTH, org_id=42, api_url='https://y.test')
DROP = [{'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}]}]
MODULES = dict(
    netangels_mailbox=(netangels_mailbox, dict(NETANGELS, name='alice@example.com')),
    netangels_mailbox_alias=(netangels_mailbox_alias, dict(NETANGELS, mailbox='alice@example.com', aliases=['a@example.net'])),
    netangels_mailbox_info=(netangels_mailbox_info, dict(NETANGELS, domain='example.com')),
    yandex360_routing_rules=(yandex360_routing_rules, dict(YANDEX, rules=DROP, exclusive=False)),
    yandex360_routing_rules_info=(yandex360_routing_rules_info, dict(YANDEX)),
)
NETANGELS_MODULES = ('netangels_mailbox', 'netangels_mailbox_alias', 'netangels_mailbox_info')
YANDEX_MODULES = ('yandex360_routing_rules', 'yandex360_routing_rules_info')


@pytest.fixture(autouse=True)
def private_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))


def run(run_module, module_name, **change):
    module, args = MODULES[module_name]
    args = dict(args, **change)
    result = run_module(module.main, dict((key, value) for key, value in args.items() if value is not None))
    assert KEY not in json.dumps(result) and OAUTH not in json.dumps(result)
    return result


BAD_SHARED_VALUES = [
    (dict(timeout=0), 'timeout must be a number of seconds above 0, got 0.0'),
    (dict(timeout=-1.5), 'timeout must be a number of seconds above 0, got -1.5'),
    (dict(api_url='ftp://api.test'), 'api_url must be an http:// or https:// URL with a host name, got a string "ftp://api.test"'),
    (dict(api_url='https://user:secret@api.test'), 'api_url must not contain a user name or password'),
    (dict(validate_certs='perhaps'), "argument 'validate_certs' is of type str and we were unable to convert to bool"),
]


@pytest.mark.parametrize('name', sorted(MODULES))
@pytest.mark.parametrize('change, message', BAD_SHARED_VALUES)
def test_bad_shared_values_are_named_before_any_request(http, run_module, name, change, message):
    result = run(run_module, name, **change)
    assert result['failed'] is True
    assert message in result['msg']
    assert http.requests == []


@pytest.mark.parametrize('name, change, message', [
    ('netangels_mailbox', dict(auth_url='token-gateway'), 'auth_url must be an http:// or https:// URL with a host name, got a string "token-gateway"'),
    ('netangels_mailbox', dict(domain_id=0, name='alice'), "domain_id must be a positive number (the mail domain's ID), got 0"),
    ('netangels_mailbox_info', dict(domain=None, domain_id=-1), "domain_id must be a positive number (the mail domain's ID), got -1"),
    ('netangels_mailbox_alias', dict(mailbox=None, mailbox_id=0), "mailbox_id must be a positive number (the mailbox's ID), got 0"),
    ('yandex360_routing_rules', dict(org_id=0), "org_id must be a positive number (the organisation's ID), got 0"),
    ('yandex360_routing_rules_info', dict(org_id=-42), "org_id must be a positive number (the organisation's ID), got -42"),
    ('yandex360_routing_rules', dict(lock_timeout=-1), 'lock_timeout must be a number of seconds, 0 or more, got -1.0'),
    ('yandex360_routing_rules', dict(rules='drop'), 'rules: a list of mappings is needed, got a string "drop"'),
    ('yandex360_routing_rules', dict(rules=[DROP[0], 'drop']), 'rules[1]: a mapping is needed, got a string "drop"'),
    ('yandex360_routing_rules', dict(rules=[{'actions': [{'action': 'drop'}, 7]}]), 'rules[0].actions[1]: a mapping is needed, got a number (7)'),
    ('netangels_mailbox', dict(api_key=''), 'NetAngels credentials are missing: set api_key'),
    ('netangels_mailbox_info', dict(api_key=KEY + '\n'), 'api_key contains whitespace or control characters'),
    ('yandex360_routing_rules_info', dict(oauth_token=''), 'oauth_token is empty: set it (or the environment variable YANDEX360_OAUTH_TOKEN)'),
    ('yandex360_routing_rules', dict(oauth_token='   '), 'oauth_token is empty'),
    ('yandex360_routing_rules', dict(oauth_token=OAUTH + ' '), 'oauth_token contains whitespace or control characters'),
])
def test_each_bad_value_is_named_before_any_request(http, run_module, name, change, message):
    result = run(run_module, name, **change)
    assert result['failed'] is True
    assert message in result['msg']
    assert http.requests == []


@pytest.mark.parametrize('name', YANDEX_MODULES)
def test_an_empty_oauth_token_from_the_environment_is_named(http, run_module, monkeypatch, name):
    monkeypatch.setenv('YANDEX360_OAUTH_TOKEN', '')
    result = run(run_module, name, oauth_token=None)
    assert result['failed'] is True
    assert result['msg'].startswith('oauth_token is empty')
    assert 'exception' not in result or 'Traceback' not in str(result.get('module_stderr', ''))


@pytest.mark.parametrize('name', NETANGELS_MODULES)
def test_missing_netangels_credentials_are_named(http, run_module, monkeypatch, name):
    monkeypatch.delenv('NETANGELS_API_KEY', raising=False)
    monkeypatch.delenv('NETANGELS_API_TOKEN', raising=False)
    result = run(run_module, name, api_key=None)
    assert result['msg'].startswith('NetAngels credentials are missing')
    assert http.requests == []


def test_info_gives_the_same_hint_as_the_mailbox_module_for_an_upper_case_name(http, run_module):
    info = run(run_module, 'netangels_mailbox_info', domain=None, name='Alice@example.com')
    mailbox = run(run_module, 'netangels_mailbox', name='Alice@example.com')
    hint = '"Alice" is not a valid mailbox name'
    assert info['failed'] and mailbox['failed']
    assert info['msg'] == 'Cannot read the NetAngels mailbox Alice@example.com: ' + mailbox['msg'].split(': ', 1)[1]
    assert hint in info['msg'] and '(use lower case: alice)' in info['msg']
    assert http.requests == []


# -- one error contract ------------------------------------------------------------------------------

@pytest.mark.parametrize('name, client, method, secret', [
    ('netangels_mailbox', NetAngelsClient, 'find_mailbox', KEY),
    ('netangels_mailbox_info', NetAngelsClient, 'list_mailboxes', KEY),
    ('yandex360_routing_rules_info', Yandex360Client, 'get_rules', OAUTH),
])
@pytest.mark.parametrize('bug', [ValueError, KeyError, RuntimeError])
def test_a_bug_fails_with_its_type_and_never_with_a_secret(run_module, monkeypatch, name, client, method, secret, bug):
    def broken(self, *args, **kwargs):
        raise bug('internal state broken near %s' % secret)

    monkeypatch.setattr(NetAngelsClient, 'domain_id', lambda self, domain: 1001)
    monkeypatch.setattr(client, method, broken)
    result = run(run_module, name)
    assert result['failed'] is True
    assert '%s: ' % bug.__name__ in result['msg']
    assert 'internal state broken near ********' in result['msg']
    assert result['msg'].endswith(BUG_REPORT)


def test_an_expected_failure_deep_down_is_one_line(http, run_module):
    http.expect('POST', NETANGELS['auth_url'], body={'token': 'tok-1'})
    http.expect('GET', NETANGELS['api_url'] + '/api/v2/mail/domains/', body={'count': 0, 'entities': []})
    result = run(run_module, 'netangels_mailbox_info')
    assert result['msg'] == 'Cannot read the mailboxes of example.com: Mail domain "example.com" was not found in this NetAngels account.'
    assert '\n' not in result['msg'] and BUG_REPORT not in result['msg']


# -- a proxy's HTML error page ---------------------------------------------------------------------

PROXY_PAGE = ('<html><head><title>502 Bad Gateway</title><style>body {width: 35em;}</style></head><body><center><h1>502 Bad Gateway'
              '</h1></center><hr><center>nginx</center>' + '<!-- padding -->' * 200 + '</body></html>\n')


def test_a_proxy_html_page_is_summarised_to_status_and_title(http, run_module, no_sleep):
    for dummy in range(_http.DEFAULT_MAX_RETRIES + 1):
        http.expect('GET', 'https://y.test/admin/v1/org/42/mail/routing/rules', status=502, text=PROXY_PAGE,
                    headers={'Content-Type': 'text/html'})
    result = run(run_module, 'yandex360_routing_rules_info')
    assert result['msg'] == ('Cannot read the routing rules of Yandex 360 organisation 42: GET https://y.test/admin/v1/org/42/mail/routing/rules: '
                             'HTTP 502: an HTML page: "502 Bad Gateway" (after %d retries)' % _http.DEFAULT_MAX_RETRIES)
    assert result['api_response'] == 'an HTML page: "502 Bad Gateway"'
    assert result['status'] == 502
