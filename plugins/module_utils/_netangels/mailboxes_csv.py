# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The spreadsheet files of ``netangels_mailboxes`` (``src``) and ``netangels_mailbox_info`` (``dest``).

Reading (docs/docsite/rst/csv_format.rst) takes a file as an office suite saves it:

- the encoding: a byte-order mark (UTF-8, UTF-16), else UTF-8, else cp1251 (Russian Excel's
  "CSV (semicolon-separated)"); the ``encoding`` option forces one;
- the delimiter: ``,``, ``;`` or a tab, whichever makes the header row name the most columns;
- a header row naming the columns, ``name`` required, the others optional, in any order;
  trailing columns with no name are allowed while every cell under them is empty (Excel's
  ``name;password;;;``);
- cells: an empty cell means "not set". Booleans (``is_local``) may be written TRUE/FALSE,
  ИСТИНА/ЛОЖЬ, да/нет, yes/no, 1/0; a quota may be written ``2 048`` (also with a no-break space),
  ``2048,0`` or ``2048.0``. Anything ambiguous is refused with its line and column;
- an ``.xlsx`` workbook (its first sheet) when the Python library openpyxl is installed.

Writing (:func:`write_mailboxes_csv`) produces exactly what reading takes back: UTF-8 with a BOM
(so that Excel shows Cyrillic), the same columns, never a password, and a cell that a spreadsheet
would run as a formula (``=``, ``+``, ``-``, ``@``) written with a leading ``'``, which reading
removes again.

Secrets: no problem text repeats a cell, not even of the header row: a first row that only looks
like a header may be a person (password included), so an unknown column is named by its position,
with the column probably meant for a near miss such as ``qouta``.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import os
import re
from typing import Any, Iterable

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._files import write_atomically

COLUMNS = ('name', 'password', 'comment', 'quota', 'is_local', 'aliases', 'state')
REQUIRED_COLUMNS = ('name',)
EXPORTED_COLUMNS = ('name', 'comment', 'quota', 'is_local', 'aliases', 'state')
"""What ``dest`` writes: every column but the password, which cannot be read."""
DELIMITERS = (',', ';', '\t')
VERBATIM_COLUMNS = ('password', 'comment')
"""Cells kept exactly as written; the others are stripped of surrounding spaces."""
MAX_FILE_SIZE = 64 * 1024 * 1024
ENCODINGS = ('auto', 'utf-8', 'utf-8-sig', 'utf-16', 'cp1251')
"""The values of the ``encoding`` option; ``auto`` detects (BOM, then UTF-8, then cp1251)."""

TRUE_WORDS = ('true', 'yes', 'y', 'on', '1', 'истина', 'да')
FALSE_WORDS = ('false', 'no', 'n', 'off', '0', 'ложь', 'нет')
GROUP_SPACES = ' \u00a0\u202f\u2009'
"""Spaces a spreadsheet puts between digit groups: space, no-break space, narrow no-break, thin."""
FORMULA_STARTS = '=+-@'
"""A cell starting with one of these is a formula to a spreadsheet; ``dest`` writes it after a ``'``."""
TEXT_MARK = "'"
ZIP_MAGIC = b'PK\x03\x04'
OLE_MAGIC = b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'

_QUOTA = re.compile(r'^(\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+|\d+)(?:[.,](0{1,2}))?$')


# -- cells ----------------------------------------------------------------------------------

def parse_boolean(text: str) -> bool | None:
    """True / False for a boolean cell as people write it, or None when it is not one."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_quota(text: str) -> int | None:
    """The whole number of MB a quota cell holds, or None when it is not an unambiguous whole number.

    ``2048``, ``2 048`` (any group space), ``2048,0``, ``2048.00``; not ``2,5``, ``2,048`` or
    ``2.048`` (a decimal or a thousands separator? refused rather than guessed).
    """
    match = _QUOTA.match(text.strip())
    if not match:
        return None
    return int(re.sub('[%s]' % GROUP_SPACES, '', match.group(1)))


def protect_cell(value: str) -> str:
    """``value`` as ``dest`` writes it: a leading ``'`` when a spreadsheet would run it, or would
    strip one from it on reading (:func:`unprotect_cell` is its exact inverse)."""
    if (value and value[0] in FORMULA_STARTS) or unprotect_cell(value) != value:
        return TEXT_MARK + value
    return value


def unprotect_cell(value: str) -> str:
    """A cell as written by :func:`protect_cell`, back to its value."""
    if len(value) > 1 and value[0] == TEXT_MARK and value[1] in FORMULA_STARTS + TEXT_MARK:
        return value[1:]
    return value


def _cell_value(column: str, cell: str, where: str, problems: list[str]) -> Any:
    """One cell's value for ``column`` (None: not set); problems name the line and column, never the cell."""
    value = cell if column in VERBATIM_COLUMNS else cell.strip()
    if value == '':
        return None
    if column != 'password':
        value = unprotect_cell(value)
    if column == 'quota':
        quota = parse_quota(value)
        if quota is None:
            problems.append('%s: quota is not a whole number of MB (write it like 2048, 2 048 or 2048,0)' % where)
        return quota
    if column == 'is_local':
        flag = parse_boolean(value)
        if flag is None:
            problems.append('%s: is_local is not true or false (write TRUE/FALSE, yes/no, да/нет, ИСТИНА/ЛОЖЬ or 1/0)' % where)
        return flag
    return value


# -- the file's layout ------------------------------------------------------------------------

def _line_of(data: bytes, position: int) -> int:
    """The 1-based line number of a byte ``position`` in ``data``."""
    return data.count(b'\n', 0, position) + 1


def decode(data: bytes, encoding: str = 'auto') -> tuple[str | None, str | None]:
    """``(text, None)``, or ``(None, problem)``: a BOM first, then UTF-8, then cp1251 (``encoding`` forces one)."""
    if data.startswith(OLE_MAGIC):
        return None, ('the file is an old Excel workbook (.xls), not CSV; save it as "Excel Workbook (.xlsx)" or '
                      '"CSV UTF-8 (Comma delimited)" and give that file')
    if data.startswith(ZIP_MAGIC):
        return None, ('the file is a zip archive (an .xlsx or .ods workbook?), not CSV; give a workbook a name ending in '
                      '.xlsx, or save the sheet as "CSV UTF-8 (Comma delimited)"')
    if encoding in (None, 'auto'):
        for bom, name in ((codecs.BOM_UTF8, 'utf-8-sig'), (codecs.BOM_UTF16_LE, 'utf-16'), (codecs.BOM_UTF16_BE, 'utf-16')):
            if data.startswith(bom):
                encoding = name
                break
    forced = encoding not in (None, 'auto')
    if encoding == 'utf-8' and data.startswith(codecs.BOM_UTF8):
        encoding = 'utf-8-sig'
    for name in [encoding] if forced or encoding == 'utf-8-sig' else ['utf-8', 'cp1251']:
        try:
            text = data.decode(name)
        except UnicodeDecodeError as exc:
            if name == 'utf-8' and not forced:
                continue
            return None, ('line %d: the file is not %s text (save it as "CSV UTF-8", or set encoding)'
                          % (_line_of(data, exc.start), 'UTF-8 or cp1251' if not forced else name))
        if '\x00' in text:
            return None, ('line %d: the file holds a NUL character; is it a workbook (.xlsx, .ods) or UTF-16 without a '
                          'byte-order mark (set encoding: utf-16)?' % (text.count('\n', 0, text.index('\x00')) + 1))
        return text.lstrip('\ufeff'), None
    return None, 'the file is neither UTF-8 nor cp1251 text (save it as "CSV UTF-8", or set encoding)'


def _header_columns(record: list[str]) -> list[str]:
    return [cell.strip().lower() for cell in record]


def pick_delimiter(text: str) -> str:
    """The delimiter that makes the first row name the most known columns (``,`` on a tie)."""
    first = text.split('\n', 1)[0]
    best, known = ',', -1
    for delimiter in DELIMITERS:
        try:
            record = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            continue
        count = len([column for column in _header_columns(record) if column in COLUMNS])
        if count > known:
            best, known = delimiter, count
    return best


def _meant(cell: str) -> str:
    """`` (quota?)`` for a near miss of a column name (``qouta``), else ''; never the cell itself."""
    close = difflib.get_close_matches(cell, COLUMNS, n=1, cutoff=0.75)
    return ' (%s?)' % close[0] if close else ''


def _check_header(record: list[str]) -> tuple[list[str], str | None]:
    """``(columns, problem)`` for the first row; a problem never quotes a cell."""
    columns = _header_columns(record)
    while columns and columns[-1] == '':
        columns.pop()  # Excel's trailing empty columns; their cells are checked to be empty
    if not any(column for column in columns):
        return [], 'line 1: the file is empty; the first line must be a header row naming the columns, e.g. name,password,comment'
    if not any(column in COLUMNS for column in columns):
        return [], ('line 1: the first row is not a header row (it names none of the columns %s); add a header row '
                    'naming the columns above the first mailbox' % ', '.join(COLUMNS))
    unknown = [index for index, column in enumerate(columns) if column not in COLUMNS]
    doubled = sorted(set(column for column in columns if column in COLUMNS and columns.count(column) > 1))
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if not (unknown or doubled or missing):
        return columns, None
    why = []
    if missing:
        why.append('no %s column' % ', '.join(missing))
    if unknown:
        why.append('unknown column%s at position %s' % ('s' if len(unknown) > 1 else '', ', '.join(
            '%d%s' % (index + 1, _meant(columns[index])) for index in unknown)))
    if doubled:
        why.append('column%s %s more than once' % ('s' if len(doubled) > 1 else '', ', '.join(doubled)))
    return [], 'line 1: bad header row (%s); the columns are %s, and name is required' % ('; '.join(why), ', '.join(COLUMNS))


def rows_of(records: Iterable[tuple[int, list[str]]]) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """``(rows, problems)`` from ``[(line, [cell text, ...])]``, the first record being the header row."""
    records = iter(records)
    first = next(records, None)
    if first is None:
        return [], ['line 1: the file is empty; the first line must be a header row naming the columns, e.g. name,password,comment']
    columns, problem = _check_header(first[1])
    if problem:
        return [], [problem]
    rows, problems = [], []
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        extra = record[len(columns):]
        if len(record) < len(columns) or any(cell.strip() for cell in extra):
            problems.append('line %d: %d cells, but the header row names %d columns (a cell holding the delimiter must be '
                            'quoted)' % (line, len(record), len(columns)))
            continue
        cells: dict[str, Any] = {}
        mine: list[str] = []
        for index, (column, cell) in enumerate(zip(columns, record)):
            value = _cell_value(column, cell, 'line %d, column %d (%s)' % (line, index + 1, column), mine)
            if value is not None:
                cells[column] = value
        if mine:
            problems.extend(mine)
            continue
        rows.append((line, cells))
    return rows, problems


def parse_mailboxes_csv(data: bytes, encoding: str = 'auto') -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """Split CSV bytes into rows: ``(rows, problems)``.

    ``rows`` is a list of ``(line, cells)``: ``line`` is the number of the line the row starts on
    (the header is line 1), ``cells`` maps each column to its value when the cell is not empty
    (password and comment as written, other text cells stripped, quota an int, is_local a
    bool). ``problems`` lists, each with its line (and column), what is wrong with the file;
    rows with a problem are left out.
    """
    text, problem = decode(data, encoding)
    if text is None:
        return [], [str(problem)]
    delimiter = pick_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=delimiter, strict=True)
    records, problems = [], []
    start = 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append('line %d: the CSV is malformed (%s); the rows after it were not read' % (start, exc))
    rows, more = rows_of(records)
    return rows, more + problems


# -- workbooks ------------------------------------------------------------------------------

def _workbook_cell(value: Any) -> str:
    """A workbook cell as the text a CSV file would hold."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float) and value.is_integer():
        return '%d' % value
    return value if isinstance(value, str) else str(value)


def parse_workbook(data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """The first sheet of an ``.xlsx`` workbook as ``(rows, problems)``; InputError without openpyxl."""
    try:
        import openpyxl  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise InputError('src: reading an .xlsx workbook needs the Python library openpyxl on the host that runs the '
                         'module (pip install openpyxl; the collection\'s execution environment has it). Or save the sheet '
                         'as "CSV UTF-8 (Comma delimited)" and give that file') from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # pylint: disable=broad-exception-caught  # openpyxl raises many kinds for a damaged file
        raise InputError('src: the .xlsx workbook cannot be read (%s); save it again, or save the sheet as CSV UTF-8'
                         % type(exc).__name__) from None
    try:
        sheet = book.worksheets[0]
        records = [(line, [_workbook_cell(value) for value in row])
                   for line, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
    return rows_of(records)


def read_mailboxes_csv(path: str, encoding: str = 'auto') -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """``(rows, problems)`` of the file at ``path`` (a workbook when it ends in .xlsx); InputError when unreadable."""
    try:
        with open(path, 'rb') as handle:
            data = handle.read(MAX_FILE_SIZE + 1)
    except (IOError, OSError) as exc:
        raise InputError('src: cannot read %s: %s' % (path, exc.strerror or exc)) from None
    if len(data) > MAX_FILE_SIZE:
        raise InputError('src: %s is larger than %d MB; is it the right file?' % (path, MAX_FILE_SIZE // (1024 * 1024)))
    if path.lower().endswith('.xlsx') or path.lower().endswith('.xlsm'):
        return parse_workbook(data)
    return parse_mailboxes_csv(data, encoding)


# -- writing --------------------------------------------------------------------------------

def _export_cell(mailbox: dict[str, Any], column: str) -> str:
    value = mailbox.get(column)
    if column == 'state':
        return 'disabled' if str(value or '').lower() == 'disabled' else 'present'
    if column == 'aliases':
        return ' '.join(value or [])
    if column == 'is_local':
        return '' if value is None else ('true' if value else 'false')
    if value is None:
        return ''
    return protect_cell(str(value))


def mailboxes_csv(mailboxes: Iterable[dict[str, Any]], delimiter: str = ',') -> bytes:
    """The bytes ``dest`` writes for ``mailboxes`` (as the API reads them), sorted by name."""
    out = io.StringIO(newline='')
    writer = csv.writer(out, delimiter=delimiter, lineterminator='\r\n', quoting=csv.QUOTE_MINIMAL)
    writer.writerow(EXPORTED_COLUMNS)
    for mailbox in sorted(mailboxes, key=lambda m: str(m.get('name'))):
        writer.writerow([_export_cell(mailbox, column) for column in EXPORTED_COLUMNS])
    return codecs.BOM_UTF8 + out.getvalue().encode('utf-8')


def write_mailboxes_csv(path: str, mailboxes: Iterable[dict[str, Any]], delimiter: str = ',', check_mode: bool = False) -> bool:
    """Write :func:`mailboxes_csv` to ``path`` unless it already holds exactly that; whether it changed.

    The file is replaced atomically (a temporary file beside it, then a rename). A new file is
    made 0600 (it lists people), an existing one keeps its mode. Check mode writes nothing.
    """
    data = mailboxes_csv(mailboxes, delimiter)
    path = os.path.realpath(path)
    if os.path.isdir(path):
        raise InputError('dest: %s is a directory; give the path of the file to write' % path)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise InputError('dest: the folder %s does not exist' % folder)
    try:
        with open(path, 'rb') as handle:
            if handle.read(len(data) + 1) == data:
                return False
        mode = os.stat(path).st_mode & 0o7777
    except (IOError, OSError):
        mode = None
    if check_mode:
        return True
    try:
        write_atomically(path, data, 0o600 if mode is None else mode)
    except (IOError, OSError) as exc:
        raise InputError('dest: cannot write %s: %s' % (path, exc.strerror or exc)) from None
    return True
