# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Controller job on the ansible-core the stage runs (hack/matrix.py: 2.16 on Python 3.12, the
Red Hat supported execution environments' combination, and the newest): the job runs on that
core and its output holds no "does not support Ansible version" warning, which a careful
administrator would stop at. A control run with a ``requires_ansible`` no core meets shows that
the search would see the warning."""

from __future__ import annotations

import os
import re
import shutil

from ansible_collections.mailops.hosted_mail.tests.controller.runner_job import (
    COLLECTION_ROOT,
    Job,
    check_secrets,
    make_private_data_dir,
    sandbox_credentials,
)
from ansible_collections.mailops.hosted_mail.tests.controller.test_job import job_environment

WARNING = re.compile(r'does\s+not\s+support\s+Ansible\s+version')


def read_job(sandbox, path, process_env=None):
    creds = sandbox_credentials()
    envvars = job_environment(
        {'api_key': creds['netangels_api_key'], 'api_url': sandbox.url, 'auth_url': sandbox.url + '/api/gateway/token/'},
        {'oauth_token': creds['yandex360_oauth_token'], 'org_id': str(creds['yandex360_org_id']), 'api_url': sandbox.url})
    return Job(make_private_data_dir(path, envvars), 'read.yml', 'read', process_env=process_env).wait()


def shown_text(job):
    """What the Controller stores and shows: stdout and every job event."""
    return '\n'.join(path.read_text(encoding='utf-8') for path in [job.stdout_file] + list(job.event_files))


def test_the_job_runs_on_the_stage_core_with_no_support_warning(sandbox, issued_secrets, tmp_path):
    job = read_job(sandbox, tmp_path / 'job')
    assert job.status == 'successful', job.what_went_wrong()
    expected = os.environ.get('CONTROLLER_EXPECT_CORE')
    if expected:  # set by the controller-X.Y sessions (noxfile.py)
        assert re.search(r'ansible-playbook \[core %s\.\d+' % re.escape(expected), job.stdout), job.stdout[:300]
    assert not WARNING.search(shown_text(job))
    result = check_secrets(job.artifact_files(but=('command',)), issued_secrets()[0])
    assert result.returncode == 0, result.stdout + result.stderr


def test_control_a_collection_no_core_supports_is_warned_about(sandbox, tmp_path):
    copy = tmp_path / 'collections' / 'ansible_collections' / 'mailops' / 'hosted_mail'
    shutil.copytree(COLLECTION_ROOT / 'plugins', copy / 'plugins')
    shutil.copytree(COLLECTION_ROOT / 'meta', copy / 'meta')
    shutil.copy(COLLECTION_ROOT / 'galaxy.yml', copy / 'galaxy.yml')
    runtime = (copy / 'meta' / 'runtime.yml').read_text(encoding='utf-8')
    assert "requires_ansible: '>=2.16.0'" in runtime
    (copy / 'meta' / 'runtime.yml').write_text(runtime.replace("'>=2.16.0'", "'>=99.0.0'"), encoding='utf-8')
    job = read_job(sandbox, tmp_path / 'job', process_env={'ANSIBLE_COLLECTIONS_PATH': str(tmp_path / 'collections')})
    assert WARNING.search(shown_text(job)), job.stdout[:2000]
