# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Yandex 360 client against scripted HTTP."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import parse_api_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import reads_as

RULES = 'https://y.test/admin/v1/org/42/mail/routing/rules'
TOKEN = 'oauth-0123456789'


def client():
    return Yandex360Client(_http.Transport(), TOKEN, api_url='https://y.test/')


def test_get_rules_sends_the_oauth_header(http):
    rule = {'condition': {'address:from': 'a@b.org'}, 'actions': [{'action': 'drop'}]}
    http.expect('GET', RULES, body={'rules': [rule]})
    assert client().get_rules(42) == [rule]
    assert http.requests[0].headers['Authorization'] == 'OAuth %s' % TOKEN


def test_missing_rules_key_is_an_empty_list(http):
    http.expect('GET', RULES, body={})
    assert client().get_rules(42) == []


def test_set_rules_replaces_the_list(http):
    rules = [{'condition': {}, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': False}]
    http.expect('PUT', RULES, body={}, json_body={'rules': rules})
    client().set_rules(42, rules, reads_as(parse_api_rules(rules)))


def test_set_rules_is_retried_because_put_is_idempotent(http, no_sleep):
    http.expect('PUT', RULES, status=503, headers={'Retry-After': '1'})
    http.expect('PUT', RULES, body={})
    client().set_rules(42, [], reads_as([]))
    assert no_sleep == [1.0]


DROP_SPAM = {'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'},
             'terminal': True}


@pytest.mark.parametrize('lost', [dict(status=502), dict(status=500), dict(raises=requests.exceptions.ConnectionError('dropped'))])
def test_set_rules_is_sent_again_without_a_read_after_a_lost_answer(http, no_sleep, lost):
    http.expect('PUT', RULES, **lost)
    http.expect('PUT', RULES, body={})
    client().set_rules(42, [DROP_SPAM], reads_as(parse_api_rules([DROP_SPAM])))


def test_when_the_budget_is_spent_a_read_showing_the_rules_written_counts(http, no_sleep):
    http.expect('PUT', RULES, status=502)
    http.expect('PUT', RULES, raises=requests.exceptions.ConnectionError('dropped'))
    http.expect('GET', RULES, body={'rules': [{'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}],
                                               'terminal': True}]})  # read back without the default scope
    Yandex360Client(_http.Transport(max_retries=1), TOKEN, api_url='https://y.test').set_rules(42, [DROP_SPAM], reads_as(parse_api_rules([DROP_SPAM])))


def test_when_the_budget_is_spent_a_read_showing_other_rules_fails(http, no_sleep):
    http.expect('PUT', RULES, status=502)
    http.expect('PUT', RULES, status=502)
    http.expect('GET', RULES, body={'rules': []})
    with pytest.raises(_http.ServerError, match='after 1 retries'):
        Yandex360Client(_http.Transport(max_retries=1), TOKEN, api_url='https://y.test').set_rules(42, [DROP_SPAM], reads_as(parse_api_rules([DROP_SPAM])))


def test_errors_carry_the_vendor_message_without_the_token(http):
    http.expect('GET', RULES, status=403, body={'code': 7, 'message': 'no scope for %s' % TOKEN, 'details': []})
    with pytest.raises(_http.AuthError) as info:
        client().get_rules(42)
    assert info.value.status == 403
    assert 'no scope for ********' in str(info.value)
    assert TOKEN not in str(info.value)


def test_missing_token():
    with pytest.raises(ValueError, match='YANDEX360_OAUTH_TOKEN'):
        Yandex360Client(_http.Transport(), None)
