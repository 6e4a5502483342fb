# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The one place the collection relies on ansible-core internals, each with a fallback.

:class:`~._module.runner.CollectionModule` registers every secret as soon as the parameters are read,
before ansible-core validates them. For that it hooks ``AnsibleModule._load_params`` and, to fail
at once on a malformed nested option, calls ``AnsibleModule._set_internal_properties`` (which
applies ``_ansible_check_mode``, ``_ansible_no_log`` and the like) before ``__init__`` would.
Neither is a public API. Every ansible-core from 2.16 to 2.21 has both, with the same
signature; tests/unit/plugins/module_utils/test_ansible_core.py checks that on each core and
runs each fallback there. :func:`log_invocation` hooks ``AnsibleModule._log_invocation`` (the
syslog line of the module's arguments) so that it shows the arguments as the result's
``invocation`` does; a core without that method logs the arguments its own way.

Where the cores differ in what a user sees, this module makes them the same:

* :func:`same_message`: ansible-core 2.16 to 2.18 name a type in a validation message as
  ``<class 'str'>``, 2.19 and later as ``str``;
* :func:`log_text`: ansible-core sends the module's invocation to syslog, which refuses a NUL
  character (``ValueError: embedded null character``): 2.16 crashed the module, later cores
  fail it with "Failed to log to syslog", naming no option.
"""

from __future__ import annotations

import re
from typing import Any

from ansible.module_utils import basic
from ansible.module_utils.common.parameters import PASS_BOOLS, PASS_VARS

_CLASS_NAME = re.compile(r"<class '([A-Za-z_][A-Za-z0-9_.]*)'>")


def load_params(module: basic.AnsibleModule) -> None:
    """Set ``module.params`` from the module's input, as ``AnsibleModule._load_params`` does.

    Fallback: the module-level ``basic._load_params()``, which ansible-core documents for "very
    dynamic custom modules" (every core from 2.1 on has it).
    """
    method = getattr(basic.AnsibleModule, '_load_params', None)
    if callable(method):
        method(module)
    else:
        module.params = basic._load_params()  # pylint: disable=protected-access


def set_internal_properties(module: basic.AnsibleModule) -> None:
    """Apply the ``_ansible_*`` parameters (check mode, no_log, diff, verbosity...) to ``module`` now.

    Fallback: the same loop over ``PASS_VARS`` that ansible-core runs (public in
    ``ansible.module_utils.common.parameters`` since 2.11).
    """
    method = getattr(basic.AnsibleModule, '_set_internal_properties', None)
    if callable(method):
        method(module)
        return
    for name, (attribute, default) in PASS_VARS.items():
        key = '_ansible_%s' % name
        if key in module.params:
            value = module.params.pop(key)
            setattr(module, attribute, module.boolean(value) if name in PASS_BOOLS else value)
        elif not hasattr(module, attribute):
            setattr(module, attribute, default)


def log_invocation(module: basic.AnsibleModule, params: dict[str, Any]) -> None:
    """``AnsibleModule._log_invocation``, logging ``params`` in place of ``module.params``.

    Fallback: when the core has no such method, nothing is done here (the core's own
    ``__init__`` then logs the arguments in full, only more slowly).
    """
    method = getattr(basic.AnsibleModule, '_log_invocation', None)
    if not callable(method):
        return
    real = module.params
    module.params = params
    try:
        method(module)
    finally:
        module.params = real


def same_message(msg: Any) -> Any:
    """``msg`` with every ``<class 'X'>`` written ``X``, as ansible-core 2.19 and later write it."""
    return _CLASS_NAME.sub(r'\1', msg) if isinstance(msg, str) else msg


def log_text(msg: Any) -> Any:
    """``msg`` as syslog and the journal accept it on every core: a NUL character is written ``\\x00``."""
    return msg.replace('\x00', '\\x00') if isinstance(msg, str) else msg
