# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The sandbox's in-memory state: seed loading, data of both APIs, tokens, settings, request log, faults.

One ``SandboxState`` backs one Flask app. Every reader and writer holds ``state.lock`` (an RLock),
so many clients can talk to the sandbox at once. The seed format is documented in
``docs/docsite/rst/sandbox.rst``; ``seed.json`` beside this file is the default seed.
"""

from __future__ import annotations

import collections
import copy
import functools
import json
import math
import os
import threading
import time

from flask import current_app

from . import assumptions
from .faults import FaultPlan
from .rules import RuleError, validate_rules_body

DEFAULT_SEED_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed.json")
"""The default seed (used by the demo, the integration targets and the ``sandbox`` fixture)."""

FIRST_MAILBOX_ID = 5001
"""Id of the first mailbox when the seed gives none."""

REQUEST_LOG_SIZE = 10000
"""The request log keeps this many most recent entries."""

SETTINGS_DEFAULTS = {
    "token_ttl": assumptions.TOKEN_TTL,
    "token_uses": 0,
    "expired_token_status": assumptions.EXPIRED_TOKEN_STATUS,
    "filter_mode": assumptions.FILTER_MODE,
    "aliases_shape": assumptions.ALIASES_SHAPE,
    "alias_conflict": assumptions.ALIAS_CONFLICT,
    "batch_mode": assumptions.BATCH_MODE,
}
"""Behaviour switches and their defaults (changed by ``PUT /_sandbox/settings`` or the seed)."""

SETTINGS_CHOICES = {
    "expired_token_status": assumptions.EXPIRED_TOKEN_STATUS_CHOICES,
    "filter_mode": assumptions.FILTER_MODES,
    "aliases_shape": assumptions.ALIASES_SHAPES,
    "alias_conflict": assumptions.ALIAS_CONFLICT_MODES,
    "batch_mode": assumptions.BATCH_MODES,
}
"""Allowed values of the enumerated settings."""

_DATA_ATTRIBUTES = ("settings", "api_keys", "tokens", "static_tokens", "domains", "mailboxes", "next_mailbox_id", "orgs", "oauth_tokens")


def load_seed_file(path: str = DEFAULT_SEED_FILE) -> dict:
    """Read a JSON seed file."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def check_settings(data: object) -> dict:
    """Return a validated copy of a settings object; raise ValueError naming the bad key."""
    if not isinstance(data, dict):
        raise ValueError("settings must be an object")
    result = {}
    for key, value in data.items():
        if key not in SETTINGS_DEFAULTS:
            raise ValueError("unknown setting %r (known: %s)" % (key, ", ".join(SETTINGS_DEFAULTS)))
        if key == "token_ttl":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError("token_ttl must be a number of seconds >= 0, got %r" % (value,))
        elif key == "token_uses":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("token_uses must be a whole number >= 0 (0: unlimited), got %r" % (value,))
        elif value not in SETTINGS_CHOICES[key]:
            raise ValueError("%s must be one of %s, got %r" % (key, ", ".join(map(str, SETTINGS_CHOICES[key])), value))
        result[key] = value
    return result


def current_state() -> SandboxState:
    """Return the state of the Flask app handling the current request."""
    return current_app.extensions["mailops_sandbox"]


def locked(view):
    """Decorate a Flask view so it runs while holding the state lock."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with current_state().lock:
            return view(*args, **kwargs)
    return wrapper


class SandboxState:  # pylint: disable=too-many-instance-attributes
    """Everything the sandbox knows.

    ``seed``: the start seed (None or ``{}``: empty). ``faults``: the start fault plan (see
    ``FaultPlan.from_dict``). A reset returns to both.
    """

    def __init__(self, seed: dict | None = None, faults: list | dict | None = None) -> None:
        self.lock = threading.RLock()
        self.seed = copy.deepcopy(seed or {})
        self.start_faults = FaultPlan.from_dict(faults or []).to_dict()
        self.issued_tokens: list[str] = []
        self.secrets: set[str] = set()
        self.request_log: collections.deque = collections.deque(maxlen=REQUEST_LOG_SIZE)
        self.request_counter = 0
        self.faults = FaultPlan()
        self.settings: dict = {}
        self.api_keys: set[str] = set()
        self.tokens: dict[str, float] = {}
        self.token_uses_left: dict[str, int] = {}
        self.static_tokens: set[str] = set()
        self.domains: dict[int, dict] = {}
        self.mailboxes: dict[int, dict] = {}
        self.next_mailbox_id = FIRST_MAILBOX_ID
        self.orgs: dict[int, dict] = {}
        self.oauth_tokens: dict[str, dict] = {}
        self.reset()

    # -- seeding -------------------------------------------------------------------------------

    def reset(self, seed: dict | None = None) -> None:
        """Forget everything (data, tokens, settings, faults, request log) and load ``seed``.

        ``seed=None`` loads the start seed; ``{}`` leaves the sandbox empty. The faults go back to
        the start plan. The list of tokens ever issued survives, for the secrets tests.
        """
        with self.lock:
            snapshot = self._snapshot()
            self.settings = dict(SETTINGS_DEFAULTS)
            self.api_keys, self.tokens, self.static_tokens = set(), {}, set()
            self.token_uses_left = {}
            self.domains, self.mailboxes, self.next_mailbox_id = {}, {}, FIRST_MAILBOX_ID
            self.orgs, self.oauth_tokens = {}, {}
            try:
                self.apply_seed(self.seed if seed is None else seed)
            except ValueError:
                self._restore(snapshot)
                raise
            self.faults = FaultPlan.from_dict(self.start_faults)
            self.request_log.clear()

    def apply_seed(self, seed: object) -> None:
        """Add what ``seed`` describes to the current state. All or nothing: raise ValueError."""
        with self.lock:
            snapshot = self._snapshot()
            try:
                self._apply_seed(seed)
            except (ValueError, TypeError, KeyError) as exc:
                self._restore(snapshot)
                raise ValueError("bad seed: %s" % exc) from None

    def _snapshot(self) -> dict:
        return copy.deepcopy({name: getattr(self, name) for name in _DATA_ATTRIBUTES})

    def _restore(self, snapshot: dict) -> None:
        for name, value in snapshot.items():
            setattr(self, name, value)

    def _apply_seed(self, seed: object) -> None:
        if not isinstance(seed, dict):
            raise ValueError("a seed must be an object")
        _only(seed, ("settings", "netangels", "yandex360"), "seed")
        self.settings.update(check_settings(seed.get("settings") or {}))
        netangels = seed.get("netangels") or {}
        _only(netangels, ("api_keys", "static_tokens", "domains", "mailboxes"), "netangels")
        for key in _strings(netangels.get("api_keys"), "netangels.api_keys"):
            self.api_keys.add(key)
            self.secrets.add(key)
        for token in _strings(netangels.get("static_tokens"), "netangels.static_tokens"):
            self.static_tokens.add(token)
            self.tokens[token] = math.inf
            self.secrets.add(token)
        for domain in netangels.get("domains") or []:
            self._seed_domain(domain)
        for mailbox in netangels.get("mailboxes") or []:
            self._seed_mailbox(mailbox)
        yandex = seed.get("yandex360") or {}
        _only(yandex, ("orgs", "oauth_tokens"), "yandex360")
        for org in yandex.get("orgs") or []:
            _only(org, ("id", "rules"), "yandex360.orgs[]")
            org_id = _integer(org.get("id"), "yandex360.orgs[].id")
            try:
                rules = validate_rules_body({"rules": org.get("rules") or []})
            except RuleError as exc:
                raise ValueError("org %d: %s" % (org_id, exc)) from None
            self.orgs[org_id] = {"rules": [assumptions.yandex_readback_rule(rule) for rule in rules]}
        for entry in yandex.get("oauth_tokens") or []:
            _only(entry, ("token", "orgs", "read_only"), "yandex360.oauth_tokens[]")
            token = _strings([entry.get("token")], "yandex360.oauth_tokens[].token")[0]
            orgs = {_integer(org_id, "yandex360.oauth_tokens[].orgs[]") for org_id in entry.get("orgs") or []}
            self.oauth_tokens[token] = {"orgs": orgs, "read_only": bool(entry.get("read_only", False))}
            self.secrets.add(token)

    def _seed_domain(self, data: dict) -> None:
        _only(data, ("id", "name", "state", "validated", "quota", "dkim"), "netangels.domains[]")
        domain_id = _integer(data.get("id", max(self.domains, default=1000) + 1), "domain id")
        name = data.get("name")
        if not isinstance(name, str) or not name or domain_id in self.domains or self.domain_by_name(name):
            raise ValueError("domain %r (id %s) has no name or is a duplicate" % (name, domain_id))
        domain = dict(assumptions.DOMAIN_DEFAULTS, **{key: value for key, value in data.items() if key in assumptions.DOMAIN_DEFAULTS})
        domain.update(id=domain_id, name=name.lower())
        self.domains[domain_id] = domain

    def _seed_mailbox(self, data: dict) -> None:
        fields = ("id", "domain", "domain_id", "name", "password", "aliases", "comment", "quota", "is_local", "state", "used",
                  "cleanup_forbidden", "created", "updated")
        _only(data, fields, "netangels.mailboxes[]")
        domain = self.domain_by_name(data["domain"]) if "domain" in data else self.domains.get(data.get("domain_id"))
        if domain is None:
            raise ValueError("mailbox %r: unknown domain %r" % (data.get("name"), data.get("domain", data.get("domain_id"))))
        errors = [assumptions.check_mailbox_name(data.get("name"))]
        if "password" in data:
            errors.append(assumptions.check_password(data["password"]))
        if "quota" in data:
            errors.append(assumptions.check_quota(data["quota"]))
        aliases, alias_error = assumptions.parse_aliases_field(data.get("aliases", []))
        errors.append(alias_error)
        if data.get("state", assumptions.MAILBOX_STATE_ACTIVE) not in (assumptions.MAILBOX_STATE_ACTIVE, assumptions.MAILBOX_STATE_DISABLED):
            errors.append("state %r is not active or disabled" % data["state"])
        errors = [error for error in errors if error]
        if errors:
            raise ValueError("mailbox %r: %s" % (data.get("name"), "; ".join(errors)))
        if self.find_mailbox(domain["id"], data["name"]):
            raise ValueError("mailbox %r exists twice in %s" % (data["name"], domain["name"]))
        mailbox_id = data.get("id")
        if mailbox_id is not None and (_integer(mailbox_id, "mailbox id") in self.mailboxes):
            raise ValueError("mailbox id %s is used twice" % mailbox_id)
        extra = {key: data[key] for key in ("comment", "quota", "is_local", "state", "used", "created", "updated") if key in data}
        self.add_mailbox(domain["id"], data["name"], data.get("password"), aliases=aliases, mailbox_id=mailbox_id,
                         cleanup_forbidden=bool(data.get("cleanup_forbidden", False)), **extra)

    # -- NetAngels data --------------------------------------------------------------------------

    def domain_by_name(self, name: str) -> dict | None:
        """Return the domain called ``name`` (case-insensitive), or None."""
        if not isinstance(name, str):
            return None
        return next((domain for domain in self.domains.values() if domain["name"] == name.lower()), None)

    def domain_view(self, domain: dict) -> dict:
        """Return a domain as the API lists it (``used`` = sum of its mailboxes' ``used``)."""
        used = sum(mailbox["used"] for mailbox in self.mailboxes.values() if mailbox["domain_id"] == domain["id"])
        return {"id": domain["id"], "name": domain["name"], "state": domain["state"], "validated": domain["validated"],
                "quota": domain["quota"], "used": used, "dkim": domain["dkim"]}

    def find_mailbox(self, domain_id: int, name: str) -> dict | None:
        """Return the mailbox ``name`` of domain ``domain_id``, or None."""
        return next((mb for mb in self.mailboxes.values() if mb["domain_id"] == domain_id and mb["name"] == name), None)

    def domain_mailboxes(self, domain_id: int) -> list[dict]:
        """Return the mailboxes of a domain, in the API's list order."""
        return sorted((mb for mb in self.mailboxes.values() if mb["domain_id"] == domain_id), key=lambda mb: mb[assumptions.LIST_ORDER])

    def add_mailbox(self, domain_id: int, name: str, password: str | None, aliases: list[str] | None = None,
                    mailbox_id: int | None = None, cleanup_forbidden: bool = False, **fields) -> dict:
        """Create a mailbox (values already validated) and return its internal record."""
        if mailbox_id is None:
            mailbox_id = self.next_mailbox_id
        self.next_mailbox_id = max(self.next_mailbox_id, mailbox_id + 1)
        now = assumptions.timestamp()
        mailbox = dict(assumptions.MAILBOX_DEFAULTS, id=mailbox_id, domain_id=domain_id, name=name, aliases=list(aliases or []),
                       created=now, updated=now, cleanup_forbidden=cleanup_forbidden, password_version=0)
        mailbox.update(fields)
        self.mailboxes[mailbox_id] = mailbox
        self.set_password(mailbox, password, touch=False)
        return mailbox

    def set_password(self, mailbox: dict, password: str | None, touch: bool = True) -> None:
        """Store a mailbox password (the sandbox keeps it only so tests can look for leaks)."""
        mailbox["password"] = password
        mailbox["password_version"] += 1
        if password:
            self.secrets.add(password)
        if touch:
            self.touch(mailbox)

    @staticmethod
    def touch(mailbox: dict) -> None:
        """Mark a mailbox as updated now."""
        mailbox["updated"] = assumptions.timestamp()

    # -- NetAngels tokens ------------------------------------------------------------------------

    def issue_token(self) -> str:
        """Issue a new bearer token valid for ``settings.token_ttl`` seconds."""
        token = assumptions.new_token()
        self.tokens[token] = time.monotonic() + float(self.settings["token_ttl"])
        if self.settings["token_uses"]:
            self.token_uses_left[token] = int(self.settings["token_uses"])
        self.issued_tokens.append(token)
        self.secrets.add(token)
        return token

    def use_token(self, token: str) -> bool:
        """Return whether ``token`` is known and not expired, counting this use of it.

        With the ``token_uses`` setting, an issued token expires after that many calls: a
        deterministic way to make a token expire in the middle of a module's run.
        """
        expiry = self.tokens.get(token)
        if expiry is None or time.monotonic() >= expiry:
            return False
        if token in self.token_uses_left:
            if self.token_uses_left[token] <= 0:
                return False
            self.token_uses_left[token] -= 1
        return True

    def expire_tokens(self, include_static: bool = False) -> int:
        """Make every issued token (and optionally the seeded static ones) expired; return how many."""
        count = 0
        for token in self.tokens:
            if include_static or token not in self.static_tokens:
                self.tokens[token] = -math.inf
                count += 1
        return count

    # -- request log -----------------------------------------------------------------------------

    def log_request(self, entry: dict) -> None:
        """Append an entry to the request log, numbering it."""
        self.request_counter += 1
        entry["seq"] = self.request_counter
        self.request_log.append(entry)

    # -- control views ---------------------------------------------------------------------------

    def snapshot_view(self) -> dict:
        """Return the whole state as JSON-ready data (``GET /_sandbox/state``); passwords left out."""
        mailboxes = []
        for mailbox in sorted(self.mailboxes.values(), key=lambda mb: mb["id"]):
            view = {key: value for key, value in mailbox.items() if key != "password"}
            view["aliases"] = list(mailbox["aliases"])
            mailboxes.append(view)
        return {
            "settings": dict(self.settings),
            "netangels": {"domains": [self.domain_view(self.domains[key]) for key in sorted(self.domains)], "mailboxes": mailboxes},
            "yandex360": {"orgs": [{"id": org_id, "rules": copy.deepcopy(org["rules"])} for org_id, org in sorted(self.orgs.items())]},
        }


def _only(data: object, allowed: tuple, where: str) -> None:
    """Refuse a seed section that is not an object or has unknown keys (catches typos in seeds)."""
    if not isinstance(data, dict):
        raise ValueError("%s must be an object" % where)
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValueError("%s: unknown key(s) %s" % (where, ", ".join(unknown)))


def _strings(values: object, where: str) -> list[str]:
    """Return ``values`` when it is a list of non-empty strings (None: empty list)."""
    values = values or []
    if not isinstance(values, list) or not all(isinstance(value, str) and value for value in values):
        raise ValueError("%s must be a list of non-empty strings" % where)
    return values


def _integer(value: object, where: str) -> int:
    """Return ``value`` when it is an integer (or a string of digits)."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("%s must be an integer, got %r" % (where, value))
    return value
