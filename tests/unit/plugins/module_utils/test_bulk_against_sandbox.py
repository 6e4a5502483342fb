# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The bulk planner against the API sandbox: both batch-create behaviours the vendor may have, a lost
upload answer, check mode that predicts the real run, and one run that converges under 30% faults.
Retry waits are recorded, not slept (the ``no_sleep`` fixture)."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.bulk import manage_mailboxes
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient
from ansible_collections.mailops.hosted_mail.tests.sandbox import assumptions

KEY = 'sandbox-api-key-0123456789'
DOMAIN = 'big.example.net'
DOMAIN_ID = 1003
BATCH_PATH = '/api/v2/mail/domains/%d/mailboxes/batch-create/' % DOMAIN_ID


def client(sandbox):
    return NetAngelsClient(_http.Transport(), api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/', api_key=KEY)


def params(rows, **extra):
    result = dict(domain=DOMAIN, domain_id=None, mailboxes=rows, src=None, update_password='on_create', prune=False, max_removals=10,
                  concurrency=4)
    result.update(extra)
    return result


def wanted(count, start=0):
    return [dict(name='user%04d' % i, password='Bulk-Pass-%04d' % i, comment='User %d' % i,
                 quota=2048 if i % 2 else None, aliases=['user%d.fwd@example.net' % i] if i % 3 == 0 else None)
            for i in range(start, start + count)]


def domain_state(sandbox):
    return sorted((m['name'], m['comment'], m['quota'], tuple(m['aliases']), m['state'])
                  for m in sandbox.snapshot()['netangels']['mailboxes'] if m['domain_id'] == DOMAIN_ID)


def expected_state(rows):
    return sorted((r['name'], r['comment'], r['quota'] or 1024, tuple(r['aliases'] or ()), 'active') for r in rows)


@pytest.mark.parametrize('mode', assumptions.BATCH_MODES)
def test_both_batch_behaviours_report_the_refused_mailbox_and_create_the_others(sandbox, mode):
    sandbox.settings(batch_mode=mode)
    rows = wanted(1200)
    api = client(sandbox)
    upload = api.batch_create

    def someone_else_creates_user0005_first(domain_id, text, **kwargs):
        if not sandbox.state.find_mailbox(DOMAIN_ID, 'user0005'):
            sandbox.seed({'netangels': {'mailboxes': [{'domain': DOMAIN, 'name': 'user0005', 'password': 'Other-Pass-1'}]}})
        return upload(domain_id, text, **kwargs)

    api.batch_create = someone_else_creates_user0005_first
    result = manage_mailboxes(api, params(rows))
    # issue 18 B3: the refusal says "already exists", a read shows it: done, not failed, and not created by this run
    assert result['failures'] == []
    assert len(result['created']) == 1199 and 'user0005' not in result['created']
    assert result['changed'] is True
    uploads = sandbox.requests('POST', BATCH_PATH)
    assert len(uploads) == (3 if mode == 'all_or_nothing' else 2)  # all or nothing: the refused upload is sent again without it
    assert domain_state(sandbox) == expected_state(rows)  # user0005 got the fields asked for in the same run

    again = manage_mailboxes(client(sandbox), params(rows))
    assert again['failures'] == [] and again['created'] == [] and again['updated'] == [] and again['changed'] is False


def test_a_lost_upload_answer_converges_in_one_run_without_a_second_upload_of_the_same_mailbox(sandbox):
    sandbox.set_faults([{'kind': 'lost_response', 'next': 1, 'path': BATCH_PATH}])
    rows = wanted(1500)
    result = manage_mailboxes(client(sandbox), params(rows))
    assert result['failures'] == [] and len(result['created']) == 1500
    uploads = sandbox.requests('POST', BATCH_PATH)
    assert [entry['status'] for entry in uploads] == [200, 200]  # the first one's answer was lost (1000 created), then the other 500
    assert domain_state(sandbox) == expected_state(rows)


def test_check_mode_predicts_exactly_what_the_real_run_does(sandbox):
    manage_mailboxes(client(sandbox), params(wanted(300)))
    rows = wanted(300)[:250] + wanted(30, start=400)
    for entry in rows[:20]:
        entry['quota'] = 4096
    for entry in rows[20:25]:
        entry['state'] = 'disabled'
    rows[25]['state'] = 'absent'
    rows[26]['password'] = 'Rotated-Pass-1'
    options = params(rows, prune=True, max_removals=60, update_password='always')
    sandbox.state.request_log.clear()
    predicted = manage_mailboxes(client(sandbox), options, check_mode=True)
    assert [entry for entry in sandbox.requests() if entry['method'] != 'GET' and 'gateway' not in entry['path']] == []
    done = manage_mailboxes(client(sandbox), options)
    for key in ('changed', 'created', 'updated', 'removed', 'disabled', 'unchanged'):
        assert predicted[key] == done[key], key
    assert done['failures'] == []
    assert set(predicted['diff']['before']) == set(done['diff']['before'])
    assert set(predicted['diff']['after']) == set(done['diff']['after'])


def test_one_run_converges_under_30_percent_faults_without_duplicates(sandbox):
    manage_mailboxes(client(sandbox), params(wanted(150)))
    rows = wanted(150)[:120] + wanted(180, start=1000)
    for entry in rows[:60]:
        entry['quota'] = 512
        entry['aliases'] = ['%s.new@example.net' % entry['name']]
    for entry in rows[60:70]:
        entry['state'] = 'disabled'
    sandbox.set_faults({'seed': 30, 'faults': [
        {'kind': '429', 'rate': 0.12, 'retry_after': 0, 'path': '/api/v2/mail/'},
        {'kind': '500', 'rate': 0.10, 'path': '/api/v2/mail/'},
        {'kind': '503', 'rate': 0.08, 'path': '/api/v2/mail/'},
        {'kind': 'drop', 'rate': 0.08, 'path': '/api/v2/mail/'},
        {'kind': 'lost_response', 'rate': 0.10, 'path': '/api/v2/mail/'},
    ]})
    result = manage_mailboxes(client(sandbox), params(rows, prune=True, max_removals=30))
    calls = sandbox.requests(path='/api/v2/mail/')
    assert len([entry for entry in calls if entry['fault']]) >= 0.25 * len(calls)
    assert result['failures'] == []
    assert len(result['created']) == 180 and len(result['removed']) == 30 and len(result['disabled']) == 10
    sandbox.clear_faults()
    mailboxes = [m for m in sandbox.snapshot()['netangels']['mailboxes'] if m['domain_id'] == DOMAIN_ID]
    assert len(mailboxes) == len(set(m['name'] for m in mailboxes)) == 300
    state = dict((m['name'], m) for m in mailboxes)
    for entry in rows:
        mailbox = state[entry['name']]
        assert mailbox['quota'] == (entry['quota'] or 1024) and mailbox['aliases'] == (entry['aliases'] or [])
        assert mailbox['state'] == (entry.get('state') == 'disabled' and 'disabled' or 'active')
    again = manage_mailboxes(client(sandbox), params(rows, prune=True, max_removals=30))
    assert again['changed'] is False and again['unchanged'] == 300
