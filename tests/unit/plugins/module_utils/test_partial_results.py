# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a write that fails half-way reports: named job results of netangels_mailboxes, the last state netangels_mailbox knew."""

from __future__ import annotations

from ansible_collections.mailops.hosted_mail.plugins.module_utils._http import ApiError, RequestError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.bulk import Job, JobResult, run_with_second_attempt
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.spec import parse_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailbox import manage_mailbox

PARAMS = dict(concurrency=1, update_password='on_create')
MAILBOX = dict(id=20001, name='alice', domain_id=1001, comment='old', aliases=[], quota=1024, is_local=True, used=0, state='active')


class ScriptedClient(object):
    """Answers ``update_mailbox`` from a script (an exception is raised); reads answer the last state written."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.state = dict(MAILBOX)
        self.calls = []

    def update_mailbox(self, mailbox_id, changes):
        self.calls.append(('update', mailbox_id, dict(changes)))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        self.state.update(changes)
        return dict(self.state)

    def get_mailbox(self, mailbox_id):
        self.calls.append(('get', mailbox_id))
        return dict(self.state)


def job(comment='new'):
    return Job('update', parse_mailbox(dict(name='alice', comment=comment), 'example.com', label='mailboxes[0]', in_list=True), dict(MAILBOX))


def test_a_job_that_worked_answers_a_named_result():
    client = ScriptedClient('ok')
    [result] = run_with_second_attempt(client, [job()], 1001, PARAMS, check_mode=False)
    assert isinstance(result, JobResult)
    assert result.job.name == 'alice' and result.error is None
    assert result.done == ['updating comment'] and result.mailbox['comment'] == 'new'


def test_a_transient_failure_is_tried_again_after_a_read_and_both_attempts_are_reported_together():
    client = ScriptedClient(ApiError('no answer', status=None), 'ok')
    [result] = run_with_second_attempt(client, [job()], 1001, PARAMS, check_mode=False)
    assert client.calls == [('update', 20001, dict(comment='new')), ('get', 20001), ('update', 20001, dict(comment='new'))]
    assert result.error is None and result.mailbox['comment'] == 'new'
    assert result.done == ['updating comment']  # the failed first write is not counted as done
    assert result.job.kind == 'update' and result.job.mailbox == MAILBOX  # the first job: its mailbox is the state before


def test_a_refusal_is_final_and_keeps_the_mailbox_as_it_stood():
    client = ScriptedClient(RequestError('refused', status=400))
    [result] = run_with_second_attempt(client, [job()], 1001, PARAMS, check_mode=False)
    assert client.calls == [('update', 20001, dict(comment='new'))]
    assert result.error is not None and result.error.status == 400 and result.done == []
    assert result.mailbox == MAILBOX


# -- netangels_mailbox: what a task that fails half-way reports ------------------------------

class HalfWayClient(object):
    """Creates the mailbox, sets its quota, refuses to disable it, and cannot be read afterwards."""

    def __init__(self):
        self.reads = 0

    def find_mailbox(self, domain_id, name):
        self.reads += 1
        if self.reads > 1:
            raise ApiError('no answer', status=None)
        return None

    def create_mailbox(self, domain_id, name, password, comment=None):
        return dict(MAILBOX, name=name, comment=comment or '')

    def update_mailbox(self, mailbox_id, changes):
        return dict(MAILBOX, comment='Alice', **changes)

    def disable_mailbox(self, mailbox_id):
        raise RequestError('disabling is not allowed', status=400)


def test_a_task_that_fails_half_way_reports_the_mailbox_the_last_write_answered_with():
    """The re-read fails too: the result is the last state a write answered with (the quota set), changed true."""
    params = dict(name='alice', domain=None, domain_id=1001, password='Alice-Pass-1', comment='Alice', quota=4096, is_local=None,
                  aliases=None, state='disabled', update_password='on_create', cleanup=False)
    done = manage_mailbox(HalfWayClient(), params)
    assert isinstance(done.error, RequestError) and 'disabling is not allowed' in str(done.error)
    assert done.result == dict(changed=True, mailbox=dict(MAILBOX, comment='Alice', quota=4096))
    assert 'disabling it' in str(done.error)
