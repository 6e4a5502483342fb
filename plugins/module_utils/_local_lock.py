# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""A local, exclusive, bounded-wait lock named by a key (for example an API URL and an org ID).

Used to serialise read-modify-write cycles on a remote list that the vendor can only replace
whole (Yandex 360 routing rules): tasks that run at the same time on one machine -- forks,
``async`` loop items, several ``ansible-playbook`` runs -- take turns instead of overwriting
each other.

How it works: an exclusive ``fcntl.flock`` on a lock file in a private directory
(``<temp dir>/mailops.hosted_mail-locks-<uid>``, mode 0700, checked to belong to the current
user and not to be a symlink). The file name is a hash of the key, so a URL never shows up in a
file name. The kernel releases the lock when its holder exits, even on a crash or a kill, so a
stale lock cannot block anyone; lock files are never deleted (deleting them would race with a
waiter that already opened the file).

Limits: it serialises only processes of the same user on the same machine that use the same
temp directory. Processes that do not share a temp directory -- AWX / Automation Controller jobs,
each in its own container -- share a lock only through a *shared lock directory*
(``shared_dir``, the modules' ``lock_dir`` option): an existing directory that every one of them
sees (a volume, or a host path exposed to every job). The lock files are put there directly and
may be opened by other users (mode 0666: they hold no data), since job containers may run as
different uids. ``flock`` works across containers on one host, and across hosts on NFS with
working locks (Linux turns it into an NFS byte-range lock). It knows nothing of Ansible and never
calls ``fail_json``.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import Error

DEFAULT_TIMEOUT = 300.0
POLL_INTERVAL = 0.05


class LockError(Error):
    """The lock could not be taken (timeout, unsafe lock directory, file system error)."""


class PrivateDirectoryError(ValueError):
    """A directory that must be private to the current user is not, or cannot be created."""


def private_directory(path: str, what: str = 'directory', create: bool = True) -> str | None:
    """``path`` if it is a private directory of the current user; raise PrivateDirectoryError if not.

    Private: a real directory (not a symlink), owned by the current user, with no access for group
    or others (mode 0700). When missing it is created with mode 0700 if ``create`` is true (its
    parents too), else None is returned. ``what`` names it in the error (``'lock directory'``).
    Shared by the lock files here and the token cache (:mod:`._token_cache`).
    """
    if create:
        try:
            os.makedirs(path, 0o700, exist_ok=True)
        except OSError as exc:
            raise PrivateDirectoryError('cannot create the %s %s: %s' % (what, path, exc.strerror or exc)) from None
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if create:
            raise PrivateDirectoryError('the %s %s disappeared while it was being created' % (what, path)) from None
        return None
    except OSError as exc:
        raise PrivateDirectoryError('cannot read the %s %s: %s' % (what, path, exc.strerror)) from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PrivateDirectoryError('the %s %s is not a private directory of the current user '
                                    '(it must be a real directory, owned by uid %d, mode 0700)' % (what, path, os.getuid()))
    return path


def lock_directory(base: str | None = None) -> str:
    """The private lock directory for the current user, created if needed; raise LockError if unsafe."""
    base = base or tempfile.gettempdir()
    try:
        path = os.path.join(base, 'mailops.hosted_mail-locks-%d' % os.getuid())
        private_directory(path, 'lock directory')
        return path
    except PrivateDirectoryError as exc:
        raise LockError(str(exc)) from None


def lock_path(namespace: str, key: str, base: str | None = None, shared_dir: str | None = None) -> str:
    """Path of the lock file for ``key`` (any string) in ``namespace`` (a short word).

    In ``shared_dir`` when given (see :func:`shared_lock_directory`), else in the private
    :func:`lock_directory`.
    """
    digest = hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]
    directory = shared_lock_directory(shared_dir) if shared_dir else lock_directory(base)
    return os.path.join(directory, '%s-%s.lock' % (namespace, digest))


def shared_lock_directory(path: str) -> str:
    """``path`` if it is an existing directory; raise LockError if not.

    It is never created: a missing directory means the shared volume is not there, and a lock in
    a directory that only this container sees would serialise nothing.
    """
    if not os.path.isabs(path):
        raise LockError('the lock directory %s must be an absolute path' % path)
    if not os.path.isdir(path):
        raise LockError(
            'the lock directory %s does not exist or is not a directory. It must be a directory that every job '
            'changing these rules sees (a shared volume, or a path the AWX / Automation Controller exposes to every '
            'job); it is not created, because a directory only this job sees would serialise nothing' % path)
    return path


@contextmanager
def exclusive_lock(namespace: str, key: str, timeout: float = DEFAULT_TIMEOUT, what: str = 'this resource', base: str | None = None,
                   clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None,
                   shared_dir: str | None = None) -> Iterator[str]:
    """Hold an exclusive lock on ``key`` for the ``with`` block; wait at most ``timeout`` seconds.

    ``what`` names the protected thing in the timeout message, e.g. ``'the routing rules of
    Yandex 360 organisation 42'``. ``shared_dir``: a directory shared with other machines or
    containers (see the module docstring) instead of the private one. Raises :class:`LockError`.
    """
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    path = lock_path(namespace, key, base, shared_dir)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0),
                     0o666 if shared_dir else 0o600)
    except OSError as exc:
        raise LockError('cannot open the lock file %s: %s' % (path, exc.strerror)) from None
    if shared_dir:
        _share(fd)
    who = 'another task sharing the lock directory %s' % shared_dir if shared_dir else 'another task on this machine'
    try:
        deadline = clock() + max(0.0, float(timeout))
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise LockError('cannot lock %s: %s' % (path, exc.strerror)) from None
            if clock() >= deadline:
                raise LockError(
                    '%s has been changing %s for more than %g seconds, so this one gave up '
                    'waiting for its turn (lock file %s). Raise lock_timeout if many tasks change it at once, '
                    'or look for a task that hangs.' % (who, what, float(timeout), path))
            sleep(POLL_INTERVAL)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _share(fd: int) -> None:
    """Let other users (job containers may run as other uids) open a lock file this user owns.

    Only a plain file with one name is touched: never a file that someone linked in under the
    lock file's name.
    """
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_nlink == 1 and info.st_uid == os.getuid() and info.st_mode & 0o777 != 0o666:
            os.fchmod(fd, 0o666)
    except OSError:
        pass  # a file system without modes: whoever can open the file can lock it
