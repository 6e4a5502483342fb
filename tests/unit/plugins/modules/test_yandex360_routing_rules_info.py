# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""yandex360_routing_rules_info's main() against scripted HTTP."""

from __future__ import annotations

from ansible_collections.mailops.hosted_mail.plugins.modules import yandex360_routing_rules_info

RULES = 'https://y.test/admin/v1/org/42/mail/routing/rules'
TOKEN = 'oauth-0123456789'
ARGS = dict(oauth_token=TOKEN, org_id=42, api_url='https://y.test')


def test_rules_are_normalised(http, run_module):
    http.expect('GET', RULES, body={'rules': [
        {'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}], 'terminal': True},
        {'condition': {'subject': {'$contains': 'invoice'}}, 'actions': [{'action': 'forward', 'data': {'email': 'acc@example.com'}}],
         'scope': {'direction': 'outbound'}},
    ]})
    result = run_module(yandex360_routing_rules_info.main, ARGS, check_mode=True)
    assert result['changed'] is False
    assert result['rules'] == [
        {'condition': {'address:from': 'spam@example.com'}, 'actions': [{'action': 'drop'}], 'scope': {'direction': 'inbound'}, 'terminal': True},
        {'condition': {'subject': {'$contains': 'invoice'}}, 'actions': [{'action': 'forward', 'data': {'email': 'acc@example.com'}}],
         'scope': {'direction': 'outbound'}, 'terminal': False},
    ]


def test_empty_list(http, run_module):
    http.expect('GET', RULES, body={})
    assert run_module(yandex360_routing_rules_info.main, ARGS)['rules'] == []


def test_auth_failure_is_clear_and_hides_the_token(http, run_module):
    http.expect('GET', RULES, status=401, body={'code': 16, 'message': 'Unauthenticated', 'details': []})
    result = run_module(yandex360_routing_rules_info.main, ARGS)
    assert result['failed']
    assert result['msg'].startswith('Cannot read the routing rules of Yandex 360 organisation 42: GET ')
    assert 'HTTP 401: Unauthenticated' in result['msg']
    assert TOKEN not in str(result)


def test_org_and_token_from_the_environment(http, run_module, monkeypatch):
    monkeypatch.setenv('YANDEX360_OAUTH_TOKEN', 'env-oauth')
    monkeypatch.setenv('YANDEX360_ORG_ID', '42')
    monkeypatch.setenv('YANDEX360_API_URL', 'https://y.test')
    http.expect('GET', RULES, body={'rules': []})
    assert run_module(yandex360_routing_rules_info.main, {})['rules'] == []
    assert http.requests[0].headers['Authorization'] == 'OAuth env-oauth'
