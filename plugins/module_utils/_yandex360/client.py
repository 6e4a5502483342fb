# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""Yandex 360 admin API client: read and replace an organisation's mail routing rules.

Plain dicts in and out (the wire format), the transport's typed exceptions, nothing of Ansible and
nothing of the rules grammar: whether a list read back is the one written is the caller's question
(:func:`._yandex360.sync.sync_rules` passes it in as ``took_effect``).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _writes
from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._http import Transport, unexpected_answer

DEFAULT_API_URL = 'https://api360.yandex.net'


class Yandex360Client(object):
    """Calls of the Yandex 360 routing-rules API over a :class:`~._http.Transport`."""

    def __init__(self, transport: Transport, oauth_token: str, api_url: str = DEFAULT_API_URL) -> None:
        if not oauth_token:
            raise InputError('The Yandex 360 OAuth token is missing: set oauth_token (or YANDEX360_OAUTH_TOKEN).')
        self.transport = transport
        self.api_url = api_url.rstrip('/')
        self._headers = {'Authorization': 'OAuth %s' % oauth_token}
        transport.add_secret(oauth_token)

    def _path(self, org_id: int) -> str:
        return '%s/admin/v1/org/%d/mail/routing/rules' % (self.api_url, int(org_id))

    def get_rules(self, org_id: int) -> list[dict[str, Any]]:
        """The organisation's rule list, in order, as the API returns it.

        ``{"rules": [...]}`` is the documented answer. ``{}`` (no ``rules`` key) means no rules:
        the ``YANDEX_MISSING_RULES_IS_EMPTY`` assumption. Anything else -- an empty body, a JSON
        list, ``rules`` that is not a list of objects -- raises InvalidResponseError naming the
        call, so that no rule list is ever planned (and written) from it.
        """
        path = self._path(org_id)
        response = self.transport.request('GET', path, headers=self._headers)
        body = response.body
        rules = body.get('rules', []) if isinstance(body, dict) else None
        if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
            raise unexpected_answer(self.transport.redactor, 'GET %s' % path[len(self.api_url):], body, '{"rules": a list of rule objects}')
        return rules

    def set_rules(self, org_id: int, rules: list[Any], took_effect: Callable[[list[dict[str, Any]]], bool]) -> None:
        """Replace the organisation's whole rule list.

        A replace is safe to repeat (:data:`._writes.RULES_REPLACE`), so the transport repeats it
        after a fault, within that kind's budget. When every attempt ended without a clear answer,
        the list is read back: the write took effect when
        ``took_effect(list_read)`` is true (the caller knows what "the same list" means).
        """
        rules = list(rules)

        def confirm() -> Optional[bool]:
            return True if took_effect(self.get_rules(org_id)) else None

        self.transport.request('PUT', self._path(org_id), headers=self._headers, json_body={'rules': rules},
                               kind=_writes.RULES_REPLACE, confirm=confirm)
