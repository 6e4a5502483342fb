# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The roles' tasks keep the promises their docs make (issue 16): every API task runs once per play
on the controller with pipelining (no module arguments, passwords included, written to a temporary
file: defects 9 and 11), the onboarding bulk task is not hidden by no_log (defect 10), and no
template or lookup writes anything while a task is templated (defects 1 and 2)."""

from __future__ import annotations

import os

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = ('mailbox_onboarding', 'mailbox_offboarding', 'routing_policy')
PREFIX = 'mailops.hosted_mail.'


def tasks(role):
    with open(os.path.join(ROOT, 'roles', role, 'tasks', 'main.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def module_of(task):
    return next((key for key in task if key.startswith(PREFIX)), None)


@pytest.mark.parametrize('role', ROLES)
def test_every_api_task_runs_once_on_the_controller_with_pipelining(role):
    api_tasks = [task for task in tasks(role) if module_of(task)]
    assert api_tasks
    for task in api_tasks:
        assert task.get('delegate_to') == 'localhost', task['name']
        assert task.get('run_once') is True, task['name']
        assert (task.get('vars') or {}).get('ansible_pipelining') is True, task['name']


@pytest.mark.parametrize('role', ROLES)
def test_every_fact_and_check_is_run_once_after_the_hosts_agree(role):
    steps = tasks(role)
    assert steps[0]['ansible.builtin.set_fact'] and 'differing_hosts' in steps[1]['vars'][role + '__differences']
    assert all(step.get('run_once') is True for step in steps[1:]), role


@pytest.mark.parametrize('role', ROLES)
def test_no_template_and_no_lookup_that_writes(role):
    assert not os.path.exists(os.path.join(ROOT, 'roles', role, 'templates'))
    text = yaml.safe_dump(tasks(role))
    assert 'namespace(' not in text
    for line in text.splitlines():
        if "lookup('ansible.builtin.password'" in line:
            assert "'/dev/null'" in line


def test_the_onboarding_bulk_task_shows_its_diff_and_passes_no_generated_password():
    bulk = [task for task in tasks('mailbox_onboarding') if module_of(task) == PREFIX + 'netangels_mailboxes']
    assert len(bulk) == 1 and not bulk[0].get('no_log')
    args = bulk[0][PREFIX + 'netangels_mailboxes']
    assert 'credentials_dir' in args and 'lookup' not in yaml.safe_dump(args)
