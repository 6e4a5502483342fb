# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a playbook with ansible-runner the way AWX / Automation Controller runs a job.

The Controller writes a *private data dir* for every job and hands it to ansible-runner:
``env/envvars`` (the job's environment, where the credentials' injectors put their variables),
``env/extravars``, ``env/cmdline`` (the verbosity), ``inventory/hosts`` and ``project/`` (a copy
of the project); ansible-runner writes ``artifacts/<ident>/`` (``rc``, ``status``, ``stdout``,
``job_events/*.json``). The Controller stores and shows ``stdout`` and the job events.

Inside an execution environment the collection is installed and ``requests`` is there; here the
collection comes from ``ANSIBLE_COLLECTIONS_PATH`` (the collection copy) and the modules run with the
Python that runs ansible-playbook (``ansible_playbook_python``), as in the EE.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
CREDENTIAL_TYPES_DIR = COLLECTION_ROOT / 'extensions' / 'awx' / 'credential_types'
PROJECT_DIR = Path(__file__).resolve().parent / 'project'
VERBOSITY = '-vvvv'  # a job template's highest verbosity, "4 (Connection Debug)": the most output to search
JOB_TIMEOUT = 300


def collections_path():
    """The folder that holds ``ansible_collections/`` (the collection copy's parent of it)."""
    root = COLLECTION_ROOT.parents[2]
    if COLLECTION_ROOT.parents[1].name != 'ansible_collections':
        raise RuntimeError('run the tests from a copy at .../ansible_collections/mailops/hosted_mail (make controller), not from %s' % COLLECTION_ROOT)
    return str(root)


def load_credential_type(name):
    """The credential type shipped as ``extensions/awx/credential_types/<name>.yml``."""
    with open(CREDENTIAL_TYPES_DIR / ('%s.yml' % name), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def sandbox_credentials():
    """The sandbox seed's API key, static token, OAuth token and organisation (hack/sandbox_vars.py)."""
    spec = importlib.util.spec_from_file_location('sandbox_vars', COLLECTION_ROOT / 'hack' / 'sandbox_vars.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.credentials(str(COLLECTION_ROOT / 'tests' / 'sandbox' / 'seed.json'))


def make_private_data_dir(path, envvars, extravars=None):
    """Write a job's private data dir at ``path`` (a new folder) and return it."""
    path = Path(path)
    (path / 'env').mkdir(parents=True)
    (path / 'inventory').mkdir()
    shutil.copytree(PROJECT_DIR, path / 'project')
    if not all(isinstance(value, str) for value in envvars.values()):
        raise ValueError('environment values must be strings: %r' % sorted(envvars))
    (path / 'env' / 'envvars').write_text(yaml.safe_dump(envvars, default_flow_style=False), encoding='utf-8')
    (path / 'env' / 'extravars').write_text(yaml.safe_dump(extravars or {}, default_flow_style=False), encoding='utf-8')
    (path / 'env' / 'cmdline').write_text(VERBOSITY, encoding='utf-8')
    (path / 'inventory' / 'hosts').write_text(
        'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n', encoding='utf-8')
    return path


class Job(object):
    """One ``ansible-runner run`` process and, once it has finished, its artifacts."""

    def __init__(self, private_data_dir, playbook, ident, process_env=None):
        self.private_data_dir = Path(private_data_dir)
        self.playbook = playbook
        self.ident = ident
        self.artifacts = self.private_data_dir / 'artifacts' / ident
        # as in an EE: the collection is installed (here: found through ANSIBLE_COLLECTIONS_PATH), nothing
        # else of this test process leaks in
        env = dict((key, value) for key, value in os.environ.items() if key != 'PYTHONPATH')
        env.update(ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR='1')
        env.update(process_env or {})
        # ansible-runner is installed beside this Python (the tooling venv); so is ansible-playbook.
        bindir = os.path.dirname(sys.executable)
        env['PATH'] = bindir + os.pathsep + env.get('PATH', '')
        self._log = open(self.private_data_dir / 'runner.log', 'wb')  # pylint: disable=consider-using-with
        self._process = subprocess.Popen(  # pylint: disable=consider-using-with
            [os.path.join(bindir, 'ansible-runner'), 'run', str(self.private_data_dir), '-p', playbook, '-i', ident],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

    def wait(self, timeout=JOB_TIMEOUT):
        """Wait for the job; return self."""
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise
        finally:
            self._log.close()
        return self

    @property
    def status(self):
        """``successful``, ``failed``, ``timeout`` or ``canceled``, as the Controller shows it."""
        return (self.artifacts / 'status').read_text(encoding='utf-8').strip()

    @property
    def stdout_file(self):
        return self.artifacts / 'stdout'

    @property
    def stdout(self):
        return self.stdout_file.read_text(encoding='utf-8', errors='replace')

    @property
    def event_files(self):
        return sorted((self.artifacts / 'job_events').glob('*.json'))

    def artifact_files(self, but=()):
        """Every file ansible-runner wrote for the job (``artifacts/<ident>/**``), except the names in ``but``."""
        return sorted(path for path in self.artifacts.rglob('*') if path.is_file() and path.name not in but)

    def events(self):
        """The job events, in order."""
        events = [json.loads(path.read_text(encoding='utf-8')) for path in self.event_files]
        return sorted(events, key=lambda event: event.get('counter', 0))

    def task_results(self, task_name):
        """``event_data`` (with ``res``) of every result event of a task: ok, failed, item ok, item failed."""
        return [event['event_data'] for event in self.events()
                if event.get('event') in ('runner_on_ok', 'runner_on_failed', 'runner_item_on_ok', 'runner_item_on_failed')
                and event['event_data'].get('task') == task_name]

    def what_went_wrong(self):
        """The end of the job's stdout and runner's own log, for an assertion message."""
        tail = self.stdout[-6000:] if self.stdout_file.exists() else '(no stdout)'
        log = (self.private_data_dir / 'runner.log').read_text(encoding='utf-8', errors='replace')[-2000:]
        return 'job %s: status %s\n--- stdout (end) ---\n%s\n--- ansible-runner (end) ---\n%s' % (
            self.ident, self.status if (self.artifacts / 'status').exists() else '?', tail, log)


def check_secrets(paths, issued_file, secrets_file=None):
    """Run hack/check_secrets.py (the integration stage's secrets check) on ``paths``.

    It looks for the sandbox seed's keys, tokens and passwords, every token the sandbox issued and
    every secret it learnt (``issued_file``, a saved ``GET /_sandbox/issued-tokens``), and the lines of
    ``secrets_file``. Returns the finished process: ``returncode`` 0 clean, 1 a leak, 2 bad input.
    """
    command = [sys.executable, str(COLLECTION_ROOT / 'hack' / 'check_secrets.py'),
               '--seed', str(COLLECTION_ROOT / 'tests' / 'sandbox' / 'seed.json'), '--issued', str(issued_file)]
    if secrets_file:
        command += ['--secrets-file', str(secrets_file)]
    return subprocess.run(command + [str(path) for path in paths], capture_output=True, text=True, check=False)
