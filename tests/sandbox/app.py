# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flask application: both vendor APIs, the control interface, fault injection and the request log.

Both APIs live on one port (their paths do not overlap). For every API request (not for
``/_sandbox/``), a ``before_request`` hook asks the fault plan what to do: wait, answer with an
error instead, or mark the request so the connection is closed without an answer (``drop``:
before anything is processed; ``lost_response``: after the view has committed its change). The
closing is done by ``DropConnectionMiddleware`` around the WSGI app, by raising
``ConnectionDropped``; werkzeug's server treats it as a dropped connection and writes nothing,
and ``server.SandboxRequestHandler`` then closes the socket. An ``after_request`` hook records
each API request in the request log, with secrets masked.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from http import HTTPStatus

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from . import assumptions, netangels, yandex360
from . import control as control_interface
from .state import SandboxState, current_state

CONTROL_PREFIX = "/_sandbox/"
"""Path prefix of the control interface (never faulted, never logged)."""

YANDEX_PREFIX = "/admin/"
"""Path prefix of the Yandex 360 API (its errors have the Yandex shape)."""

DROP_ENVIRON_KEY = "mailops_sandbox.drop"
"""WSGI environ key set to the fault kind when the connection must be closed without an answer."""

SECRET_KEYS = frozenset(("password", "api_key", "token", "api_token", "oauth_token"))
"""Body keys whose values the request log masks."""

MASK = "********"
"""What a masked value looks like in the request log."""

PROXY_PAGE = "<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}</h1></center><hr><center>nginx</center></body></html>\n"
"""The front proxy's error page (see ``assumptions.PROXY_HTML_STATUSES``)."""


class ConnectionDropped(ConnectionAbortedError):
    """Raised by ``DropConnectionMiddleware``; werkzeug's server answers nothing when it sees it."""


class DropConnectionMiddleware:  # pylint: disable=too-few-public-methods
    """WSGI middleware: after the app ran, drop the connection if the request was marked for it."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        result = self.wsgi_app(environ, start_response)
        kind = environ.get(DROP_ENVIRON_KEY)
        if kind:
            if hasattr(result, "close"):
                result.close()
            raise ConnectionDropped("sandbox fault: %s" % kind)
        return result


def create_app(state: SandboxState, control: bool = True) -> Flask:
    """Return a Flask app serving both vendor APIs and (unless ``control`` is False) the control interface from ``state``."""
    app = Flask(__name__)
    app.json.sort_keys = False
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    app.extensions["mailops_sandbox"] = state
    if control:
        app.register_blueprint(control_interface.blueprint)
    app.register_blueprint(netangels.gateway)
    app.register_blueprint(netangels.mail)
    app.register_blueprint(yandex360.blueprint)
    app.before_request(inject_faults)
    app.after_request(log_request)
    app.after_request(churn)
    app.register_error_handler(HTTPException, http_error)
    app.wsgi_app = DropConnectionMiddleware(app.wsgi_app)
    return app


def api_error(status: int, message: str) -> Response:
    """Return an error answer shaped like the API the request was for."""
    if request.path.startswith(YANDEX_PREFIX):
        response = jsonify(assumptions.yandex_error(status, message))
    else:
        response = jsonify(assumptions.netangels_error(message))
    response.status_code = status
    return response


def inject_faults():
    """``before_request``: apply the fault plan to an API request; refuse paths missing their slash."""
    if request.path.startswith(CONTROL_PREFIX):
        return None
    g.sandbox_started = time.monotonic()
    state = current_state()
    with state.lock:
        latency, fault = state.faults.decide(request.method, request.path)
    g.sandbox_fault = fault
    if latency:
        time.sleep(latency)
    if fault is not None and fault.kind == "silent":
        hold(state, fault)
        request.environ[DROP_ENVIRON_KEY] = fault.kind
        return Response(status=500)
    if fault is not None and fault.kind in ("drop", "lost_response"):
        request.environ[DROP_ENVIRON_KEY] = fault.kind
        if fault.kind == "drop":
            return Response(status=500)
    elif fault is not None and fault.kind == "200":
        return Response(fault.body, status=200, mimetype="application/json")
    elif fault is not None and fault.kind == "churn":
        pass  # answered normally; ``churn`` changes the domain afterwards
    elif fault is not None:
        status = int(fault.kind)
        reason = HTTPStatus(status).phrase
        if status in assumptions.PROXY_HTML_STATUSES:
            response = Response(PROXY_PAGE.format(code=status, reason=reason), status=status, mimetype="text/html")
        else:
            response = api_error(status, reason.lower())
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response
    if isinstance(request.routing_exception, RequestRedirect):
        return api_error(assumptions.MISSING_TRAILING_SLASH_STATUS, "not found: %s %s (mind the trailing slash)" % (request.method, request.path))
    return None


def hold(state: SandboxState, fault) -> None:
    """A ``silent`` fault: keep the request unanswered for ``fault.seconds``, or until the rule leaves the plan."""
    until = time.monotonic() + fault.seconds
    while time.monotonic() < until:
        with state.lock:
            if not any(rule is fault for rule in state.faults.rules):
                return
        time.sleep(0.1)


def churn(response: Response) -> Response:
    """``after_request``: a ``churn`` fault acts as another client changing the request's domain."""
    fault = g.get("sandbox_fault")
    if fault is None or fault.kind != "churn" or response.status_code >= 400:
        return response
    state = current_state()
    with state.lock:
        domain_id = (request.view_args or {}).get("domain_id") or min(state.domains, default=None)
        if domain_id is None:
            return response
        mailboxes = state.domain_mailboxes(domain_id)
        if fault.change == "delete" and mailboxes:
            del state.mailboxes[mailboxes[0]["id"]]
        elif fault.change == "add":
            state.add_mailbox(domain_id, "churn-%d" % state.next_mailbox_id, assumptions.new_token())
    return response


def http_error(exc: HTTPException):
    """Answer 404, 405 and the like as JSON in the shape of the API the path belongs to."""
    response = exc.get_response()
    body = api_error(exc.code or 500, "%s: %s %s" % (exc.name.lower(), request.method, request.path))
    response.set_data(body.get_data())
    response.content_type = "application/json"
    return response


def log_request(response: Response) -> Response:
    """``after_request``: add the API request to the request log."""
    if request.path.startswith(CONTROL_PREFIX):
        return response
    fault = g.get("sandbox_fault")
    started = g.get("sandbox_started", time.monotonic())
    entry = {
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "method": request.method,
        "path": request.path,
        "query": request.args.to_dict(),
        "status": None if fault is not None and fault.kind in ("drop", "silent") else response.status_code,
        "fault": fault.kind if fault is not None else None,
        "auth": request.headers.get("Authorization", "").partition(" ")[0] or None,
        "body": logged_body(),
        "duration": round(time.monotonic() - started, 4),
    }
    state = current_state()
    with state.lock:
        state.log_request(entry)
    return response


def logged_body():
    """Return the request body for the log: parsed JSON or form fields with secrets masked, files by name."""
    if request.is_json:
        body = request.get_json(silent=True)
        return mask(body) if body is not None else {"unparsed_bytes": len(request.get_data())}
    if request.form or request.files:
        body = mask(request.form.to_dict())
        for field, upload in request.files.items():
            body[field] = {"filename": upload.filename, "content_type": upload.content_type}
        return body
    data = request.get_data()
    return {"unparsed_bytes": len(data)} if data else None


def mask(value):
    """Return ``value`` with every secret value (see SECRET_KEYS) replaced by MASK, at any depth."""
    if isinstance(value, dict):
        return {key: MASK if str(key).lower() in SECRET_KEYS and value[key] not in (None, "") else mask(value[key]) for key in value}
    if isinstance(value, list):
        return [mask(item) for item in value]
    return value
