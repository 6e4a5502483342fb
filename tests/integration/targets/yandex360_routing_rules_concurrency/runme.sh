#!/usr/bin/env bash
# Lost updates: 20 forks and 10 async loop items add 30 different rules to one organisation at the
# same time (exclusive: false); afterwards all 30 must be there, each written exactly once.
#
# ansible-test does not pass integration_config.yml to script targets: it is read from
# ../../integration_config.yml (the same path in the source tree and in ansible-test's copy).
#
# The sandbox delays every rule-list request by LATENCY seconds (default 0.2) so that the tasks'
# read-modify-write cycles overlap. Measured on a development machine (ansible-core 2.19, -f 20),
# rules present afterwards out of the 30 added, with the module's safeguards switched off in a copy:
#
#   LATENCY  no lock, no read-back     no lock, read-back+re-apply       lock + read-back (as shipped)
#   0        16/30, 14 lost silently   19/30, 9 tasks failed, 3 lost      -
#   0.2      12/30, 18 lost silently   14/30, 16 tasks failed, 0 lost     30/30, 30 PUTs, 0 failed, ~46 s
#   0.5      10/30, 20 lost silently   13-16/30, 13-17 failed, 0-1 lost   30/30, 30 PUTs, 0 failed, ~75 s
#
# ("lost silently": the task reported ok, but another task overwrote its rule; ranges are from two
# runs.) With the lock every task reads the list its predecessor wrote, so each writes exactly once
# (30 PUTs); the playbook asserts that too.
set -eux

ansible-playbook -i inventory.ini -f 20 -e @../../integration_config.yml concurrency.yml "$@"
