# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""Read the CSV file of ``netangels_mailboxes`` (its ``src`` option), as a spreadsheet saves it.

The format (docs/docsite/rst/csv_format.rst): a header row naming the columns, ``name`` required,
the others optional and in any order; ``,`` or ``;`` as delimiter (told apart on the header row);
UTF-8 with or without a byte-order mark; CRLF or LF line ends; quoted cells may hold the
delimiter, quotes (doubled) and line breaks; blank lines (or rows of empty cells) are skipped.
An empty cell means "not set": the mailbox's field is left alone, as an option left out.

This module only splits the file into cells and checks its layout. The cells' values are checked
by the same validators as the ``mailboxes`` option, so both report problems the same way. No
problem text repeats a cell's content, except a bad header's column names.
"""

from __future__ import annotations

import codecs
import csv
import io

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError

COLUMNS = ('name', 'password', 'comment', 'quota', 'is_local', 'aliases', 'state')
REQUIRED_COLUMNS = ('name',)
DELIMITERS = (',', ';')
VERBATIM_COLUMNS = ('password', 'comment')
"""Cells kept exactly as written; the others are stripped of surrounding spaces."""
MAX_FILE_SIZE = 64 * 1024 * 1024


def pick_delimiter(header_line):
    """``;`` when the header row has more ``;`` than ``,`` (a Russian-locale spreadsheet), else ``,``."""
    return ';' if header_line.count(';') > header_line.count(',') else ','


def _line_of(data, position):
    """The 1-based line number of a byte ``position`` in ``data``."""
    return data.count(b'\n', 0, position) + 1


def parse_mailboxes_csv(data):
    """Split CSV bytes into rows; return ``(rows, problems)``.

    ``rows`` is a list of ``(line, cells)``: ``line`` is the number of the line the row starts on
    (the header is line 1), ``cells`` maps each column to its non-empty cell (password and
    comment as written, other cells stripped of surrounding spaces). ``problems`` lists, each with its line
    number, what is wrong with the file's layout; rows with a layout problem are left out.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        return [], ['line %d: the file is not UTF-8 text (save it as "CSV UTF-8")' % _line_of(data, exc.start)]
    if '\x00' in text:
        return [], ['line %d: the file holds a NUL character; is it a spreadsheet (.xlsx) rather than CSV?'
                    % _line_of(data, data.index(b'\x00'))]
    header_line = text.split('\n', 1)[0]
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=pick_delimiter(header_line), strict=True)
    rows, problems = [], []
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            return [], ['line 1: the file is empty; the first line must be a header row naming the columns, e.g. name,password,comment']
        columns = [cell.strip().lower() for cell in header]
        unknown = [column for column in columns if column not in COLUMNS]
        doubled = sorted(set(column for column in columns if columns.count(column) > 1))
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if unknown or doubled or missing:
            why = []
            if missing:
                why.append('no %s column' % ', '.join(missing))
            if unknown:
                why.append('unknown column%s %s' % ('s' if len(unknown) > 1 else '', ', '.join('"%s"' % c for c in unknown)))
            if doubled:
                why.append('column%s %s more than once' % ('s' if len(doubled) > 1 else '', ', '.join(doubled)))
            return [], ['line 1: bad header row (%s); the columns are %s, and name is required' % ('; '.join(why), ', '.join(COLUMNS))]
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            extra = record[len(columns):]
            if len(record) < len(columns) or any(cell.strip() for cell in extra):
                problems.append('line %d: %d cells, but the header row names %d columns (a cell holding the delimiter must be '
                                'quoted)' % (line, len(record), len(columns)))
                continue
            cells = {}
            for column, cell in zip(columns, record):
                value = cell if column in VERBATIM_COLUMNS else cell.strip()
                if value != '':
                    cells[column] = value
            rows.append((line, cells))
    except csv.Error as exc:
        problems.append('line %d: the CSV is malformed (%s); the rows after it were not read' % (start, exc))
    return rows, problems


def read_mailboxes_csv(path):
    """:func:`parse_mailboxes_csv` of the file at ``path``; InputError when it cannot be read."""
    try:
        with open(path, 'rb') as handle:
            data = handle.read(MAX_FILE_SIZE + 1)
    except (IOError, OSError) as exc:
        raise InputError('src: cannot read %s: %s' % (path, exc.strerror or exc))
    if len(data) > MAX_FILE_SIZE:
        raise InputError('src: %s is larger than %d MB; is it the right file?' % (path, MAX_FILE_SIZE // (1024 * 1024)))
    return parse_mailboxes_csv(data)
