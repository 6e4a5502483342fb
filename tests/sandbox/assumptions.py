# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every assumption about undocumented vendor behaviour, written down once.

The vendors' reference pages (``netangels-mail-api.txt``, ``yandex360-routing-rules-api.txt``)
and the project's notes on them leave many details open. The collection has to pick a behaviour
for each one; this module is the single place where that choice is recorded. The sandbox takes
every such behaviour from here, so it behaves exactly as written below. If the real API is ever
seen to behave differently, change the assumption here (and only here) and run the tests.

Each assumption is a named constant followed by its docstring, or a small pure function. Most are
used by the sandbox's code directly; a few only describe a behaviour that the code implements
(for example ``UNKNOWN_BODY_FIELDS``), so that this list is complete. Live mode (``tests/live``)
reads every one of them: its report says, per name, whether the real API agreed. Nothing in this
module knows about Flask or HTTP servers.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
import secrets
from datetime import datetime, timezone

# ---------------------------------------------------------------------------------------------
# NetAngels: authentication
# ---------------------------------------------------------------------------------------------

TOKEN_TTL = 86400
"""Lifetime in seconds of a token from ``POST /api/gateway/token/`` (a public comment: about 24 h)."""

EXPIRED_TOKEN_STATUS = 403
"""Status for an expired or unknown bearer token. 401 and 403 have both been seen; 403 by default."""

EXPIRED_TOKEN_STATUS_CHOICES = (401, 403)
"""The values the ``expired_token_status`` setting may take."""

MISSING_TOKEN_STATUS = 401
"""Status for a NetAngels call without any ``Authorization: Bearer`` header."""

BAD_API_KEY_STATUS = 401
"""Status of the token gateway for an unknown API key (a missing ``api_key`` field gives 400)."""


def new_token() -> str:
    """Return a fresh random token shaped like the vendor's: three dot-separated base64url parts."""
    return ".".join((secrets.token_urlsafe(24), secrets.token_urlsafe(12), secrets.token_urlsafe(32)))


# ---------------------------------------------------------------------------------------------
# NetAngels: lists and paging
# ---------------------------------------------------------------------------------------------

PAGE_LIMIT_MIN = 10
"""Smallest accepted ``limit`` (documented range 10..100); outside the range the answer is 400."""

PAGE_LIMIT_MAX = 100
"""Largest accepted ``limit``."""

PAGE_LIMIT_DEFAULT = 10
"""``limit`` used when the query has none (undocumented)."""

PAGING_ON_DOMAINS = True
"""The domain list pages exactly like the mailbox list (same ``offset``/``limit`` rules)."""

LIST_ORDER = "id"
"""Lists are sorted by ascending ``id``; the ``order`` parameter is accepted and ignored."""

FILTER_MODES = ("substring", "ignore", "none")
"""Sandbox switch for the mailbox list ``filter``: its real syntax is undocumented, so the client must
not depend on it. ``ignore`` returns every mailbox, ``none`` returns nothing when a filter is given."""

FILTER_MODE = "substring"
"""Default ``filter`` behaviour: a case-insensitive substring of the mailbox ``name``."""


def filter_matches(name: str, needle: str) -> bool:
    """Return whether a mailbox called ``name`` passes ``filter=needle`` in ``substring`` mode."""
    return needle.casefold() in name.casefold()


# ---------------------------------------------------------------------------------------------
# NetAngels: mailbox and domain fields
# ---------------------------------------------------------------------------------------------

MAILBOX_STATE_ACTIVE = "active"
"""``state`` of a working mailbox."""

MAILBOX_STATE_DISABLED = "disabled"
"""``state`` after ``PUT .../disable/``. There is no documented way back to ``active``."""

MAILBOX_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")
"""``name`` is the local part only (``info``, not ``info@example.org``): 1..64 characters of lower-case
letters, digits, ``.``, ``_`` and ``-``, starting and ending with a letter or digit, no ``..``.
Upper case is refused (400), not folded: the client must send lower case."""


def check_mailbox_name(name: object) -> str | None:
    """Return why ``name`` is not an acceptable mailbox name, or None when it is."""
    if not isinstance(name, str) or not name:
        return "this field is required and must be a non-empty string"
    if "@" in name:
        return "%r must be the local part only, without @domain" % name
    if not MAILBOX_NAME_RE.match(name) or ".." in name:
        return "%r is not a valid mailbox name (a-z, 0-9, '.', '_', '-'; 1 to 64 characters)" % name
    return None


PASSWORD_MIN_LENGTH = 8
"""Shortest accepted password. The vendor's own example, ``PassWord``, must pass."""

PASSWORD_MAX_LENGTH = 128
"""Longest accepted password."""


def check_password(password: object) -> str | None:
    """Return why ``password`` is refused, or None. The message never repeats the password.

    Rule (assumed): a string of PASSWORD_MIN_LENGTH..PASSWORD_MAX_LENGTH characters without
    whitespace or control characters. No character-class rules (the vendor example has no digit).
    """
    if not isinstance(password, str) or not password:
        return "this field is required and must be a non-empty string"
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        return "must be %d to %d characters long" % (PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
    if any(char.isspace() or not char.isprintable() for char in password):
        return "must not contain whitespace or control characters"
    return None


QUOTA_MIN = 1
"""Smallest mailbox ``quota`` in MB."""

QUOTA_MAX = 102400
"""Largest mailbox ``quota`` in MB (100 GB)."""


def check_quota(quota: object) -> str | None:
    """Return why ``quota`` is refused, or None. It must be a JSON integer (not a bool, not a string)."""
    if isinstance(quota, bool) or not isinstance(quota, int):
        return "%r is not an integer" % (quota,)
    if not QUOTA_MIN <= quota <= QUOTA_MAX:
        return "%d is outside %d..%d (MB)" % (quota, QUOTA_MIN, QUOTA_MAX)
    return None


COMMENT_MAX_LENGTH = 255
"""Longest mailbox ``comment``. ``comment`` must be a string; null is refused."""


def check_comment(comment: object) -> str | None:
    """Return why ``comment`` is refused, or None: a string of at most COMMENT_MAX_LENGTH characters."""
    if not isinstance(comment, str):
        return "%r is not a string" % (comment,)
    if len(comment) > COMMENT_MAX_LENGTH:
        return "longer than %d characters" % COMMENT_MAX_LENGTH
    return None


MAILBOX_DEFAULTS = {"comment": "", "quota": 1024, "is_local": True, "state": MAILBOX_STATE_ACTIVE, "used": 0}
"""Field values of a new mailbox (create and batch-create): 1024 MB, mail stored locally, no aliases."""

DOMAIN_DEFAULTS = {"state": "active", "validated": True, "quota": 102400, "dkim": False}
"""Field values of a seeded domain that the seed leaves out. ``dkim`` is assumed to be a bool.
A domain's ``used`` is always the sum of its mailboxes' ``used``."""

UNKNOWN_BODY_FIELDS = "ignore"
"""NetAngels ignores body fields it does not know, silently (``name`` or ``password`` in a mailbox
PUT change nothing; ``quota`` on create is not applied). Only the documented fields act."""

JSON_CONTENT_TYPE_REQUIRED = True
"""JSON bodies must be sent with ``Content-Type: application/json``; anything else is a 400."""

MISSING_TRAILING_SLASH_STATUS = 404
"""A NetAngels path without its trailing slash answers 404 (no redirect)."""


def timestamp(now: datetime | None = None) -> str:
    """Format ``created``/``updated``: ISO 8601 in UTC with seconds and offset, e.g. ``2024-05-01T10:00:00+00:00``."""
    return (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# NetAngels: aliases (forwarding addresses)
# ---------------------------------------------------------------------------------------------

EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
"""Syntax of an alias and of a Yandex forward address: ``local@domain.tld`` with a dotted domain.
At most 254 characters."""

ALIASES_SHAPES = ("string", "list")
"""Sandbox switch for how ``aliases`` is read back (``list`` proves the client reads both shapes)."""

ALIASES_SHAPE = "string"
"""``aliases`` is read back as one comma-separated string without spaces (``"a@x.org,b@y.org"``),
``""`` when there are none, in the order they were added."""

ALIAS_CONFLICT_MODES = ("error", "ignore")
"""Sandbox switch for ``add-alias`` of a present alias and ``delete-alias`` of an absent one."""

ALIAS_CONFLICT = "error"
"""Adding an alias that is already there, or deleting one that is not, answers 400 naming the alias
(``ignore``: 201, nothing changes)."""

ALREADY_EXISTS = "mailbox %r already exists"
"""The refusal of a create (``... in <domain>``) or of a batch-create row whose mailbox exists."""

ALIAS_PRESENT = "%r is already an alias of this mailbox"
"""The refusal of add-alias when the address is already there (``alias_conflict: error``)."""

ALIAS_ABSENT = "%r is not an alias of this mailbox"
"""The refusal of delete-alias when the address is not there (``alias_conflict: error``).

These three say that the wanted state already holds; the client reads before it believes them
(``_netangels.says_already``). Every other refusal says something else."""


def normalise_alias(value: object) -> tuple[str | None, str | None]:
    """Return ``(alias, None)`` for a valid address, lower-cased as the vendor stores it, else ``(None, why)``."""
    if not isinstance(value, str) or not value.strip():
        return None, "%r is not an e-mail address" % (value,)
    alias = value.strip().lower()
    if len(alias) > 254 or not EMAIL_RE.match(alias):
        return None, "%r is not an e-mail address" % (value,)
    return alias, None


def parse_aliases_field(value: object) -> tuple[list[str] | None, str | None]:
    """Read the ``aliases`` field of a mailbox PUT, which replaces the whole list.

    Accepted: a list of strings (documented), or a single string (the vendor's example sends one),
    which is split on commas. ``[]`` or ``""`` remove every alias. Duplicates are dropped.
    Returns ``(aliases, None)`` or ``(None, why)``.
    """
    if isinstance(value, str):
        items = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        items = value
    else:
        return None, "%r is neither a list of strings nor a string" % (value,)
    aliases: list[str] = []
    for item in items:
        alias, error = normalise_alias(item)
        if error:
            return None, error
        if alias not in aliases:
            aliases.append(alias)
    return aliases, None


def format_aliases(aliases: list[str], shape: str = ALIASES_SHAPE) -> str | list[str]:
    """Return ``aliases`` as the API reads them back in the given shape."""
    return list(aliases) if shape == "list" else ",".join(aliases)


# ---------------------------------------------------------------------------------------------
# NetAngels: answers without a documented body, errors
# ---------------------------------------------------------------------------------------------

EMPTY_ACTION_BODY: dict = {}
"""Body of delete, disable and cleanup, which the reference shows without a return value: ``{}``.
(The client must re-read the mailbox if it needs its state.)"""

CLEANUP_FORBIDDEN_MESSAGE = "cleanup is forbidden for this mailbox"
"""``detail`` of the 400 from ``cleanup`` for a mailbox where cleanup is forbidden."""


def netangels_error(detail: str, errors: dict[str, list[str]] | None = None) -> dict:
    """Return a NetAngels error body: always ``{"detail": str}``; validation errors also carry
    ``{"errors": {field: [message, ...]}}``. Messages never contain a password or a token."""
    body: dict = {"detail": detail}
    if errors:
        body["errors"] = errors
    return body


# ---------------------------------------------------------------------------------------------
# NetAngels: batch-create CSV upload
# ---------------------------------------------------------------------------------------------

BATCH_CSV_FIELD = "file"
"""Name of the multipart/form-data field that carries the CSV file."""

BATCH_CSV_COLUMNS = ("name", "password", "comment")
"""Columns a header row may name, in any order; ``name`` and ``password`` are required."""

BATCH_CSV_REQUIRED_COLUMNS = ("name", "password")
"""Columns that must be present in the header row."""

BATCH_CSV_DELIMITER = ","
"""Field delimiter; fields may be quoted with ``"`` (RFC 4180)."""

BATCH_CSV_ENCODING = "utf-8-sig"
"""UTF-8, with or without a byte-order mark."""

BATCH_MAX_ROWS = 1000
"""Most mailboxes per upload (the batch limit); a larger file is a 400 naming the first line over
the limit, and creates nothing (the client must split). Pinned to the client's
``BATCH_CREATE_LIMIT``."""

BATCH_MODES = ("all_or_nothing", "partial")
"""Sandbox switch (setting ``batch_mode``): whether an upload with a bad row creates nothing or
creates what it can. The vendor documents neither, so the client must handle both."""

BATCH_MODE = "all_or_nothing"
"""Default: a file with any bad line creates nothing; the 400 names the first bad line as
``line N`` (header = line 1, N = the line the row ends on). ``partial``: every good row is
created, and the answer is the documented 200 ``{"count", "entities"}`` listing only the
created mailboxes (the refused rows are left out, with no reason given). In both modes a
problem of the file itself (upload field, encoding, header, too many rows) is a 400 that
creates nothing."""


class BatchCsvError(ValueError):
    """A batch-create CSV problem; ``line`` is the 1-based line number in the file (0 = whole file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__("line %d: %s" % (line, message) if line else message)
        self.line = line


def read_batch_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Parse an uploaded CSV file into ``[(line_number, {"name", "password", "comment"}), ...]``.

    Checks the layout only (encoding, header, column count, row count); the values are checked
    by the caller. Blank lines are skipped. Raises BatchCsvError.
    """
    try:
        text = data.decode(BATCH_CSV_ENCODING)
    except UnicodeDecodeError as exc:
        raise BatchCsvError(0, "the file is not UTF-8 (%s)" % exc.reason) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=BATCH_CSV_DELIMITER, strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader, None)
        if not header:
            raise BatchCsvError(1, "the file is empty; expected a header row %s" % ",".join(BATCH_CSV_COLUMNS))
        columns = [column.strip().lower() for column in header]
        unknown = [column for column in columns if column not in BATCH_CSV_COLUMNS]
        missing = [column for column in BATCH_CSV_REQUIRED_COLUMNS if column not in columns]
        if unknown or missing or len(set(columns)) != len(columns):
            raise BatchCsvError(1, "bad header %r; expected the columns %s (comment optional)" % (header, ",".join(BATCH_CSV_COLUMNS)))
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            if len(record) != len(columns):
                raise BatchCsvError(reader.line_num, "expected %d fields, found %d" % (len(columns), len(record)))
            row = dict(zip(columns, record))
            row.setdefault("comment", "")
            rows.append((reader.line_num, row))
            if len(rows) > BATCH_MAX_ROWS:
                raise BatchCsvError(reader.line_num, "more than %d mailboxes in one file" % BATCH_MAX_ROWS)
    except csv.Error as exc:
        raise BatchCsvError(reader.line_num, "malformed CSV (%s)" % exc) from None
    if not rows:
        raise BatchCsvError(0, "the file has no mailbox rows")
    return rows


# ---------------------------------------------------------------------------------------------
# Yandex 360: authentication and errors
# ---------------------------------------------------------------------------------------------

YANDEX_AUTH_SCHEME = "OAuth"
"""The only accepted ``Authorization`` scheme (``OAuth <token>``); ``Bearer`` is refused with 401."""

YANDEX_AUTH_ORDER = ("401 missing or unknown token", "404 unknown organisation", "403 token not allowed for the organisation")
"""Order of the checks: a bad token is reported before an unknown org, an unknown org before a
token that lacks rights on it. A read-only token gets 403 on PUT."""

YANDEX_BAD_ORG_ID_STATUS = 400
"""Status for an ``orgId`` that is not an integer (grpc-gateway reports a type mismatch)."""

GRPC_CODES = {400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 429: 8, 500: 13, 502: 14, 503: 14}
"""The integer ``code`` in Yandex error bodies is the gRPC status code matching the HTTP status."""


def yandex_error(status: int, message: str) -> dict:
    """Return a Yandex 360 error body: ``{"code": int, "message": str, "details": []}``."""
    return {"code": GRPC_CODES.get(status, 2), "message": message, "details": []}


# ---------------------------------------------------------------------------------------------
# Yandex 360: routing rules accepted by PUT
# ---------------------------------------------------------------------------------------------

YANDEX_MISSING_RULES_IS_EMPTY = True
"""A PUT body without ``rules`` (``{}``) is an empty list, as in protobuf: it deletes every rule."""

YANDEX_UNKNOWN_FIELDS_REJECTED = True
"""Unknown keys in the body, a rule, an action, ``data`` or ``scope`` are a 400 (grpc-gateway default)."""

YANDEX_EMPTY_ACTIONS_REJECTED = True
"""A rule must have at least one action."""

YANDEX_EXISTS_ONLY_ON_HEADERS = True
"""``$exists`` (true/false) is accepted on ``header:NAME`` keys only."""

YANDEX_ONE_OPERATOR_PER_COMPARISON = True
"""A comparison object holds exactly one operator (``{"$contains": "a", "$ne": "b"}`` is a 400)."""

YANDEX_FORWARD_EMAIL_CHECKED = True
"""``data.email`` of a forward action must pass the check of a NetAngels alias, ``normalise_alias``
(EMAIL_RE, at most 254 characters, surrounding spaces ignored); the reference's example says just
``example``. It is stored as sent."""

YANDEX_ADDRESS_KEY_TWICE_REJECTED = True
"""``from`` and ``address:from`` (likewise to, cc, tocc) are one key spelled two ways (the vendor:
the ``address:`` prefix may be dropped), so a condition object that holds both holds one key twice;
JSON object names must be unique, so that is a 400 rather than a guess at which one wins."""


def check_base64(value: object) -> str | None:
    """Return why a ``{"$base64": value}`` operand is refused, or None: standard alphabet, padded."""
    if not isinstance(value, str):
        return "$base64 needs a string"
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return "%r is not valid base64" % value
    return None


# ---------------------------------------------------------------------------------------------
# Yandex 360: routing rules as GET reads them back
# ---------------------------------------------------------------------------------------------

def yandex_readback_rule(rule: dict) -> dict:
    """Return ``rule`` (valid, as sent in a PUT) the way GET reads it back.

    The service speaks protobuf JSON, which omits fields holding their default value:
    ``terminal`` only when true, ``scope`` only for ``outbound`` (inbound is the default),
    ``data`` only on forward actions, ``action`` always written out (a missing one means drop).
    ``condition`` comes back as sent (``null``, ``{}`` or the object), absent when not sent.
    Field order: terminal, condition, actions, scope.
    """
    out: dict = {}
    if rule.get("terminal"):
        out["terminal"] = True
    if "condition" in rule:
        out["condition"] = rule["condition"]
    actions = []
    for action in rule.get("actions") or []:
        if action.get("action") == "forward":
            actions.append({"action": "forward", "data": {"email": action["data"]["email"]}})
        else:
            actions.append({"action": "drop"})
    out["actions"] = actions
    if ((rule.get("scope") or {}).get("direction") or "inbound") == "outbound":
        out["scope"] = {"direction": "outbound"}
    return out


# ---------------------------------------------------------------------------------------------
# Both APIs: rate limits and proxy errors
# ---------------------------------------------------------------------------------------------

RATE_LIMIT = None
"""No rate limit is documented; the sandbox never answers 429 unless a fault asks for it."""

RETRY_AFTER_DEFAULT = 1
"""``Retry-After`` (seconds) sent with an injected 429 when the fault names none."""

PROXY_HTML_STATUSES = (502, 503)
"""502 and 503 come from the front proxy, not the API: an HTML page (``text/html``), not JSON.
Injected 429 and 500 come from the API and carry the API's JSON error body."""
