# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection tarball: built with ``ansible-galaxy collection build`` from a copy of this tree
dirtied with what a developer's checkout collects (caches, venvs, editor backups, test output,
sandbox files), it holds none of that, only files under an allow-list of top-level entries, and
it ships the licence the file headers point to."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils._version import COLLECTION_VERSION

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Everything the tarball may hold at its top (MANIFEST.json and FILES.json are written by the build).
ALLOWED_TOP_LEVEL = {
    'MANIFEST.json', 'FILES.json', 'README.md', 'COPYING', 'LICENSES', 'CHANGELOG.rst', 'CHANGELOG.md',
    'requirements.txt', 'bindep.txt', 'changelogs', 'demo', 'docs', 'examples', 'extensions', 'meta', 'plugins', 'roles', 'playbooks',
    'tests',
}

# What must never be shipped: what a checkout collects, and the developer tooling. A trailing
# slash makes (or fills) a folder with one file in it.
DIRT = [
    '.coverage', 'tests/.coverage', '.coverage.host.1234',
    '.mypy_cache/', 'plugins/.mypy_cache/',
    'nohup.out', 'tests/nohup.out',
    '.sandbox-url', 'tests/integration/.sandbox-url',
    'foo.json.bak', 'tests/sandbox/state.json~', 'demo/seed.json.bak', 'plugins/modules/netangels_mailbox.py.swp',
    '.venv/', 'build/', 'collections/', '.ansible/', '.cache/', '.pytest_cache/', 'tests/unit/.pytest_cache/',
    'tests/output/', 'docs/build/', 'htmlcov/', 'coverage.xml', 'demo/.state/',
    'plugins/module_utils/__pycache__/', 'tests/unit/__pycache__/', 'plugins/modules/stray.pyc',
    'tests/integration/inventory', 'tests/integration/integration_config.yml',
    'mailops-hosted_mail-0.0.1.tar.gz', 'sandbox.log', 'hack/', 'Makefile', '.git/', 'execution-environment/',
    'noxfile.py', 'antsibull-nox.toml', '.nox/',
]

# What the tarball must hold.
REQUIRED = [
    'README.md', 'COPYING', 'LICENSES/GPL-3.0-or-later.txt', 'CHANGELOG.rst', 'changelogs/changelog.yaml',
    'meta/runtime.yml', 'requirements.txt', 'plugins/modules/netangels_mailbox.py',
    'plugins/module_utils/_token_cache.py', 'plugins/doc_fragments/netangels.py',
]


def dirty_copy(destination):
    """Copy the collection (without its test output and VCS data), then add DIRT to the copy."""
    shutil.copytree(COLLECTION, destination, symlinks=True, ignore=shutil.ignore_patterns('.git', 'output', '__pycache__'))
    for entry in DIRT:
        path = os.path.join(destination, entry.rstrip('/'))
        if entry.endswith('/'):
            os.makedirs(path, exist_ok=True)
            path = os.path.join(path, 'left-behind.txt')
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as handle:
            handle.write('dirt\n')


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    work = tmp_path_factory.mktemp('packaging')
    source = str(work / 'ansible_collections' / 'mailops' / 'hosted_mail')
    dirty_copy(source)
    env = dict(os.environ, ANSIBLE_HOME=str(work / 'ansible-home'), ANSIBLE_NOCOLOR='1')
    done = subprocess.run([sys.executable, '-m', 'ansible.cli.galaxy', 'collection', 'build', '--output-path', str(work), source],
                          env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout
    built = [name for name in os.listdir(str(work)) if name.endswith('.tar.gz')]
    assert len(built) == 1, built
    with tarfile.open(str(work / built[0])) as archive:
        members = {member.name: member for member in archive.getmembers()}
        manifest = json.load(archive.extractfile('MANIFEST.json'))
        licence = archive.extractfile('LICENSES/GPL-3.0-or-later.txt').read()
        copying = archive.extractfile('COPYING').read()
    return dict(members=members, manifest=manifest, licence=licence, copying=copying)


@pytest.mark.parametrize('entry', DIRT)
def test_nothing_a_checkout_collects_is_shipped(tarball, entry):
    name = entry.rstrip('/')
    shipped = [member for member in tarball['members'] if member == name or member.startswith(name + '/')]
    assert shipped == []


def test_only_allowed_top_level_entries_are_shipped(tarball):
    top = {name.split('/', 1)[0] for name in tarball['members']}
    assert top <= ALLOWED_TOP_LEVEL, sorted(top - ALLOWED_TOP_LEVEL)


def test_no_hidden_file_cache_or_backup_anywhere(tarball):
    for name in tarball['members']:
        parts = name.split('/')
        assert not any(part.startswith('.') or part == '__pycache__' for part in parts), name
        assert not name.endswith(('.bak', '~', '.pyc', '.swp', '.out', '.log', '.tar.gz')), name


@pytest.mark.parametrize('path', REQUIRED)
def test_what_users_need_is_shipped(tarball, path):
    assert tarball['members'][path].isfile()


def test_the_licence_the_headers_name_is_the_gpl_3(tarball):
    assert b'GNU GENERAL PUBLIC LICENSE' in tarball['licence'] and b'Version 3, 29 June 2007' in tarball['licence']
    assert b'END OF TERMS AND CONDITIONS' in tarball['licence']
    assert tarball['copying'] == tarball['licence']
    assert tarball['manifest']['collection_info']['license'] == ['GPL-3.0-or-later']


def test_the_tarball_is_the_version_galaxy_yml_names(tarball):
    assert tarball['manifest']['collection_info']['version'] == COLLECTION_VERSION
