# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The sandbox's control interface under ``/_sandbox/``: JSON, no authentication, never faulted.

- ``GET /_sandbox/health``: ``{"status": "ok"}``.
- ``POST /_sandbox/reset``: back to the start seed (no body) or to the seed in the body (``{}``: an
  empty sandbox); settings and faults go back to their start values, tokens and the request log
  are cleared.
- ``POST /_sandbox/seed``: add what the body (a seed document) describes; all or nothing.
- ``GET /_sandbox/state``: domains, mailboxes (no passwords), rules and settings.
- ``GET|PUT|DELETE /_sandbox/faults``: read, replace or clear the fault plan (see ``faults``).
- ``GET|DELETE /_sandbox/requests``: read (``?method=&path=`` filter) or clear the request log.
- ``GET /_sandbox/writes``: the request log read as writes: per kind, requests, faults, commits and
  duplicates (see ``writes``).
- ``GET|PUT /_sandbox/settings``: read or change behaviour switches (token_ttl, filter_mode, ...).
- ``POST /_sandbox/expire-tokens``: every issued token expires (``{"include_static": true}``: the
  seeded static tokens too).
- ``GET /_sandbox/issued-tokens``: ``{"tokens": [every token ever issued], "secrets": [every secret
  the sandbox knows]}``, for tests that look for leaked secrets.

Bad input answers 400 ``{"detail": "..."}``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .faults import FaultPlan
from .state import check_settings, current_state, locked
from .writes import summarise

blueprint = Blueprint("sandbox_control", __name__, url_prefix="/_sandbox")
"""Routes under ``/_sandbox``."""


class ControlError(ValueError):
    """Bad input to a control endpoint (answered with 400)."""


@blueprint.errorhandler(ControlError)
def _bad_input(exc: ControlError):
    return jsonify({"detail": str(exc)}), 400


def optional_body():
    """Return the JSON body, or None when there is none (any content type is read as JSON)."""
    if not request.get_data():
        return None
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise ControlError("the body is not valid JSON")
    return body


def apply(action, *args):
    """Run a state change, turning its ValueError into a 400."""
    try:
        return action(*args)
    except ValueError as exc:
        raise ControlError(str(exc)) from None


@blueprint.get("/health")
def health():
    """Liveness check."""
    return jsonify({"status": "ok"})


@blueprint.post("/reset")
@locked
def reset():
    """Reset to the start seed, or to the seed in the body."""
    apply(current_state().reset, optional_body())
    return jsonify(current_state().snapshot_view())


@blueprint.post("/seed")
@locked
def seed():
    """Add domains, mailboxes, keys, orgs, rules and settings from a seed document."""
    apply(current_state().apply_seed, optional_body() or {})
    return jsonify(current_state().snapshot_view())


@blueprint.get("/state")
@locked
def state_view():
    """Everything the sandbox holds, passwords excepted."""
    return jsonify(current_state().snapshot_view())


@blueprint.get("/faults")
@locked
def get_faults():
    """The fault plan as it stands (``next`` counts what is left)."""
    return jsonify(current_state().faults.to_dict())


@blueprint.put("/faults")
@locked
def put_faults():
    """Replace the fault plan: ``{"seed": int, "faults": [...]}`` or a list of faults."""
    current_state().faults = apply(FaultPlan.from_dict, optional_body() or {})
    return jsonify(current_state().faults.to_dict())


@blueprint.delete("/faults")
@locked
def delete_faults():
    """Remove every fault."""
    current_state().faults = FaultPlan()
    return jsonify(current_state().faults.to_dict())


@blueprint.get("/requests")
@locked
def get_requests():
    """The request log, oldest first; ``?method=PUT&path=/api/v2/`` keep matching entries only."""
    method = request.args.get("method", "").upper()
    prefix = request.args.get("path", "")
    entries = [entry for entry in current_state().request_log
               if (not method or entry["method"] == method) and entry["path"].startswith(prefix)]
    return jsonify({"count": len(entries), "requests": entries})


@blueprint.delete("/requests")
@locked
def delete_requests():
    """Clear the request log."""
    current_state().request_log.clear()
    return jsonify({"count": 0, "requests": []})


@blueprint.get("/writes")
@locked
def get_writes():
    """The request log read as writes: totals and, per write kind, requests, faults, commits, duplicates."""
    return jsonify(summarise(list(current_state().request_log)))


@blueprint.get("/settings")
@locked
def get_settings():
    """The behaviour switches."""
    return jsonify(current_state().settings)


@blueprint.put("/settings")
@locked
def put_settings():
    """Change some behaviour switches (the others keep their value)."""
    current_state().settings.update(apply(check_settings, optional_body() or {}))
    return jsonify(current_state().settings)


@blueprint.post("/expire-tokens")
@locked
def expire_tokens():
    """Expire every issued NetAngels token (and the static ones with ``{"include_static": true}``)."""
    body = optional_body() or {}
    if not isinstance(body, dict):
        raise ControlError("the body must be an object")
    return jsonify({"expired": current_state().expire_tokens(bool(body.get("include_static", False)))})


@blueprint.get("/issued-tokens")
@locked
def issued_tokens():
    """Every token issued since the sandbox started, and every secret it knows (for leak checks)."""
    state = current_state()
    return jsonify({"tokens": list(state.issued_tokens), "secrets": sorted(state.secrets)})
