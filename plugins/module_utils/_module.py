# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""What every module shares: the auth argument specs (matching the doc fragments), client
construction, and the one place where client exceptions become ``fail_json``."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import DEFAULT_API_URL as NETANGELS_API_URL
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import DEFAULT_AUTH_URL as NETANGELS_AUTH_URL
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.module_utils._token_cache import TokenCache
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360 import DEFAULT_API_URL as YANDEX360_API_URL
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360 import Yandex360Client


def _connection_spec():
    return dict(
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=_http.DEFAULT_TIMEOUT),
    )


def netangels_argument_spec(**extra):
    """The ``mailops.hosted_mail.netangels`` doc fragment's options, plus the module's own."""
    spec = dict(
        api_key=dict(type='str', no_log=True, fallback=(env_fallback, ['NETANGELS_API_KEY'])),
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['NETANGELS_API_TOKEN'])),
        api_url=dict(type='str', default=NETANGELS_API_URL, fallback=(env_fallback, ['NETANGELS_API_URL'])),
        auth_url=dict(type='str', default=NETANGELS_AUTH_URL, fallback=(env_fallback, ['NETANGELS_AUTH_URL'])),
        token_cache=dict(type='bool', default=True, fallback=(env_fallback, ['NETANGELS_TOKEN_CACHE'])),
        token_cache_dir=dict(type='path', fallback=(env_fallback, ['NETANGELS_TOKEN_CACHE_DIR'])),
    )
    spec.update(_connection_spec())
    spec.update(extra)
    return spec


def yandex360_argument_spec(**extra):
    """The ``mailops.hosted_mail.yandex360`` doc fragment's options, plus the module's own."""
    spec = dict(
        oauth_token=dict(type='str', no_log=True, required=True, fallback=(env_fallback, ['YANDEX360_OAUTH_TOKEN'])),
        org_id=dict(type='int', required=True, fallback=(env_fallback, ['YANDEX360_ORG_ID'])),
        api_url=dict(type='str', default=YANDEX360_API_URL, fallback=(env_fallback, ['YANDEX360_API_URL'])),
    )
    spec.update(_connection_spec())
    spec.update(extra)
    return spec


def _transport(module):
    if not _http.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=_http.REQUESTS_IMPORT_ERROR)
    params = module.params
    return _http.Transport(timeout=params['timeout'], validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                           user_agent_suffix='ansible-core/%s' % module.ansible_version)


def netangels_client(module):
    """A :class:`NetAngelsClient` from the module's auth options (fails clearly without credentials)."""
    params = module.params
    if not params['api_key'] and not params['api_token']:
        module.fail_json(msg='NetAngels credentials are missing: set api_key (or the NETANGELS_API_KEY environment variable) '
                             'or api_token (or NETANGELS_API_TOKEN).')
    cache = None
    if params['api_key'] and params['token_cache']:
        # check mode reads the cache but writes nothing to disk
        cache = TokenCache(params['api_key'], params['auth_url'], directory=params['token_cache_dir'],
                           read_only=module.check_mode, warn=module.warn)
    return NetAngelsClient(_transport(module), api_url=params['api_url'], auth_url=params['auth_url'],
                           api_key=params['api_key'], api_token=params['api_token'], token_cache=cache)


def yandex360_client(module):
    """A :class:`Yandex360Client` from the module's auth options."""
    return Yandex360Client(_transport(module), module.params['oauth_token'], api_url=module.params['api_url'])


def fail_on_api_error(module, exc, doing, **result):
    """Fail the module with what was being done, what the API said, and its status and body."""
    module.fail_json(msg='%s: %s' % (doing, exc), status=exc.status, api_response=exc.details, **result)


def run(module, work, doing):
    """Call ``work()``; turn client exceptions into a clear ``fail_json`` naming ``doing``.

    ``doing`` is a short description such as ``'Cannot read mailboxes of example.com'``.
    Every message already went through the transport's redaction.
    """
    try:
        return work()
    except _http.ApiError as exc:
        fail_on_api_error(module, exc, doing)
    except ValueError as exc:
        module.fail_json(msg='%s: %s' % (doing, exc))
