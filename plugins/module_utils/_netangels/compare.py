# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""Whether a mailbox as read holds the values a task wants (the API's way of storing them)."""

from __future__ import annotations

from typing import Any

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import parse_aliases


def same_field(field: str, current: Any, wanted: Any) -> bool:
    """Whether a mailbox field as read (``current``) is the value sent (``wanted``).

    Forwarding addresses compare as a set in any case (the API stores them in lower case, as a
    string or a list); a missing comment reads as ``""``.
    """
    if field == 'aliases':
        return sorted(a.lower() for a in parse_aliases(current)) == sorted(a.lower() for a in wanted)
    if field == 'comment':
        return (current or '') == wanted
    return current == wanted


def reads_as(mailbox: dict[str, Any], fields: dict[str, Any]) -> bool:
    """Whether every field of ``fields`` reads as sent in ``mailbox``."""
    return all(same_field(field, mailbox.get(field), value) for field, value in fields.items())
