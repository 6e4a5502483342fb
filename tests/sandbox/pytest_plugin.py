# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pytest fixtures for the API sandbox.

``sandbox_server`` (session scope) starts one sandbox with the default seed for the whole test
session; ``sandbox`` (function scope) returns it after a reset, so every test starts from the
default seed, with no faults, default settings and an empty request log. To use them, import
both names into a ``conftest.py``::

    from ansible_collections.mailops.hosted_mail.tests.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401
"""

from __future__ import annotations

import pytest

from .server import SandboxServer


@pytest.fixture(scope="session")
def sandbox_server():
    """One running sandbox (default seed) for the test session."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server):  # pylint: disable=redefined-outer-name
    """The session's sandbox, reset to the default seed; ``sandbox.url`` is its base URL."""
    sandbox_server.reset()
    return sandbox_server
