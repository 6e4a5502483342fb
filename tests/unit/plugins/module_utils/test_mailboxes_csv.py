# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The src CSV reader: every dialect a spreadsheet saves, and every layout error with its line number."""

from __future__ import annotations

import codecs
import os

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _bulk
from ansible_collections.mailops.hosted_mail.plugins.module_utils._mailboxes_csv import parse_mailboxes_csv, read_mailboxes_csv

EXPECTED = [
    (2, {'name': 'alice', 'password': 'Alice-Pass-1', 'comment': 'Алиса, бухгалтерия', 'quota': '2048',
         'aliases': 'a@example.net b@example.net'}),
    (3, {'name': 'bob', 'password': 'Bob-Pass-12', 'is_local': 'false', 'aliases': 'bob@example.net', 'state': 'present'}),
]


def sample(delimiter, newline):
    d = delimiter
    lines = [
        d.join(['name', 'password', 'comment', 'quota', 'is_local', 'aliases', 'state']),
        d.join(['alice', 'Alice-Pass-1', '"Алиса, бухгалтерия"' if d == ',' else 'Алиса, бухгалтерия', '2048', '', 'a@example.net b@example.net', '']),
        d.join(['bob', 'Bob-Pass-12', '', '', 'false', 'bob@example.net', 'present']),
    ]
    return (newline.join(lines) + newline).encode('utf-8')


@pytest.mark.parametrize('bom', [b'', codecs.BOM_UTF8], ids=['no-bom', 'bom'])
@pytest.mark.parametrize('newline', ['\n', '\r\n'], ids=['lf', 'crlf'])
@pytest.mark.parametrize('delimiter', [',', ';'], ids=['comma', 'semicolon'])
def test_every_dialect_reads_the_same(delimiter, newline, bom):
    rows, problems = parse_mailboxes_csv(bom + sample(delimiter, newline))
    assert problems == []
    assert rows == EXPECTED


def test_header_in_any_order_any_case_and_only_name_required():
    rows, problems = parse_mailboxes_csv(b' Comment ;NAME\nWelcome desk;info\n')
    assert problems == [] and rows == [(2, {'name': 'info', 'comment': 'Welcome desk'})]
    assert parse_mailboxes_csv(b'name\nalice\nbob\n') == ([(2, {'name': 'alice'}), (3, {'name': 'bob'})], [])


def test_quoted_cells_keep_delimiters_quotes_and_line_breaks_and_line_numbers_follow():
    data = b'name,comment\nalice,"Line one\nline two, with ""quotes"""\nbob,plain\n'
    rows, problems = parse_mailboxes_csv(data)
    assert problems == []
    assert rows == [(2, {'name': 'alice', 'comment': 'Line one\nline two, with "quotes"'}), (4, {'name': 'bob', 'comment': 'plain'})]


def test_blank_lines_and_rows_of_empty_cells_are_skipped_and_trailing_empty_cells_allowed():
    data = b'name;quota\n\nalice;10\n;\n  ;  \nbob;20;;\n'
    assert parse_mailboxes_csv(data) == ([(3, {'name': 'alice', 'quota': '10'}), (6, {'name': 'bob', 'quota': '20'})], [])


def test_empty_cells_are_not_set_and_cells_are_stripped_but_not_passwords_or_comments():
    rows, problems = parse_mailboxes_csv(b'name,password,comment,quota\n  alice  , pass word ,  spaced  ,\n')
    assert problems == [] and rows == [(2, {'name': 'alice', 'password': ' pass word ', 'comment': '  spaced  '})]


@pytest.mark.parametrize('data, message', [
    (b'', 'line 1: the file is empty'),
    (b'\n\n', 'line 1: the file is empty'),
    (codecs.BOM_UTF8, 'line 1: the file is empty'),
    (b'login,password\nalice,x\n', 'line 1: bad header row (no name column; unknown column "login")'),
    (b'name,qouta\nalice,1\n', 'line 1: bad header row (unknown column "qouta")'),
    (b'name,comment,name\nalice,x,y\n', 'line 1: bad header row (column name more than once)'),
    (b'name,,comment\nalice,,x\n', 'line 1: bad header row (unknown column "")'),
    (b'name\nalice\n\xff\xfebob\n', 'line 3: the file is not UTF-8 text'),
    (b'name,comment\nalice,caf\xe9\n', 'line 2: the file is not UTF-8 text'),
    (b'PK\x03\x04\x00\x00name\n', 'line 1: the file holds a NUL character'),
], ids=['empty', 'blank', 'bom-only', 'no-name', 'unknown', 'twice', 'empty-column', 'utf16-bytes', 'latin1', 'xlsx'])
def test_file_errors_name_their_line(data, message):
    rows, problems = parse_mailboxes_csv(data)
    assert rows == []
    assert len(problems) == 1 and problems[0].startswith(message), problems


def test_row_errors_name_every_line_and_keep_the_good_rows():
    data = b'name;password;comment\nalice;Alice-Pass-1;ok\nbob,Bob-Pass-12,split wrong\ncarol;Carol-Pass-1;x;extra\ndave;Dave-Pass-12;ok\n'
    rows, problems = parse_mailboxes_csv(data)
    assert [line for line, dummy in rows] == [2, 5]
    assert [problem.split(':')[0] for problem in problems] == ['line 3', 'line 4']
    assert '1 cells, but the header row names 3 columns' in problems[0]
    assert '4 cells, but the header row names 3 columns' in problems[1]
    assert all('Pass' not in problem for problem in problems), 'a layout problem never repeats a cell (it may hold a password)'


def test_malformed_quoting_names_the_line_where_the_row_starts():
    data = b'name,comment\nalice,ok\nbob,"never closed\ncarol,x\n'
    rows, problems = parse_mailboxes_csv(data)
    assert rows == [(2, {'name': 'alice', 'comment': 'ok'})]
    assert len(problems) == 1 and problems[0].startswith('line 3: the CSV is malformed')


def test_read_from_a_path(tmp_path):
    path = tmp_path / 'boxes.csv'
    path.write_bytes(codecs.BOM_UTF8 + sample(';', '\r\n'))
    assert read_mailboxes_csv(str(path)) == (EXPECTED, [])
    with pytest.raises(ValueError, match='src: cannot read .*missing.csv'):
        read_mailboxes_csv(str(tmp_path / 'missing.csv'))


def test_the_shipped_sample_is_the_one_the_guide_shows_and_it_is_valid():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
    with open(os.path.join(root, 'examples', 'mailboxes.csv'), 'rb') as handle:
        sample_file = handle.read()
    with open(os.path.join(root, 'docs', 'docsite', 'rst', 'csv_format.rst'), encoding='utf-8') as handle:
        guide = handle.read()
    block = guide.split('.. code-block:: text\n\n', 1)[1].split('\n\n', 1)[0]
    assert [line[4:] for line in block.splitlines()] == sample_file.decode('utf-8').splitlines()
    rows, problems = parse_mailboxes_csv(sample_file)
    assert problems == [] and len(rows) == 4
    validated = _bulk.validate_rows([('line %d' % line, cells) for line, cells in rows],
                                    dict(domain='example.com', domain_id=None, update_password='on_create'))
    expected = [('anna', 'present'), ('boris', 'present'), ('orders', 'present'), ('carol', 'disabled')]
    assert [(row.name, row.state) for row in validated] == expected
    assert validated[2].desired == {'comment': 'Web shop orders: forward only', 'is_local': False,
                                    'aliases': ['anna@example.com', 'boris@example.com']}
