# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared fixtures: ``http`` (an ordered script of expected HTTP calls), ``run_module`` (drive a
module's ``main()`` and get its result) and ``sandbox`` (the API sandbox, started once)."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.tests.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401 pylint: disable=unused-import
from ansible_collections.mailops.hosted_mail.tests.unit.helpers import ScriptedHTTP, run_module_main


@pytest.fixture
def http(monkeypatch):
    """Every request goes to this script; the test fails on any missing or extra call."""
    script = ScriptedHTTP(monkeypatch)
    yield script
    script.assert_done()


@pytest.fixture
def run_module():
    return run_module_main


@pytest.fixture(autouse=True)
def token_cache_dir(tmp_path, monkeypatch):
    """Modules cache NetAngels tokens in this test's own directory, never in the user's cache."""
    path = tmp_path / 'netangels-token-cache'
    monkeypatch.setenv('NETANGELS_TOKEN_CACHE_DIR', str(path))
    monkeypatch.delenv('NETANGELS_TOKEN_CACHE', raising=False)
    return path


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    """Retries never really wait in unit tests; the waits asked for are recorded instead."""
    waits = []
    monkeypatch.setattr(_http, 'pause', waits.append)
    return waits


@pytest.fixture(autouse=True)
def module_side(monkeypatch):
    """Modules run here as on a managed node, whatever a test imported before.

    Importing controller code (``ansible.errors`` in a filter plugin's test) marks the whole
    process as the controller on ansible-core 2.19 and later; a module's warnings are then printed
    instead of returned, and a test that reads them depends on which tests ran before it.
    """
    try:
        from ansible.module_utils import _internal  # pylint: disable=import-outside-toplevel
    except ImportError:  # ansible-core before 2.19 has no such switch
        return
    monkeypatch.setattr(_internal, 'is_controller', False, raising=False)
