# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Issue 18 against the API sandbox: answers of the wrong shape, a domain changed between two pages,
two runs at the same time, and bounded waits. Each test reproduces the defect with a sandbox fault
(``200`` with a body, ``churn``, ``silent``, ``429``) and would fail on the code before the fix."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.bulk import manage_mailboxes
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailbox import manage_aliases
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import reads_as, sync_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import parse_api_rules, parse_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client

KEY = 'sandbox-api-key-0123456789'
OAUTH = 'sandbox-oauth-token-0123456789'
ORG = 424242
DOMAIN = 'example.com'
LIST = '/api/v2/mail/domains/*/mailboxes/'
RULES = '/admin/v1/org/%d/mail/routing/rules' % ORG
DROP_SPAM = {'condition': {'header:X-Spam-Flag': 'YES'}, 'actions': [{'action': 'drop'}], 'terminal': True}


THREE_RULES = [{'condition': {'header:X-Team': name}, 'actions': [{'action': 'drop'}], 'terminal': True} for name in ('a', 'b', 'c')]


def netangels(sandbox, **transport):
    return NetAngelsClient(_http.Transport(**transport), api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/', api_key=KEY)


def yandex(sandbox, **transport):
    return Yandex360Client(_http.Transport(**transport), OAUTH, api_url=sandbox.url)


def domain_id(sandbox):
    return sandbox.state.domain_by_name(DOMAIN)['id']


def names(sandbox):
    return sorted(m['name'] for m in sandbox.state.domain_mailboxes(domain_id(sandbox)))


def seed(sandbox, count):
    sandbox.seed({'netangels': {'mailboxes': [{'domain': DOMAIN, 'name': 'user%04d' % i} for i in range(count)]}})


def bulk_params(rows, **extra):
    result = dict(domain=DOMAIN, domain_id=None, mailboxes=rows, src=None, update_password='on_create', prune=False,
                  max_removals=10, concurrency=4)
    result.update(extra)
    return result


# -- A1: answers of the wrong shape ------------------------------------------------------------

@pytest.mark.parametrize('body', ['', '[]', '{"count": 3}', '{"count": "3", "entities": []}'])
def test_a_mailbox_list_of_the_wrong_shape_is_an_error_not_an_empty_domain(sandbox, body):
    seed(sandbox, 3)
    api = netangels(sandbox)
    api.list_domains()  # authenticated; the fault hits the mailbox list only
    sandbox.set_faults([{'kind': '200', 'body': body, 'path': LIST}])
    with pytest.raises(_http.InvalidResponseError, match=r'^GET /api/v2/mail/domains/\d+/mailboxes/ \(offset 0\): the API answered'):
        api.list_mailboxes(domain_id(sandbox))


@pytest.mark.parametrize('body', ['', '[]', '{"rules": null}'])
def test_an_empty_or_foreign_rule_list_never_wipes_the_organisations_rules(sandbox, body, tmp_path):
    """The defect: an empty 200 body read as "no rules", and an additive rule replaced all of them."""
    api = yandex(sandbox)
    api.set_rules(ORG, THREE_RULES, reads_as(parse_api_rules(THREE_RULES)))
    before = api.get_rules(ORG)
    assert len(before) == 3
    puts = len(sandbox.requests('PUT', RULES))
    sandbox.set_faults([{'kind': '200', 'body': body, 'method': 'GET', 'path': RULES, 'next': 1}])
    with pytest.raises(_http.InvalidResponseError, match='nothing was planned or written'):
        sync_rules(api, ORG, parse_rules([DROP_SPAM]), lock_base=str(tmp_path))
    sandbox.clear_faults()
    assert api.get_rules(ORG) == before
    assert len(sandbox.requests('PUT', RULES)) == puts, 'nothing written'


def test_one_empty_object_just_before_a_write_is_read_again(sandbox, tmp_path):
    """``{}`` means "no rules" (an assumption), but one glitch must not wipe them: the second read wins."""
    api = yandex(sandbox)
    api.set_rules(ORG, THREE_RULES, reads_as(parse_api_rules(THREE_RULES)))
    before = api.get_rules(ORG)
    sandbox.set_faults([{'kind': '200', 'body': '{}', 'method': 'GET', 'path': RULES, 'next': 1}])
    outcome = sync_rules(api, ORG, parse_rules([DROP_SPAM]), lock_base=str(tmp_path))
    after = api.get_rules(ORG)
    assert len(after) == len(before) + 1 and after[:len(before)] == before
    assert outcome.changed is True


# -- A2: a page walk while another client changes the domain -------------------------------------

def test_a_mailbox_deleted_between_two_pages_never_hides_one_that_existed_all_along(sandbox):
    seed(sandbox, 150)
    api = netangels(sandbox)
    api.list_domains()
    sandbox.set_faults([{'kind': 'churn', 'change': 'delete', 'method': 'GET', 'path': LIST, 'next': 1}])
    found = [m['name'] for m in api.list_mailboxes(domain_id(sandbox))]
    assert sorted(found) == names(sandbox), 'every mailbox that exists is listed (user0100 used to be skipped)'
    assert len(sandbox.requests('GET', '/api/v2/mail/domains/')) > 2, 'the walk was read again'


def test_a_no_change_bulk_run_while_another_client_deletes_does_not_call_an_existing_mailbox_missing(sandbox):
    seed(sandbox, 150)
    rows = [dict(name='user%04d' % i) for i in range(1, 150)]  # user0000 is the one the other client deletes
    sandbox.set_faults([{'kind': 'churn', 'change': 'delete', 'method': 'GET', 'path': LIST, 'next': 1}])
    result = manage_mailboxes(netangels(sandbox), bulk_params(rows))
    assert result['failures'] == [] and result['created'] == [] and result['changed'] is False


def test_a_domain_that_never_holds_still_is_refused_before_any_write(sandbox):
    seed(sandbox, 150)
    sandbox.set_faults([{'kind': 'churn', 'change': 'add', 'method': 'GET', 'path': LIST}])
    with pytest.raises(_http.InvalidResponseError, match='the list changed while it was read'):
        manage_mailboxes(netangels(sandbox), bulk_params([dict(name='newbie', password='Newbie-Pass-1')]))
    sandbox.clear_faults()
    assert 'newbie' not in names(sandbox)


# -- B3: two runs at the same time converge ------------------------------------------------------

def run_twice_at_once(work):
    """Run ``work(0)`` and ``work(1)`` in two threads started together; return both results (or exceptions)."""
    results = [None, None]
    start = threading.Barrier(2)

    def run(index):
        start.wait()
        try:
            results[index] = work(index)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_bulk_runs_of_the_same_list_at_once_both_succeed(sandbox):
    """The defect: the second of two runs of the same 500-row file failed with 500 "mailbox already exists"."""
    # writes are held 0.5 s before the API acts on them, so both runs read the domain before either creates
    sandbox.set_faults([{'kind': 'latency', 'seconds': 0.5, 'method': 'POST', 'path': '/api/v2/mail/'}])
    rows = [dict(name='pair%04d' % i, password='Pair-Pass-%04d' % i, comment='row %d' % i) for i in range(500)]
    results = run_twice_at_once(lambda index: manage_mailboxes(netangels(sandbox), bulk_params(rows, concurrency=2)))
    for result in results:
        assert not isinstance(result, Exception), result
        assert result['failures'] == []
    assert sum(len(result['created']) for result in results) == 500, 'each mailbox is reported created by one run only'
    assert len([n for n in names(sandbox) if n.startswith('pair')]) == 500
    refused = [e for e in sandbox.requests('POST', '/api/v2/mail/') if e['status'] == 400]
    assert refused, 'the runs overlapped: one of them was refused "already exists" at least once'


def test_two_runs_removing_the_same_forwarding_address_at_once_both_succeed(sandbox):
    sandbox.seed({'netangels': {'mailboxes': [{'domain': DOMAIN, 'name': 'shared', 'aliases': ['gone@example.org', 'kept@example.org']}]}})
    sandbox.set_faults([{'kind': 'latency', 'seconds': 0.5, 'method': 'PUT'}])  # both runs read before either writes
    params = dict(mailbox='shared@%s' % DOMAIN, aliases=['gone@example.org'], state='absent')
    results = run_twice_at_once(lambda index: manage_aliases(netangels(sandbox), params))
    for result in results:
        assert not isinstance(result, Exception) and result.error is None, result
    mailbox = sandbox.state.find_mailbox(domain_id(sandbox), 'shared')
    assert mailbox['aliases'] == ['kept@example.org']
    assert [e['status'] for e in sandbox.requests('PUT', '/api/v2/mail/mailboxes/')] in ([201, 400], [400, 201]), \
        'the runs overlapped: both sent the removal, one was refused "not an alias"'
    assert sorted(result.result['changed'] for result in results) == [False, True], 'changed is truthful for each run'


# -- C4: bounded waits -----------------------------------------------------------------------------

def test_a_day_long_429_fails_at_once_saying_when_it_lifts(sandbox):
    sandbox.set_faults([{'kind': '429', 'retry_after': 86400, 'path': RULES}])
    started = time.monotonic()
    with pytest.raises(_http.RateLimitError, match=r'asks to wait 86400 s \(until about .* UTC\), longer than the \d+ s left'):
        yandex(sandbox).get_rules(ORG)
    assert time.monotonic() - started < 5
    assert len(sandbox.requests('GET', RULES)) == 1


def test_a_silent_api_fails_within_retry_timeout(sandbox):
    sandbox.set_faults([{'kind': 'silent', 'seconds': 30, 'path': RULES}])
    started = time.monotonic()
    try:
        with pytest.raises(_http.TransportError, match=r'timed out.*retry_timeout \(3 s\) reached'):
            yandex(sandbox, timeout=30, retry_timeout=3).get_rules(ORG)
    finally:
        sandbox.clear_faults()
    assert time.monotonic() - started < 3 + 2
