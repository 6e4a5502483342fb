# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What AWX / Automation Controller does with a custom credential type, reproduced for the tests.

Two steps, each as AWX does it (read in AWX's ``awx/main/fields.py``, ``CredentialTypeInputField``
and ``CredentialTypeInjectorField``, and in ``inject_credential``, now in awx-plugins'
``awx_plugins/interfaces/_temporary_private_inject_api.py``):

* :func:`validate` -- when a credential type is saved: the inputs' schema (field keys, ``type``
  string or boolean, ``secret`` only on strings, unique ids, ``required`` a list of strings), the
  injectors' schema (only ``env`` / ``extra_vars`` / ``file``, environment variable names
  ``[a-zA-Z_][a-zA-Z0-9_]*`` with ASCII values, none starting with ``ANSIBLE_`` or on the
  blocklist), and every injector template rendered in an ``ImmutableSandboxedEnvironment`` with
  ``undefined=StrictUndefined`` where *every* defined field is ``'EXAMPLE'``: a template may only
  name defined fields.
* :func:`render_env` -- when a job starts: the namespace holds only the inputs the credential has
  a non-empty value for (an empty string is left out; booleans are kept, and an unset boolean
  field is ``False``), and each ``env`` template is rendered in an ``ImmutableSandboxedEnvironment``
  with Jinja's default ``Undefined``. So an optional input that is not set renders as ``''`` (an
  empty variable is still injected: an injector cannot leave a variable out), unless the template
  says otherwise with ``default(..., true)``.
"""

from __future__ import annotations

import re

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# awx_plugins.interfaces._temporary_private_inject_api.ENV_BLOCKLIST
ENV_BLOCKLIST = frozenset((
    'VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID', 'INVENTORY_UPDATE_ID',
    'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES', 'CALLBACK_QUEUE', 'CALLBACK_CONNECTION',
    'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS', 'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH',
))
FIELD_KEYS = {'id', 'label', 'type', 'format', 'choices', 'help_text', 'multiline', 'secret', 'ask_at_runtime', 'default'}
CREDENTIAL_TYPE_KEYS = {'name', 'description', 'kind', 'inputs', 'injectors'}  # awx.awx.credential_type's options
CUSTOM_KINDS = ('cloud', 'net')  # the only kinds a custom credential type may have
NAME = re.compile(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$')
ASCII = re.compile(r'^[\x00-\x7F]*$')


class CredentialTypeError(ValueError):
    """The Controller would refuse this credential type."""


def validate(credential_type):
    """Raise CredentialTypeError for what the Controller refuses when the type is saved."""
    unknown = set(credential_type) - CREDENTIAL_TYPE_KEYS
    if unknown:
        raise CredentialTypeError('unknown keys %s (awx.awx.credential_type takes %s)' % (sorted(unknown), sorted(CREDENTIAL_TYPE_KEYS)))
    if not credential_type.get('name'):
        raise CredentialTypeError('no name')
    if credential_type.get('kind') not in CUSTOM_KINDS:
        raise CredentialTypeError('kind %r: a custom credential type is one of %s' % (credential_type.get('kind'), CUSTOM_KINDS))
    fields = _validate_inputs(credential_type.get('inputs') or {})
    _validate_injectors(credential_type.get('injectors') or {}, fields)


def _validate_inputs(inputs):
    """Check the inputs as CredentialTypeInputField does; return the field ids."""
    if set(inputs) - {'fields', 'required'}:
        raise CredentialTypeError('inputs: unknown keys %s' % sorted(set(inputs) - {'fields', 'required'}))
    ids = []
    for field in inputs.get('fields') or []:
        if set(field) - FIELD_KEYS or 'id' not in field or 'label' not in field:
            raise CredentialTypeError('field %r: needs id and label, may have only %s' % (field, sorted(FIELD_KEYS)))
        if not isinstance(field['id'], str) or not NAME.match(field['id']) or field['id'] == 'tower':
            raise CredentialTypeError('field id %r is not a valid variable name' % (field['id'],))
        if field['id'] in ids:
            raise CredentialTypeError('field IDs must be unique (%s)' % field['id'])
        ids.append(field['id'])
        kind = field.get('type', 'string')
        if kind not in ('string', 'boolean'):
            raise CredentialTypeError('field %s: type %r is not string or boolean' % (field['id'], kind))
        for key in ('choices', 'multiline', 'format', 'secret'):
            if key in field and kind != 'string':
                raise CredentialTypeError('%s not allowed for %s type (%s)' % (key, kind, field['id']))
        if not isinstance(field.get('secret', False), bool):
            raise CredentialTypeError('field %s: secret must be a boolean' % field['id'])
    required = inputs.get('required') or []
    if not isinstance(required, list) or not all(isinstance(item, str) for item in required):
        raise CredentialTypeError('inputs.required must be a list of field ids')
    missing = [item for item in required if item not in ids]
    if missing:
        raise CredentialTypeError('inputs.required names fields that do not exist: %s' % missing)
    return ids


def _validate_injectors(injectors, fields):
    """Check the injectors as CredentialTypeInjectorField does."""
    if set(injectors) - {'env', 'extra_vars', 'file'}:
        raise CredentialTypeError('injectors: unknown keys %s' % sorted(set(injectors) - {'env', 'extra_vars', 'file'}))
    namespace = dict((field, 'EXAMPLE') for field in fields)
    environment = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for kind, templates in injectors.items():
        for key, template in templates.items():
            if kind == 'env':
                if not NAME.match(key) or not isinstance(template, str) or not ASCII.match(template):
                    raise CredentialTypeError('env %s: a variable name and an ASCII string template are required' % key)
                if key.startswith('ANSIBLE_') or key in ENV_BLOCKLIST:
                    raise CredentialTypeError('Environment variable %s is not allowed to be used in credentials.' % key)
            try:
                environment.from_string(template).render(namespace)
            except UndefinedError as exc:
                raise CredentialTypeError('%s uses an undefined field (%s)' % (key, exc)) from None
            except (SecurityError, TemplateSyntaxError) as exc:
                raise CredentialTypeError('%s: %s' % (key, exc)) from None


def render_env(credential_type, inputs):
    """The environment variables the Controller injects into a job for a credential with ``inputs``."""
    namespace = {}
    for name, value in inputs.items():
        if isinstance(value, bool) or value:
            namespace[name] = value
    for field in credential_type['inputs'].get('fields') or []:
        if field.get('type') == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    environment = ImmutableSandboxedEnvironment()
    return dict((name, environment.from_string(template).render(**namespace))
                for name, template in credential_type['injectors'].get('env', {}).items())


def secret_inputs(credential_type, inputs):
    """The values of ``inputs`` that the credential type marks ``secret: true``."""
    secret = set(field['id'] for field in credential_type['inputs'].get('fields') or [] if field.get('secret'))
    return [value for name, value in inputs.items() if name in secret and value]
