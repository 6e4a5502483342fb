#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Onboarding with the mailbox_onboarding role against a loop of netangels_mailbox tasks.

Onboards N people (default 200; every tenth joins the group mailbox ``staff``) into a domain that
already has M mailboxes (default 2,000), with ``ansible-playbook`` against the API sandbox (in
this process, on 127.0.0.1, a fixed latency on every answer):

* the ``mailbox_onboarding`` role: one ``netangels_mailboxes`` task, one alias task per group;
* the same role again: nothing to change (no write);
* the baseline: a loop of ``netangels_mailbox`` tasks (one per person) plus a loop of
  ``netangels_mailbox_alias`` tasks (one per person who joins the group). It is timed on the
  first ``--baseline-people`` people (default 20, a tenth joining the group) and scaled linearly
  to N, which the output says; ``--baseline-people N`` times it whole.

Both generate each password into a 0600 file, as the role does. The request counts are the
sandbox's request log (token exchanges included); writes are requests other than GET and the
token exchange.

Usage: ``python tests/benchmark/onboarding.py [--people 200] [--mailboxes 2000]`` from a tree
placed at ``.../ansible_collections/mailops/hosted_mail`` (``make bench`` does that).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from ansible_collections.mailops.hosted_mail.tests.sandbox import SandboxServer

KEY = 'sandbox-api-key-0123456789'
DOMAIN = 'big.example.net'
GROUP = 'staff'
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..'))

ROLE_PLAY = '''
- name: Onboarding with the role
  hosts: localhost
  connection: local
  gather_facts: false
  vars_files: [people.json]
  roles:
    - role: mailops.hosted_mail.mailbox_onboarding
      vars:
        mailbox_onboarding_domain: %(domain)s
        mailbox_onboarding_people: "{{ people }}"
        mailbox_onboarding_credentials_dir: "{{ playbook_dir }}/credentials"
'''

LOOP_PLAY = '''
- name: Onboarding with a loop of single-mailbox tasks
  hosts: localhost
  connection: local
  gather_facts: false
  vars_files: [people.json]
  tasks:
    - name: One netangels_mailbox task per person
      mailops.hosted_mail.netangels_mailbox:
        name: "{{ item.name }}@%(domain)s"
        comment: "{{ item.full_name }}"
        password: "{{ lookup('ansible.builtin.password', playbook_dir ~ '/credentials/' ~ item.name ~ '@%(domain)s', length=20) }}"
      loop: "{{ people }}"
      loop_control:
        label: "{{ item.name }}"
      no_log: true

    - name: One netangels_mailbox_alias task per person who joins the group
      mailops.hosted_mail.netangels_mailbox_alias:
        mailbox: %(group)s@%(domain)s
        aliases: "{{ item.name }}@%(domain)s"
      loop: "{{ people | selectattr('groups') }}"
      loop_control:
        label: "{{ item.name }}"
'''


def people(count):
    """The new people: every tenth joins the group."""
    return [dict(name='new%04d' % index, full_name='New Person %d' % index, groups=[GROUP] if index % 10 == 0 else [])
            for index in range(count)]


def run_playbook(sandbox, workdir, play, group, count):
    """Run ``play`` for the first ``count`` people; return (requests, writes, seconds)."""
    shutil.rmtree(os.path.join(workdir, 'credentials'), ignore_errors=True)
    with open(os.path.join(workdir, 'people.json'), 'w', encoding='utf-8') as handle:
        json.dump({'people': people(count)}, handle)
    playbook = os.path.join(workdir, 'play.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        handle.write(play % dict(domain=DOMAIN, group=group))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT, NETANGELS_API_URL=sandbox.url,
               NETANGELS_AUTH_URL=sandbox.url + '/api/gateway/token/', NETANGELS_API_KEY=KEY,
               ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    ansible_playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    sandbox.state.request_log.clear()
    started = time.perf_counter()
    done = subprocess.run([ansible_playbook, playbook], env=env, cwd=workdir, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit('ansible-playbook failed:\n%s%s' % (done.stdout[-4000:], done.stderr[-2000:]))
    log = sandbox.requests()
    writes = [entry for entry in log if entry['method'] not in ('GET', 'HEAD') and entry['path'] != '/api/gateway/token/']
    return len(log), len(writes), seconds


def row(name, figures):
    print('%-62s %9d %7d %9.1f' % ((name,) + tuple(figures)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--people', type=int, default=200)
    parser.add_argument('--mailboxes', type=int, default=2000, help='mailboxes the domain has before')
    parser.add_argument('--baseline-people', type=int, default=20, help='people the loop baseline is timed on (then scaled)')
    parser.add_argument('--latency', type=float, default=0.005, help='seconds added to every API answer')
    args = parser.parse_args()
    baseline_people = min(args.baseline_people, args.people)

    existing = [{'domain': DOMAIN, 'name': 'user%04d' % i, 'password': 'Bench-Password-%d' % i, 'comment': 'Seeded mailbox %d' % i}
                for i in range(args.mailboxes - 1)]
    existing.append({'domain': DOMAIN, 'name': GROUP, 'password': 'Bench-Group-Password', 'comment': 'Everyone', 'aliases': ['boss@example.com']})
    joiners = len([person for person in people(args.people) if person['groups']])
    workdir = tempfile.mkdtemp(prefix='onboarding-bench-')
    try:
        with SandboxServer() as sandbox:
            def fresh():
                sandbox.reset()
                sandbox.seed({'netangels': {'mailboxes': existing}})
                sandbox.set_faults([{'kind': 'latency', 'seconds': args.latency}])

            print('\nOnboarding %d people (%d join the group mailbox %s) into %s, which has %d mailboxes; %.1f ms latency per answer\n'
                  % (args.people, joiners, GROUP, DOMAIN, args.mailboxes, args.latency * 1000))
            print('%-62s %9s %7s %9s' % ('scenario', 'requests', 'writes', 'seconds'))
            fresh()
            role = run_playbook(sandbox, workdir, ROLE_PLAY, GROUP, args.people)
            boxes = [mailbox for mailbox in sandbox.snapshot()['netangels']['mailboxes'] if mailbox['name'].startswith('new')]
            group = [mailbox for mailbox in sandbox.snapshot()['netangels']['mailboxes'] if mailbox['name'] == GROUP][0]
            assert len(boxes) == args.people and len(group['aliases']) == joiners + 1, 'the role did not onboard everyone'
            row('mailbox_onboarding role (one bulk task + one per group)', role)
            again = run_playbook(sandbox, workdir, ROLE_PLAY, GROUP, args.people)
            assert again[1] == 0, 'a second run of the role must write nothing'
            row('  the same role again (nothing to change)', again)

            fresh()
            loop = run_playbook(sandbox, workdir, LOOP_PLAY, GROUP, baseline_people)
            scale = float(args.people) / baseline_people
            if baseline_people == args.people:
                row('loop of netangels_mailbox + netangels_mailbox_alias tasks', loop)
            else:
                row('loop of netangels_mailbox + _alias tasks, %d people timed' % baseline_people, loop)
                loop = tuple(value * scale for value in loop)
                row('  ... scaled to %d people' % args.people, loop)
            print('\n-> the role: %.1fx fewer requests, %.1fx fewer writes, %.1fx faster than the loop'
                  % (loop[0] / role[0], loop[1] / max(role[1], 1), loop[2] / role[2]))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
