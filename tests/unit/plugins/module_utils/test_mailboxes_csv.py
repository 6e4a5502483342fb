# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The src CSV reader: every dialect a spreadsheet saves, and every layout error with its line number."""

from __future__ import annotations

import codecs
import os
import sys
import zipfile

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import bulk as _bulk
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import mailboxes_csv as _mailboxes_csv
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailboxes_csv import parse_mailboxes_csv, read_mailboxes_csv

EXPECTED = [
    (2, {'name': 'alice', 'password': 'Alice-Pass-1', 'comment': 'Алиса, бухгалтерия', 'quota': 2048,
         'aliases': 'a@example.net b@example.net'}),
    (3, {'name': 'bob', 'password': 'Bob-Pass-12', 'is_local': False, 'aliases': 'bob@example.net', 'state': 'present'}),
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
@pytest.mark.parametrize('delimiter', [',', ';', '\t'], ids=['comma', 'semicolon', 'tab'])
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
    assert parse_mailboxes_csv(data) == ([(3, {'name': 'alice', 'quota': 10}), (6, {'name': 'bob', 'quota': 20})], [])


def test_empty_cells_are_not_set_and_cells_are_stripped_but_not_passwords_or_comments():
    rows, problems = parse_mailboxes_csv(b'name,password,comment,quota\n  alice  , pass word ,  spaced  ,\n')
    assert problems == [] and rows == [(2, {'name': 'alice', 'password': ' pass word ', 'comment': '  spaced  '})]


@pytest.mark.parametrize('data, message', [
    (b'', 'line 1: the file is empty'),
    (b'\n\n', 'line 1: the file is empty'),
    (codecs.BOM_UTF8, 'line 1: the file is empty'),
    (b'login,password\nalice,x\n', 'line 1: bad header row (no name column; unknown column at position 1)'),
    (b'name,qouta\nalice,1\n', 'line 1: bad header row (unknown column at position 2 (quota?))'),
    (b'name,comment,name\nalice,x,y\n', 'line 1: bad header row (column name more than once)'),
    (b'name,,comment\nalice,,x\n', 'line 1: bad header row (unknown column at position 2)'),
    (b'name\nalice\n\x98bob\n', 'line 3: the file is not UTF-8 or cp1251 text'),
    (b'name\x00\nalice\n', 'line 1: the file holds a NUL character'),
    (b'PK\x03\x04\x00\x00name\n', 'the file is a zip archive (an .xlsx or .ods workbook?)'),
    (b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00', 'the file is an old Excel workbook (.xls)'),
    (b'alice,Secret-Pass-1,Alice\nbob,Other-Pass-2,Bob\n', 'line 1: the first row is not a header row'),
], ids=['empty', 'blank', 'bom-only', 'no-name', 'unknown', 'twice', 'empty-column', 'not-text', 'nul', 'xlsx-as-csv',
        'xls', 'no-header'])
def test_file_errors_name_their_line(data, message):
    rows, problems = parse_mailboxes_csv(data)
    assert rows == []
    assert len(problems) == 1 and problems[0].startswith(message), problems


def test_row_errors_name_every_line_and_keep_the_good_rows():
    data = b'name;password;comment\nalice;Alice-Pass-1;ok\nbob,Bob-Pass-12,split wrong\ncarol;Carol-Pass-1;x;extra\ndave;Dave-Pass-12;ok\n'
    rows, problems = parse_mailboxes_csv(data)
    assert [line for line, dummy in rows] == [2, 5]
    assert [problem.split(':', maxsplit=1)[0] for problem in problems] == ['line 3', 'line 4']
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


# -- files as office suites save them ---------------------------------------------------------

def examples_dir():
    return os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'examples'))


ENGLISH_COMMENTS = ['Anna Ivanova, front office', 'Boris Petrov (accounting)', 'Web shop orders: forward only', 'Carol (on leave)']


@pytest.mark.parametrize('sample_name, comments', [
    ('mailboxes.csv', ENGLISH_COMMENTS),
    ('spreadsheets.zip/mailboxes-unicode-text.txt', ENGLISH_COMMENTS),
    ('spreadsheets.zip/mailboxes-excel-ru.csv', ['Анна Иванова, ресепшн', 'Борис Петров (бухгалтерия)',
                                                 'Заказы интернет-магазина: только пересылка', 'Кэрол (в отпуске)']),
    ('spreadsheets.zip/mailboxes.xlsx', ENGLISH_COMMENTS),
], ids=['csv-utf8', 'excel-unicode-text-utf16-tab', 'russian-excel-cp1251-semicolon', 'xlsx'])
def test_the_shipped_samples_read_as_the_same_four_mailboxes(sample_name, comments, tmp_path):
    """examples/mailboxes.csv, and examples/spreadsheets.zip: the same file as office suites save it (zipped, so that
    the repository's text checks leave their bytes alone)."""
    if sample_name.endswith('.xlsx'):
        pytest.importorskip('openpyxl')
    if sample_name.startswith('spreadsheets.zip/'):
        member = sample_name.split('/', 1)[1]
        with zipfile.ZipFile(os.path.join(examples_dir(), 'spreadsheets.zip')) as archive:
            (tmp_path / member).write_bytes(archive.read(member))
        path = str(tmp_path / member)
    else:
        path = os.path.join(examples_dir(), sample_name)
    rows, problems = read_mailboxes_csv(path)
    assert problems == []
    validated = _bulk.validate_rows([('line %d' % line, cells) for line, cells in rows],
                                    dict(domain='example.com', domain_id=None, update_password='on_create'))
    assert [(row.name, row.state, row.password) for row in validated] == [
        ('anna', 'present', 'Change-Me-Anna-1'), ('boris', 'present', 'Change-Me-Boris-1'),
        ('orders', 'present', 'Change-Me-Orders-1'), ('carol', 'disabled', 'Change-Me-Carol-1')]
    assert [row.desired.get('comment') for row in validated] == comments
    assert validated[0].desired.get('quota') == 2048
    assert validated[2].desired['is_local'] is False
    assert validated[2].desired['aliases'] == ['anna@example.com', 'boris@example.com']


@pytest.mark.parametrize('encoding, bom', [
    ('utf-8', b''), ('utf-8', codecs.BOM_UTF8), ('cp1251', b''), ('utf-16-le', codecs.BOM_UTF16_LE),
    ('utf-16-be', codecs.BOM_UTF16_BE),
], ids=['utf8', 'utf8-bom', 'cp1251', 'utf16le-bom', 'utf16be-bom'])
def test_the_encoding_is_found(encoding, bom):
    text = 'name;comment\r\nanna;Анна Иванова\r\n'
    assert parse_mailboxes_csv(bom + text.encode(encoding)) == ([(2, {'name': 'anna', 'comment': 'Анна Иванова'})], [])


def test_the_encoding_option_forces_one():
    data = 'name;comment\nanna;Анна\n'.encode('cp1251')
    assert parse_mailboxes_csv(data, 'cp1251') == ([(2, {'name': 'anna', 'comment': 'Анна'})], [])
    rows, problems = parse_mailboxes_csv(data, 'utf-8')
    assert rows == [] and problems[0].startswith('line 2: the file is not utf-8 text')
    utf16 = 'name\tcomment\nanna\tАнна\n'.encode('utf-16-le')  # no byte-order mark: only the option tells
    assert parse_mailboxes_csv(utf16)[1][0].startswith('line 1: the file holds a NUL character')
    assert parse_mailboxes_csv(utf16, 'utf-16') == ([(2, {'name': 'anna', 'comment': 'Анна'})], [])


def test_excels_trailing_empty_columns_are_allowed_while_empty():
    data = b'name;password;comment;;;\r\nanna;Anna-Pass-1;x;;;\r\nboris;Boris-Pass-1;;;;\r\n'
    assert parse_mailboxes_csv(data) == ([(2, {'name': 'anna', 'password': 'Anna-Pass-1', 'comment': 'x'}),
                                          (3, {'name': 'boris', 'password': 'Boris-Pass-1'})], [])
    rows, problems = parse_mailboxes_csv(b'name;password;;\r\nanna;Anna-Pass-1;;stray\r\n')
    assert rows == [] and problems[0].startswith('line 2: 4 cells, but the header row names 2 columns')
    assert 'stray' not in problems[0] and 'Anna-Pass-1' not in problems[0]


@pytest.mark.parametrize('cell, value', [
    ('TRUE', True), ('FALSE', False), ('true', True), ('ИСТИНА', True), ('ЛОЖЬ', False), ('да', True), ('Нет', False),
    ('yes', True), ('no', False), ('1', True), ('0', False), (' Yes ', True),
])
def test_booleans_as_people_write_them(cell, value):
    assert parse_mailboxes_csv(('name;is_local\nanna;%s\n' % cell).encode('utf-8')) == ([(2, {'name': 'anna', 'is_local': value})], [])


@pytest.mark.parametrize('cell', ['2048', '2 048', '2\u00a0048', '2\u202f048', '2048,0', '2048.0', '2048,00', '2 048,0'])
def test_whole_number_quotas_as_spreadsheets_write_them(cell):
    assert parse_mailboxes_csv(('name;quota\nanna;%s\n' % cell).encode('utf-8')) == ([(2, {'name': 'anna', 'quota': 2048})], [])


@pytest.mark.parametrize('column, cell', [
    ('quota', '2,5'), ('quota', '2.5'), ('quota', '2,048'), ('quota', '2.048'), ('quota', '20 48'), ('quota', 'lots'),
    ('quota', '2048,000'), ('is_local', 'maybe'), ('is_local', 'истинно'),
])
def test_ambiguous_cells_are_refused_with_their_line_and_column_and_never_quoted(column, cell):
    data = ('name;password;%s\nanna;Anna-Pass-1;2048\nboris;Boris-Pass-1;%s\n' % (column, cell)).encode('utf-8')
    if column == 'is_local':
        data = data.replace(b';2048\n', b';true\n')
    rows, problems = parse_mailboxes_csv(data)
    assert [line for line, dummy in rows] == [2]
    assert len(problems) == 1 and problems[0].startswith('line 3, column 3 (%s): ' % column), problems
    assert cell not in problems[0] and 'Boris-Pass-1' not in problems[0]


@pytest.mark.parametrize('first_row', [
    ['anna', 'Secret-Pass-1', 'Anna Ivanova', '2048'],
    ['anna', 'Secret-Pass-1', 'name', '2048'],  # a cell that happens to be a column's name: it looks like a header
], ids=['no-known-column', 'a-cell-named-like-a-column'])
def test_a_file_without_a_header_row_never_quotes_its_first_row(first_row):
    """The first row of a header-less file is a person: no cell of it (the password above all) is shown."""
    for delimiter in (',', ';', '\t'):
        data = delimiter.join(first_row).encode('utf-8') + b'\n'
        rows, problems = parse_mailboxes_csv(data)
        assert rows == [] and len(problems) == 1
        for cell in ('anna', 'secret-pass-1', 'anna ivanova', '2048'):
            assert cell not in problems[0].lower()


def test_a_formula_cell_written_after_a_quote_reads_back_exactly():
    data = b"name;comment;aliases\nanna;'=HYPERLINK(1);'-news@example.net\nboris;''=x;\ncarol;'plain;\n"
    assert parse_mailboxes_csv(data)[0] == [(2, {'name': 'anna', 'comment': '=HYPERLINK(1)', 'aliases': '-news@example.net'}),
                                            (3, {'name': 'boris', 'comment': "'=x"}),
                                            (4, {'name': 'carol', 'comment': "'plain"})]


@pytest.mark.parametrize('value', ['=1+1', '+7 495 123-45-67', '-x', '@SUM(A1)', "'=x", "''", "'", "'plain", 'plain', '', "''=x"])
def test_protecting_a_cell_is_undone_exactly(value):
    protected = _mailboxes_csv.protect_cell(value)
    assert protected[:1] not in '=+-@' or protected == ''
    assert _mailboxes_csv.unprotect_cell(protected) == value


# -- workbooks ----------------------------------------------------------------------------------

def test_an_xlsx_workbook_is_read_like_its_csv(tmp_path):
    openpyxl = pytest.importorskip('openpyxl')
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(['name', 'password', 'comment', 'quota', 'is_local', 'aliases', 'state'])
    sheet.append(['anna', 'Anna-Pass-1', 'Анна Иванова', 2048, None, None, None])
    sheet.append(['orders', 'Orders-Pass-1', '+7 495 123-45-67', 2048.0, False, 'anna@example.com', None])
    sheet.append([None] * 7)
    sheet.append(['boris', 'Boris-Pass-1', None, None, True, None, 'disabled'])
    path = tmp_path / 'people.xlsx'
    book.save(str(path))
    rows, problems = read_mailboxes_csv(str(path))
    assert problems == []
    assert rows == [(2, {'name': 'anna', 'password': 'Anna-Pass-1', 'comment': 'Анна Иванова', 'quota': 2048}),
                    (3, {'name': 'orders', 'password': 'Orders-Pass-1', 'comment': '+7 495 123-45-67', 'quota': 2048,
                         'is_local': False, 'aliases': 'anna@example.com'}),
                    (5, {'name': 'boris', 'password': 'Boris-Pass-1', 'is_local': True, 'state': 'disabled'})]


def test_without_openpyxl_a_workbook_fails_saying_how_to_save_it_as_csv(tmp_path, monkeypatch):
    path = tmp_path / 'people.xlsx'
    path.write_bytes(b'PK\x03\x04 not read')
    monkeypatch.setitem(sys.modules, 'openpyxl', None)  # import openpyxl raises ImportError
    with pytest.raises(ValueError) as failure:
        read_mailboxes_csv(str(path))
    assert 'needs the Python library openpyxl' in str(failure.value) and 'CSV UTF-8' in str(failure.value)


def test_a_damaged_workbook_is_an_input_error(tmp_path):
    pytest.importorskip('openpyxl')
    path = tmp_path / 'people.xlsx'
    path.write_bytes(b'PK\x03\x04 damaged')
    with pytest.raises(ValueError, match='the .xlsx workbook cannot be read'):
        read_mailboxes_csv(str(path))


# -- writing: the export that src reads back --------------------------------------------------

MAILBOXES = [
    {'id': 2, 'name': 'boris', 'comment': '+7 495 123-45-67, Борис', 'quota': 2048, 'is_local': False,
     'aliases': ['boris@example.net', 'b2@example.net'], 'state': 'active', 'used': 5},
    {'id': 1, 'name': 'anna', 'comment': 'Анна; "front office"\nsecond line', 'quota': 1000, 'is_local': True, 'aliases': [],
     'state': 'disabled'},
    {'id': 3, 'name': 'carol', 'comment': '=HYPERLINK("http://x")', 'quota': None, 'is_local': None, 'aliases': None,
     'state': 'active'},
    {'id': 4, 'name': 'dave', 'comment': "'=x", 'quota': 10, 'is_local': True, 'aliases': ['@odd'], 'state': 'active'},
]


@pytest.mark.parametrize('delimiter', [',', ';', '\t'])
def test_the_export_reads_back_exactly(delimiter):
    data = _mailboxes_csv.mailboxes_csv(MAILBOXES, delimiter)
    assert data.startswith(codecs.BOM_UTF8)
    assert b'HYPERLINK' in data and b'\n=' not in data.replace(b'\r\n', b'\n') and b',=' not in data and b';=' not in data
    rows, problems = parse_mailboxes_csv(data)
    assert problems == []
    assert rows == [
        (2, {'name': 'anna', 'comment': 'Анна; "front office"\nsecond line', 'quota': 1000, 'is_local': True,
             'state': 'disabled'}),
        (4, {'name': 'boris', 'comment': '+7 495 123-45-67, Борис', 'quota': 2048, 'is_local': False,
             'aliases': 'boris@example.net b2@example.net', 'state': 'present'}),
        (5, {'name': 'carol', 'comment': '=HYPERLINK("http://x")', 'state': 'present'}),
        (6, {'name': 'dave', 'comment': "'=x", 'quota': 10, 'is_local': True, 'aliases': '@odd', 'state': 'present'}),
    ]


def test_writing_the_export_is_atomic_idempotent_private_and_check_mode_writes_nothing(tmp_path):
    path = tmp_path / 'domain.csv'
    assert _mailboxes_csv.write_mailboxes_csv(str(path), MAILBOXES, check_mode=True) is True
    assert not path.exists()
    assert _mailboxes_csv.write_mailboxes_csv(str(path), MAILBOXES) is True
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_bytes() == _mailboxes_csv.mailboxes_csv(MAILBOXES)
    assert _mailboxes_csv.write_mailboxes_csv(str(path), MAILBOXES) is False
    assert _mailboxes_csv.write_mailboxes_csv(str(path), MAILBOXES[:1], check_mode=True) is True
    assert path.read_bytes() == _mailboxes_csv.mailboxes_csv(MAILBOXES)
    os.chmod(str(path), 0o640)
    assert _mailboxes_csv.write_mailboxes_csv(str(path), MAILBOXES[:1]) is True
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(os.listdir(str(tmp_path))) == ['domain.csv']
    with pytest.raises(ValueError, match='dest: the folder .* does not exist'):
        _mailboxes_csv.write_mailboxes_csv(str(tmp_path / 'missing' / 'x.csv'), MAILBOXES)
    with pytest.raises(ValueError, match='is a directory'):
        _mailboxes_csv.write_mailboxes_csv(str(tmp_path), MAILBOXES)
