# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The collection's one way to replace a file on the controller: whole or not at all."""

from __future__ import annotations

import os
import secrets


def write_atomically(path: str, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data``: a new file beside it, then a rename over the name.

    The new file is opened with ``O_EXCL | O_NOFOLLOW`` and given ``mode`` before anything is
    written to it; the rename replaces a symlink at ``path`` rather than following it. A reader
    sees the old file or the new one, never a part. On any failure the new file is removed and
    the ``OSError`` is raised.
    """
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, '.%s.%s.tmp' % (name, secrets.token_hex(8)))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
    fd = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(fd, 'wb') as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
        os.replace(temporary, path)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
