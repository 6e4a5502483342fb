# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Yandex 360 half of the sandbox: mail routing rules of an organisation.

``GET /admin/v1/org/{orgId}/mail/routing/rules`` reads the list, ``PUT`` replaces it. Rules are
stored the way GET reads them back (``assumptions.yandex_readback_rule``). Errors carry
``{"code", "message", "details"}``.
"""

from __future__ import annotations

import copy

from flask import Blueprint, jsonify, request

from . import assumptions
from .rules import RuleError, validate_rules_body
from .state import current_state, locked

blueprint = Blueprint("yandex360", __name__, url_prefix="/admin/v1/org")
"""Routes under ``/admin/v1/org``."""

RULES_PATH = "/<org_id>/mail/routing/rules"
"""Path of the rule list, below the blueprint prefix."""


def error(status: int, message: str):
    """Return a Yandex 360 error answer."""
    return jsonify(assumptions.yandex_error(status, message)), status


def authorize(raw_org_id: str, write: bool):
    """Check the OAuth token against the organisation; return ``(org_id, None)`` or ``(None, error answer)``.

    The order of the checks is ``assumptions.YANDEX_AUTH_ORDER``.
    """
    state = current_state()
    scheme, dummy, token = request.headers.get("Authorization", "").partition(" ")
    grant = state.oauth_tokens.get(token.strip()) if scheme == assumptions.YANDEX_AUTH_SCHEME else None
    if grant is None:
        return None, error(401, "missing or invalid OAuth token (expected 'Authorization: %s <token>')" % assumptions.YANDEX_AUTH_SCHEME)
    if not raw_org_id.isdigit():
        return None, error(assumptions.YANDEX_BAD_ORG_ID_STATUS, "orgId %r is not an integer" % raw_org_id)
    org_id = int(raw_org_id)
    if org_id not in state.orgs:
        return None, error(404, "organization %d not found" % org_id)
    if org_id not in grant["orgs"]:
        return None, error(403, "the token has no access to organization %d" % org_id)
    if write and grant["read_only"]:
        return None, error(403, "the token may not change the routing rules of organization %d" % org_id)
    return org_id, None


@blueprint.get(RULES_PATH)
@locked
def get_rules(org_id: str):
    """Read the rule list."""
    org_id, problem = authorize(org_id, write=False)
    if problem:
        return problem
    return jsonify({"rules": copy.deepcopy(current_state().orgs[org_id]["rules"])})


@blueprint.put(RULES_PATH)
@locked
def put_rules(org_id: str):
    """Replace the whole rule list; answer ``{}``."""
    org_id, problem = authorize(org_id, write=True)
    if problem:
        return problem
    body = request.get_json(silent=True)
    try:
        rules = validate_rules_body(body)
    except RuleError as exc:
        return error(400, str(exc))
    current_state().orgs[org_id]["rules"] = [assumptions.yandex_readback_rule(rule) for rule in rules]
    return jsonify({})
