# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A Controller job, run as the Controller runs it: ansible-runner, a private data dir whose
``env/envvars`` is exactly what the two shipped credential types inject, and a playbook that
names no credential. The job must succeed, read and change both vendors, and leave no secret in
what the Controller stores and shows (``stdout`` and every ``job_events/*.json``)."""

from __future__ import annotations

import re

from ansible_collections.mailops.hosted_mail.tests.controller.awx_credentials import render_env
from ansible_collections.mailops.hosted_mail.tests.controller.runner_job import (
    Job,
    check_secrets,
    load_credential_type,
    make_private_data_dir,
    sandbox_credentials,
)

# The collection's roles, run by the same job after the modules, with the same injected
# credentials: role FQCN -> its variables (given to the job as extra variables, as a job
# template's extra variables or survey give them). One line per role, for example
# 'mailops.hosted_mail.mailbox_onboarding': {'mailbox_onboarding_mailboxes': [...]},
JOB_ROLES = {
    'mailops.hosted_mail.routing_policy': {'routing_policy_blocked_senders': ['offers@spam.example'], 'routing_policy_archive_to': 'archive@example.org',
                                           'routing_policy_exclusive': False, 'routing_policy_position': 'last'},
    'mailops.hosted_mail.mailbox_onboarding': {'mailbox_onboarding_domain': 'example.org', 'mailbox_onboarding_credentials_dir': 'credentials',
                                               'mailbox_onboarding_people': [{'name': 'controller.hire', 'full_name': 'Hired by a job', 'groups': ['sales']}]},
    'mailops.hosted_mail.mailbox_offboarding': {'mailbox_offboarding_domain': 'example.org', 'mailbox_offboarding_yandex360': True,
                                                'mailbox_offboarding_people': [{'name': 'info', 'forward_to': 'sales@example.org'}]},
}

INJECTED = {'NETANGELS_API_KEY', 'NETANGELS_API_TOKEN', 'NETANGELS_API_URL', 'NETANGELS_AUTH_URL',
            'YANDEX360_OAUTH_TOKEN', 'YANDEX360_ORG_ID', 'YANDEX360_API_URL'}


def job_environment(netangels, yandex360):
    """``env/envvars`` of a job with a NetAngels and a Yandex 360 credential: only what their injectors render."""
    envvars = render_env(load_credential_type('netangels'), netangels)
    envvars.update(render_env(load_credential_type('yandex360'), yandex360))
    assert set(envvars) == INJECTED
    return envvars


def test_a_job_reads_and_changes_both_vendors_and_shows_no_secret(sandbox, issued_secrets, tmp_path):
    creds = sandbox_credentials()
    envvars = job_environment(
        {'api_key': creds['netangels_api_key'], 'api_url': sandbox.url, 'auth_url': sandbox.url + '/api/gateway/token/'},
        {'oauth_token': creds['yandex360_oauth_token'], 'org_id': str(creds['yandex360_org_id']), 'api_url': sandbox.url})
    assert envvars['NETANGELS_API_TOKEN'] == ''  # not set in the credential: injected empty, read as not set

    extravars = {'job_roles': sorted(JOB_ROLES)}
    for variables in JOB_ROLES.values():
        extravars.update(variables)
    job = Job(make_private_data_dir(tmp_path / 'job', envvars, extravars), 'job.yml', 'job').wait()
    assert job.status == 'successful', job.what_went_wrong()
    ran = set(event['event_data'].get('resolved_role') for event in job.events() if event.get('event') == 'runner_on_ok')
    assert set(JOB_ROLES) <= ran, 'roles that ran no task: %s' % sorted(set(JOB_ROLES) - ran)

    state = sandbox.snapshot()
    created = [box for box in state['netangels']['mailboxes'] if box['name'] == 'controller.job']
    assert len(created) == 1 and set(created[0]['aliases']) == {'controller.job.archive@example.com', 'controller.job.copy@example.net'}
    rules = state['yandex360']['orgs'][0]['rules']
    assert rules and rules[0]['condition'] == {'address:from': 'offers@spam.example'}

    issued_file, issued = issued_secrets()
    assert issued['tokens'], 'the job exchanged the API key for a token: that token is one of the secrets to look for'
    # stdout and the job events are what the Controller stores and shows; every other artifact is
    # searched too, except ansible-runner's own record of the process environment
    shown = job.artifact_files(but=('command',))
    assert job.stdout_file in shown and set(job.event_files) <= set(shown)
    # the created mailbox as the module returns it, on every core (2.21's stdout does not repeat the name option's value)
    assert len(job.event_files) > 20 and re.search(r'"name": "controller\.job"', job.stdout)
    result = check_secrets(shown, issued_file)
    assert result.returncode == 0, result.stdout + result.stderr
    # The search would see them: ansible-runner's own record of the job's environment holds the
    # injected secrets (the Controller does not store or show that file).
    control = check_secrets([job.artifacts / 'command'], issued_file)
    assert control.returncode == 1 and 'LEAK' in control.stdout, control.stdout + control.stderr


def test_a_credential_with_only_a_token_and_default_urls_injects_nothing_that_breaks_a_module(sandbox, issued_secrets, tmp_path):
    """The inputs left empty (API key, token gateway URL) are injected as an empty key and the
    default URL; the modules read the empty key as not set and use the token."""
    creds = sandbox_credentials()
    envvars = job_environment(
        {'api_token': creds['netangels_api_token'], 'api_url': sandbox.url},
        {'oauth_token': creds['yandex360_oauth_token'], 'org_id': str(creds['yandex360_org_id']), 'api_url': sandbox.url})
    assert envvars['NETANGELS_API_KEY'] == ''
    assert envvars['NETANGELS_AUTH_URL'] == 'https://panel.netangels.ru/api/gateway/token/'

    job = Job(make_private_data_dir(tmp_path / 'job', envvars), 'read.yml', 'read').wait()
    assert job.status == 'successful', job.what_went_wrong()
    assert sandbox.requests(path='/api/gateway/token/') == []  # the token was used as it is

    result = check_secrets(job.artifact_files(but=('command',)), issued_secrets()[0])
    assert result.returncode == 0, result.stdout + result.stderr
