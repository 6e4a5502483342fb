# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""How a module is built and run: the one place where errors become ``fail_json``.

A module is built with :func:`netangels_module` or :func:`yandex360_module`, which

* register every secret before ansible-core validates anything (:class:`CollectionModule`, with
  :mod:`._module.secrets`),
* refuse a malformed nested option (``rules``, ``rules[].actions``) with a message naming it,
* refuse bad values of the shared options (:func:`._module.specs.option_problems`) before any request,

gets its client from :func:`netangels_client` or :func:`yandex360_client`, and runs its work
through :func:`run`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any, NoReturn

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import Done, Error
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module import ansible_core as _ansible_core
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.secrets import secret_values, shape_problems
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module.specs import (
    blank, netangels_argument_spec, option_problems, yandex360_argument_spec)
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.module_utils._token_cache import TokenCache
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.client import Yandex360Client

BUG_REPORT = ('This is a bug in mailops.hosted_mail; please report it with the traceback '
              '(-vvv shows it; so does ANSIBLE_DISPLAY_TRACEBACK=error on ansible-core 2.19 and later)')


ECHO_LIMIT = 100
"""A list option with more items than this is not repeated in the result's ``invocation`` or the log."""


def echoed(params: dict[str, Any]) -> dict[str, Any]:
    """The module's arguments as its result (``invocation.module_args``) and its syslog line show them.

    The same as ansible-core shows them (``no_log`` values masked by ansible-core), except that
    a list of more than :data:`ECHO_LIMIT` items, such as 5,000 rows of ``mailboxes``, is named
    by its length instead of being repeated: masking each of its values against every
    password it holds took ansible-core seconds, and the rows are in the task already.
    """
    return dict((name, '(%d items, not repeated here)' % len(value) if isinstance(value, list) and len(value) > ECHO_LIMIT else value)
                for name, value in params.items())


class CollectionModule(AnsibleModule):
    """``AnsibleModule`` that knows every secret before it validates anything.

    ansible-core registers ``no_log`` values while it validates the arguments, and gives up
    registering them at the first nested value it cannot read as a mapping (``actions: drop``):
    the failure then echoes every secret given as an option in ``invocation.module_args``. Here
    every secret is registered as soon as the parameters are read, whatever their shape, and a
    malformed nested value fails at once with a message that names it.
    """

    def _load_params(self) -> None:
        # ansible-core internals (AnsibleModule.__init__ reads the parameters through this
        # method): _ansible_core.py is the one place that relies on them, with fallbacks.
        _ansible_core.load_params(self)
        self.no_log_values.update(secret_values(self.argument_spec, self.params))
        problems = shape_problems(self.argument_spec, self.params)
        if problems:
            _ansible_core.set_internal_properties(self)
            self.fail_json(msg='; '.join(problems))

    def _log_invocation(self) -> None:
        _ansible_core.log_invocation(self, echoed(self.params))

    def exit_json(self, **kwargs: Any) -> NoReturn:
        """``AnsibleModule.exit_json``, its ``invocation`` shown by :func:`echoed`."""
        kwargs.setdefault('invocation', dict(module_args=echoed(self.params)))
        super(CollectionModule, self).exit_json(**kwargs)
        raise AssertionError('AnsibleModule.exit_json returned')  # it exits the process

    def fail_json(self, msg: str, **kwargs: Any) -> NoReturn:
        """``AnsibleModule.fail_json``, with ansible-core's own messages worded the same on every core."""
        if isinstance(getattr(self, 'params', None), dict):
            kwargs.setdefault('invocation', dict(module_args=echoed(self.params)))
        super(CollectionModule, self).fail_json(msg=_ansible_core.same_message(msg), **kwargs)
        raise AssertionError('AnsibleModule.fail_json returned')  # it exits the process

    def log(self, msg: str, log_args: dict[str, Any] | None = None) -> None:
        """``AnsibleModule.log``, with a message syslog accepts on every core (see _ansible_core.log_text)."""
        super(CollectionModule, self).log(_ansible_core.log_text(msg), log_args=log_args)


def _module(spec: dict[str, dict[str, Any]], kwargs: dict[str, Any]) -> CollectionModule:
    module = CollectionModule(argument_spec=spec, **kwargs)
    problems = option_problems(module.params)
    if problems:
        module.fail_json(msg='; '.join(problems))
    return module


def netangels_module(options: dict[str, dict[str, Any]], **kwargs: Any) -> CollectionModule:
    """A NetAngels module: its own ``options`` plus the auth and connection ones, values checked.

    ``kwargs`` are AnsibleModule's (``supports_check_mode``, ``mutually_exclusive``...).
    """
    return _module(netangels_argument_spec(**options), kwargs)


def yandex360_module(options: dict[str, dict[str, Any]], **kwargs: Any) -> CollectionModule:
    """A Yandex 360 module: its own ``options`` plus the auth and connection ones, values checked."""
    return _module(yandex360_argument_spec(**options), kwargs)


# -- clients and the runner ---------------------------------------------------------------------

def _transport(module: CollectionModule) -> _http.Transport:
    if not _http.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=_http.REQUESTS_IMPORT_ERROR)
    params = module.params
    return _http.Transport(timeout=params['timeout'], validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                           retry_timeout=params['retry_timeout'],
                           user_agent_suffix='ansible-core/%s' % module.ansible_version, secret_store=module.no_log_values)


def netangels_client(module: CollectionModule) -> NetAngelsClient:
    """A :class:`NetAngelsClient` from the module's auth options (checked by :func:`netangels_module`)."""
    params = module.params
    api_key = None if blank(params['api_key']) else params['api_key']
    cache = None
    if api_key and params['token_cache']:
        # check mode reads the cache but writes nothing to disk
        cache = TokenCache(api_key, params['auth_url'], directory=params['token_cache_dir'],
                           read_only=module.check_mode, warn=module.warn)
    return NetAngelsClient(_transport(module), api_url=params['api_url'], auth_url=params['auth_url'],
                           api_key=api_key, api_token=None if blank(params['api_token']) else params['api_token'],
                           token_cache=cache)


def yandex360_client(module: CollectionModule) -> Yandex360Client:
    """A :class:`Yandex360Client` from the module's auth options (checked by :func:`yandex360_module`)."""
    return Yandex360Client(_transport(module), module.params['oauth_token'], api_url=module.params['api_url'])


def run(module: CollectionModule, work: Callable[[], Any], doing: str) -> Any:
    """Call ``work()`` and return what it returns; the one place where errors become failures.

    ``doing`` is a short description such as ``'Cannot read mailboxes of example.com'``. Work that
    writes returns a :class:`~._errors.Done`: its result is returned, or, with an error, the
    task fails with that error and the result (what it had done).

    * An expected failure (:class:`~._errors.Error`: bad input, an API error, a busy lock) fails
      the task with one line, ``doing: what went wrong``, plus ``status`` and ``api_response``
      for an API error and, when it failed half-way, what the task had already done
      (``changed``, the object as it now stands).
    * Anything else is a bug: the task fails with its type, message and traceback.

    Every secret the module knows (options, tokens learnt during the run) is removed from both by
    ``fail_json``; the transport's messages never contained one.
    """
    try:
        value = work()
    except Error as exc:
        fail(module, doing, exc)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        module.fail_json(msg='%s: %s: %s. %s' % (doing, exc.__class__.__name__, exc, BUG_REPORT),
                         exception=traceback.format_exc())
    if not isinstance(value, Done):
        return value
    if value.error is not None:
        fail(module, doing, value.error, value.result)
    return value.result


def fail(module: CollectionModule, doing: str, error: Error, done: dict[str, Any] | None = None) -> NoReturn:
    """Fail the task with ``doing: error``, what it had ``done`` and, for an API error, what the API said."""
    result = dict(done or {})
    if isinstance(error, _http.ApiError):
        result.update(status=error.status, api_response=error.details)
    module.fail_json(msg='%s: %s' % (doing, error), **result)
