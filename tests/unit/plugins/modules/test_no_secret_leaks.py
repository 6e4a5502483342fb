# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""No input, however malformed, makes a module print a secret.

Every option (and every nested field) of every module gets every malformed value below, with
every secret set as an option and, in a second pass, through the environment. The API answers
every request with a 400 whose body echoes the request (its Authorization header and body), as a
hostile or buggy server might. The module's whole output -- what ``-vvvv`` shows of it,
``invocation.module_args`` included -- must hold no secret in any spelling (as is, JSON-escaped,
URL-encoded). The integration target ``bad_input`` does the same through ansible-playbook.
"""

from __future__ import annotations

import json
import tempfile
import urllib.parse

import pytest
import requests

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.hosted_mail.plugins.modules import (
    netangels_mailbox, netangels_mailbox_alias, netangels_mailbox_info, yandex360_routing_rules, yandex360_routing_rules_info)
from ansible_collections.mailops.hosted_mail.tests.unit.helpers import run_module_main

KEY = 'leak-test-api-key-0123456789'
TOKEN = 'leak-test-api-token-0123456789'
OAUTH = 'leak-test-oauth-token-0123456789'
PASSWORD = 'Leak-Test-Passw0rd'
EMBEDDED = 'leak-test-embedded-secret-42'
NUMBER = 918273645501234
SECRETS = (KEY, TOKEN, OAUTH, PASSWORD, EMBEDDED, str(NUMBER))
ENVIRONMENT = dict(api_key='NETANGELS_API_KEY', api_token='NETANGELS_API_TOKEN', oauth_token='YANDEX360_OAUTH_TOKEN')
SECRET_OPTIONS = dict(api_key=KEY, api_token=TOKEN, oauth_token=OAUTH, password=PASSWORD)

RULE = {'condition': {'$or': [{'address:from': 'spam@example.com'}, {'subject': {'$contains': {'$any': ['win', 'prize']}}}]},
        'actions': [{'action': 'forward', 'email': 'archive@example.com', 'data': {'email': 'archive@example.com'}}],
        'direction': 'inbound', 'scope': {'direction': 'inbound'}, 'terminal': True}
NETANGELS = dict(api_url='https://api.test', auth_url='https://api.test/api/gateway/token/')
MODULES = {
    'netangels_mailbox': (netangels_mailbox, dict(NETANGELS, name='alice@example.com', password=PASSWORD, comment='A', quota=10,
                                                  aliases=['a@example.net'], is_local=True, cleanup=True, state='disabled')),
    'netangels_mailbox_alias': (netangels_mailbox_alias, dict(NETANGELS, mailbox='alice@example.com', aliases=['a@example.net'])),
    'netangels_mailbox_info': (netangels_mailbox_info, dict(NETANGELS, domain='example.com', name='alice')),
    'yandex360_routing_rules': (yandex360_routing_rules, dict(org_id=42, api_url='https://y.test', rules=[RULE], exclusive=False)),
    'yandex360_routing_rules_info': (yandex360_routing_rules_info, dict(org_id=42, api_url='https://y.test')),
}

# Wrong types, wrong shapes, out of range, unicode and control characters, over-long.
MALFORMED = (
    {'not': 'a string'},
    ['a', {'b': 'c'}, None],
    'drop',
    -1,
    True,
    u'\u00e9\u4e2d\U0001F4E7 \x00\n',
    'x' * 5000,
)
# What a secret option gets instead: secrets inside every shape.
MALFORMED_SECRETS = (
    {'key': EMBEDDED},
    [EMBEDDED, {'nested': EMBEDDED}],
    EMBEDDED + '\n',
    ' ' + EMBEDDED,
    '',
    NUMBER,
)


class _Captured(Exception):
    pass


def argument_spec(module):
    """The argument spec a module's main() builds (read the way validate-modules reads it)."""
    spec = {}

    def capture(self, argument_spec, **kwargs):
        spec.update(argument_spec)
        raise _Captured()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AnsibleModule, '__init__', capture)
        with pytest.raises(_Captured):
            module.main()
    return spec


def option_paths(spec, prefix=()):
    """Every option and nested field, as a path of keys and list indexes: ('rules', 0, 'actions', 0, 'email')."""
    for name, options in spec.items():
        path = prefix + (name,)
        yield path
        if options.get('options'):
            inner = path + (0,) if options.get('type') == 'list' else path
            yield from option_paths(options['options'], inner)


def set_path(args, path, value):
    target = args
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def cases():
    return [pytest.param(name, path, id='%s-%s' % (name, '.'.join(map(str, path))))
            for name, (module, dummy) in sorted(MODULES.items()) for path in option_paths(argument_spec(module))]


@pytest.fixture
def echo_api(monkeypatch):
    """Every request is answered 400 with a body that repeats the request, secrets and all."""
    sent = []

    def send(session, prepared, **kwargs):
        sent.append(prepared)
        body = prepared.body.decode('utf-8', 'replace') if isinstance(prepared.body, bytes) else prepared.body
        response = requests.Response()
        response.status_code = 400
        response.url = prepared.url
        response.request = prepared
        response.headers['Content-Type'] = 'application/json'
        response._content = json.dumps({'detail': 'rejected %s %s' % (prepared.headers.get('Authorization'), body),
                                        'echo': {'url': prepared.url, 'body': body}}).encode('utf-8')
        return response

    monkeypatch.setattr(requests.Session, 'send', send)
    return sent


@pytest.fixture(autouse=True, scope='module')
def private_tmp(tmp_path_factory):
    """The routing-rules lock files go to a temp dir of this file's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, 'tempdir', str(tmp_path_factory.mktemp('locks')))
        yield


def spellings(secret):
    return {secret, json.dumps(secret)[1:-1], urllib.parse.quote(secret, safe='')}


def leaked(output):
    """The secrets (their first 8 characters) that ``output`` holds in any spelling."""
    return [secret[:8] for secret in SECRETS if any(form in output for form in spellings(secret))]


def run_case(module, path, value, where, monkeypatch):
    """Run main() once with ``value`` at ``path`` and every secret set ``where``; return its whole output."""
    dummy, base = MODULES[module.__name__.rsplit('.', 1)[-1]]
    args = json.loads(json.dumps(base))
    with monkeypatch.context() as patch:
        for option, secret in SECRET_OPTIONS.items():
            if option not in argument_spec(module):
                continue
            if where == 'environment' and option in ENVIRONMENT:
                patch.setenv(ENVIRONMENT[option], secret)
            else:
                args[option] = secret
        if where == 'environment' and path[-1] in ENVIRONMENT and isinstance(value, str):
            args.pop(path[-1], None)
            patch.setenv(ENVIRONMENT[path[-1]], value)
        else:
            set_path(args, path, value)
        result = run_module_main(module.main, args)
    return json.dumps(result), result


@pytest.mark.parametrize('name, path', cases())
def test_malformed_input_never_prints_a_secret(name, path, echo_api, monkeypatch):
    module = MODULES[name][0]
    problems = []
    for index, value in enumerate(MALFORMED_SECRETS if path[-1] in SECRET_OPTIONS else MALFORMED):
        for where in ('options', 'environment'):
            output, result = run_case(module, path, value, where, monkeypatch)
            if result.get('failed') is not True:
                problems.append('value %d, secrets as %s: did not fail' % (index, where))
            if leaked(output):
                problems.append('value %d, secrets as %s: printed %s' % (index, where, leaked(output)))
    assert problems == []


def test_the_matrix_covers_every_option_of_every_module():
    paths = dict((name, set(option_paths(argument_spec(module)))) for name, (module, dummy) in MODULES.items())
    assert ('rules', 0, 'actions', 0, 'email') in paths['yandex360_routing_rules']
    assert ('rules', 0, 'scope') in paths['yandex360_routing_rules']
    assert ('oauth_token',) in paths['yandex360_routing_rules_info']
    assert ('password',) in paths['netangels_mailbox'] and ('api_token',) in paths['netangels_mailbox_alias']
    assert sum(len(found) for found in paths.values()) >= 60


def test_the_reported_case_actions_as_a_string(echo_api, run_module):
    """The case that leaked: oauth_token as an option and ``actions: drop``."""
    args = dict(oauth_token=OAUTH, org_id=42, rules=[{'actions': 'drop'}])
    result = run_module(yandex360_routing_rules.main, args)
    assert result['failed']
    assert result['msg'] == 'rules[0].actions: a list of mappings is needed, got a string "drop"'
    if 'invocation' in result:  # ansible-core 2.21 leaves the invocation out of this failure
        assert result['invocation']['module_args']['oauth_token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert OAUTH not in json.dumps(result)
    assert echo_api == []


# -- issue 18: the new messages (answers of the wrong shape, a day-long 429, "already" refusals) --

ISSUED = 'leak-test-issued-token-0123456789'


def hostile(shape):
    """A ``requests.Session.send`` that answers every API call with ``shape`` built from the request, secrets and all."""

    def send(session, prepared, **kwargs):
        echo = '%s %s' % (prepared.headers.get('Authorization'), prepared.body.decode('utf-8', 'replace')
                          if isinstance(prepared.body, bytes) else prepared.body)
        response = requests.Response()
        response.url = prepared.url
        response.request = prepared
        response.headers['Content-Type'] = 'application/json'
        status, headers, body = (200, {}, {'token': ISSUED}) if prepared.url.endswith('/token/') else shape(echo)
        response.status_code = status
        response.headers.update(headers)
        response._content = json.dumps(body).encode('utf-8')
        return response
    return send


SHAPES = {
    'a list': lambda echo: (200, {}, [echo, {'nested': echo}]),
    'secrets as keys': lambda echo: (200, {}, {echo: 1, 'count': echo, 'rules': {echo: echo}}),
    'wrong types': lambda echo: (200, {}, {'count': echo, 'entities': echo, 'rules': echo}),
    'day-long 429': lambda echo: (429, {'Retry-After': '86400'}, {'message': echo, 'detail': echo}),
    'already refusal': lambda echo: (400, {}, {'detail': 'already exists: %s' % echo}),
}


@pytest.mark.parametrize('shape', sorted(SHAPES))
@pytest.mark.parametrize('name', sorted(MODULES))
def test_doubtful_answers_and_bounded_waits_never_print_a_secret(name, shape, monkeypatch):
    module, base = MODULES[name]
    monkeypatch.setattr(requests.Session, 'send', hostile(SHAPES[shape]))
    args = json.loads(json.dumps(base))
    for option, secret in SECRET_OPTIONS.items():
        if option in argument_spec(module):
            args[option] = secret
    args.pop('api_token', None)  # the key is exchanged, so the gateway's token is a secret too
    result = run_module_main(module.main, args)
    output = json.dumps(result)
    assert result.get('failed') is True
    assert 'This is a bug' not in result['msg']
    assert leaked(output) == [] and not any(form in output for form in spellings(ISSUED))
