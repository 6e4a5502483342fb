# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection as users get it: ``ansible-galaxy collection build``, ``install`` into a fresh
path, ``verify --offline``; the tarball ships what AWX / Automation Controller needs."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = os.path.dirname(sys.executable)
GALAXY = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
FQCN = '%s.%s' % (GALAXY['namespace'], GALAXY['name'])
SHIPPED = [  # what the Controller, ansible-builder and users rely on, beside the plugins
    'extensions/awx/credential_types/netangels.yml',
    'extensions/awx/credential_types/yandex360.yml',
    'meta/execution-environment.yml',
    'meta/runtime.yml',
    'requirements.txt',
    'bindep.txt',
    'docs/docsite/extra-docs.yml',
    'docs/docsite/rst/awx.rst',
]


def tool(name, *args, **env):
    """Run a tool of the tooling venv as a user would; return the finished process (output captured)."""
    clean = dict((key, value) for key, value in os.environ.items() if key not in ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH'))
    clean.update(env, PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    return subprocess.run([os.path.join(BIN, name)] + list(args), capture_output=True, text=True, check=False, env=clean)


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp('dist')
    built = tool('ansible-galaxy', 'collection', 'build', '--output-path', str(out), str(ROOT))
    assert built.returncode == 0, built.stdout + built.stderr
    return out / ('%s-%s-%s.tar.gz' % (GALAXY['namespace'], GALAXY['name'], GALAXY['version']))


def test_the_tarball_ships_what_the_controller_needs_and_no_build_leftovers(tarball, capsys):
    with tarfile.open(str(tarball)) as archive:
        names = archive.getnames()
        files = [member for member in archive.getmembers() if member.isfile()]
    missing = [path for path in SHIPPED if path not in names]
    assert not missing
    assert sorted(name for name in names if name.startswith('plugins/modules/') and name.endswith('.py')) == sorted(
        'plugins/modules/%s' % path.name for path in (ROOT / 'plugins' / 'modules').glob('*.py'))
    leftovers = [name for name in names if name.split('/')[0] in ('.venv', 'build', '.git', 'collections', '.ansible')
                 or name.startswith('tests/output') or '__pycache__' in name]
    assert not leftovers
    with capsys.disabled():
        print('\ndist: %s: %d files (%d entries with folders), %.1f KiB' % (
            tarball.name, len(files), len(names), tarball.stat().st_size / 1024.0))


def test_install_into_a_fresh_path_then_verify_offline(tarball, tmp_path):
    fresh = tmp_path / 'collections'
    installed = tool('ansible-galaxy', 'collection', 'install', str(tarball), '-p', str(fresh))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    root = fresh / 'ansible_collections' / GALAXY['namespace'] / GALAXY['name']
    assert (root / 'MANIFEST.json').is_file() and (root / 'FILES.json').is_file()

    verified = tool('ansible-galaxy', 'collection', 'verify', '--offline', FQCN, ANSIBLE_COLLECTIONS_PATH=str(fresh))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert 'Successfully verified' in verified.stdout

    # the installed modules work from there
    doc = tool('ansible-doc', '-t', 'module', '%s.yandex360_routing_rules' % FQCN, ANSIBLE_COLLECTIONS_PATH=str(fresh))
    assert doc.returncode == 0 and 'YANDEX360_LOCK_DIR' in doc.stdout, doc.stderr

    # verify sees a changed file
    with open(root / 'plugins' / 'modules' / 'yandex360_routing_rules.py', 'a', encoding='utf-8') as handle:
        handle.write('# changed after install\n')
    tampered = tool('ansible-galaxy', 'collection', 'verify', '--offline', FQCN, ANSIBLE_COLLECTIONS_PATH=str(fresh))
    assert tampered.returncode != 0
    assert 'plugins/modules/yandex360_routing_rules.py' in tampered.stdout + tampered.stderr
