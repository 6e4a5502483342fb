#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Request counts and wall-time ratios of the collection's hot paths, against baselines in the same run.

Runs the real clients against the API sandbox (in-process, on 127.0.0.1) with a fixed latency on
every answer, so request counts translate into time the way they do over a real network:

* list every mailbox of a large domain: pages of 100 (ours) against pages of 10 (the API's default);
* look one mailbox up by exact name: the ``filter`` hint (ours) against a full page-walk;
* a second, identical ``netangels_mailbox`` run over many mailboxes: reads only, no write;
* a second, identical ``yandex360_routing_rules`` run: one GET, no PUT;
* the full listing again under injected faults (429 with Retry-After, 503, dropped connections).

Usage: ``python tests/benchmark/benchmark.py [--mailboxes 2000] [--latency 0.005]`` from a tree
placed at ``.../ansible_collections/mailops/hosted_mail`` (``make bench`` does that).
"""

from __future__ import annotations

import argparse
import time

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http, _netangels
from ansible_collections.mailops.hosted_mail.plugins.module_utils._mailbox import manage_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._routing_rules import normalise_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._rules_sync import sync_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360 import Yandex360Client
from ansible_collections.mailops.hosted_mail.tests.sandbox import SandboxServer

KEY = 'sandbox-api-key-0123456789'
OAUTH = 'sandbox-oauth-token-0123456789'
ORG = 424242
DOMAIN = 'big.example.net'
DOMAIN_ID = 1003


def netangels(sandbox):
    return _netangels.NetAngelsClient(_http.Transport(), api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/', api_key=KEY)


def measure(sandbox, work):
    """Run ``work()``; return (result, requests the sandbox saw, writes among them, seconds)."""
    sandbox.state.request_log.clear()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    log = sandbox.requests()
    writes = [entry for entry in log if entry['method'] not in ('GET', 'HEAD') and entry['path'] != '/api/gateway/token/']
    return result, len(log), len(writes), seconds


def row(name, ours, baseline=None):
    text = '%-58s %9d %7d %9.3f' % (name, ours[1], ours[2], ours[3])
    if baseline is not None:
        text += '   baseline: %5d requests, %8.3f s  -> %5.1fx fewer requests, %5.1fx faster' % (
            baseline[1], baseline[3], baseline[1] / float(ours[1]), baseline[3] / ours[3])
    print(text)


def list_all(sandbox, page_size):
    old = _netangels.PAGE_SIZE
    _netangels.PAGE_SIZE = page_size
    try:
        return netangels(sandbox).list_mailboxes(DOMAIN_ID)
    finally:
        _netangels.PAGE_SIZE = old


def full_walk_lookup(sandbox, name):
    for mailbox in netangels(sandbox).list_mailboxes(DOMAIN_ID):
        if mailbox['name'] == name:
            return mailbox
    return None


def rerun_mailboxes(sandbox, count):
    client = netangels(sandbox)
    changed = 0
    for index in range(count):
        params = dict(name='user%04d' % index, domain_id=DOMAIN_ID, state='present', comment='Seeded mailbox %d' % index,
                      quota=1024, password=None, update_password='on_create')
        changed += manage_mailbox(client, params)['changed']
    return changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--mailboxes', type=int, default=2000)
    parser.add_argument('--latency', type=float, default=0.005, help='seconds added to every API answer')
    parser.add_argument('--reruns', type=int, default=50, help='mailboxes in the idempotent-rerun scenario')
    args = parser.parse_args()

    seed = {'netangels': {'mailboxes': [
        {'domain': DOMAIN, 'name': 'user%04d' % i, 'password': 'Bench-Password-%d' % i, 'comment': 'Seeded mailbox %d' % i, 'quota': 1024}
        for i in range(args.mailboxes)]}}
    with SandboxServer() as sandbox:
        sandbox.seed(seed)
        sandbox.set_faults([{'kind': 'latency', 'seconds': args.latency}])
        print('%d mailboxes in %s, %.1f ms latency per answer\n' % (args.mailboxes, DOMAIN, args.latency * 1000))
        print('%-58s %9s %7s %9s' % ('scenario', 'requests', 'writes', 'seconds'))

        ours = measure(sandbox, lambda: list_all(sandbox, 100))
        assert len(ours[0]) == args.mailboxes
        base = measure(sandbox, lambda: list_all(sandbox, 10))
        assert len(base[0]) == args.mailboxes
        row('list every mailbox (pages of 100)', ours, base)

        name = 'user%04d' % (args.mailboxes - 1)
        ours = measure(sandbox, lambda: netangels(sandbox).find_mailbox(DOMAIN_ID, name))
        base = measure(sandbox, lambda: full_walk_lookup(sandbox, name))
        assert ours[0]['id'] == base[0]['id']
        row('find one mailbox by exact name (filter as a hint)', ours, base)

        ours = measure(sandbox, lambda: rerun_mailboxes(sandbox, args.reruns))
        assert ours[0] == 0 and ours[2] == 0, 'an identical rerun must change and write nothing'
        row('netangels_mailbox rerun, %d mailboxes (no change)' % args.reruns, ours)

        rules = normalise_rules([{'condition': {'address:from': 'bench%d@spam.example' % i}, 'actions': [{'action': 'drop'}]} for i in range(50)])
        yandex = Yandex360Client(_http.Transport(), OAUTH, api_url=sandbox.url)
        first = measure(sandbox, lambda: sync_rules(yandex, ORG, rules))
        again = measure(sandbox, lambda: sync_rules(yandex, ORG, rules))
        assert again[0].changed is False and again[2] == 0
        row('yandex360_routing_rules first run, 50 rules', first)
        row('yandex360_routing_rules identical rerun (no change)', again)

        sandbox.set_faults({'seed': 11, 'faults': [
            {'kind': 'latency', 'seconds': args.latency},
            {'kind': '429', 'rate': 0.1, 'retry_after': 0, 'path': '/api/v2/mail/'},
            {'kind': '503', 'rate': 0.05, 'path': '/api/v2/mail/'},
            {'kind': 'drop', 'rate': 0.05, 'path': '/api/v2/mail/'},
        ]})
        original_pause = _http.pause
        _http.pause = lambda seconds: None  # backoff waits are not what this measures
        try:
            faulty = measure(sandbox, lambda: list_all(sandbox, 100))
        finally:
            _http.pause = original_pause
        assert len(faulty[0]) == args.mailboxes
        retried = len([entry for entry in sandbox.requests() if entry.get('fault') not in (None, 'latency')])
        row('list every mailbox, faults injected at a 20%% rate (%d hit)' % retried, faulty)


if __name__ == '__main__':
    main()
