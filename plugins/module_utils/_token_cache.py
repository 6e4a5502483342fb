# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""A cache, private to the user, of the tokens the NetAngels gateway issues for an API key.

Without it every task exchanges its API key for a token before its first API call, so a task
that only reads one list costs two requests. With it, a task uses the token an earlier task got,
until the API refuses that token (the client then drops it, exchanges the key again once and
caches the new token).

Where and how:

* the directory is ``<temp dir>/mailops.hosted_mail-tokens-<uid>`` unless another is given; it
  must be private to the current user (a real directory, owned by them, mode 0700: see
  :func:`._local_lock.private_directory`), and is created so when missing. A directory that is
  a symlink, belongs to someone else or is open to others is not used (a warning says why);
* one file per API key and token gateway URL, mode 0600, named by a SHA-256 hash of both: the
  key itself is never written, in a file name or in a file. The file holds ``{"token": ...}``;
* a file is written to a temporary name in the same directory and renamed over the old one, so
  a reader sees the old token or the new one, never half of one; tasks running at the same time
  each keep a valid token, and the last one written wins;
* ``read_only`` (check mode) reads the cache and never writes, creates or deletes anything.

Problems with the cache never fail a task: it is then not used, and ``warn`` (a callable taking
a message; the module's ``warn``) says why. No message contains a token or a key. It knows
nothing of Ansible.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
import tempfile

from ansible_collections.mailops.hosted_mail.plugins.module_utils._files import write_atomically
from ansible_collections.mailops.hosted_mail.plugins.module_utils._local_lock import PrivateDirectoryError, private_directory

MAX_FILE_SIZE = 65536
WHAT = 'NetAngels token cache directory'


def default_directory() -> str:
    """The default cache directory of the current user (in the system's temporary directory)."""
    return os.path.join(tempfile.gettempdir(), 'mailops.hosted_mail-tokens-%d' % os.getuid())


def cache_file_name(api_key: str, gateway_url: str) -> str:
    """The file name for the token of ``api_key`` at ``gateway_url``: a hash of both, never the key."""
    digest = hashlib.sha256(('netangels-token\0%s\0%s' % (gateway_url, api_key)).encode('utf-8')).hexdigest()
    return 'netangels-%s.json' % digest


class TokenCache(object):
    """The cached token of one API key at one token gateway."""

    def __init__(self, api_key: str, gateway_url: str, directory: str | None = None, read_only: bool = False,
                 warn: Callable[[str], None] | None = None) -> None:
        self.directory = directory or default_directory()
        self.path = os.path.join(self.directory, cache_file_name(api_key, gateway_url))
        self.read_only = read_only
        self._warn = warn
        self._unusable = False

    def _give_up(self, reason: str) -> None:
        """Stop using the cache for this task, and say why (once)."""
        if not self._unusable and self._warn is not None:
            self._warn('The NetAngels token cache is not used: %s. The API key is exchanged for a token in every task '
                       'instead; fix the directory, set token_cache_dir, or set token_cache to false.' % reason)
        self._unusable = True

    def load(self) -> str | None:
        """The cached token, or None when there is none (or it cannot be used safely)."""
        if self._unusable:
            return None
        try:
            if private_directory(self.directory, WHAT, create=False) is None:
                return None
            fd = os.open(self.path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0))
        except PrivateDirectoryError as exc:
            self._give_up(str(exc))
            return None
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._give_up('cannot open %s: %s' % (self.path, exc.strerror))
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
                self._give_up('%s is not a private file of the current user (it must be a regular file, owned by uid %d, '
                              'mode 0600)' % (self.path, os.getuid()))
                return None
            data = os.read(fd, MAX_FILE_SIZE + 1)
        finally:
            os.close(fd)
        try:
            token = json.loads(data.decode('utf-8')).get('token')
        except (ValueError, AttributeError):
            return None  # damaged or foreign content: a miss; the next store replaces it
        return token if isinstance(token, str) and token else None

    def store(self, token: str) -> None:
        """Cache ``token`` (atomically, mode 0600). Nothing happens in read-only (check) mode."""
        if self.read_only or self._unusable:
            return
        try:
            private_directory(self.directory, WHAT, create=True)
            write_atomically(self.path, json.dumps({'token': token}).encode('utf-8'), 0o600)
        except PrivateDirectoryError as exc:
            self._give_up(str(exc))
        except OSError as exc:
            self._give_up('cannot write %s: %s' % (self.path, exc.strerror))

    def drop(self, token: str | None) -> None:
        """Forget ``token`` because the API refused it, unless another task already cached a newer one.

        Nothing happens in read-only (check) mode.
        """
        if self.read_only or self._unusable or self.load() != token:
            return
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            self._give_up('cannot delete %s: %s' % (self.path, exc.strerror))
