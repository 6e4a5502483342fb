# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Goal R1: under ~30% faulted answers plus lost answers on writes, one run of every write kind
reaches the exact desired state with 0 duplicates.

The modules' own logic (``manage_mailbox``, ``manage_aliases``, ``sync_rules``) runs against the API
sandbox, one fresh client per task as in a playbook, for several fault seeds. Retry waits are
recorded, not slept, so this is fast; the ``faults`` integration target runs the same through
ansible-playbook.
"""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailbox import manage_aliases, manage_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import parse_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import sync_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client

KEY = 'sandbox-api-key-0123456789'
OAUTH = 'sandbox-oauth-token-0123456789'
ORG = 424242
COUNT = 4
PASSWORD = 'Faults-Create-Pass-1'
NEW_PASSWORD = 'Faults-Change-Pass-2'


def fault_plan(seed):
    """About 30% of all API answers faulted, and one write in ten more loses its answer."""
    random_faults = [{'kind': kind, 'rate': 0.069} for kind in ('429', '500', '502', '503', 'drop')]
    lost = [{'kind': 'lost_response', 'rate': 0.1, 'method': method} for method in ('POST', 'PUT', 'DELETE')]
    for fault in random_faults:
        if fault['kind'] in ('429', '503'):
            fault['retry_after'] = 0
    return {'seed': seed, 'faults': lost + random_faults}


def mailbox(name, **params):
    base = dict(name=name, domain=None, domain_id=None, state='present', password=None, update_password='on_create',
                comment=None, quota=None, is_local=None, aliases=None, cleanup=False)
    base.update(params)
    return base


def changed(done):
    """A task's ``changed``; a task that stopped with an error fails the test."""
    if done.error is not None:
        raise done.error
    return done.result['changed']


def tasks_for(sandbox, lock_base, i):
    """The tasks of item ``i``, one per write kind, in playbook order; each builds its own client."""
    address = 'r1.user%d@example.com' % i

    def netangels():
        return NetAngelsClient(_http.Transport(), api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/', api_key=KEY)

    def rules():
        client = Yandex360Client(_http.Transport(), OAUTH, api_url=sandbox.url)
        outcome = sync_rules(client, ORG, rule(i), exclusive=False, lock_base=lock_base)
        if outcome.error is not None:
            raise outcome.error
        return outcome.changed

    return [
        lambda: changed(manage_mailbox(netangels(), mailbox(address, password=PASSWORD, comment='created'))),
        lambda: changed(manage_mailbox(netangels(), mailbox(address, comment='updated', quota=2048, aliases=['r1.copy%d@example.net' % i]))),
        lambda: changed(manage_aliases(netangels(), dict(mailbox=address, aliases=['r1.extra%d@example.net' % i], state='present'))),
        lambda: changed(manage_aliases(netangels(), dict(mailbox=address, aliases=['r1.copy%d@example.net' % i], state='absent'))),
        lambda: changed(manage_mailbox(netangels(), mailbox(address, password=NEW_PASSWORD, update_password='always'))),
        lambda: changed(manage_mailbox(netangels(), mailbox(address, state='disabled'))),
        lambda: changed(manage_mailbox(netangels(), mailbox('r1.full%d@example.com' % i, cleanup=True))),
        lambda: changed(manage_mailbox(netangels(), mailbox('r1.gone%d@example.com' % i, state='absent'))),
        rules,
    ]


def rule(i):
    return parse_rules([{'condition': {'address:from': 'r1.spam%d@example.com' % i}, 'actions': [{'action': 'drop'}]}])


def seed_targets(sandbox):
    """Mailboxes to empty (they hold mail) and to delete."""
    sandbox.seed({'netangels': {'mailboxes': [
        dict(domain='example.com', name=name % i, password='Faults-Seed-Pass-%d' % i, used=100)
        for i in range(COUNT) for name in ('r1.full%d', 'r1.gone%d')]}})


def assert_exact_desired_state(sandbox):
    state = sandbox.snapshot()
    mailboxes = dict((m['name'], m) for m in state['netangels']['mailboxes'] if m['domain_id'] == 1001)
    assert len(mailboxes) == len([m for m in state['netangels']['mailboxes'] if m['domain_id'] == 1001])  # no name twice
    for i in range(COUNT):
        made = mailboxes['r1.user%d' % i]
        assert (made['comment'], made['quota'], made['aliases'], made['state']) == (
            'updated', 2048, ['r1.extra%d@example.net' % i], 'disabled')
        assert made['password_version'] >= 2  # set on create, then changed
        with sandbox.state.lock:
            assert sandbox.state.mailboxes[made['id']]['password'] == NEW_PASSWORD
        assert mailboxes['r1.full%d' % i]['used'] == 0
        assert 'r1.gone%d' % i not in mailboxes
    rules = state['yandex360']['orgs'][0]['rules']
    assert [r['condition'] for r in rules] == [{'address:from': 'r1.spam%d@example.com' % i} for i in range(COUNT)]


@pytest.mark.parametrize('seed', range(5))
def test_one_run_of_every_write_kind_converges_with_no_duplicates(sandbox, no_sleep, tmp_path, seed):
    seed_targets(sandbox)
    sandbox.set_faults(fault_plan(seed))
    for i in range(COUNT):
        for task in tasks_for(sandbox, str(tmp_path), i):
            assert task() is True  # every task succeeds, and changes something, in this one run
    sandbox.clear_faults()
    figures = sandbox.writes()
    assert_exact_desired_state(sandbox)
    assert figures['duplicates'] == 0
    assert figures['faults'] >= 0.25 * figures['requests']
    kinds = dict((k['kind'], k) for k in figures['kinds'])
    assert set(kinds) >= {'create', 'update', 'add alias', 'delete alias', 'password', 'disable', 'cleanup', 'delete', 'rules PUT'}
