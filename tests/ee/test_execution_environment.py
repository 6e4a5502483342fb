# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The execution environment: ``ansible-builder create`` renders
``execution-environment/execution-environment.yml`` offline (hack/ee_context.py, as
``make ee-context`` does), and the rendered build context installs ansible-core, ansible-runner,
this collection and ``requests``. ansible-builder's own introspection, run on the collection as
the image build installs it, finds ``requests`` through ``meta/execution-environment.yml``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = os.path.dirname(sys.executable)
GALAXY = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))


def run(*command):
    """Run a command as a user would (not with this test's PYTHONPATH); return the finished process."""
    env = dict((key, value) for key, value in os.environ.items() if key not in ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH'))
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, check=False, env=env)


def requirement_lines(path):
    return [line.strip() for line in path.read_text(encoding='utf-8').splitlines() if line.strip() and not line.startswith('#')]


@pytest.fixture(scope='module')
def context(tmp_path_factory):
    path = tmp_path_factory.mktemp('ee') / 'context'
    rendered = run(sys.executable, ROOT / 'hack' / 'ee_context.py', '--context', path)
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    return path


def test_the_context_installs_ansible_core_runner_the_collection_and_requests(context):
    containerfile = (context / 'Containerfile').read_text(encoding='utf-8')
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="(.*)"$', containerfile, re.M).group(1)
    assert 'ansible-core>=2.21,<2.22' in refs and 'ansible-runner>=2.4,<3' in refs
    assert '$PYCMD -m pip install --no-cache-dir $ANSIBLE_INSTALL_REFS' in containerfile

    # the collection: the galaxy stage installs _build/requirements.yml from /build, where the tarball is
    assert 'COPY _build /build' in containerfile and 'WORKDIR /build' in containerfile
    assert re.search(r'ansible-galaxy collection install .*-r requirements.yml --collections-path "/usr/share/ansible/collections"', containerfile)
    galaxy_requirements = yaml.safe_load((context / '_build' / 'requirements.yml').read_text(encoding='utf-8'))
    (entry,) = galaxy_requirements['collections']
    assert entry['type'] == 'file'
    with tarfile.open(str(context / '_build' / entry['name'])) as archive:
        manifest = json.load(archive.extractfile('MANIFEST.json'))['collection_info']
    assert (manifest['namespace'], manifest['name'], manifest['version']) == (GALAXY['namespace'], GALAXY['name'], GALAXY['version'])

    # requests and openpyxl: the collection's requirements and the optional library for .xlsx files; the builder
    # stage installs them
    ee_requirements = requirement_lines(context / '_build' / 'requirements.txt')
    assert ee_requirements == requirement_lines(ROOT / 'execution-environment' / 'requirements.txt')
    assert set(requirement_lines(ROOT / 'requirements.txt')) <= set(ee_requirements)
    assert any(line.startswith('requests') for line in ee_requirements) and any(line.startswith('openpyxl') for line in ee_requirements)
    assert '--user-pip=requirements.txt' in containerfile and 'RUN /output/scripts/assemble' in containerfile


def test_ansible_builder_introspection_reads_the_collection_metadata(context, tmp_path):
    """What the image build runs on /usr/share/ansible/collections, run on the tarball installed here."""
    collections = tmp_path / 'collections'
    installed = run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', context / '_build' / 'collections' / 'mailops-hosted_mail.tar.gz',
                    '-p', collections)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    pip, bindep = tmp_path / 'requirements.txt', tmp_path / 'bindep.txt'
    introspected = run(sys.executable, context / '_build' / 'scripts' / 'introspect.py', 'introspect', collections,
                       '--write-pip', pip, '--write-bindep', bindep)
    assert introspected.returncode == 0, introspected.stdout + introspected.stderr
    found = yaml.safe_load(introspected.stdout)
    assert found['python'] == ['%s  # from collection %s.%s' % (line, GALAXY['namespace'], GALAXY['name'])
                               for line in requirement_lines(ROOT / 'requirements.txt')]
    assert found['system'] == []  # bindep.txt lists none
    assert any(line.startswith('requests') for line in requirement_lines(pip))


def test_the_definition_for_the_red_hat_supported_ee_adds_only_the_collection_requests_and_openpyxl(tmp_path):
    """execution-environment-supported.yml: FROM ee-supported-rhel9 (ansible-core 2.16, Python 3.12), nothing of it replaced."""
    context = tmp_path / 'context'
    rendered = run(sys.executable, ROOT / 'hack' / 'ee_context.py', '--context', context,
                   '--definition', ROOT / 'execution-environment' / 'execution-environment-supported.yml')
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    containerfile = (context / 'Containerfile').read_text(encoding='utf-8')
    assert re.search(r'^ARG EE_BASE_IMAGE="registry\.redhat\.io/ansible-automation-platform-25/ee-supported-rhel9:latest"$', containerfile, re.M)
    assert not re.search(r'ANSIBLE_INSTALL_REFS=".+"', containerfile), 'ansible-core and ansible-runner come with the base image'
    assert re.search(r'ansible-galaxy collection install .*-r requirements.yml', containerfile)
    galaxy_requirements = yaml.safe_load((context / '_build' / 'requirements.yml').read_text(encoding='utf-8'))
    (entry,) = galaxy_requirements['collections']
    assert (context / '_build' / entry['name']).is_file()
    assert requirement_lines(context / '_build' / 'requirements.txt') == requirement_lines(ROOT / 'execution-environment' / 'requirements.txt')
