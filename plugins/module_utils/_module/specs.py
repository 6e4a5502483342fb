# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The options every module shares and the checks of their values.

The argument specs of the auth and connection options (matching the ``netangels``,
``yandex360`` and ``common`` doc fragments), and :func:`option_problems`, which refuses bad values of those
options (URLs, timeouts, IDs, credentials) before any request. :func:`shown` words a value in a
message without repeating a long or structured one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import DEFAULT_API_URL as NETANGELS_API_URL
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import DEFAULT_AUTH_URL as NETANGELS_AUTH_URL
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import DEFAULT_API_URL as YANDEX360_API_URL


def _connection_spec() -> dict[str, dict[str, Any]]:
    return dict(
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=_http.DEFAULT_TIMEOUT),
    )


def netangels_argument_spec(**extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``mailops.hosted_mail.netangels`` doc fragment's options, plus the module's own."""
    spec: dict[str, dict[str, Any]] = dict(
        api_key=dict(type='str', no_log=True, fallback=(env_fallback, ['NETANGELS_API_KEY'])),
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['NETANGELS_API_TOKEN'])),
        api_url=dict(type='str', default=NETANGELS_API_URL, fallback=(env_fallback, ['NETANGELS_API_URL'])),
        auth_url=dict(type='str', default=NETANGELS_AUTH_URL, fallback=(env_fallback, ['NETANGELS_AUTH_URL'])),
        token_cache=dict(type='bool', default=True, fallback=(env_fallback, ['NETANGELS_TOKEN_CACHE'])),
        token_cache_dir=dict(type='path', fallback=(env_fallback, ['NETANGELS_TOKEN_CACHE_DIR'])),
        retry_timeout=dict(type='float', default=_http.DEFAULT_RETRY_TIMEOUT, fallback=(env_fallback, ['NETANGELS_RETRY_TIMEOUT'])),
    )
    spec.update(_connection_spec())
    spec.update(extra)
    return spec


def yandex360_argument_spec(**extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``mailops.hosted_mail.yandex360`` doc fragment's options, plus the module's own."""
    spec: dict[str, dict[str, Any]] = dict(
        oauth_token=dict(type='str', no_log=True, required=True, fallback=(env_fallback, ['YANDEX360_OAUTH_TOKEN'])),
        org_id=dict(type='int', required=True, fallback=(env_fallback, ['YANDEX360_ORG_ID'])),
        api_url=dict(type='str', default=YANDEX360_API_URL, fallback=(env_fallback, ['YANDEX360_API_URL'])),
        retry_timeout=dict(type='float', default=_http.DEFAULT_RETRY_TIMEOUT, fallback=(env_fallback, ['YANDEX360_RETRY_TIMEOUT'])),
    )
    spec.update(_connection_spec())
    spec.update(extra)
    return spec


def shown(value: Any) -> str:
    """A value in a message: its kind, and the value itself when it is short and scalar."""
    if value is None:
        return 'null'
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + '...'
        return 'a string "%s"' % text
    if isinstance(value, bool):
        return 'a boolean (%s)' % str(value).lower()
    if isinstance(value, (int, float)):
        return 'a number (%s)' % value
    if isinstance(value, (list, tuple)):
        return 'a list'
    return 'a %s' % type(value).__name__


def _url_problem(name: str, value: str) -> str | None:
    """Why ``value`` cannot be the base URL option ``name``, or None. Credentials in it are never repeated."""
    if any(char.isspace() or not char.isprintable() for char in value):
        return '%s must be a URL without spaces or control characters' % name
    try:
        parts = urlsplit(value)
        dummy = parts.port  # raises ValueError for a bad port
    except ValueError as exc:
        return '%s is not a valid URL (%s)' % (name, exc)
    if '@' in parts.netloc:
        return '%s must not contain a user name or password (give credentials in their own options)' % name
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        return '%s must be an http:// or https:// URL with a host name, got %s' % (name, shown(value))
    return None


def blank(value: str | None) -> bool:
    return value is None or not value.strip()


SECRETS = ('api_key', 'api_token', 'oauth_token')
ID_OPTIONS = dict(org_id="the organisation's ID", domain_id="the mail domain's ID", mailbox_id="the mailbox's ID")


def option_problems(params: Mapping[str, Any]) -> list[str]:
    """What is wrong with the values of the shared options (whichever of them ``params`` has).

    Bad URLs, a timeout that is not above 0, an ID that is not positive, missing credentials, a
    secret that holds whitespace. No value of a secret is ever repeated. An empty ``api_key`` or
    ``api_token`` counts as not set (the other one may be set).
    """
    problems: list[str | None] = []
    if 'oauth_token' in params and blank(params['oauth_token']):
        problems.append('oauth_token is empty: set it (or the environment variable YANDEX360_OAUTH_TOKEN) to the OAuth token '
                        'of a Yandex 360 application')
    if 'api_key' in params and blank(params['api_key']) and blank(params.get('api_token')):
        problems.append('NetAngels credentials are missing: set api_key (or the NETANGELS_API_KEY environment variable) '
                        'or api_token (or NETANGELS_API_TOKEN)')
    for name in SECRETS:
        if not blank(params.get(name)) and any(char.isspace() or not char.isprintable() for char in params[name]):
            problems.append('%s contains whitespace or control characters (a stray space or line break?); '
                            'its value is not shown' % name)
    for name in ('api_url', 'auth_url'):
        if params.get(name) is not None:
            problems.append(_url_problem(name, params[name]))
    if params.get('timeout') is not None and not (math.isfinite(params['timeout']) and params['timeout'] > 0):
        problems.append('timeout must be a number of seconds above 0, got %s' % params['timeout'])
    if params.get('retry_timeout') is not None and not (math.isfinite(params['retry_timeout']) and params['retry_timeout'] > 0):
        problems.append('retry_timeout must be a number of seconds above 0, got %s' % params['retry_timeout'])
    if params.get('lock_timeout') is not None and not (math.isfinite(params['lock_timeout']) and params['lock_timeout'] >= 0):
        problems.append('lock_timeout must be a number of seconds, 0 or more, got %s' % params['lock_timeout'])
    for name, what in ID_OPTIONS.items():
        if params.get(name) is not None and params[name] <= 0:
            problems.append('%s must be a positive number (%s), got %s' % (name, what, params[name]))
    return [problem for problem in problems if problem]
