# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The NetAngels half of the sandbox: the token gateway, mail domains and every mailbox call.

Paths, methods, status codes and fields follow ``netangels-mail-api.txt`` and the project's API
notes; everything those leave open comes from ``assumptions``. Every answer is JSON.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from . import assumptions
from .state import current_state, locked

gateway = Blueprint("netangels_gateway", __name__)
"""``POST /api/gateway/token/``: API key -> bearer token (no authentication)."""

mail = Blueprint("netangels_mail", __name__, url_prefix="/api/v2/mail")
"""``/api/v2/mail/...``: every call needs ``Authorization: Bearer <token>``."""

MAILBOX_FIELDS = ("id", "name", "aliases", "comment", "created", "domain_id", "is_local", "quota", "state", "updated", "used")
"""Fields of a mailbox in every answer (documented); never a password."""


# -- helpers ---------------------------------------------------------------------------------------

def error(status: int, detail: str, errors: dict | None = None):
    """Return a NetAngels error answer."""
    return jsonify(assumptions.netangels_error(detail, errors)), status


def invalid(errors: dict[str, list[str]]):
    """Return a 400 for validation errors ``{field: [message, ...]}``."""
    detail = "; ".join("%s: %s" % (field, " ".join(messages)) for field, messages in errors.items())
    return error(400, detail, errors)


def json_body():
    """Return ``(body, None)`` for a JSON object body, else ``(None, error answer)``."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, error(400, "the request body must be a JSON object sent as application/json")
    return body, None


def mailbox_view(mailbox: dict) -> dict:
    """Return a mailbox as the API answers it."""
    view = {field: mailbox[field] for field in MAILBOX_FIELDS}
    view["aliases"] = assumptions.format_aliases(mailbox["aliases"], current_state().settings["aliases_shape"])
    return view


def paging():
    """Return ``((offset, limit), None)`` from the query string, or ``(None, error answer)``."""
    errors = {}
    values = {}
    bounds = (("offset", 0, 0, None), ("limit", assumptions.PAGE_LIMIT_DEFAULT, assumptions.PAGE_LIMIT_MIN, assumptions.PAGE_LIMIT_MAX))
    for name, default, low, high in bounds:
        raw = request.args.get(name, "")
        try:
            value = int(raw) if raw != "" else default
        except ValueError:
            errors[name] = ["%r is not an integer" % raw]
            continue
        if value < low or (high is not None and value > high):
            errors[name] = ["%d is outside %d..%s" % (value, low, "" if high is None else high)]
        values[name] = value
    if errors:
        return None, invalid(errors)
    return (values["offset"], values["limit"]), None


def page(entities: list, offset: int, limit: int, view=None):
    """Return one page of a list answer (``view``: applied to the page's entities only)."""
    window = entities[offset:offset + limit]
    return jsonify({"count": len(entities), "entities": [view(entity) for entity in window] if view else window})


def find_mailbox(mailbox_id: int):
    """Return ``(mailbox, None)`` or ``(None, 404 answer)``."""
    mailbox = current_state().mailboxes.get(mailbox_id)
    if mailbox is None:
        return None, error(404, "mailbox %d not found" % mailbox_id)
    return mailbox, None


# -- authentication --------------------------------------------------------------------------------

@gateway.post("/api/gateway/token/")
@locked
def exchange_token():
    """Exchange ``api_key`` (form field) for a bearer token."""
    api_key = request.form.get("api_key", "")
    if not api_key:
        return error(400, "api_key: this field is required", {"api_key": ["this field is required"]})
    state = current_state()
    if api_key not in state.api_keys:
        return error(assumptions.BAD_API_KEY_STATUS, "invalid api key")
    return jsonify({"token": state.issue_token()})


@mail.before_request
@locked
def authenticate():
    """Refuse a mail call without a valid bearer token."""
    scheme, dummy, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return error(assumptions.MISSING_TOKEN_STATUS, "authentication credentials were not provided")
    state = current_state()
    if not state.use_token(token):
        return error(state.settings["expired_token_status"], "the token is invalid or expired")
    return None


# -- domains -----------------------------------------------------------------------------------------

@mail.get("/domains/")
@locked
def list_domains():
    """List mail domains, paged."""
    window, problem = paging()
    if problem:
        return problem
    state = current_state()
    return page([state.domain_view(state.domains[key]) for key in sorted(state.domains)], *window)


@mail.get("/domains/<int:domain_id>/mailboxes/")
@locked
def list_mailboxes(domain_id: int):
    """List the mailboxes of a domain, paged, optionally filtered."""
    state = current_state()
    if domain_id not in state.domains:
        return error(404, "domain %d not found" % domain_id)
    window, problem = paging()
    if problem:
        return problem
    mailboxes = state.domain_mailboxes(domain_id)
    needle = request.args.get("filter", "")
    mode = state.settings["filter_mode"]
    if needle and mode == "substring":
        mailboxes = [mailbox for mailbox in mailboxes if assumptions.filter_matches(mailbox["name"], needle)]
    elif needle and mode == "none":
        mailboxes = []
    return page(mailboxes, *window, view=mailbox_view)


@mail.post("/domains/<int:domain_id>/mailboxes/batch-create/")
@locked
def batch_create(domain_id: int):
    """Create several mailboxes from an uploaded CSV file: all or nothing, or what it can (setting ``batch_mode``)."""
    state = current_state()
    if domain_id not in state.domains:
        return error(404, "domain %d not found" % domain_id)
    field = assumptions.BATCH_CSV_FIELD
    upload = request.files.get(field)
    if upload is None:
        return invalid({field: ["a CSV file is required in the multipart/form-data field %r" % field]})
    try:
        rows = assumptions.read_batch_csv(upload.read())
    except assumptions.BatchCsvError as exc:
        return invalid({field: [str(exc)]})
    partial = state.settings["batch_mode"] == "partial"
    taken = {mailbox["name"] for mailbox in state.domain_mailboxes(domain_id)}
    good = []
    for line, row in rows:
        problem = None
        for column, check in (("name", assumptions.check_mailbox_name), ("password", assumptions.check_password), ("comment", assumptions.check_comment)):
            reason = check(row[column])
            if reason:
                problem = "%s: %s" % (column, reason)
                break
        if problem is None and row["name"] in taken:
            problem = "name: mailbox %r already exists" % row["name"]
        if problem and not partial:
            return invalid({field: ["line %d: %s" % (line, problem)]})
        if problem is None:
            taken.add(row["name"])
            good.append(row)
    created = [state.add_mailbox(domain_id, row["name"], row["password"], comment=row["comment"]) for row in good]
    return jsonify({"count": len(created), "entities": [mailbox_view(mailbox) for mailbox in created]})


# -- mailboxes -----------------------------------------------------------------------------------------

@mail.post("/mailboxes/")
@locked
def create_mailbox():
    """Create one mailbox: ``{domain_id, name, password, comment?}``."""
    body, problem = json_body()
    if problem:
        return problem
    state = current_state()
    errors: dict[str, list[str]] = {}
    domain_id = body.get("domain_id")
    if isinstance(domain_id, bool) or not isinstance(domain_id, int):
        errors["domain_id"] = ["this field is required and must be an integer, got %r" % (domain_id,)]
    elif domain_id not in state.domains:
        errors["domain_id"] = ["domain %d does not exist" % domain_id]
    for field, check in (("name", assumptions.check_mailbox_name), ("password", assumptions.check_password)):
        reason = check(body.get(field))
        if reason:
            errors[field] = [reason]
    comment = body.get("comment", "")
    if assumptions.check_comment(comment):
        errors["comment"] = [assumptions.check_comment(comment)]
    if not errors and state.find_mailbox(domain_id, body["name"]):
        errors["name"] = ["mailbox %r already exists in %s" % (body["name"], state.domains[domain_id]["name"])]
    if errors:
        return invalid(errors)
    mailbox = state.add_mailbox(domain_id, body["name"], body["password"], comment=comment)
    return jsonify(mailbox_view(mailbox)), 201


@mail.get("/mailboxes/<int:mailbox_id>/")
@locked
def read_mailbox(mailbox_id: int):
    """Read one mailbox."""
    mailbox, problem = find_mailbox(mailbox_id)
    return problem or jsonify(mailbox_view(mailbox))


@mail.put("/mailboxes/<int:mailbox_id>/")
@locked
def update_mailbox(mailbox_id: int):
    """Update any of ``comment``, ``quota``, ``is_local``, ``aliases`` (which replaces the list)."""
    mailbox, problem = find_mailbox(mailbox_id)
    if problem:
        return problem
    body, problem = json_body()
    if problem:
        return problem
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    if "comment" in body:
        reason = assumptions.check_comment(body["comment"])
        if reason:
            errors["comment"] = [reason]
        changes["comment"] = body["comment"]
    if "quota" in body:
        reason = assumptions.check_quota(body["quota"])
        if reason:
            errors["quota"] = [reason]
        changes["quota"] = body["quota"]
    if "is_local" in body:
        if not isinstance(body["is_local"], bool):
            errors["is_local"] = ["%r is not a boolean" % (body["is_local"],)]
        changes["is_local"] = body["is_local"]
    if "aliases" in body:
        aliases, reason = assumptions.parse_aliases_field(body["aliases"])
        if reason:
            errors["aliases"] = [reason]
        changes["aliases"] = aliases
    if errors:
        return invalid(errors)
    if any(mailbox[key] != value for key, value in changes.items()):
        mailbox.update(changes)
        current_state().touch(mailbox)
    return jsonify(mailbox_view(mailbox)), 201


@mail.delete("/mailboxes/<int:mailbox_id>/")
@locked
def delete_mailbox(mailbox_id: int):
    """Delete a mailbox."""
    mailbox, problem = find_mailbox(mailbox_id)
    if problem:
        return problem
    del current_state().mailboxes[mailbox["id"]]
    return jsonify(assumptions.EMPTY_ACTION_BODY)


@mail.put("/mailboxes/<int:mailbox_id>/add-alias/")
@locked
def add_alias(mailbox_id: int):
    """Add one forwarding address: ``{"alias": "..."}``."""
    return _change_alias(mailbox_id, add=True)


@mail.put("/mailboxes/<int:mailbox_id>/delete-alias/")
@locked
def delete_alias(mailbox_id: int):
    """Remove one forwarding address: ``{"alias": "..."}``."""
    return _change_alias(mailbox_id, add=False)


def _change_alias(mailbox_id: int, add: bool):
    mailbox, problem = find_mailbox(mailbox_id)
    if problem:
        return problem
    body, problem = json_body()
    if problem:
        return problem
    if "alias" not in body:
        return invalid({"alias": ["this field is required"]})
    alias, reason = assumptions.normalise_alias(body["alias"])
    if reason:
        return invalid({"alias": [reason]})
    present = alias in mailbox["aliases"]
    if add != present:
        if add:
            mailbox["aliases"].append(alias)
        else:
            mailbox["aliases"].remove(alias)
        current_state().touch(mailbox)
    elif current_state().settings["alias_conflict"] == "error":
        reason = "%r is already an alias of this mailbox" if add else "%r is not an alias of this mailbox"
        return invalid({"alias": [reason % alias]})
    return jsonify(mailbox_view(mailbox)), 201


@mail.put("/mailboxes/<int:mailbox_id>/change-password/")
@locked
def change_password(mailbox_id: int):
    """Set a new password: ``{"password": "..."}``."""
    mailbox, problem = find_mailbox(mailbox_id)
    if problem:
        return problem
    body, problem = json_body()
    if problem:
        return problem
    reason = assumptions.check_password(body.get("password"))
    if reason:
        return invalid({"password": [reason]})
    current_state().set_password(mailbox, body["password"])
    return jsonify(mailbox_view(mailbox)), 201


@mail.put("/mailboxes/<int:mailbox_id>/disable/")
@locked
def disable_mailbox(mailbox_id: int):
    """Disable a mailbox (there is no way back through the API)."""
    mailbox, problem = find_mailbox(mailbox_id)
    if problem:
        return problem
    if mailbox["state"] != assumptions.MAILBOX_STATE_DISABLED:
        mailbox["state"] = assumptions.MAILBOX_STATE_DISABLED
        current_state().touch(mailbox)
    return jsonify(assumptions.EMPTY_ACTION_BODY)


@mail.put("/mailboxes/<int:mailbox_id>/cleanup/")
@locked
def cleanup_mailbox(mailbox_id: int):
    """Delete every message of a mailbox (``used`` becomes 0), unless cleanup is forbidden for it."""
    mailbox, problem = find_mailbox(mailbox_id)
    if problem:
        return problem
    if mailbox["cleanup_forbidden"]:
        return error(400, assumptions.CLEANUP_FORBIDDEN_MESSAGE)
    mailbox["used"] = 0
    current_state().touch(mailbox)
    return jsonify(assumptions.EMPTY_ACTION_BODY)
