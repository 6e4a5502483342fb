# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures: ``sandbox`` (the API sandbox, reset before each test) and ``issued_secrets`` (saves
what the sandbox issued and learnt, for the secrets check)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.mailops.hosted_mail.tests.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401 pylint: disable=unused-import


@pytest.fixture
def issued_secrets(sandbox, tmp_path):  # pylint: disable=redefined-outer-name
    """A function that writes the sandbox's ``/_sandbox/issued-tokens`` answer to a file and returns its path."""
    def save():
        with sandbox.state.lock:
            data = {'tokens': list(sandbox.state.issued_tokens), 'secrets': sorted(sandbox.state.secrets)}
        path = tmp_path / 'issued-tokens.json'
        path.write_text(json.dumps(data), encoding='utf-8')
        return path, data
    return save
