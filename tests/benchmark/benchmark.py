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
* the full listing again under injected faults (429 with Retry-After, 503, dropped connections);
* goal P1, one real ``ansible-playbook`` run: 50 no-change ``netangels_mailbox`` tasks (with
  ``domain_id``, token cache warm) against 50 hand-written ``ansible.builtin.uri`` GETs of the same
  list call, interleaved, at 100 ms latency per answer: requests per task and the wall-time ratio
  (goal: 1 request per task, ratio <= 1.1).
* ``netangels_mailboxes`` (bulk), run the way users run it, as separate processes (see
  :func:`bulk_figures`): P2, a no-change run over 5,000 mailboxes against one ``ansible.builtin.ping``
  task; P3, creating 1,000 mailboxes against a loop of ``netangels_mailbox`` tasks; P5, changing
  the quota of 1,000 mailboxes with the default concurrency against concurrency 1; and the peak
  memory of the module process over 5,000 mailboxes.

Usage: ``python tests/benchmark/benchmark.py [--mailboxes 2000] [--latency 0.005] [--no-bulk]`` from a
tree placed at ``.../ansible_collections/mailops/hosted_mail`` (``make bench`` does that).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import client as _netangels
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailbox import manage_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import parse_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.sync import sync_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client
from ansible_collections.mailops.hosted_mail.tests.sandbox import SandboxServer

KEY = 'sandbox-api-key-0123456789'
STATIC_TOKEN = 'sandbox-static-token-abcdef'
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
        changed += manage_mailbox(client, params).result['changed']
    return changed


# -- goal P1: no-change netangels_mailbox tasks against hand-written uri tasks, real ansible-playbook --

P1_DOMAIN_ID = 1001
P1_GOAL = 1.1

# One ansible-playbook run: a loop of P1 items, each running one no-change netangels_mailbox task
# and one ansible.builtin.uri GET of the same list call. Interleaving puts both kinds of task
# under the same machine load (two loops run one after the other measured a busy machine's load
# drift rather than the tasks). A timestamp is taken between tasks; each task's time runs from
# the timestamp before it to the one after it, so both kinds carry the same set_fact overhead.
P1_PLAYBOOK = """
- name: Goal P1
  hosts: localhost
  gather_facts: false
  tasks:
    - name: The first task of a run fills the token cache (not timed)
      %(mailbox)s
      loop: [0]
    - name: One no-change netangels_mailbox task and one uri GET per item
      ansible.builtin.include_tasks: p1-item.yml
      loop: "{{ range(%(items)d) | list }}"
    - name: Report the times
      ansible.builtin.debug:
        msg: "P1_SECONDS mailbox={{ p1_mailbox_seconds }} uri={{ p1_uri_seconds }}"
"""

P1_ITEM = """
- name: Start the clock
  ansible.builtin.set_fact:
    p1_t0: "{{ now().timestamp() }}"
- name: A no-change mailbox task with domain_id
  %(mailbox)s
- name: Lap
  ansible.builtin.set_fact:
    p1_t1: "{{ now().timestamp() }}"
- name: The same list call, hand-written, with a ready token
  ansible.builtin.uri:
    url: "{{ lookup('env', 'P1_SANDBOX_URL') }}/api/v2/mail/domains/%(domain_id)d/mailboxes/?filter=p1-{{ '%%02d' | format(item) }}&offset=0&limit=100"
    headers:
      Authorization: "Bearer {{ lookup('env', 'P1_BEARER_TOKEN') }}"
- name: Add up
  ansible.builtin.set_fact:
    p1_mailbox_seconds: "{{ (p1_mailbox_seconds | default(0) | float) + (p1_t1 | float) - (p1_t0 | float) }}"
    p1_uri_seconds: "{{ (p1_uri_seconds | default(0) | float) + now().timestamp() - (p1_t1 | float) }}"
"""

P1_MAILBOX = """mailops.hosted_mail.netangels_mailbox:
    name: "p1-{{ '%%02d' | format(item) }}"
    domain_id: %(domain_id)d
    comment: "P1 mailbox {{ item }}"
    api_url: "{{ lookup('env', 'P1_SANDBOX_URL') }}"
    auth_url: "{{ lookup('env', 'P1_SANDBOX_URL') }}/api/gateway/token/\""""


def collections_root():
    """The folder that holds ``ansible_collections/`` (this file is in .../mailops/hosted_mail/tests/benchmark)."""
    collection = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.dirname(os.path.dirname(os.path.dirname(collection)))


def run_p1_playbook(sandbox, workdir, items):
    """Run the P1 playbook with this Python's ansible-playbook; return its output.

    The run must succeed and report no change (a no-change task that changes something is a bug).
    """
    mailbox = P1_MAILBOX % dict(domain_id=P1_DOMAIN_ID)
    with open(os.path.join(workdir, 'p1.yml'), 'w') as handle:
        handle.write(P1_PLAYBOOK % dict(items=items, mailbox=mailbox.replace('\n', '\n    ')))
    with open(os.path.join(workdir, 'p1-item.yml'), 'w') as handle:
        handle.write(P1_ITEM % dict(domain_id=P1_DOMAIN_ID, mailbox=mailbox))
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections_root(),
        ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_RETRY_FILES_ENABLED='0',
        NETANGELS_API_KEY=KEY,
        NETANGELS_TOKEN_CACHE_DIR=os.path.join(workdir, 'token-cache'),
        P1_SANDBOX_URL=sandbox.url,
        P1_BEARER_TOKEN=STATIC_TOKEN,
    )
    env.pop('NETANGELS_TOKEN_CACHE', None)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', 'p1.yml']
    done = subprocess.run(command, env=env, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=3600, check=False)
    recap = re.search(r'localhost\s*:\s*ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=0', done.stdout)
    if done.returncode != 0 or not recap or recap.group(1) != '0':
        raise SystemExit('the P1 playbook failed or changed something (exit %d):\n%s' % (done.returncode, done.stdout[-4000:]))
    return done.stdout


def describe(log):
    """``'50 GET /api/v2/mail/domains/1001/mailboxes/'``-style summary of a request log."""
    counts = {}
    for entry in log:
        key = '%s %s' % (entry['method'], entry['path'])
        counts[key] = counts.get(key, 0) + 1
    return ', '.join('%d %s' % (count, key) for key, count in sorted(counts.items()))


def playbook_tasks(items, latency):
    """Goal P1, measured with one real ansible-playbook run; returns the wall-time ratio."""
    seed = {'netangels': {'mailboxes': [
        {'domain': 'example.com', 'name': 'p1-%02d' % i, 'password': 'P1-Bench-Password-%d' % i, 'comment': 'P1 mailbox %d' % i}
        for i in range(items)]}}
    print('\nGoal P1: %d no-change netangels_mailbox tasks (domain_id) and %d ansible.builtin.uri GETs of the same list, '
          'interleaved in one ansible-playbook run, %.0f ms latency per answer' % (items, items, latency * 1000))
    with SandboxServer() as sandbox, tempfile.TemporaryDirectory(prefix='mailops-bench-') as workdir:
        sandbox.seed(seed)
        sandbox.set_faults([{'kind': 'latency', 'seconds': latency}])
        started = time.perf_counter()
        load = os.getloadavg()[0]
        output = run_p1_playbook(sandbox, workdir, items)
        took = time.perf_counter() - started
        log = sandbox.requests()
    first, timed = log[:2], log[2:]
    print('  first task of the run, token cache cold: %d requests (%s)' % (len(first), describe(first)))
    # The uri task sends exactly one GET (no retry on success), so what is left is the mailbox tasks'.
    assert [entry['path'] for entry in first] == ['/api/gateway/token/', '/api/v2/mail/domains/%d/mailboxes/' % P1_DOMAIN_ID], describe(first)
    assert len(timed) == 2 * items and all(entry['method'] == 'GET' and entry['status'] == 200 for entry in timed), describe(timed)
    mailbox_requests = len(timed) - items
    found = re.search(r'P1_SECONDS mailbox=([0-9.]+) uri=([0-9.]+)', output)
    mailbox_seconds, uri_seconds = float(found.group(1)), float(found.group(2))
    print('  %d netangels_mailbox tasks: %d requests = %.2f per task, %7.2f s' % (
        items, mailbox_requests, mailbox_requests / float(items), mailbox_seconds))
    print('  %d uri tasks:               %d requests = %.2f per task, %7.2f s' % (items, items, 1.0, uri_seconds))
    print('  (the whole ansible-playbook run took %.1f s; load average %.1f at the start, %.1f at the end)' % (
        took, load, os.getloadavg()[0]))
    ratio = mailbox_seconds / uri_seconds
    print('  P1 ratio (netangels_mailbox tasks / uri tasks, wall time): %.3f  (goal <= %.1f: %s)' % (
        ratio, P1_GOAL, 'met' if ratio <= P1_GOAL else 'NOT met'))
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--mailboxes', type=int, default=2000)
    parser.add_argument('--latency', type=float, default=0.005, help='seconds added to every API answer')
    parser.add_argument('--reruns', type=int, default=50, help='mailboxes in the idempotent-rerun scenario')
    parser.add_argument('--p1-items', type=int, default=50, help='loop items in the P1 playbook scenario (0: skip it)')
    parser.add_argument('--p1-latency', type=float, default=0.1, help='seconds added to every answer in the P1 scenario')
    parser.add_argument('--no-bulk', action='store_true', help='skip the netangels_mailboxes figures (P2, P3, P5, memory)')
    parser.add_argument('--ansible-venv', default=os.path.dirname(os.path.dirname(os.path.abspath(sys.executable))),
                        help='the venv (installed with pip, as users install) whose ansible-playbook and python run the '
                             'netangels_mailboxes figures and their ping baseline (default: this Python\'s)')
    parser.add_argument('--p2-runs', type=int, default=7, help='runs of each side of P2, taken in turn (the median is the figure)')
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

        rules = parse_rules([{'condition': {'address:from': 'bench%d@spam.example' % i}, 'actions': [{'action': 'drop'}]} for i in range(50)])
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

    if args.p1_items > 0:
        playbook_tasks(args.p1_items, args.p1_latency)
    if not args.no_bulk:
        with SandboxServer() as sandbox:  # a sandbox of its own: the domains above do not weigh on its lists
            bulk_figures(sandbox, args.ansible_venv, runs=max(1, args.p2_runs))


# -- netangels_mailboxes: P2, P3, P5 and memory -----------------------------------------------

COLLECTIONS = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..'))
"""The folder holding ``ansible_collections/`` (the collection copy's root)."""

BULK_PASSWORD = 'Bench-Bulk-Pass-%05d'  # every mailbox a password of its own, as in the field
MODULE_RUNNER = """
import json, sys
from ansible.module_utils.testing import patch_module_args
from ansible_collections.mailops.hosted_mail.plugins.modules import netangels_mailboxes
with open(sys.argv[1]) as handle:
    args = json.load(handle)
with patch_module_args(args):
    netangels_mailboxes.main()
"""
"""Runs the module's main() in a process of its own, as AnsiballZ does on the managed host."""


class Bench(object):
    """Temporary files, and ways to run playbooks and the module as separate processes."""

    def __init__(self, sandbox, ansible_venv):
        self.sandbox = sandbox
        self.tmp = tempfile.mkdtemp(prefix='bulk-bench-')
        self.auth = dict(api_url=sandbox.url, auth_url=sandbox.url + '/api/gateway/token/', api_key=KEY)
        self.python = os.path.join(ansible_venv, 'bin', 'python')
        self.playbook_command = os.path.join(ansible_venv, 'bin', 'ansible-playbook')
        # The same environment for every process: the ping side and the module side alike.
        env = dict((name, value) for name, value in os.environ.items()
                   if name not in ('PYTHONDONTWRITEBYTECODE', 'VIRTUAL_ENV', 'PYTHONHOME') and not name.startswith('ANSIBLE_'))
        self.env = dict(env, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, PYTHONPATH=COLLECTIONS, ANSIBLE_NOCOLOR='1',
                        ANSIBLE_PYTHON_INTERPRETER=self.python, ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')

    def path(self, name):
        return os.path.join(self.tmp, name)

    def csv(self, name, first, count):
        with open(self.path(name), 'w', encoding='utf-8') as handle:
            handle.write('name,password,comment\n')
            for index in range(first, first + count):
                handle.write('user%05d,%s,"Pupil %d, class %d"\n' % (index, BULK_PASSWORD % index, index, index // 30))
        return self.path(name)

    def playbook(self, name, tasks):
        play = [{'name': name, 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
                 'module_defaults': {'group/mailops.hosted_mail.netangels': self.auth}, 'tasks': tasks}]
        path = self.path('%s.yml' % name.replace(' ', '_'))
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(play, handle)  # JSON is YAML
        started = time.perf_counter()
        done = subprocess.run([self.playbook_command, '-i', 'localhost,', path],
                              env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        seconds = time.perf_counter() - started
        if done.returncode:
            raise SystemExit('%s failed:\n%s' % (name, done.stdout.decode('utf-8', 'replace')[-3000:]))
        return seconds

    def module(self, **module_args):
        """Run the module in a process of its own; return (result, seconds, peak RSS in MB)."""
        args = self.path('args.json')
        with open(args, 'w', encoding='utf-8') as handle:
            json.dump(dict(self.auth, **module_args), handle)
        started = time.perf_counter()
        process = subprocess.Popen([self.python, '-c', MODULE_RUNNER, args], env=self.env, stdout=subprocess.PIPE)
        output = process.stdout.read()
        dummy, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = status
        result = json.loads(output)
        if result.get('failed'):
            raise SystemExit('netangels_mailboxes failed: %s' % result.get('msg'))
        return result, seconds, usage.ru_maxrss / 1024.0

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def figure(name, value, target, ok):
    print('%-104s %8s   target %-9s %s' % (name, value, target, 'ok' if ok else 'MISSED'))


def bulk_figures(sandbox, ansible_venv, runs=7, latency=0.02, total=5000, created=1000, loop=50):
    """P2, P3, P5 and the module's peak memory, printed.

    P2 is the median of ``runs`` runs of each side, taken in turn: one ``ansible.builtin.ping``
    task, the no-change ``netangels_mailboxes`` task with a ``mailboxes:`` list, the same with a
    ``src:`` CSV file, and the module alone (in its own process, as AnsiballZ runs it) with each.
    Every process is started from ``ansible_venv``, a venv installed the way users install (pip,
    bytecode compiled); the ping side and the module side share it.
    """
    sandbox.seed({'netangels': {'domains': [{'name': 'bulk.example.net'}, {'name': 'p3.example.net'}, {'name': 'loop.example.net'}]}})
    bench = Bench(sandbox, ansible_venv)
    try:
        print('\nnetangels_mailboxes (separate processes, a sandbox of its own; ansible-playbook -i localhost, ...)\n')
        pupils = bench.csv('pupils.csv', 0, total)
        sandbox.state.request_log.clear()
        first, seconds, rss_create = bench.module(domain='bulk.example.net', src=pupils)
        assert len(first['created']) == total
        print('%-104s %8s' % ('setup: create %d mailboxes from a CSV file (no latency)' % total, '%.2f s' % seconds))

        rows = [{'name': 'user%05d' % index, 'password': BULK_PASSWORD % index, 'comment': 'Pupil %d, class %d' % (index, index // 30)}
                for index in range(total)]
        sides = [('ping', [{'ansible.builtin.ping': {}}]),
                 ('ping carrying the rows', [{'ansible.builtin.ping': {}, 'vars': {'rows': rows}}]),
                 ('list', [{'mailops.hosted_mail.netangels_mailboxes': {'domain': 'bulk.example.net', 'mailboxes': rows}}]),
                 ('csv', [{'mailops.hosted_mail.netangels_mailboxes': {'domain': 'bulk.example.net', 'src': pupils}}])]
        modules = [('list', dict(domain='bulk.example.net', mailboxes=rows)), ('csv', dict(domain='bulk.example.net', src=pupils))]
        for name, tasks in sides:  # warm-up: the same compiled caches for every side
            bench.playbook(name, tasks)
        times = dict((name, []) for name in ['ping', 'ping carrying the rows', 'list', 'csv', 'module alone, list', 'module alone, csv'])
        rss_rerun = 0.0
        for dummy in range(runs):  # taken in turn: a load spike on a shared machine hits every side alike
            for name, tasks in sides:
                sandbox.state.request_log.clear()
                times[name].append(bench.playbook(name, tasks))
                if name in ('list', 'csv'):
                    log = sandbox.requests()
                    writes = [entry for entry in log if entry['method'] != 'GET' and entry['path'] != '/api/gateway/token/']
                    assert len(log) <= 52 and not writes, '%s: a no-change run made %d requests, %d writes' % (name, len(log), len(writes))
            for name, module_args in modules:
                again, seconds, rss = bench.module(**module_args)
                assert again['changed'] is False and again['unchanged'] == total
                times['module alone, ' + name].append(seconds)
                rss_rerun = max(rss_rerun, rss)
        figure('P2 no-change run over %d mailboxes: requests, writes (each run)' % total, '%d, %d' % (len(log), len(writes)), '<= 52, 0',
               len(log) <= 52 and not writes)
        for name, values in times.items():
            print('    P2 %-22s %s s (median %.2f s)' % (name, ' '.join('%.2f' % value for value in values), statistics.median(values)))
        ping = statistics.median(times['ping'])
        carrying = statistics.median(times['ping carrying the rows'])
        print('    P2 floor: ansible-core alone spends %.2fx the ping on a play that merely holds the %d rows (ping carrying the rows '
              '%.2f s), whatever the module does with them' % (carrying / ping, total, carrying))
        for name, dummy in modules:
            played, alone = statistics.median(times[name]), statistics.median(times['module alone, ' + name])
            figure('P2 %s: ansible-playbook %.2f s (module process alone %.2f s) / one ping task %.2f s; medians of %d'
                   % ('mailboxes: list' if name == 'list' else 'src: CSV file', played, alone, ping, runs),
                   '%.2fx' % (played / ping), '<= 1.5x', played <= 1.5 * ping)

        sandbox.set_faults([{'kind': 'latency', 'seconds': latency}])
        new = bench.csv('new.csv', 0, created)
        bulk = bench.playbook('bulk create', [{'mailops.hosted_mail.netangels_mailboxes': {'domain': 'p3.example.net', 'src': new}}])
        items = [{'name': 'user%05d' % index, 'password': BULK_PASSWORD % index, 'comment': 'Pupil %d' % index} for index in range(loop)]
        looped = bench.playbook('loop create', [{'mailops.hosted_mail.netangels_mailbox': {
            'name': '{{ item.name }}', 'domain': 'loop.example.net', 'password': '{{ item.password }}', 'comment': '{{ item.comment }}'},
            'loop': items, 'loop_control': {'label': '{{ item.name }}'}}])
        scaled = looped * created / loop
        figure('P3 create %d at %d ms: one task %.2f s; a %d-item loop %.1f s, scaled %.0f s'
               % (created, latency * 1000, bulk, loop, looped, scaled), '%.0fx' % (scaled / bulk), '>= 100x', scaled >= 100 * bulk)

        rows = [{'name': 'user%05d' % index} for index in range(created)]
        serial = bench.module(domain='p3.example.net', concurrency=1, mailboxes=[dict(r, quota=4096) for r in rows])
        parallel = bench.module(domain='p3.example.net', mailboxes=[dict(r, quota=8192) for r in rows])
        assert len(serial[0]['updated']) == len(parallel[0]['updated']) == created
        figure('P5 quota of %d at %d ms: concurrency 1 %.2f s, default (4) %.2f s' % (created, latency * 1000, serial[1], parallel[1]),
               '%.1fx' % (serial[1] / parallel[1]), '>= 3x', serial[1] >= 3 * parallel[1])

        peak = max(rss_create, rss_rerun)
        figure('peak memory of the module process over %d mailboxes (create %.0f MB, no-change run %.0f MB)'
               % (total, rss_create, rss_rerun), '%.0f MB' % peak, '<= 150 MB', peak <= 150)
    finally:
        sandbox.clear_faults()
        bench.close()


if __name__ == '__main__':
    main()
