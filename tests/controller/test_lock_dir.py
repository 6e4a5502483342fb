# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two Controller jobs add routing rules to one organisation at the same time. Each runs in its
own ansible-runner process with its own temporary directory (as each job has its own container),
and both share one ``lock_dir`` (``YANDEX360_LOCK_DIR``, as the Controller's "Extra Environment
Variables" set it, naming a path exposed to every job). The API is slow, so their
read-modify-write cycles overlap in time: every rule must be kept, and each rule must have been
written exactly once (no writer read a list that another was about to replace)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ansible_collections.mailops.hosted_mail.tests.controller.awx_credentials import render_env
from ansible_collections.mailops.hosted_mail.tests.controller.runner_job import (
    Job,
    load_credential_type,
    make_private_data_dir,
    sandbox_credentials,
)

RULES_PER_WRITER = 4
LATENCY = 0.3  # seconds per rule-list request: a write cycle (GET, PUT, GET) takes about 1 s
WRITERS = ('a', 'b')


def write_window(job):
    """(start, end) of the job's 'Add a rule' task, from its job events' timestamps."""
    stamps = [event['created'] for event in job.events() if event.get('event_data', {}).get('task') == 'Add a rule']
    assert stamps, job.what_went_wrong()
    return min(stamps), max(stamps)


def test_two_jobs_with_their_own_temp_dirs_keep_every_rule_through_one_lock_dir(sandbox, tmp_path, request):
    creds = sandbox_credentials()
    org_id = creds['yandex360_org_id']
    credential = render_env(load_credential_type('yandex360'), {
        'oauth_token': creds['yandex360_oauth_token'], 'org_id': str(org_id), 'api_url': sandbox.url})
    lock_dir = tmp_path / 'shared-locks'
    lock_dir.mkdir()
    own_rule = {'condition': {'header:X-Spam-Flag': 'YES'}, 'actions': [{'action': 'drop'}], 'terminal': True}
    sandbox.seed({'yandex360': {'orgs': [{'id': org_id, 'rules': [own_rule]}]}})
    sandbox.set_faults([{'kind': 'latency', 'seconds': LATENCY, 'path': '/admin/v1/org/%s/mail/routing/rules' % org_id}])

    jobs = []
    # Each job's TMPDIR is short, as a container's /tmp is: ansible-core 2.21 starts a local RPC
    # server on a Unix socket under TMPDIR, and a socket path longer than 107 bytes (pytest's
    # tmp_path and multiprocessing's pymp-*/listener-* names) cannot be bound.
    short_temp = Path(tempfile.mkdtemp(prefix='ctr-'))
    request.addfinalizer(lambda: shutil.rmtree(short_temp, ignore_errors=True))
    for writer in WRITERS:
        temp_dir = short_temp / writer
        temp_dir.mkdir()
        envvars = dict(credential, YANDEX360_LOCK_DIR=str(lock_dir))
        private_data_dir = make_private_data_dir(tmp_path / ('job-%s' % writer), envvars,
                                                 extravars={'writer': writer, 'rules_per_writer': RULES_PER_WRITER})
        jobs.append(Job(private_data_dir, 'add_rules.yml', 'add-%s' % writer, process_env={'TMPDIR': str(temp_dir)}))
    for job in jobs:
        job.wait()
    for job in jobs:
        assert job.status == 'successful', job.what_went_wrong()

    # They ran at the same time: the two jobs' write tasks overlap.
    (start_a, end_a), (start_b, end_b) = [write_window(job) for job in jobs]
    assert start_a < end_b and start_b < end_a, 'the jobs did not overlap, so this proves nothing'

    subjects = sorted(rule['condition'].get('subject', '') for rule in sandbox.snapshot()['yandex360']['orgs'][0]['rules'])
    wanted = sorted('lock_dir test %s %d' % (writer, number) for writer in WRITERS for number in range(1, RULES_PER_WRITER + 1))
    assert subjects == sorted([''] + wanted)  # every rule of both writers, and the organisation's own one
    # Serialised: the requests on the list (logged as they finish) are whole write cycles one after the
    # other -- read, write, read back -- never two cycles at once, and no write had to be repeated.
    methods = [entry['method'] for entry in sandbox.requests(path='/admin/')]
    assert methods == ['GET', 'PUT', 'GET'] * len(wanted), methods
    # The lock was taken in the shared directory, not in either job's own temporary directory.
    assert len(list(lock_dir.iterdir())) == 1
    for writer in WRITERS:
        assert not list((tmp_path / ('container-%s-tmp' % writer)).glob('mailops.hosted_mail-locks-*'))
