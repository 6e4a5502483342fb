# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The collection's one family of expected failures.

Everything a user can cause or meet -- bad input, an API that refuses or does not answer, a lock
that is not free -- is raised as an :class:`Error`. The module runner (``_module.run``) turns an
``Error`` into a one-line failure; any other exception is a bug, and the runner fails with its
traceback. So code never raises a plain ``ValueError`` (or ``RuntimeError``...) for a problem
the user should read about: it raises :class:`InputError` or another subclass of :class:`Error`.

No Ansible here: vendor clients, the sandbox's tests and roles' helpers use these classes too.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, TypeVar

E = TypeVar('E', bound='Error')


class Error(Exception):
    """An expected failure, with a message a mail administrator understands."""

    @property
    def message(self) -> str:
        """The full message (``str(error)``)."""
        return str(self.args[0]) if self.args else ''

    def __str__(self) -> str:
        return self.message

    def prefixed(self: E, context: str) -> E:
        """The same error (class and attributes) with ``context: `` before its message.

        The one way to say which step failed: ``raise error.prefixed('setting its password') from error``.
        """
        again = self.__class__.__new__(self.__class__)  # no __init__: subclasses take other arguments
        again.__dict__.update(self.__dict__)
        again.args = ('%s: %s' % (context, self.message),) + tuple(self.args[1:])
        return again


class InputError(Error, ValueError):
    """Bad input, or a request that cannot be carried out as asked (found before any write when possible).

    Also a ``ValueError``, so code that validates values can catch it as one.
    """


class Done(NamedTuple):
    """What a task's work did: its ``result``, and the ``error`` that stopped it once it had begun writing.

    Before the first write an error is raised: the task only fails. After a write was tried, the
    work returns what it had done (``changed``, the object as it now stands) together with the
    error, and the runner fails the task with both. ``error`` is None when the work finished.
    """

    result: dict[str, Any]
    error: Optional[Error] = None
