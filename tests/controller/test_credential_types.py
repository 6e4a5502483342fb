# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The credential types shipped in extensions/awx/credential_types/: the Controller accepts them,
they inject exactly the modules' environment variables, secrets are secret inputs, an input left
empty does not inject a value that breaks a module, and they load as the guide shows."""

from __future__ import annotations

import copy

import pytest
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.mailops.hosted_mail.plugins.module_utils._module import specs
from ansible_collections.mailops.hosted_mail.tests.controller.awx_credentials import CredentialTypeError, render_env, validate
from ansible_collections.mailops.hosted_mail.tests.controller.runner_job import COLLECTION_ROOT, Job, load_credential_type, make_private_data_dir

SPECS = {'netangels': specs.netangels_argument_spec(), 'yandex360': specs.yandex360_argument_spec()}
TYPES = sorted(SPECS)


def fallbacks(spec):
    """{environment variable: (option name, option spec)} of an argument spec's env fallbacks."""
    found = {}
    for name, option in spec.items():
        if option.get('fallback'):
            for variable in option['fallback'][1]:
                found[variable] = (name, option)
    return found


# Settings of how a job runs, not credentials: a job template sets them (Extra Environment
# Variables) when it needs to, so the credential types do not inject them.
NOT_CREDENTIALS = frozenset(('NETANGELS_TOKEN_CACHE', 'NETANGELS_TOKEN_CACHE_DIR', 'NETANGELS_RETRY_TIMEOUT', 'YANDEX360_RETRY_TIMEOUT'))


def referenced_fields(template):
    return meta.find_undeclared_variables(ImmutableSandboxedEnvironment().parse(template))


@pytest.mark.parametrize('vendor', TYPES)
def test_the_controller_accepts_the_credential_type(vendor):
    credential_type = load_credential_type(vendor)
    validate(credential_type)
    assert credential_type['kind'] == 'cloud'


@pytest.mark.parametrize('vendor', TYPES)
def test_it_injects_exactly_the_modules_environment_variables_and_secrets_are_secret(vendor):
    credential_type = load_credential_type(vendor)
    variables = dict((name, value) for name, value in fallbacks(SPECS[vendor]).items() if name not in NOT_CREDENTIALS)
    injected = credential_type['injectors']['env']
    assert sorted(injected) == sorted(variables)
    secret_fields = set(field['id'] for field in credential_type['inputs']['fields'] if field.get('secret'))
    for variable, template in injected.items():
        option_name, option = variables[variable]
        fields = referenced_fields(template)
        assert fields == {option_name}, '%s should be made from the input %s' % (variable, option_name)
        assert (option_name in secret_fields) == bool(option.get('no_log')), option_name


@pytest.mark.parametrize('vendor', TYPES)
def test_an_input_left_empty_injects_the_modules_default_or_an_empty_value(vendor):
    credential_type = load_credential_type(vendor)
    required = credential_type['inputs'].get('required') or []
    inputs = dict((name, 'given') for name in required)
    variables = fallbacks(SPECS[vendor])
    for given in (inputs, dict(inputs, **dict((field['id'], '') for field in credential_type['inputs']['fields'] if field['id'] not in required))):
        env = render_env(credential_type, given)
        for variable, value in env.items():
            option_name, option = variables[variable]
            if option_name in required:
                assert value == 'given'
            elif option.get('default') is not None:
                assert value == option['default'], '%s must fall back to the module default' % variable
            else:
                # an empty value: the module treats it as not set (api_key / api_token: one of them is needed)
                assert value == '' and option.get('no_log'), variable


def test_the_controllers_check_catches_a_template_naming_no_input():
    broken = copy.deepcopy(load_credential_type('netangels'))
    broken['injectors']['env']['NETANGELS_API_KEY'] = '{{ apikey }}'
    with pytest.raises(CredentialTypeError, match='uses an undefined field'):
        validate(broken)
    broken = copy.deepcopy(load_credential_type('yandex360'))
    broken['injectors']['env']['ANSIBLE_FOO'] = '{{ org_id }}'
    with pytest.raises(CredentialTypeError, match='not allowed'):
        validate(broken)


def test_they_load_as_the_guide_shows_with_templates_unrendered(tmp_path):
    job = Job(make_private_data_dir(tmp_path / 'load', {}, extravars={'hosted_mail_dir': str(COLLECTION_ROOT)}),
              'load_credential_types.yml', 'load').wait()
    assert job.status == 'successful', job.what_went_wrong()
    shipped = [load_credential_type(vendor) for vendor in ('netangels', 'yandex360')]
    for task in ('Create or update each credential type',
                 'Each credential type of controller_credential_types, as the Controller-as-code roles pass it'):
        received = [result['res']['msg'] for result in job.task_results(task) if isinstance(result['res'].get('msg'), dict)]
        assert received == shipped, task
    assert shipped[0]['injectors']['env']['NETANGELS_API_KEY'].startswith('{{ api_key')
