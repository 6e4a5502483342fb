# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The NetAngels rules the vendor does not document: what a mailbox name, password, quota,
comment and forwarding address may be, and how an answer's aliases, name and state read.

Each function is one assumption, mirrored by the API sandbox (``tests/sandbox/assumptions.py``);
a unit test runs one table of values through both and proves they agree. The ``check_*``
functions answer ``None`` when the value is acceptable, or a short reason; no reason ever
repeats a password.
"""

from __future__ import annotations

import re
from typing import Any

# A mailbox's forwarding addresses (aliases) pass the collection's one address check, shared
# with the forward action of Yandex 360 routing rules.
from ansible_collections.mailops.hosted_mail.plugins.module_utils._address import (  # noqa: F401 pylint: disable=unused-import
    normalise_address as normalise_alias)

LOCAL_PART_MAX_LENGTH = 64
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
QUOTA_MIN = 1
QUOTA_MAX = 102400
COMMENT_MAX_LENGTH = 255
MAILBOX_STATE_DISABLED = 'disabled'

_LOCAL_PART_RE = re.compile(r'^[a-z0-9](?:[a-z0-9._-]{0,%d}[a-z0-9])?$' % (LOCAL_PART_MAX_LENGTH - 2))


def check_local_part(name: Any) -> str | None:
    """Why ``name`` cannot be a mailbox's local part, or None.

    Assumption (undocumented): 1 to 64 characters of lower-case letters, digits, ``.``, ``_`` and
    ``-``, starting and ending with a letter or digit, without ``..``. Upper case is refused by
    the API rather than folded, so it is refused here too (with a hint).
    """
    if not isinstance(name, str) or not name:
        return 'the mailbox name is empty'
    if '@' in name:
        return '"%s" must be the local part only (alice, not alice@example.com)' % name
    if _LOCAL_PART_RE.match(name) and '..' not in name:
        return None
    hint = ' (use lower case: %s)' % name.lower() if name.lower() != name and check_local_part(name.lower()) is None else ''
    return ('"%s" is not a valid mailbox name: 1 to %d characters of a-z, 0-9, ".", "_" and "-", starting and ending '
            'with a letter or digit, no ".."%s' % (name, LOCAL_PART_MAX_LENGTH, hint))


def check_password(password: Any) -> str | None:
    """Why ``password`` would be refused, or None. The reason never repeats the password.

    Assumption (undocumented): 8 to 128 characters without whitespace or control characters,
    no character-class rules (the vendor's own example, ``PassWord``, has no digit).
    """
    if not isinstance(password, str) or not password:
        return 'the password is empty'
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        return 'the password must be %d to %d characters long' % (PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
    if ' ' in password or not password.isprintable():  # every other whitespace character is not printable
        return 'the password must not contain whitespace or control characters'
    return None


def check_quota(quota: Any) -> str | None:
    """Why ``quota`` (MB) would be refused, or None.

    Assumption (undocumented): an integer from 1 to 102400 MB (100 GB).
    """
    if isinstance(quota, bool) or not isinstance(quota, int):
        return 'quota %r is not a whole number of MB' % (quota,)
    if not QUOTA_MIN <= quota <= QUOTA_MAX:
        return 'quota %d MB is outside the range %d..%d MB' % (quota, QUOTA_MIN, QUOTA_MAX)
    return None


def check_comment(comment: Any) -> str | None:
    """Why ``comment`` would be refused, or None.

    Assumption (undocumented): a string of at most 255 characters.
    """
    if not isinstance(comment, str):
        return 'the comment must be a string'
    if len(comment) > COMMENT_MAX_LENGTH:
        return 'the comment is %d characters long; at most %d are accepted' % (len(comment), COMMENT_MAX_LENGTH)
    return None


def is_disabled(mailbox: dict[str, Any] | None) -> bool:
    """Whether a mailbox read from the API is disabled.

    Assumption (undocumented): ``state`` reads ``disabled`` after the disable call (any other
    value, e.g. ``active``, is a working mailbox). There is no documented way back.
    """
    return str((mailbox or {}).get('state') or '').lower() == MAILBOX_STATE_DISABLED


def parse_aliases(value: Any) -> list[str]:
    """Forwarding addresses as a list, whatever shape the API used.

    Assumption: the reference types ``aliases`` as ``str`` in answers but ``list of str`` in the
    update body. A string is read as comma (or whitespace) separated addresses; ``None`` and
    ``""`` mean none.
    """
    if value is None:
        return []
    if isinstance(value, str):
        items = value.replace(';', ',').replace(' ', ',').split(',')
    else:
        items = list(value)
    return [str(item).strip() for item in items if item is not None and str(item).strip()]


def mailbox_local_part(entity: dict[str, Any]) -> str:
    """The local part of a mailbox as the API names it.

    Assumption: ``name`` is the local part (a separate ``domain_id`` is returned). Should the API
    answer a full address instead, the part before ``@`` is used, so lookups still match.
    """
    return str(entity.get('name') or '').split('@', 1)[0]
