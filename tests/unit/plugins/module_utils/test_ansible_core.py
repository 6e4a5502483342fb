# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ansible-core internals the collection relies on (module_utils/_ansible_core.py), on the core running the tests.

The units run on several cores (hack/matrix.py): on each, the internals must be there as
expected, and each fallback must give the same result as the internal it replaces.
"""

from __future__ import annotations

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.ansible_release import __version__ as CORE_VERSION

from ansible_collections.mailops.hosted_mail.plugins.module_utils._module import ansible_core as _ansible_core
from ansible_collections.mailops.hosted_mail.plugins.modules import yandex360_routing_rules
from ansible_collections.mailops.hosted_mail.tests.unit import helpers

OAUTH = 'internals-test-oauth-token-0123456789'
MALFORMED = dict(oauth_token=OAUTH, org_id=42, rules=[{'actions': 'drop'}])
CORE = tuple(int(part) for part in CORE_VERSION.split('.')[:2])


def test_this_core_has_the_internals_the_collection_hooks():
    """Every supported core (2.16 to 2.21) has both methods: the fallbacks are for a later one."""
    assert CORE >= (2, 16)
    assert callable(getattr(basic.AnsibleModule, '_load_params', None))
    assert callable(getattr(basic.AnsibleModule, '_set_internal_properties', None))
    assert callable(getattr(basic.AnsibleModule, '_log_invocation', None))
    assert callable(getattr(basic, '_load_params', None))


def test_the_test_helpers_feed_module_args_on_this_core():
    """ansible-core 2.19 brought ``patch_module_args``; the helpers fall back to ``_ANSIBLE_ARGS`` before it."""
    assert (helpers.CORE_PATCH_MODULE_ARGS is not None) == (CORE >= (2, 19))
    with helpers.patch_module_args(dict(name='x', _ansible_check_mode=True)):
        assert basic._load_params() == dict(name='x', _ansible_check_mode=True)  # pylint: disable=protected-access


def run_malformed(check_mode):
    result = helpers.run_module_main(yandex360_routing_rules.main, MALFORMED, check_mode=check_mode)
    assert OAUTH not in json.dumps(result)
    return result


@pytest.mark.parametrize('missing', [(), ('_load_params',), ('_set_internal_properties',),
                                     ('_load_params', '_set_internal_properties')])
def test_the_early_failure_is_the_same_with_each_fallback(missing, monkeypatch):
    """The malformed nested option fails at once, naming it, with no secret, whichever internal is missing."""
    expected = run_malformed(check_mode=True)
    for name in missing:
        monkeypatch.delattr(basic.AnsibleModule, name)
    got = run_malformed(check_mode=True)
    assert got['failed'] is True
    assert got['msg'] == 'rules[0].actions: a list of mappings is needed, got a string "drop"'
    assert got == expected


def test_set_internal_properties_fallback_applies_the_ansible_parameters(monkeypatch):
    """The fallback sets what ansible-core's method sets: check mode, no_log, diff, verbosity; defaults otherwise."""

    def module_with(params):
        module = basic.AnsibleModule.__new__(basic.AnsibleModule)
        module.params = dict(params)
        module.argument_spec = dict(name=dict(type='str'))
        return module

    params = dict(name='x', _ansible_check_mode=True, _ansible_diff='yes', _ansible_verbosity=3)
    internal = module_with(params)
    _ansible_core.set_internal_properties(internal)
    monkeypatch.delattr(basic.AnsibleModule, '_set_internal_properties')
    fallback = module_with(params)
    _ansible_core.set_internal_properties(fallback)
    for module in (internal, fallback):
        assert module.params == dict(name='x')
        assert (module.check_mode, module._diff, module._verbosity, module.no_log) == (True, True, 3, False)  # pylint: disable=protected-access


def test_without_log_invocation_the_core_logs_in_its_own_way(monkeypatch):
    """A core without ``_log_invocation``: the hook does nothing and nothing fails."""
    logged = []
    monkeypatch.delattr(basic.AnsibleModule, '_log_invocation')
    module = type('Module', (object,), dict(params=dict(a=1), log=lambda self, msg, log_args=None: logged.append(msg)))()
    _ansible_core.log_invocation(module, dict(a='summary'))
    assert logged == [] and module.params == dict(a=1)
