# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client's batch-create constants and helpers agree with the sandbox's written-down assumptions.

The vendor documents neither the upload's layout, nor its limit, nor how a refused row is named.
The sandbox (``tests/sandbox/assumptions.py``) writes each down once; the client repeats them in
``_netangels/client.py`` (it cannot import test code). One table runs through both.
"""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import client as collection
from ansible_collections.mailops.hosted_mail.plugins.module_utils._http import RequestError
from ansible_collections.mailops.hosted_mail.tests.sandbox import assumptions as sandbox

COMMENTS = ['', 'plain', 'with, a comma', 'with "quotes"', 'two\nlines', 'three\r\nlines\nhere', 'Ящик номер 1', ' spaced ', 'a;b']


def test_constants_agree():
    assert collection.BATCH_CREATE_LIMIT == sandbox.BATCH_MAX_ROWS
    assert collection.BATCH_CREATE_FIELD == sandbox.BATCH_CSV_FIELD
    assert set(collection.BATCH_CREATE_COLUMNS) <= set(sandbox.BATCH_CSV_COLUMNS)
    assert set(sandbox.BATCH_CSV_REQUIRED_COLUMNS) <= set(collection.BATCH_CREATE_COLUMNS)
    assert sandbox.BATCH_MODE in sandbox.BATCH_MODES


def test_the_upload_reads_back_as_sent_and_its_line_numbers_agree():
    rows = [dict(name='user%d' % i, password='Pass-word-%d' % i, comment=comment) for i, comment in enumerate(COMMENTS)]
    text, lines = collection.batch_csv(rows)
    parsed = sandbox.read_batch_csv(text.encode('utf-8'))
    assert [row for dummy, row in parsed] == rows
    assert dict((line, index) for index, (line, dummy) in enumerate(parsed)) == lines


def test_a_full_batch_is_accepted_and_one_more_row_is_not():
    rows = [dict(name='u%d' % i, password='Pass-word-1') for i in range(collection.BATCH_CREATE_LIMIT + 1)]
    assert len(sandbox.read_batch_csv(collection.batch_csv(rows[:-1])[0].encode('utf-8'))) == collection.BATCH_CREATE_LIMIT
    with pytest.raises(sandbox.BatchCsvError) as info:
        sandbox.read_batch_csv(collection.batch_csv(rows)[0].encode('utf-8'))
    assert info.value.line == collection.BATCH_CREATE_LIMIT + 2


@pytest.mark.parametrize('line', [2, 3, 17, 1001])
def test_the_refused_line_is_read_from_the_error(line):
    error = sandbox.BatchCsvError(line, 'name: mailbox %r already exists' % 'x')
    detail = '%s: %s' % (sandbox.BATCH_CSV_FIELD, error)
    answer = RequestError('POST ...: HTTP 400: %s' % detail, status=400, vendor_message=detail,
                          details=sandbox.netangels_error(detail, {sandbox.BATCH_CSV_FIELD: [str(error)]}))
    assert collection.batch_error_line(answer) == line


def test_no_line_without_a_400_or_without_a_line():
    assert collection.batch_error_line(RequestError('x', status=400, vendor_message='file: the file has no mailbox rows')) is None
    assert collection.batch_error_line(RequestError('x', status=404, vendor_message='line 3: ...')) is None
