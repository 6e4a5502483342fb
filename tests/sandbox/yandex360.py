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


class YandexError(Exception):
    """Ends a Yandex 360 view with an error answer (``yandex_error`` body, ``status``)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@blueprint.errorhandler(YandexError)
def _error_answer(exc: YandexError):
    return jsonify(assumptions.yandex_error(exc.status, exc.message)), exc.status


def authorize(raw_org_id: str, write: bool) -> int:
    """Check the OAuth token against the organisation; return the org id or raise 401, 400, 404 or 403.

    The order of the checks is an assumption (see ``assumptions``): token, then organisation, then rights.
    """
    state = current_state()
    scheme, dummy, token = request.headers.get("Authorization", "").partition(" ")
    grant = state.oauth_tokens.get(token.strip()) if scheme == assumptions.YANDEX_AUTH_SCHEME else None
    if grant is None:
        raise YandexError(401, "missing or invalid OAuth token (expected 'Authorization: %s <token>')" % assumptions.YANDEX_AUTH_SCHEME)
    if not raw_org_id.isdigit():
        raise YandexError(assumptions.YANDEX_BAD_ORG_ID_STATUS, "orgId %r is not an integer" % raw_org_id)
    org_id = int(raw_org_id)
    if org_id not in state.orgs:
        raise YandexError(404, "organization %d not found" % org_id)
    if org_id not in grant["orgs"]:
        raise YandexError(403, "the token has no access to organization %d" % org_id)
    if write and grant["read_only"]:
        raise YandexError(403, "the token may not change the routing rules of organization %d" % org_id)
    return org_id


@blueprint.get(RULES_PATH)
@locked
def get_rules(org_id: str):
    """Read the rule list."""
    org_id = authorize(org_id, write=False)
    return jsonify({"rules": copy.deepcopy(current_state().orgs[org_id]["rules"])})


@blueprint.put(RULES_PATH)
@locked
def put_rules(org_id: str):
    """Replace the whole rule list; answer ``{}``."""
    org_id = authorize(org_id, write=True)
    try:
        rules = validate_rules_body(request.get_json(silent=True))
    except RuleError as exc:
        raise YandexError(400, str(exc)) from None
    current_state().orgs[org_id]["rules"] = [assumptions.yandex_readback_rule(rule) for rule in rules]
    return jsonify({})
