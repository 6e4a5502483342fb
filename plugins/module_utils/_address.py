# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The one check of an e-mail address that mail is forwarded to.

Used for a NetAngels mailbox's forwarding addresses (aliases) and for the address of a Yandex 360
routing rule's ``forward`` action, so both accept exactly the same addresses. Pure: no HTTP, no
Ansible. The API sandbox mirrors it (``tests/sandbox/assumptions.py``: ``EMAIL_RE`` and
``normalise_alias``) and a unit test runs one table of addresses through both.
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError

ADDRESS_MAX_LENGTH = 254

_DOMAIN_LABEL = r'[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
_ADDRESS_RE = re.compile(r"^[A-Za-z0-9.!#$%%&'*+/=?^_`{|}~-]+@%s(?:\.%s)+$" % (_DOMAIN_LABEL, _DOMAIN_LABEL))


def normalise_address(value: Any) -> str:
    """A forwarding address as NetAngels stores it: stripped and lower-cased. Raises InputError.

    Assumption (undocumented by both vendors): ``local@domain.tld`` (a dotted domain, the usual
    local-part characters, ASCII only: an internationalised domain is written in its ``xn--``
    form), at most 254 characters; surrounding spaces are ignored. NetAngels stores an alias in
    lower case, so aliases are compared case-insensitively; a caller that must keep the user's
    spelling (a routing rule) uses the check and keeps ``value.strip()``. The error names the
    bad value.
    """
    if not isinstance(value, str) or not value.strip():
        raise InputError('%r is not an e-mail address' % (value,))
    address = value.strip().lower()
    if len(address) > ADDRESS_MAX_LENGTH or not _ADDRESS_RE.match(address):
        raise InputError('"%s" is not an e-mail address (expected name@example.com)' % value)
    return address
