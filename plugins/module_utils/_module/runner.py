# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""What every module shares: how it is built, its auth and connection options (matching the doc
fragments), the checks of their values, client construction, and the one place where errors
become ``fail_json``.

A module is built with :func:`netangels_module` or :func:`yandex360_module`, which

* register every secret before ansible-core validates anything (:class:`CollectionModule`),
* refuse a malformed nested option (``rules``, ``rules[].actions``) with a message naming it,
* refuse bad values of the shared options (:func:`option_problems`) before any request,

and runs its work through :func:`run`.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Mapping
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.common.validation import check_type_dict, check_type_list

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module import ansible_core as _ansible_core
from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import Error
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import DEFAULT_API_URL as NETANGELS_API_URL
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import DEFAULT_AUTH_URL as NETANGELS_AUTH_URL
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.module_utils._token_cache import TokenCache
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import DEFAULT_API_URL as YANDEX360_API_URL
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client

BUG_REPORT = ('This is a bug in mailops.hosted_mail; please report it with the traceback '
              '(-vvv shows it; so does ANSIBLE_DISPLAY_TRACEBACK=error on ansible-core 2.19 and later)')


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
        retry_timeout=dict(type='float', default=_http.DEFAULT_RETRY_TIMEOUT, fallback=(env_fallback, ['NETANGELS_RETRY_TIMEOUT'])),
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
        retry_timeout=dict(type='float', default=_http.DEFAULT_RETRY_TIMEOUT, fallback=(env_fallback, ['YANDEX360_RETRY_TIMEOUT'])),
    )
    spec.update(_connection_spec())
    spec.update(extra)
    return spec


# -- building a module ------------------------------------------------------------------------

def _option_values(spec, params):
    """``(name, options, value)`` for each option of ``spec`` that ``params`` sets (by name or alias)."""
    for name, options in spec.items():
        for key in [name] + list(options.get('aliases') or []):
            if isinstance(params, Mapping) and params.get(key) is not None:
                yield name, options, params[key]
                break


def _as_mapping(value):
    """``value`` as ansible-core would read a suboption mapping (a dict, or a JSON / ``k=v`` string), or None."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            return check_type_dict(value)
        except (TypeError, ValueError):
            return None
    return None


def _elements(options, value):
    """The mappings a nested option holds, as ansible-core would read them; None where one is malformed."""
    if options.get('type') == 'dict':
        return [_as_mapping(value)]
    try:
        items = check_type_list(value)
    except TypeError:
        return [None]
    return [_as_mapping(item) for item in items]


def _leaves(value):
    """Every string a secret value holds (keys included), as ansible-core would show it."""
    if isinstance(value, bytes):
        value = value.decode('utf-8', 'replace')
    if isinstance(value, str):
        return {value} if value else set()
    if value is None or isinstance(value, bool):
        return set()
    if isinstance(value, Mapping):
        found = set()
        for key, item in value.items():
            found |= _leaves(key) | _leaves(item)
        return found | {str(value)}
    if isinstance(value, (list, tuple, set, frozenset)):
        found = set()
        for item in value:
            found |= _leaves(item)
        return found | {str(value)}
    return {str(value)}


def secret_values(spec, params):
    """Every value of a ``no_log`` option (nested ones too) that ``params`` sets, whatever its shape.

    Never raises: it reads malformed input as far as it can be read.
    """
    found = set()
    for dummy, options, value in _option_values(spec, params):
        if options.get('no_log'):
            found |= _leaves(value)
        if options.get('options'):
            # A string may be read whole (as ansible-core's no_log pass does) or split at commas
            # (as its type check does): look in both.
            candidates = _elements(options, value) + [_as_mapping(value)]
            for mapping in candidates:
                if mapping is not None:
                    found |= secret_values(options['options'], mapping)
    return found


def _shown(value):
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


def shape_problems(spec, params, path=''):
    """What in ``params`` is not the mapping (or list of mappings) a nested option needs, by path.

    ``rules[1].actions: a list of mappings is needed, got a string "drop"``. These are exactly
    the values on which ansible-core's own check would fail with no option named.
    """
    problems = []
    for name, options, value in _option_values(spec, params):
        if not options.get('options'):
            continue
        where = '%s.%s' % (path, name) if path else name
        elements = _elements(options, value)
        if options.get('type') == 'dict':
            if elements[0] is None:
                problems.append('%s: a mapping is needed, got %s' % (where, _shown(value)))
            else:
                problems.extend(shape_problems(options['options'], elements[0], where))
            continue
        if not isinstance(value, list):
            if None in elements:
                problems.append('%s: a list of mappings is needed, got %s' % (where, _shown(value)))
            continue
        for index, (item, mapping) in enumerate(zip(value, elements)):
            if mapping is None:
                problems.append('%s[%d]: a mapping is needed, got %s' % (where, index, _shown(item)))
            else:
                problems.extend(shape_problems(options['options'], mapping, '%s[%d]' % (where, index)))
    return problems


class CollectionModule(AnsibleModule):
    """``AnsibleModule`` that knows every secret before it validates anything.

    ansible-core registers ``no_log`` values while it validates the arguments, and gives up
    registering them at the first nested value it cannot read as a mapping (``actions: drop``):
    the failure then echoes every secret given as an option in ``invocation.module_args``. Here
    every secret is registered as soon as the parameters are read, whatever their shape, and a
    malformed nested value fails at once with a message that names it.
    """

    def _load_params(self):
        # ansible-core internals (AnsibleModule.__init__ reads the parameters through this
        # method): _ansible_core.py is the one place that relies on them, with fallbacks.
        _ansible_core.load_params(self)
        self.no_log_values.update(secret_values(self.argument_spec, self.params))
        problems = shape_problems(self.argument_spec, self.params)
        if problems:
            _ansible_core.set_internal_properties(self)
            self.fail_json(msg='; '.join(problems))

    def fail_json(self, msg, **kwargs):
        """``AnsibleModule.fail_json``, with ansible-core's own messages worded the same on every core."""
        super(CollectionModule, self).fail_json(msg=_ansible_core.same_message(msg), **kwargs)

    def log(self, msg, log_args=None):
        """``AnsibleModule.log``, with a message syslog accepts on every core (see _ansible_core.log_text)."""
        super(CollectionModule, self).log(_ansible_core.log_text(msg), log_args=log_args)


def _url_problem(name, value):
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
        return '%s must be an http:// or https:// URL with a host name, got %s' % (name, _shown(value))
    return None


def _blank(value):
    return value is None or not value.strip()


SECRETS = ('api_key', 'api_token', 'oauth_token')
ID_OPTIONS = dict(org_id="the organisation's ID", domain_id="the mail domain's ID", mailbox_id="the mailbox's ID")


def option_problems(params):
    """What is wrong with the values of the shared options (whichever of them ``params`` has).

    Bad URLs, a timeout that is not above 0, an ID that is not positive, missing credentials, a
    secret that holds whitespace. No value of a secret is ever repeated. An empty ``api_key`` or
    ``api_token`` counts as not set (the other one may be set).
    """
    problems = []
    if 'oauth_token' in params and _blank(params['oauth_token']):
        problems.append('oauth_token is empty: set it (or the environment variable YANDEX360_OAUTH_TOKEN) to the OAuth token '
                        'of a Yandex 360 application')
    if 'api_key' in params and _blank(params['api_key']) and _blank(params.get('api_token')):
        problems.append('NetAngels credentials are missing: set api_key (or the NETANGELS_API_KEY environment variable) '
                        'or api_token (or NETANGELS_API_TOKEN)')
    for name in SECRETS:
        if not _blank(params.get(name)) and any(char.isspace() or not char.isprintable() for char in params[name]):
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


def _module(spec, kwargs):
    module = CollectionModule(argument_spec=spec, **kwargs)
    problems = option_problems(module.params)
    if problems:
        module.fail_json(msg='; '.join(problems))
    return module


def netangels_module(options, **kwargs):
    """A NetAngels module: its own ``options`` plus the auth and connection ones, values checked.

    ``kwargs`` are AnsibleModule's (``supports_check_mode``, ``mutually_exclusive``...).
    """
    return _module(netangels_argument_spec(**options), kwargs)


def yandex360_module(options, **kwargs):
    """A Yandex 360 module: its own ``options`` plus the auth and connection ones, values checked."""
    return _module(yandex360_argument_spec(**options), kwargs)


# -- clients and the runner ---------------------------------------------------------------------

def _transport(module):
    if not _http.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=_http.REQUESTS_IMPORT_ERROR)
    params = module.params
    return _http.Transport(timeout=params['timeout'], validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                           retry_timeout=params['retry_timeout'],
                           user_agent_suffix='ansible-core/%s' % module.ansible_version, secret_store=module.no_log_values)


def netangels_client(module):
    """A :class:`NetAngelsClient` from the module's auth options (checked by :func:`netangels_module`)."""
    params = module.params
    api_key = None if _blank(params['api_key']) else params['api_key']
    cache = None
    if api_key and params['token_cache']:
        # check mode reads the cache but writes nothing to disk
        cache = TokenCache(api_key, params['auth_url'], directory=params['token_cache_dir'],
                           read_only=module.check_mode, warn=module.warn)
    return NetAngelsClient(_transport(module), api_url=params['api_url'], auth_url=params['auth_url'],
                           api_key=api_key, api_token=None if _blank(params['api_token']) else params['api_token'],
                           token_cache=cache)


def yandex360_client(module):
    """A :class:`Yandex360Client` from the module's auth options (checked by :func:`yandex360_module`)."""
    return Yandex360Client(_transport(module), module.params['oauth_token'], api_url=module.params['api_url'])


def run(module, work, doing):
    """Call ``work()`` and return what it returns; the one place where errors become failures.

    ``doing`` is a short description such as ``'Cannot read mailboxes of example.com'``.

    * An expected failure (:class:`~._errors.Error`: bad input, an API error, a busy lock) fails
      the task with one line, ``doing: what went wrong``, plus ``status`` and ``api_response``
      for an API error and what the task had already done (``changed``, the object as it now
      stands) when it failed half-way.
    * Anything else is a bug: the task fails with its type, message and traceback.

    Every secret the module knows (options, tokens learnt during the run) is removed from both by
    ``fail_json``; the transport's messages never contained one.
    """
    failure = None
    try:
        return work()
    except Error as exc:
        failure = exc
    except Exception as exc:  # pylint: disable=broad-exception-caught
        module.fail_json(msg='%s: %s: %s. %s' % (doing, exc.__class__.__name__, exc, BUG_REPORT),
                         exception=traceback.format_exc())
    result = dict(failure.result or {})
    if isinstance(failure, _http.ApiError):
        result.update(status=failure.status, api_response=failure.details)
    module.fail_json(msg='%s: %s' % (doing, failure), **result)
