# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test helpers: a scripted HTTP layer under ``requests`` and a runner for modules' ``main()``."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args as CORE_PATCH_MODULE_ARGS  # ansible-core 2.19 and later
except ImportError:  # ansible-core 2.16 to 2.18
    CORE_PATCH_MODULE_ARGS = None


@contextlib.contextmanager
def patch_module_args(args):
    """Give ``args`` to the ``AnsibleModule`` created in this context: the one place the tests feed module input.

    ansible-core 2.19 and later have ``ansible.module_utils.testing.patch_module_args`` (setting
    ``basic._ANSIBLE_ARGS`` alone fails there: "No serialization profile was specified"); the
    cores before it read ``basic._ANSIBLE_ARGS`` as the JSON document a module receives.
    """
    if CORE_PATCH_MODULE_ARGS is not None:
        with CORE_PATCH_MODULE_ARGS(args):
            yield
        return
    saved = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
    basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8')  # pylint: disable=protected-access
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved  # pylint: disable=protected-access


class Expected(object):
    """One expected call and the answer (or exception) to give."""

    def __init__(self, method, url, status=200, body=None, text=None, headers=None, raises=None, query=None, json_body=None, form=None):
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        self.text = text
        self.headers = headers or {}
        self.raises = raises
        self.query = query
        self.json_body = json_body
        self.form = form


def expect(number, what, got, wanted):
    """Fail the test (whatever catches exceptions in between) when request ``number`` is not as scripted."""
    if got != wanted:
        pytest.fail('request %d: %s %r, expected %r' % (number, what, got, wanted))


class ScriptedHTTP(object):
    """Replaces ``requests.Session.send``: each request must be the next expected one.

    ``expect()`` adds a call; ``requests`` keeps the requests that were sent (prepared requests).
    A call's ``query``/``json_body``/``form``, when given, must match exactly; a URL is compared
    without its query string.
    """

    def __init__(self, monkeypatch):
        self.script = []
        self.requests = []
        script = self

        def send(session, prepared, **kwargs):
            return script.answer(prepared)

        monkeypatch.setattr(requests.Session, 'send', send)

    def expect(self, method, url, **kwargs):
        self.script.append(Expected(method, url, **kwargs))
        return self

    def answer(self, prepared):
        self.requests.append(prepared)
        if not self.script:
            pytest.fail('Unexpected extra request: %s %s' % (prepared.method, prepared.url))
        call = self.script.pop(0)
        parts = urlsplit(prepared.url)
        got_url = '%s://%s%s' % (parts.scheme, parts.netloc, parts.path)
        # pytest.fail, not assert: the module runner reports an AssertionError as a failed task, a
        # test could expect that failure, and the mismatch would go unnoticed.
        expect(len(self.requests), 'method and URL', (prepared.method, got_url), (call.method, call.url))
        if call.query is not None:
            expect(len(self.requests), 'query', dict(parse_qsl(parts.query)), dict((k, str(v)) for k, v in call.query.items()))
        if call.json_body is not None:
            expect(len(self.requests), 'JSON body', json.loads(prepared.body), call.json_body)
        if call.form is not None:
            expect(len(self.requests), 'form', dict(parse_qsl(prepared.body)), call.form)
        if call.raises is not None:
            raise call.raises
        response = requests.Response()
        response.status_code = call.status
        response.url = prepared.url
        response.request = prepared
        response.headers.update(call.headers)
        if call.text is not None:
            response._content = call.text.encode('utf-8')
        elif call.body is not None:
            response._content = json.dumps(call.body).encode('utf-8')
            response.headers.setdefault('Content-Type', 'application/json')
        else:
            response._content = b''
        return response

    def writes(self):
        """The requests that were not reads."""
        return [r for r in self.requests if r.method not in ('GET', 'HEAD')]

    def assert_done(self):
        left = ['%s %s' % (c.method, c.url) for c in self.script]
        assert not left, 'Expected requests that were never sent: %s' % left


class ModuleExit(Exception):
    pass


def run_module_main(main, args, check_mode=False, diff=False):
    """Run a module's ``main()`` with ``args``; return its result dict (``failed`` set on failure)."""
    args = dict(args)
    if check_mode:
        args['_ansible_check_mode'] = True
    if diff:
        args['_ansible_diff'] = True
    stdout = io.StringIO()
    old = sys.stdout
    sys.stdout = stdout
    try:
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                main()
    finally:
        sys.stdout = old
    return json.loads(stdout.getvalue())
