# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``SandboxServer``: the sandbox served by werkzeug's threaded server in a background thread.

Usage::

    with SandboxServer() as sandbox:            # default seed; SandboxServer(seed={}) is empty
        requests.get(sandbox.url + "/_sandbox/state")
        sandbox.set_faults([{"kind": "503", "next": 1}])

The helper methods (``reset``, ``seed``, ``set_faults`` ...) act on the state directly, exactly as
the matching ``/_sandbox/`` endpoints do.
"""

from __future__ import annotations

import ipaddress
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import create_app
from .faults import FaultPlan
from .state import SandboxState, check_settings, load_seed_file
from .writes import summarise


class SandboxRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler, made to close dropped connections and to log only on request."""

    def connection_dropped(self, error, environ=None) -> None:
        """Close the connection: nothing was answered, so the client sees it closed (injected faults too)."""
        self.close_connection = True

    def log_request(self, code="-", size="-") -> None:
        """Write an access-log line only when the server was started with ``access_log=True``."""
        if getattr(self.server, "sandbox_access_log", False):
            super().log_request(code, size)


def check_loopback(host: str) -> str:
    """Return ``host`` when it is a loopback address (``localhost`` means 127.0.0.1); raise ValueError."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ValueError("the sandbox only listens on loopback addresses (127.0.0.1, ::1), not %r" % host)


class SandboxServer:
    """Run the sandbox on ``host:port`` (port 0: the OS picks one) in a background thread.

    ``seed``: a seed dict; None loads the default ``seed.json``; ``{}`` starts empty.
    ``settings``: behaviour switches applied after the seed (see ``state.SETTINGS_DEFAULTS``).
    ``faults``: the start fault plan (see ``faults``). A reset returns to seed, settings and faults.
    ``control``: False serves the two vendor APIs only, without ``/_sandbox/`` (404 there), as a real
    server would (the live-mode self-test, ``python -m tests.live --self-test``).
    """

    def __init__(self, seed: dict | None = None, host: str = "127.0.0.1", port: int = 0, settings: dict | None = None,
                 faults: list | dict | None = None, access_log: bool = False, control: bool = True) -> None:
        if seed is None:
            seed = load_seed_file()
        if settings:
            seed = dict(seed, settings=dict(seed.get("settings") or {}, **check_settings(settings)))
        self.host = check_loopback(host)
        self.port = port
        self.access_log = access_log
        self.state = SandboxState(seed, faults)
        self.app = create_app(self.state, control=control)
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:40123`` (both APIs and ``/_sandbox/`` live there)."""
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "http://%s:%d" % (host, self.port)

    def start(self) -> SandboxServer:
        """Bind the socket and serve in a daemon thread; return self."""
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        self._server = make_server(self.host, self.port, self.app, threaded=True, request_handler=SandboxRequestHandler)
        self._server.sandbox_access_log = self.access_log
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sandbox-%d" % self.port, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- the control interface, in-process -----------------------------------------------------

    def reset(self, seed: dict | None = None) -> None:
        """Like ``POST /_sandbox/reset``: back to the start seed (or to ``seed``), no faults, empty log."""
        self.state.reset(seed)

    def seed(self, seed: dict) -> None:
        """Like ``POST /_sandbox/seed``: add domains, mailboxes, keys, orgs or rules."""
        self.state.apply_seed(seed)

    def set_faults(self, faults: list | dict) -> None:
        """Like ``PUT /_sandbox/faults``: a list of faults or ``{"seed": int, "faults": [...]}``."""
        plan = FaultPlan.from_dict(faults)
        with self.state.lock:
            self.state.faults = plan

    def clear_faults(self) -> None:
        """Like ``DELETE /_sandbox/faults``."""
        self.set_faults([])

    def settings(self, **changes) -> dict:
        """Like ``PUT /_sandbox/settings``: change some switches, return them all."""
        checked = check_settings(changes)
        with self.state.lock:
            self.state.settings.update(checked)
            return dict(self.state.settings)

    def requests(self, method: str | None = None, path: str = "") -> list[dict]:
        """Like ``GET /_sandbox/requests``: the request log, optionally filtered."""
        with self.state.lock:
            return [dict(entry) for entry in self.state.request_log
                    if (not method or entry["method"] == method.upper()) and entry["path"].startswith(path)]

    def writes(self) -> dict:
        """Like ``GET /_sandbox/writes``: the request log's figures per write kind, duplicates included."""
        with self.state.lock:
            return summarise(list(self.state.request_log))

    def snapshot(self) -> dict:
        """Like ``GET /_sandbox/state``."""
        with self.state.lock:
            return self.state.snapshot_view()

    def expire_tokens(self, include_static: bool = False) -> int:
        """Like ``POST /_sandbox/expire-tokens``."""
        with self.state.lock:
            return self.state.expire_tokens(include_static)
