# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared module helpers: secrets found in any shape, malformed nested options named by path,
the checks of the shared options, and the one error family."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.secrets import secret_values, shape_problems
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.specs import option_problems
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import RuleError

SPEC = dict(
    token=dict(type='str', no_log=True, aliases=['secret']),
    name=dict(type='str'),
    items=dict(type='list', elements='dict', options=dict(
        password=dict(type='str', no_log=True),
        parts=dict(type='list', elements='dict', options=dict(pin=dict(type='str', no_log=True), label=dict(type='str'))),
        extra=dict(type='dict', options=dict(code=dict(type='str', no_log=True))),
    )),
)


# -- secrets ----------------------------------------------------------------------------------

@pytest.mark.parametrize('params, expected', [
    (dict(token='t0ken'), {'t0ken'}),
    (dict(secret='by-alias'), {'by-alias'}),
    (dict(token=['a1', {'k2': 'v2'}]), {'a1', 'k2', 'v2', "{'k2': 'v2'}", "['a1', {'k2': 'v2'}]"}),
    (dict(token=12345), {'12345'}),
    (dict(token=True), set()),
    (dict(token=''), set()),
    (dict(items=[{'password': 'p1', 'parts': [{'pin': '9999', 'label': 'x'}], 'extra': {'code': 'c0de'}}]), {'p1', '9999', 'c0de'}),
    (dict(items=[{'password': 'p1', 'parts': 'drop'}]), {'p1'}),
    (dict(items='password=p2'), {'p2'}),
    (dict(items=['password=p3', 7, None, ['x']]), {'p3'}),
    (dict(items={'password': 'p4'}), {'p4'}),
    (dict(items=[{'extra': 'code=c5'}]), {'c5'}),
    (dict(items=5, name='not-secret'), set()),
    ('not a mapping at all', set()),
])
def test_secrets_are_found_in_any_shape(params, expected):
    assert secret_values(SPEC, params) == expected


# -- malformed nested options ---------------------------------------------------------------------

@pytest.mark.parametrize('params, expected', [
    (dict(items=[{'parts': [{'pin': '1'}], 'extra': {'code': 'x'}}]), []),
    (dict(items=['password=p']), []),  # what ansible-core reads as a mapping
    (dict(items='drop'), ['items: a list of mappings is needed, got a string "drop"']),
    (dict(items=5), ['items: a list of mappings is needed, got a number (5)']),
    (dict(items=[{}, 'drop', 3, None]), ['items[1]: a mapping is needed, got a string "drop"', 'items[2]: a mapping is needed, got a number (3)',
                                         'items[3]: a mapping is needed, got null']),
    (dict(items=[{'parts': 'drop'}]), ['items[0].parts: a list of mappings is needed, got a string "drop"']),
    (dict(items=[{}, {'parts': [{}, ['x']]}]), ['items[1].parts[1]: a mapping is needed, got a list']),
    (dict(items=[{'extra': ['x']}]), ['items[0].extra: a mapping is needed, got a list']),
    (dict(items=[{'extra': 'x' * 100}]), ['items[0].extra: a mapping is needed, got a string "%s..."' % ('x' * 37)]),
])
def test_malformed_nested_options_are_named_by_path(params, expected):
    assert shape_problems(SPEC, params) == expected


# -- the shared options -----------------------------------------------------------------------------

GOOD = dict(api_key='k', api_token=None, api_url='https://api-ms.netangels.ru', auth_url='http://127.0.0.1:8080/token/', timeout=30.0)


@pytest.mark.parametrize('change, expected', [
    (dict(), []),
    (dict(timeout=0.0), ['timeout must be a number of seconds above 0, got 0.0']),
    (dict(timeout=-5.0), ['timeout must be a number of seconds above 0, got -5.0']),
    (dict(timeout=float('nan')), ['timeout must be a number of seconds above 0, got nan']),
    (dict(timeout=float('inf')), ['timeout must be a number of seconds above 0, got inf']),
    (dict(lock_timeout=-1.0), ['lock_timeout must be a number of seconds, 0 or more, got -1.0']),
    (dict(lock_timeout=0.0), []),
    (dict(api_url='ftp://files.example.com'), ['api_url must be an http:// or https:// URL with a host name, got a string "ftp://files.example.com"']),
    (dict(api_url='api-ms.netangels.ru'), ['api_url must be an http:// or https:// URL with a host name, got a string "api-ms.netangels.ru"']),
    (dict(api_url='https://'), ['api_url must be an http:// or https:// URL with a host name, got a string "https://"']),
    (dict(auth_url='https://host:99999/'), ['auth_url is not a valid URL (Port out of range 0-65535)']),
    (dict(auth_url='https://[::1/'), ['auth_url is not a valid URL (Invalid IPv6 URL)']),
    (dict(api_url='https://user:pa55word@host/'), ['api_url must not contain a user name or password (give credentials in their own options)']),
    (dict(api_url='https://host/ path'), ['api_url must be a URL without spaces or control characters']),
    (dict(org_id=0), ["org_id must be a positive number (the organisation's ID), got 0"]),
    (dict(domain_id=-3), ["domain_id must be a positive number (the mail domain's ID), got -3"]),
    (dict(mailbox_id=0), ["mailbox_id must be a positive number (the mailbox's ID), got 0"]),
    (dict(api_key=''), ['NetAngels credentials are missing: set api_key (or the NETANGELS_API_KEY environment variable) '
                        'or api_token (or NETANGELS_API_TOKEN)']),
    (dict(api_key='   ', api_token=''), ['NetAngels credentials are missing: set api_key (or the NETANGELS_API_KEY environment variable) '
                                         'or api_token (or NETANGELS_API_TOKEN)']),
    (dict(api_key='', api_token='t0ken'), []),
    (dict(api_key='k3y\n'), ['api_key contains whitespace or control characters (a stray space or line break?); its value is not shown']),
    (dict(api_token='a b'), ['api_token contains whitespace or control characters (a stray space or line break?); its value is not shown']),
])
def test_shared_option_values(change, expected):
    assert option_problems(dict(GOOD, **change)) == expected


@pytest.mark.parametrize('token, expected', [
    ('', 'oauth_token is empty: set it (or the environment variable YANDEX360_OAUTH_TOKEN) to the OAuth token of a Yandex 360 application'),
    (' ', 'oauth_token is empty: set it (or the environment variable YANDEX360_OAUTH_TOKEN) to the OAuth token of a Yandex 360 application'),
    ('y0-token\r\n', 'oauth_token contains whitespace or control characters (a stray space or line break?); its value is not shown'),
])
def test_oauth_token_values(token, expected):
    assert option_problems(dict(oauth_token=token, org_id=1, api_url='https://api360.yandex.net', timeout=1.0)) == [expected]


def test_every_problem_is_reported_at_once_and_no_secret_is_repeated():
    problems = option_problems(dict(GOOD, api_key='s3cret key', timeout=0.0, api_url='x', domain_id=0))
    assert len(problems) == 4
    assert 's3cret' not in ' '.join(problems)


# -- the error family -------------------------------------------------------------------------------

def test_prefixed_keeps_the_class_and_everything_it_carries():
    error = _http.RequestError('PUT https://api.test/x/: HTTP 400: no', status=400, vendor_message='no', details={'detail': 'no'},
                               method='PUT', url='https://api.test/x/')
    again = error.prefixed('setting its password')
    assert again.__class__ is _http.RequestError
    assert str(again) == again.message == 'setting its password: PUT https://api.test/x/: HTTP 400: no'
    assert (again.status, again.vendor_message, again.details, again.method, again.url) == (400, 'no', {'detail': 'no'}, 'PUT', 'https://api.test/x/')
    assert str(error) == 'PUT https://api.test/x/: HTTP 400: no'


def test_prefixed_works_for_errors_built_from_other_arguments():
    again = RuleError('rules[1].actions', 'must not be empty').prefixed('The routing rules are not valid')
    assert again.__class__ is RuleError
    assert str(again) == 'The routing rules are not valid: rules[1].actions: must not be empty'
    assert again.path == 'rules[1].actions'
