# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The API sandbox: a real HTTP server on loopback that behaves like the NetAngels mail API and the
Yandex 360 mail routing API, with a control interface and fault injection.

``SandboxServer`` runs it in a background thread; ``python -m tests.sandbox`` runs it from the
command line; ``create_app(state)`` returns the bare Flask app. Every assumption about
undocumented vendor behaviour lives in ``assumptions``. See ``docs/docsite/rst/sandbox.rst``.
"""

from __future__ import annotations

from .app import create_app
from .server import SandboxServer
from .state import DEFAULT_SEED_FILE, SandboxState, load_seed_file

__all__ = ["DEFAULT_SEED_FILE", "SandboxServer", "SandboxState", "create_app", "load_seed_file"]
