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

class NetAngelsError(Exception):
    """Ends a NetAngels view with an error answer (``netangels_error`` body, ``status``)."""

    def __init__(self, status: int, detail: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors


@gateway.errorhandler(NetAngelsError)
@mail.errorhandler(NetAngelsError)
def _error_answer(exc: NetAngelsError):
    return jsonify(assumptions.netangels_error(exc.detail, exc.errors)), exc.status


def invalid(errors: dict[str, list[str]]) -> NetAngelsError:
    """Return the 400 for validation errors ``{field: [message, ...]}``, to raise."""
    detail = "; ".join("%s: %s" % (field, " ".join(messages)) for field, messages in errors.items())
    return NetAngelsError(400, detail, errors)


def json_body() -> dict:
    """Return the JSON object body; raise a 400 when there is none."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise NetAngelsError(400, "the request body must be a JSON object sent as application/json")
    return body


def mailbox_view(mailbox: dict) -> dict:
    """Return a mailbox as the API answers it."""
    view = {field: mailbox[field] for field in MAILBOX_FIELDS}
    view["aliases"] = assumptions.format_aliases(mailbox["aliases"], current_state().settings["aliases_shape"])
    return view


def paging() -> tuple[int, int]:
    """Return ``(offset, limit)`` from the query string; raise a 400 when either is bad."""
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
        raise invalid(errors)
    return values["offset"], values["limit"]


def page(entities: list, offset: int, limit: int, view=None):
    """Return one page of a list answer (``view``: applied to the page's entities only)."""
    window = entities[offset:offset + limit]
    return jsonify({"count": len(entities), "entities": [view(entity) for entity in window] if view else window})


def find_domain(domain_id: int) -> dict:
    """Return the domain; raise a 404 when there is none."""
    domain = current_state().domains.get(domain_id)
    if domain is None:
        raise NetAngelsError(404, "domain %d not found" % domain_id)
    return domain


def find_mailbox(mailbox_id: int) -> dict:
    """Return the mailbox; raise a 404 when there is none."""
    mailbox = current_state().mailboxes.get(mailbox_id)
    if mailbox is None:
        raise NetAngelsError(404, "mailbox %d not found" % mailbox_id)
    return mailbox


# -- authentication --------------------------------------------------------------------------------

@gateway.post("/api/gateway/token/")
@locked
def exchange_token():
    """Exchange ``api_key`` (form field) for a bearer token."""
    api_key = request.form.get("api_key", "")
    if not api_key:
        raise NetAngelsError(400, "api_key: this field is required", {"api_key": ["this field is required"]})
    state = current_state()
    if api_key not in state.api_keys:
        raise NetAngelsError(assumptions.BAD_API_KEY_STATUS, "invalid api key")
    return jsonify({"token": state.issue_token()})


@mail.before_request
@locked
def authenticate():
    """Refuse a mail call without a valid bearer token."""
    scheme, dummy, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise NetAngelsError(assumptions.MISSING_TOKEN_STATUS, "authentication credentials were not provided")
    state = current_state()
    if not state.use_token(token):
        raise NetAngelsError(state.settings["expired_token_status"], "the token is invalid or expired")


# -- domains -----------------------------------------------------------------------------------------

@mail.get("/domains/")
@locked
def list_domains():
    """List mail domains, paged."""
    window = paging()
    state = current_state()
    return page([state.domain_view(state.domains[key]) for key in sorted(state.domains)], *window)


@mail.get("/domains/<int:domain_id>/mailboxes/")
@locked
def list_mailboxes(domain_id: int):
    """List the mailboxes of a domain, paged, optionally filtered."""
    find_domain(domain_id)
    window = paging()
    state = current_state()
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
    find_domain(domain_id)
    state = current_state()
    field = assumptions.BATCH_CSV_FIELD
    upload = request.files.get(field)
    if upload is None:
        raise invalid({field: ["a CSV file is required in the multipart/form-data field %r" % field]})
    try:
        rows = assumptions.read_batch_csv(upload.read())
    except assumptions.BatchCsvError as exc:
        raise invalid({field: [str(exc)]}) from None
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
            problem = "name: " + assumptions.ALREADY_EXISTS % row["name"]
        if problem and not partial:
            raise invalid({field: ["line %d: %s" % (line, problem)]})
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
    body = json_body()
    state = current_state()
    errors: dict[str, list[str]] = {}
    domain_id = body.get("domain_id")
    if isinstance(domain_id, bool) or not isinstance(domain_id, int):
        errors["domain_id"] = ["this field is required and must be an integer, got %r" % (domain_id,)]
    elif domain_id not in state.domains:
        errors["domain_id"] = ["domain %d does not exist" % domain_id]
    comment = body.get("comment", "")
    for field, check, value in (("name", assumptions.check_mailbox_name, body.get("name")),
                                ("password", assumptions.check_password, body.get("password")),
                                ("comment", assumptions.check_comment, comment)):
        reason = check(value)
        if reason:
            errors[field] = [reason]
    if not errors and state.find_mailbox(domain_id, body["name"]):
        errors["name"] = [(assumptions.ALREADY_EXISTS + " in %s") % (body["name"], state.domains[domain_id]["name"])]
    if errors:
        raise invalid(errors)
    mailbox = state.add_mailbox(domain_id, body["name"], body["password"], comment=comment)
    return jsonify(mailbox_view(mailbox)), 201


@mail.get("/mailboxes/<int:mailbox_id>/")
@locked
def read_mailbox(mailbox_id: int):
    """Read one mailbox."""
    return jsonify(mailbox_view(find_mailbox(mailbox_id)))


@mail.put("/mailboxes/<int:mailbox_id>/")
@locked
def update_mailbox(mailbox_id: int):
    """Update any of ``comment``, ``quota``, ``is_local``, ``aliases`` (which replaces the list)."""
    mailbox = find_mailbox(mailbox_id)
    body = json_body()
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
        raise invalid(errors)
    if any(mailbox[key] != value for key, value in changes.items()):
        mailbox.update(changes)
        current_state().touch(mailbox)
    return jsonify(mailbox_view(mailbox)), 201


@mail.delete("/mailboxes/<int:mailbox_id>/")
@locked
def delete_mailbox(mailbox_id: int):
    """Delete a mailbox."""
    del current_state().mailboxes[find_mailbox(mailbox_id)["id"]]
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
    mailbox = find_mailbox(mailbox_id)
    body = json_body()
    if "alias" not in body:
        raise invalid({"alias": ["this field is required"]})
    alias, reason = assumptions.normalise_alias(body["alias"])
    if reason:
        raise invalid({"alias": [reason]})
    present = alias in mailbox["aliases"]
    if add != present:
        if add:
            mailbox["aliases"].append(alias)
        else:
            mailbox["aliases"].remove(alias)
        current_state().touch(mailbox)
    elif current_state().settings["alias_conflict"] == "error":
        reason = assumptions.ALIAS_PRESENT if add else assumptions.ALIAS_ABSENT
        raise invalid({"alias": [reason % alias]})
    return jsonify(mailbox_view(mailbox)), 201


@mail.put("/mailboxes/<int:mailbox_id>/change-password/")
@locked
def change_password(mailbox_id: int):
    """Set a new password: ``{"password": "..."}``."""
    mailbox = find_mailbox(mailbox_id)
    body = json_body()
    reason = assumptions.check_password(body.get("password"))
    if reason:
        raise invalid({"password": [reason]})
    current_state().set_password(mailbox, body["password"])
    return jsonify(mailbox_view(mailbox)), 201


@mail.put("/mailboxes/<int:mailbox_id>/disable/")
@locked
def disable_mailbox(mailbox_id: int):
    """Disable a mailbox (there is no way back through the API)."""
    mailbox = find_mailbox(mailbox_id)
    if mailbox["state"] != assumptions.MAILBOX_STATE_DISABLED:
        mailbox["state"] = assumptions.MAILBOX_STATE_DISABLED
        current_state().touch(mailbox)
    return jsonify(assumptions.EMPTY_ACTION_BODY)


@mail.put("/mailboxes/<int:mailbox_id>/cleanup/")
@locked
def cleanup_mailbox(mailbox_id: int):
    """Delete every message of a mailbox (``used`` becomes 0), unless cleanup is forbidden for it."""
    mailbox = find_mailbox(mailbox_id)
    if mailbox["cleanup_forbidden"]:
        raise NetAngelsError(400, assumptions.CLEANUP_FORBIDDEN_MESSAGE)
    mailbox["used"] = 0
    current_state().touch(mailbox)
    return jsonify(assumptions.EMPTY_ACTION_BODY)
