# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""netangels_mailboxes' jobs answer named results, and a second attempt merges into the first by name."""

from __future__ import annotations

from ansible_collections.mailops.hosted_mail.plugins.module_utils._http import ApiError, RequestError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.bulk import Job, JobResult, Row, run_with_second_attempt

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
    return Job('update', Row('mailboxes[0]', 'alice', None, dict(comment=comment), 'present'), dict(MAILBOX))


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
