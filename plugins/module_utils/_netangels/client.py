# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""NetAngels mail API client: API key -> token, mail domains, and every mailbox call.

It returns plain dicts (``None`` for a mailbox that does not exist), raises the transport's
typed exceptions, and knows nothing of Ansible. Mailboxes are handed on normalised by
:func:`normalise_mailbox` (``aliases`` always a list).

Only HTTP calls and the wire format live here. Assumptions about undocumented behaviour are
each isolated in one function and mirrored by the API sandbox (``tests/sandbox/assumptions.py``):
the wire-format ones (the refusal text :func:`says_already`, the batch-create file) below, the
rules of names, passwords, quotas and aliases in ``rules.py``; which domain a task means is
``target.py``, whether a mailbox reads as wanted ``compare.py``.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _writes
from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._http import (
    AuthError, InvalidResponseError, NotFoundError, RequestError, unexpected_answer)
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.compare import reads_as
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import is_disabled, mailbox_local_part, parse_aliases

if TYPE_CHECKING:
    from ansible_collections.mailops.hosted_mail.plugins.module_utils._http import ApiError, Transport
    from ansible_collections.mailops.hosted_mail.plugins.module_utils._token_cache import TokenCache
    from ansible_collections.mailops.hosted_mail.plugins.module_utils._writes import WriteKind

DEFAULT_API_URL = 'https://api-ms.netangels.ru'
DEFAULT_AUTH_URL = 'https://panel.netangels.ru/api/gateway/token/'
PAGE_SIZE = 100  # the list calls accept limit 10..100: the largest page means the fewest requests
BATCH_CREATE_FIELD = 'file'
BATCH_CREATE_COLUMNS = ('name', 'password', 'comment')
BATCH_CREATE_LIMIT = 1000
"""Most mailboxes in one batch-create upload (an assumption: the vendor documents no limit)."""
WALK_ATTEMPTS = 3
"""Times a paginated list is read from its start when its ``count`` changed while it was read."""


def normalise_mailbox(entity: dict[str, Any]) -> dict[str, Any]:
    """A mailbox dict with ``aliases`` as a list and ``name`` as the local part."""
    mailbox = dict(entity)
    mailbox['aliases'] = parse_aliases(entity.get('aliases'))
    mailbox['name'] = mailbox_local_part(entity)
    mailbox.pop('password', None)
    return mailbox


class AlreadyThere(dict):
    """A mailbox as read after the API refused a write whose wanted state already held.

    Another writer (a second run of the same task, a colleague) made it so first: the write counts
    as done, but not as a change of this run (see the table of write kinds below).
    """


_ALREADY_RE = re.compile(r'already|exist|taken|duplicate|not an? alias|no such alias|not found', re.IGNORECASE)


def says_already(error: ApiError) -> bool:
    """Whether a refused write (an ``ApiError``) may say that its wanted state already holds.

    Assumption (undocumented): such a refusal is a 400 or 409 whose message says so in English
    ("mailbox 'bob' already exists", "'a@b.org' is already an alias", "'a@b.org' is not an alias
    of this mailbox"). Only such a refusal is checked with a read (see the table of write kinds);
    any other refusal (a bad password, too many aliases) is final at once.
    """
    return getattr(error, 'status', None) in (400, 409) and bool(_ALREADY_RE.search(error.vendor_message or ''))


def _is_entity(entity: Any) -> bool:
    """Whether a list entry has the documented ``id`` (a number) and ``name`` (text), and ``aliases``, if any, as text or a list."""
    return isinstance(entity, dict) and isinstance(entity.get('id'), int) and not isinstance(entity.get('id'), bool) \
        and isinstance(entity.get('name'), str) and isinstance(entity.get('aliases'), (type(None), str, list))


class NetAngelsClient(object):
    """Calls of the NetAngels mail API over a :class:`~._http.Transport`."""

    def __init__(self, transport: Transport, api_url: str = DEFAULT_API_URL, auth_url: str = DEFAULT_AUTH_URL, api_key: str | None = None,
                 api_token: str | None = None, token_cache: TokenCache | None = None) -> None:
        """``token_cache``: a :class:`~._token_cache.TokenCache` for the API key's token, or None.

        Used only with ``api_key`` and no ``api_token``: the first call then tries the cached
        token before exchanging the key.
        """
        if not api_key and not api_token:
            raise InputError('NetAngels credentials are missing: set api_key (or NETANGELS_API_KEY) or api_token (or NETANGELS_API_TOKEN).')
        self.transport = transport
        self.api_url = api_url.rstrip('/')
        self.auth_url = auth_url
        self._api_key = api_key
        self._token = api_token
        self._cache = token_cache if api_key and not api_token else None
        self._auth_lock = threading.Lock()
        transport.add_secret(api_key)
        transport.add_secret(api_token)

    # -- authentication -------------------------------------------------------------------

    def exchange_key(self) -> str:
        """Exchange the API key for a token at the gateway; the token becomes a secret."""
        try:
            response = self.transport.request('POST', self.auth_url, data={'api_key': self._api_key}, kind=_writes.TOKEN_EXCHANGE)
        except AuthError as exc:
            raise AuthError('The NetAngels token gateway refused the API key (HTTP %s): check api_key / NETANGELS_API_KEY. %s' % (
                exc.status, exc.vendor_message or ''), status=exc.status, vendor_message=exc.vendor_message, details=exc.details,
                method=exc.method, url=exc.url) from None
        token = (response.body or {}).get('token') if isinstance(response.body, dict) else None
        if not token:
            raise InvalidResponseError('The NetAngels token gateway answered without a token.', status=response.status)
        self.transport.add_secret(token)
        self._token = token
        if self._cache is not None:
            self._cache.store(token)
        return token

    def _cached_token(self) -> str | None:
        """The token an earlier task cached for this key (registered as a secret), or None."""
        token = self._cache.load() if self._cache is not None else None
        if token:
            self.transport.add_secret(token)
            self._token = token
        return token

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One authenticated API call; returns the parsed JSON body (or None).

        With an API key, the first call uses the cached token if there is one (see
        :mod:`._token_cache`), else exchanges the key. A 401/403 drops the token (from the cache
        too), exchanges the key again once and repeats the call (an expired token has been seen
        to answer either). With a ready token it fails clearly. Calls may come from several
        threads: the token is fetched and renewed by one of them at a time, and a token that
        several calls saw refused at once is renewed once.
        """
        token = self._ready_token()
        url = self.api_url + path
        try:
            return self._send(method, url, token, kwargs)
        except AuthError as exc:
            if not self._api_key:
                raise AuthError('NetAngels refused the API token (HTTP %s: %s): it is invalid or expired; set a new api_token or use api_key.' % (
                    exc.status, exc.vendor_message), status=exc.status, vendor_message=exc.vendor_message, details=exc.details,
                    method=exc.method, url=exc.url) from None
        try:
            return self._send(method, url, self._renewed_token(token), kwargs)
        except AuthError as exc:
            raise AuthError('%s (a fresh token from the API key was refused too: the key may lack access to this object)' % exc.message,
                            status=exc.status, vendor_message=exc.vendor_message, details=exc.details, method=exc.method, url=exc.url) from None

    def _ready_token(self) -> str | None:
        with self._auth_lock:
            if self._token is None and not self._cached_token():
                self.exchange_key()
            return self._token

    def _renewed_token(self, refused: str | None) -> str | None:
        """A token in place of ``refused``: a new one from the key, unless another call already renewed it."""
        with self._auth_lock:
            if self._token == refused:
                if self._cache is not None:
                    self._cache.drop(refused)
                self.exchange_key()
            return self._token

    def _send(self, method: str, url: str, token: str | None, kwargs: dict[str, Any]) -> Any:
        headers = {'Authorization': 'Bearer %s' % token}
        return self.transport.request(method, url, headers=headers, **kwargs).body

    # -- pagination -----------------------------------------------------------------------

    def _page(self, path: str, params: dict[str, Any] | None, offset: int) -> tuple[list[dict[str, Any]], int]:
        """One page of a paginated list: ``(entities, count)``, each checked for the documented shape.

        ``{"count": int, "entities": [{"id": int, "name": str, ...}, ...]}``; anything else (an
        empty body, a list, a field missing or of the wrong type) raises InvalidResponseError
        naming the call, so that nothing is planned from it.
        """
        query = dict(params or {})
        query.update(offset=offset, limit=PAGE_SIZE)
        body = self.call('GET', path, params=query)
        count = body.get('count') if isinstance(body, dict) else None
        entities = body.get('entities') if isinstance(body, dict) else None
        if isinstance(count, bool) or not isinstance(count, int) or count < 0 or not isinstance(entities, list) \
                or not all(_is_entity(entity) for entity in entities):
            raise unexpected_answer(self.transport.redactor, 'GET %s (offset %d)' % (path, offset), body,
                                    '{"count": a number, "entities": a list of objects with an id and a name}')
        return entities, count

    def walk(self, path: str, params: dict[str, Any] | None = None, workers: int = 1) -> list[dict[str, Any]]:
        """Every entity of a paginated list (``{"count", "entities"}``), in the list's order, as a list.

        The first page tells the count; with ``workers`` > 1 the other pages are then read that
        many at a time (the same requests as one by one, in a fraction of the time at real
        latencies). An entity seen twice (the list shifted between pages) is handed on once.

        Offset paging skips an entity when another client deletes one before it between two
        pages. So a walk during which ``count`` changed (another client added or deleted
        something) is not trusted: it is read again from the start, up to :data:`WALK_ATTEMPTS`
        times; when the list never held still, InvalidResponseError says so and nothing is planned.
        """
        counts: list[int] = []
        for dummy in range(WALK_ATTEMPTS):
            entities, counts = self._walk_once(path, params, workers)
            if len(set(counts)) == 1 and len(entities) == counts[0]:
                return entities
        raise InvalidResponseError(
            'GET %s: the list changed while it was read (its count went %s), %d times in a row: another client is '
            'adding or deleting at the same time, so the list cannot be trusted and nothing was planned or written '
            'from it. Run the task again when the other client is done' % (path, ' -> '.join(str(c) for c in counts), WALK_ATTEMPTS))

    def _walk_once(self, path: str, params: dict[str, Any] | None, workers: int) -> tuple[list[dict[str, Any]], list[int]]:
        """One walk of the list from its start: ``(entities, the count every page reported)``."""
        seen: set[Any] = set()
        pages = [self._page(path, params, 0)]
        step, total = len(pages[0][0]), pages[0][1]
        if step and workers > 1 and total > step:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                pages.extend(pool.map(lambda offset: self._page(path, params, offset), range(step, total, step)))
        found: list[dict[str, Any]] = []
        counts: list[int] = []
        offset = 0
        for entities, count in pages:
            found.extend(self._unseen(entities, seen))
            counts.append(count)
            offset += len(entities)
        while entities and offset < count:
            entities, count = self._page(path, params, offset)
            found.extend(self._unseen(entities, seen))
            counts.append(count)
            offset += len(entities)
        return found, counts

    @staticmethod
    def _unseen(entities: list[dict[str, Any]], seen: set[Any]) -> Iterator[dict[str, Any]]:
        for entity in entities:
            key = entity.get('id')
            if key is None or key not in seen:
                seen.add(key)
                yield entity

    # -- domains --------------------------------------------------------------------------

    def list_domains(self) -> list[dict[str, Any]]:
        return self.walk('/api/v2/mail/domains/')

    def domain_id(self, name: str) -> int:
        """The id of the mail domain ``name`` (case-insensitive). No server-side filter exists."""
        wanted = name.strip().rstrip('.').lower()
        for domain in self.walk('/api/v2/mail/domains/'):
            if str(domain.get('name', '')).lower() == wanted:
                return int(domain['id'])
        raise NotFoundError('Mail domain "%s" was not found in this NetAngels account.' % name, status=404)

    # -- mailboxes ------------------------------------------------------------------------

    def list_mailboxes(self, domain_id: int, name_filter: str | None = None, workers: int = 1) -> list[dict[str, Any]]:
        """Every mailbox of the domain (``workers`` pages at a time once the count is known)."""
        params = {'filter': name_filter} if name_filter else None
        return [normalise_mailbox(m) for m in self.walk('/api/v2/mail/domains/%d/mailboxes/' % int(domain_id), params, workers)]

    def find_mailbox(self, domain_id: int, name: str) -> dict[str, Any] | None:
        """The mailbox whose local part is exactly ``name``, or None.

        The list call's ``filter`` has undocumented syntax, so it is only a hint that may save
        pages: a match is always checked exactly, and when the filtered walk finds nothing the
        whole list is walked before answering "absent".
        """
        for mailbox in self.list_mailboxes(domain_id, name_filter=name):
            if mailbox['name'] == name:
                return mailbox
        for mailbox in self.list_mailboxes(domain_id):
            if mailbox['name'] == name:
                return mailbox
        return None

    def get_mailbox(self, mailbox_id: int) -> dict[str, Any] | None:
        """The mailbox, or None when it does not exist (404); an answer of another shape is an error."""
        path = '/api/v2/mail/mailboxes/%d/' % int(mailbox_id)
        try:
            body = self.call('GET', path)
        except NotFoundError:
            return None
        if not _is_entity(body):
            raise unexpected_answer(self.transport.redactor, 'GET %s' % path, body, 'a mailbox (an object with an id and a name)')
        return normalise_mailbox(body)

    # Every write below goes through the transport's one retry loop (``_http.Transport.request``)
    # with its row of the table of write kinds (:mod:`._writes`): whether a repeat is safe, the read
    # that proves whether it took effect (made here, as ``confirm``), and the budget the write and
    # that read share. A write that is not safe to repeat is sent again only after its read proved
    # that the earlier attempt did not take effect.
    #
    # A refusal (HTTP 4xx) is final, with one exception: a refusal that says the wanted state
    # already holds (:func:`says_already`) is checked with a read, because another writer (a second run of the same task
    # at the same time) may have got there first. Those are "already exists" for a create, "already
    # there" for add alias and "not there" for delete alias (and 404 for delete, which needs no
    # read). When the read shows the wanted state, the write counts as done, not failed, and the
    # client returns the mailbox as an :class:`AlreadyThere`: done, but not a change of this run.
    # Any other refusal, or a read that does not show the wanted state, fails as the API said.
    # That read spends the write's budget too.

    def create_mailbox(self, domain_id: int, name: str, password: str, comment: str | None = None) -> dict[str, Any]:
        """Create a mailbox; returns it.

        When the answer is lost (no answer, 5xx), the domain's list decides: the mailbox is there
        (it was made: nothing is sent again) or not (the create is sent again).
        """
        self.transport.add_secret(password)
        body = {'domain_id': int(domain_id), 'name': name, 'password': password}
        if comment is not None:
            body['comment'] = comment
        with self.transport.writing(_writes.CREATE):
            try:
                answer = self.call('POST', '/api/v2/mail/mailboxes/', json_body=body, kind=_writes.CREATE,
                                   confirm=lambda: self.find_mailbox(domain_id, name))
            except RequestError as exc:
                there = self.find_mailbox(domain_id, name) if says_already(exc) else None  # another writer made it
                if there is None:
                    raise
                return AlreadyThere(there)
        if not _is_entity(answer):
            # the create was answered: the mailbox is read back rather than trusted from a body of another shape
            there = self.find_mailbox(domain_id, name)
            if there is None:
                raise unexpected_answer(self.transport.redactor, 'POST /api/v2/mail/mailboxes/', answer, 'the new mailbox (an object with an id and a name)')
            return there
        return normalise_mailbox(answer)

    def update_mailbox(self, mailbox_id: int, changes: Mapping[str, Any]) -> dict[str, Any] | None:
        """PUT the given fields (comment, quota, is_local, aliases) and return the mailbox."""
        body = dict(changes)
        if 'aliases' in body:
            body['aliases'] = list(body['aliases'])
        return self._mailbox_put(mailbox_id, '', body, _writes.UPDATE, done=lambda fresh: reads_as(fresh, body))

    def delete_mailbox(self, mailbox_id: int) -> bool:
        """Delete; True when deleted, False when it was already gone before this call."""
        try:
            self.call('DELETE', '/api/v2/mail/mailboxes/%d/' % int(mailbox_id), kind=_writes.DELETE,
                      confirm=lambda: True if self.get_mailbox(mailbox_id) is None else None)
        except NotFoundError:
            return False
        return True

    def add_alias(self, mailbox_id: int, alias: str) -> dict[str, Any] | None:
        return self._mailbox_put(mailbox_id, 'add-alias/', {'alias': alias}, _writes.ADD_ALIAS, refusal_checked=True,
                                 done=lambda fresh: alias.lower() in [a.lower() for a in fresh['aliases']])

    def delete_alias(self, mailbox_id: int, alias: str) -> dict[str, Any] | None:
        return self._mailbox_put(mailbox_id, 'delete-alias/', {'alias': alias}, _writes.DELETE_ALIAS, refusal_checked=True,
                                 done=lambda fresh: alias.lower() not in [a.lower() for a in fresh['aliases']])

    def change_password(self, mailbox_id: int, password: str) -> dict[str, Any] | None:
        self.transport.add_secret(password)
        return self._mailbox_put(mailbox_id, 'change-password/', {'password': password}, _writes.CHANGE_PASSWORD)

    def disable_mailbox(self, mailbox_id: int) -> dict[str, Any] | None:
        return self._mailbox_put(mailbox_id, 'disable/', None, _writes.DISABLE, done=is_disabled)

    def cleanup_mailbox(self, mailbox_id: int) -> dict[str, Any] | None:
        return self._mailbox_put(mailbox_id, 'cleanup/', None, _writes.CLEANUP,
                                 done=lambda fresh: int(fresh.get('used') or 0) == 0)

    def batch_create(self, domain_id: int, csv_text: str, filename: str = 'mailboxes.csv') -> list[dict[str, Any]]:
        """Upload a CSV file of mailboxes (see :func:`batch_csv`); returns the created mailboxes.

        Assumption: the upload is ``multipart/form-data`` with the file in the field
        :data:`BATCH_CREATE_FIELD` (the layout is not documented anywhere). Not repeated on a lost
        answer: the caller reads the domain to learn what was created.
        """
        files = {BATCH_CREATE_FIELD: (filename, csv_text.encode('utf-8'), 'text/csv')}
        path = '/api/v2/mail/domains/%d/mailboxes/batch-create/' % int(domain_id)
        body = self.call('POST', path, files=files, kind=_writes.BATCH_UPLOAD)
        entities = body.get('entities') if isinstance(body, dict) else None
        if not isinstance(entities, list) or not all(_is_entity(entity) for entity in entities):
            raise unexpected_answer(self.transport.redactor, 'POST %s' % path, body, '{"count", "entities": the created mailboxes}')
        return [normalise_mailbox(m) for m in entities]

    def _mailbox_put(self, mailbox_id: int, action: str, body: dict[str, Any] | None, kind: WriteKind,
                     done: Callable[[dict[str, Any]], bool] | None = None, refusal_checked: bool = False) -> dict[str, Any] | None:
        """PUT to a mailbox (or one of its actions) and return the mailbox.

        ``kind`` is the write's row of the table of write kinds. ``done(mailbox)`` tells from a
        fresh read whether the PUT took effect; answers that carry no mailbox are read back. With
        ``refusal_checked``, a refusal (4xx) is checked with ``done`` too: when the wanted state
        holds, an :class:`AlreadyThere` is returned. Every request here spends the kind's budget.
        """
        confirm = None
        if done is not None:
            def confirm() -> dict[str, Any] | None:
                fresh = self.get_mailbox(mailbox_id)
                return fresh if fresh is not None and done(fresh) else None
        path = '/api/v2/mail/mailboxes/%d/%s' % (int(mailbox_id), action)
        with self.transport.writing(kind):
            try:
                answer = self.call('PUT', path, json_body=body, kind=kind, confirm=confirm)
            except RequestError as exc:
                fresh = confirm() if confirm is not None and refusal_checked and says_already(exc) else None
                if fresh is None:
                    raise
                return AlreadyThere(fresh)
            if _is_entity(answer):
                return normalise_mailbox(answer)
            return self.get_mailbox(mailbox_id)


# -- batch-create: the upload's layout and its error answers (assumptions) -------------------

def batch_csv(rows: Iterable[dict[str, Any]]) -> tuple[str, dict[int, int]]:
    """The batch-create file for ``rows`` (dicts with name, password, comment); returns ``(text, lines)``.

    Assumption (undocumented): UTF-8 CSV, comma-separated, RFC 4180 quoting, a header row naming
    :data:`BATCH_CREATE_COLUMNS`, at most :data:`BATCH_CREATE_LIMIT` rows. ``lines`` maps the
    line number on which each row ends (the header is line 1) to its index in ``rows``, so that
    an error naming a line names a mailbox (see :func:`batch_error_line`).
    """
    parts, lines, line = [], {}, 0
    for index, row in enumerate([dict((column, column) for column in BATCH_CREATE_COLUMNS)] + list(rows)):
        out = io.StringIO()
        csv.writer(out, lineterminator='\n').writerow([row.get(column) or '' for column in BATCH_CREATE_COLUMNS])
        parts.append(out.getvalue())
        line += len(_LINE_BREAK_RE.findall(parts[-1]))  # a quoted comment may hold line breaks
        if index:
            lines[line] = index - 1
    return ''.join(parts), lines


_LINE_BREAK_RE = re.compile(r'\r\n|\r|\n')
_BATCH_LINE_RE = re.compile(r'\bline (\d+)\b')


def batch_error_line(error: ApiError) -> int | None:
    """The file line a refused batch-create names (an ``ApiError``), or None.

    Assumption (undocumented): a refused upload answers 400 and creates nothing; its message
    names the first bad line as ``line N`` (the header is line 1).
    """
    if getattr(error, 'status', None) != 400:
        return None
    match = _BATCH_LINE_RE.search(error.vendor_message or '')
    return int(match.group(1)) if match else None
