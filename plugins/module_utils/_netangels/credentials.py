# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""Generated initial passwords and the credentials files that hand them over.

Used by ``netangels_mailboxes`` (options ``credentials_dir`` and ``password_length``): a mailbox
the task is about to create without a password gets one generated here, after every input was
validated and the domain was read, and it is written to ``<credentials_dir>/<name>@<domain>``
just before the create is sent. Nothing is generated or written in check mode.

Guards, all decided before the first write (:func:`check_directory`, :func:`check_files`):

* the directory must be private to the current user (a real directory, not a symlink, owned by
  them, no access for group or others: :func:`._local_lock.private_directory`); it is created
  with mode 0700 when missing;
* a path that exists and is not a regular file (a directory, a device) is refused;
* a file left there for a mailbox that does not exist (a run that failed before the create, a
  password of the wrong length, a file someone else planted) is never read: the mailbox is
  created with a new password, and the file is replaced (written to a new 0600 file opened with
  ``O_EXCL | O_NOFOLLOW``, then renamed over the old name, which replaces a symlink rather than
  following it). A file of a mailbox that exists is left alone.

A file written for a mailbox whose create then failed stays (when the answer was lost, it may
hold the password the mailbox got); the result's ``credentials_files`` names only the files of
the mailboxes created, and the next run replaces the others while their mailbox does not exist.

Pure Python: no HTTP, no Ansible. No message holds a password.
"""

from __future__ import annotations

import os
import secrets
import stat
import string
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._files import write_atomically
from ansible_collections.mailops.hosted_mail.plugins.module_utils._local_lock import PrivateDirectoryError, private_directory
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

if TYPE_CHECKING:
    from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.spec import MailboxSpec

PASSWORD_ALPHABET = string.ascii_letters + string.digits + '-_.'
"""The characters of a generated password (no whitespace, nothing a shell or a CSV cell quotes)."""

DEFAULT_PASSWORD_LENGTH = 20
WHAT = 'credentials directory'


def check_length(length: Any) -> str | None:
    """Why ``length`` cannot be a generated password's length, or None."""
    if isinstance(length, bool) or not isinstance(length, int) or not PASSWORD_MIN_LENGTH <= length <= PASSWORD_MAX_LENGTH:
        return 'password_length must be from %d to %d, not %r' % (PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, length)
    return None


def generate_password(length: int) -> str:
    """A random password of ``length`` characters of :data:`PASSWORD_ALPHABET`."""
    return ''.join(secrets.choice(PASSWORD_ALPHABET) for dummy in range(length))


def file_path(directory: str, address: str) -> str:
    """The credentials file of ``address`` (a validated local part @ domain: no ``/``, no ``..``)."""
    if '/' in address or address.startswith('.') or os.sep in address:
        raise InputError('%s cannot name a credentials file' % address)
    return os.path.join(directory, address)


def check_directory(directory: str, create: bool) -> str | None:
    """Refuse a directory that is not private to the current user (InputError); create it if ``create``.

    Returns the directory, or None when it is missing and ``create`` is false (check mode).
    """
    try:
        return private_directory(directory, WHAT, create=create)
    except PrivateDirectoryError as exc:
        raise InputError('%s; the generated passwords are not written to a directory others can read or replace '
                         '(credentials_dir); nothing was changed' % exc) from None


def check_files(paths: Iterable[str]) -> None:
    """Refuse the paths that exist and are not regular files or symlinks (InputError, naming them)."""
    bad = []
    for path in paths:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            bad.append('%s (%s)' % (path, exc.strerror))
            continue
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            bad.append('%s (not a file)' % path)
    if bad:
        raise InputError('cannot write the credentials files %s; nothing was changed' % ', '.join(bad))


def write_password_file(path: str, password: str) -> None:
    """Write ``password`` to ``path`` (mode 0600), replacing whatever is there without following a link."""
    write_atomically(path, (password + '\n').encode('utf-8'), 0o600)


class Credentials(object):
    """The credentials files of one task: checked before any write, written just before the creates."""

    def __init__(self, directory: str, domain: str | None, length: int, check_mode: bool) -> None:
        self.directory = directory
        self.domain = domain
        self.length = length
        self.check_mode = check_mode
        self.names: list[str] = []
        self.files: list[str] = []

    def check(self, names: Iterable[str]) -> None:
        """Everything that can be refused, before the first write; InputError."""
        why = check_length(self.length)
        if why:
            raise InputError(why)
        if not self.domain:
            raise InputError('credentials_dir needs domain (the files are named after the address), not domain_id')
        self.names = list(names)
        paths = [file_path(self.directory, '%s@%s' % (name, self.domain)) for name in self.names]
        if check_directory(self.directory, create=False) is not None:
            check_files(paths)
        self.files = paths

    def created(self, names: Iterable[str]) -> list[str]:
        """The files of the mailboxes among ``names`` (those really created, or predicted in check mode)."""
        created = set(names)
        return [path for name, path in zip(self.names, self.files) if name in created]

    def generate(self, rows: list[MailboxSpec], register_secret: Callable[[str], None]) -> list[MailboxSpec]:
        """The rows (without a password), each given a generated one whose file is written; unchanged in check mode."""
        if self.check_mode or not rows:
            return rows
        check_directory(self.directory, create=True)
        result = []
        for row in rows:
            password = generate_password(self.length)
            register_secret(password)
            path = file_path(self.directory, '%s@%s' % (row.name, self.domain))
            try:
                write_password_file(path, password)
            except OSError as exc:
                raise InputError('cannot write the credentials file %s: %s; no mailbox was created' % (path, exc.strerror)) from None
            result.append(row._replace(password=password))
        return result
