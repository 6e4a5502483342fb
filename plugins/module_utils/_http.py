# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""HTTP transport shared by every vendor client.

One ``requests.Session`` per client, a User-Agent naming the collection, connect/read timeouts,
certificate checks, bounded retries with exponential backoff and jitter, ``Retry-After``, typed
exceptions that carry the vendor's answer, and redaction of every secret from their text.

The transport never calls ``fail_json``: the module runner turns its exceptions into failures.

Retry policy (one place, :meth:`Transport.request`). Each failed attempt is one of:

* *not acted on*: a 429 answer (the server refused it, RFC 6585) or a timeout while connecting
  (nothing was sent). Any request is sent again.
* *unknown*: no answer (connection dropped, read timeout) or 500/502/503/504. The server may or
  may not have acted. A read (GET, HEAD, OPTIONS), or a write whose kind is safe to repeat (the
  table of write kinds, :mod:`._writes`), is sent again. Any other write is sent again only after
  its caller's ``confirm`` read proved that it did not take effect; when the read shows it did,
  that read is the answer and nothing is sent again. Without ``confirm`` it fails at once.
* *final*: any other answer. A refusal (4xx) of a write whose earlier attempt had an unknown
  outcome ("already exists", "not found") is checked with ``confirm`` too: if the write took
  effect, the refusal is of the repeat and the write succeeded.

Every request is sent at most ``1 + max_retries`` times. A write and the reads that prove whether
it took effect share one budget, its kind's (:meth:`Transport.writing`): a proving read has no
retries of its own beyond what is left, so the requests of one write add up to at most that
budget instead of multiplying. Every request spends at most ``retry_timeout``
seconds (the module option of that name) from its first attempt to its last answer: each
attempt's timeout is cut to the time left, and a wait that would end after it is not begun (the
call fails at once; a ``Retry-After`` longer than the time left says when the limit lifts). When
the budget is spent on an unknown outcome, ``confirm`` (if any) has the last word. 429 and 503
honour ``Retry-After`` (seconds or an HTTP date) as asked; otherwise the wait is exponential
backoff with jitter, capped at ``backoff_max``. The default budget (12 retries, waits from 0.25 s doubling up to 5 s:
about 20 to 45 s of waiting in all) is sized for goal R1, one run converging with 30% of answers faulted: one
request then fails all 13 attempts with a chance of 0.3 ** 13, under 1 in 6 million, so a run of
a few hundred requests almost never loses one.

Thread safety (a bulk module's workers share one transport): each thread gets its own
``requests.Session`` (a Session is not documented as thread-safe), configured alike; the
redactor's secrets may be added while other threads redact; and a 429 pauses every thread, not
only the one that got it: until the wait it asked for is over, no thread sends a request.
"""

from __future__ import annotations

import html
import json
import random
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from typing import Any

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import Error
from ansible_collections.mailops.hosted_mail.plugins.module_utils._version import COLLECTION_NAME, COLLECTION_VERSION
from ansible_collections.mailops.hosted_mail.plugins.module_utils._writes import ATTEMPTS, WriteKind

REQUESTS_IMPORT_ERROR = None
try:
    import requests
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True

READ_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
UNKNOWN_OUTCOME_STATUSES = frozenset((500, 502, 503, 504))
"""Answers after which the server may or may not have acted on the request."""
REDACTED = '********'
MAX_MESSAGE = 1000

DEFAULT_TIMEOUT = 30
DEFAULT_MAX_RETRIES = ATTEMPTS - 1
DEFAULT_BACKOFF_BASE = 0.25
DEFAULT_BACKOFF_MAX = 5.0
DEFAULT_RETRY_TIMEOUT = 120.0
"""Seconds one call may spend from its first attempt to its last (the ``retry_timeout`` option)."""
MIN_ATTEMPT_TIME = 1.0
"""A retry is not begun unless at least this many seconds of ``retry_timeout`` are left after its wait."""


class ApiError(Error):
    """An HTTP call failed. ``status`` is None when no answer arrived.

    ``message`` is the full, redacted text; ``vendor_message`` is what the API itself said and
    ``details`` its answer body (parsed JSON or text), both redacted. To say which step failed,
    use :meth:`~._errors.Error.prefixed` (it keeps the class and every attribute).
    """

    def __init__(self, message: str, status: int | None = None, vendor_message: str | None = None, details: Any = None,
                 method: str | None = None, url: str | None = None) -> None:
        super(ApiError, self).__init__(message)
        self.status = status
        self.vendor_message = vendor_message
        self.details = details
        self.method = method
        self.url = url


class TransportError(ApiError):
    """No usable answer: connection refused or dropped, timeout, TLS failure (after retries)."""


class AuthError(ApiError):
    """401 or 403: the credentials were refused or do not allow the call."""


class NotFoundError(ApiError):
    """404."""


class RequestError(ApiError):
    """Any other 4xx: the API rejected the request (bad data, forbidden operation)."""


class RateLimitError(ApiError):
    """429 still answered after every retry."""


class ServerError(ApiError):
    """5xx still answered after every retry."""


class InvalidResponseError(ApiError):
    """A success answer whose body is not the JSON the call expects."""


def body_shape(body: Any) -> str:
    """A summary of an answer body's shape for an error: its types and keys, never a value.

    ``None`` (an empty body) reads ``an empty body``; a list ``a JSON list of 3 items``; an object
    ``a JSON object with the keys count (text), entities (a list)``.
    """
    if body is None:
        return 'an empty body'
    if isinstance(body, list):
        return 'a JSON list of %d item%s' % (len(body), '' if len(body) == 1 else 's')
    if isinstance(body, dict):
        if not body:
            return 'an empty JSON object'
        keys = sorted(body, key=str)
        shown = ', '.join('%s (%s)' % (str(key)[:40], json_type(body[key])) for key in keys[:10])
        return 'a JSON object with the keys %s%s' % (shown, ' and %d more' % (len(keys) - 10) if len(keys) > 10 else '')
    return 'a JSON %s' % json_type(body)


def json_type(value: Any) -> str:
    """``'text'``, ``'a number'``, ``'a list'``... : the JSON type of ``value``, for a message."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true/false'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'text'
    if isinstance(value, list):
        return 'a list'
    if isinstance(value, dict):
        return 'an object'
    return type(value).__name__


def unexpected_answer(redactor: Redactor, call: str, body: Any, expected: str) -> InvalidResponseError:
    """The error for a success answer that is not the documented shape: names the call, summarises the body.

    ``call`` is ``'GET /api/v2/...'``; ``expected`` says what was expected. The summary gives the
    body's shape only (:func:`body_shape`), so no value is ever quoted, and ``redactor`` (the
    transport's :class:`Redactor`) masks any secret a hostile answer used as a key. Raised by a
    client before it plans anything from the answer, so nothing is written on a doubtful read.
    """
    shape = redactor.text(body_shape(body))
    return InvalidResponseError(redactor.text(
        '%s: the API answered %s instead of %s; nothing was planned or written from that answer. '
        'Run the task again; if it persists, the API (or a proxy in front of it) is not answering as documented'
        % (call, shape, expected)), details=shape)


def pause(seconds: float) -> None:
    """Wait between retries (unit tests replace this)."""
    time.sleep(seconds)


def clock() -> float:
    """Seconds on a monotonic clock: what ``retry_timeout`` is measured on (unit tests replace this)."""
    return time.monotonic()


def _until(seconds: float) -> str:
    """``'2026-12-05 23:40 UTC'``: the wall-clock time ``seconds`` from now."""
    return time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(time.time() + seconds))


def error_class(status: int) -> type[ApiError]:
    """The exception class for an HTTP error status."""
    if status in (401, 403):
        return AuthError
    if status == 404:
        return NotFoundError
    if status == 429:
        return RateLimitError
    if status >= 500:
        return ServerError
    return RequestError


class Redactor(object):
    """Replaces every registered secret value with ``********`` in text and nested data.

    ``store`` is the set the secrets are kept in; pass the module's ``no_log_values`` so that every
    secret learnt during the run (an exchanged token, a password sent) is also removed from the
    module's result, whatever path it takes there.

    Safe to share between threads (``add`` may run while another thread redacts); thousands of
    secrets (a bulk module's passwords) cost one sort, on the first redaction after their number
    changes (the store may also grow without :meth:`add`).
    """

    def __init__(self, secrets: Iterable[Any] | None = None, store: set[Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._secrets: set[Any] = set() if store is None else store
        self._ordered: tuple[str, ...] = ()
        self._ordered_count = -1
        for secret in secrets or ():
            self.add(secret)

    def add(self, secret: Any) -> None:
        if secret is not None and str(secret) != '':
            with self._lock:
                self._secrets.add(str(secret))

    def text(self, value: Any) -> str:
        value = '' if value is None else str(value)
        with self._lock:
            if self._ordered_count != len(self._secrets):
                # Longest first, so a secret that contains another one is masked whole.
                self._ordered = tuple(sorted(set(str(item) for item in self._secrets) - {''}, key=len, reverse=True))
                self._ordered_count = len(self._secrets)
            ordered = self._ordered
        for secret in ordered:
            value = value.replace(secret, REDACTED)
        return value

    def data(self, value: Any) -> Any:
        if isinstance(value, dict):
            return dict((self.text(k), self.data(v)) for k, v in value.items())
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value


_HTML_START = re.compile(r'^\s*(<!doctype\s+html|<html|<head|<body|<title)', re.IGNORECASE)
_HTML_TITLE = re.compile(r'<title[^>]*>(.*?)</title\s*>', re.IGNORECASE | re.DOTALL)
_HTML_HEADING = re.compile(r'<h1[^>]*>(.*?)</h1\s*>', re.IGNORECASE | re.DOTALL)
_HTML_CODE = re.compile(r'<(script|style)[^>]*>.*?</\1\s*>', re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r'<[^>]*>')
HTML_TITLE_MAX = 120


def html_summary(text: str | None, content_type: str | None = None) -> str | None:
    """``'an HTML page: "502 Bad Gateway"'`` for an HTML answer (a proxy's error page), else None.

    An HTML page is told by its ``Content-Type`` or by how it starts; it is summarised to its
    title (or first heading, or the start of its text), never returned whole.
    """
    text = text or ''
    if 'html' not in (content_type or '').lower() and not _HTML_START.match(text):
        return None
    match = _HTML_TITLE.search(text) or _HTML_HEADING.search(text)
    title = match.group(1) if match else _HTML_CODE.sub(' ', text)
    title = ' '.join(html.unescape(_TAGS.sub(' ', title)).split())
    if len(title) > HTML_TITLE_MAX:
        title = title[:HTML_TITLE_MAX - 3] + '...'
    return 'an HTML page: "%s"' % title if title else 'an HTML page without a title'


def vendor_message(body: Any, text: str | None, content_type: str | None = None) -> str:
    """Best-effort one-line summary of an error body whose shape the vendor does not document.

    Yandex 360 answers ``{"code", "message", "details"}``; the NetAngels error body is not
    documented, so a JSON body is summarised whole (``{"field": ["problem"]}`` reads well as is).
    An HTML page (a front proxy's 502 or 503) is summarised to its title (:func:`html_summary`).
    """
    if isinstance(body, dict):
        for key in ('message', 'detail', 'error', 'error_description'):
            if isinstance(body.get(key), str) and body[key]:
                return body[key]
        return json.dumps(body, ensure_ascii=False, sort_keys=True)
    if isinstance(body, list):
        return json.dumps(body, ensure_ascii=False)
    summary = html_summary(text, content_type)
    if summary:
        return summary
    text = (text or '').strip()
    return text[:MAX_MESSAGE] if text else 'no message'


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class Response(object):
    """A successful answer: status, headers and parsed JSON body (None when empty)."""

    def __init__(self, status: int | None, headers: Mapping[str, str], body: Any, text: str) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.text = text

    @classmethod
    def confirmed(cls, body: Any) -> Response:
        """The answer to a write whose own answer was lost: what the ``confirm`` read found."""
        return cls(None, {}, body, '')


class Transport(object):
    """A ``requests.Session`` with the collection's timeouts, retries, errors and redaction."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, validate_certs: bool = True, ca_path: str | None = None,
                 secrets: Iterable[Any] | None = None, max_retries: int = DEFAULT_MAX_RETRIES,
                 backoff_base: float = DEFAULT_BACKOFF_BASE, backoff_max: float = DEFAULT_BACKOFF_MAX,
                 retry_timeout: float = DEFAULT_RETRY_TIMEOUT, sleep: Callable[[float], None] | None = None,
                 user_agent_suffix: str | None = None, secret_store: set[Any] | None = None) -> None:
        if not HAS_REQUESTS:
            raise RuntimeError('The Python library "requests" is required.')
        agent = '%s/%s python-requests/%s' % (COLLECTION_NAME, COLLECTION_VERSION, requests.__version__)
        if user_agent_suffix:
            agent = '%s %s' % (agent, user_agent_suffix)
        self._headers = {'User-Agent': agent, 'Accept': 'application/json'}
        self._verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self.timeout = (float(timeout), float(timeout))
        self.max_retries = int(max_retries)
        self.backoff_base = float(backoff_base)
        self.backoff_max = float(backoff_max)
        self.retry_timeout = float(retry_timeout)
        self.redactor = Redactor(secrets, store=secret_store)
        self._sleep = sleep
        self.request_count = 0

    @property
    def session(self) -> Any:
        """This thread's ``requests.Session`` (one per thread, all configured alike)."""
        session = getattr(self._local, 'session', None)
        if session is None:
            session = requests.Session()
            session.headers.update(self._headers)
            session.verify = self._verify
            self._local.session = session
        return session

    def add_secret(self, secret: Any) -> None:
        """Register a value (token, password) that must never appear in an error."""
        self.redactor.add(secret)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter for retry number ``attempt`` (0-based), capped."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** attempt))
        return random.uniform(ceiling / 2.0, ceiling)

    def _delay(self, attempt: int, response: Any = None) -> tuple[float, bool]:
        """``(seconds, asked)``: the wait before retry ``attempt``; ``asked`` when it is the API's ``Retry-After``."""
        if response is not None and response.status_code in (429, 503):
            delay = retry_after_seconds(response.headers.get('Retry-After'))
            if delay is not None:
                return delay, True
        return self.backoff(attempt), False

    def _wait(self, delay: float, response: Any = None) -> None:
        if response is not None and response.status_code == 429:
            with self._lock:  # every thread holds back until this wait is over
                self._resume_at = max(self._resume_at, clock() + delay)
                self._local.own_pause = self._resume_at
        (self._sleep or pause)(delay)

    def _shared_pause(self) -> float:
        """Seconds this thread must still hold back for a 429 another thread got (0: none)."""
        resume_at = self._resume_at
        if resume_at == getattr(self._local, 'own_pause', None):
            return 0.0  # this thread's own wait already covered it
        return max(0.0, resume_at - clock())

    def _out_of_time(self, deadline: float, delay: float, asked: bool, shared: bool = False) -> str | None:
        """Why a wait of ``delay`` seconds does not fit in what is left before ``deadline``, or None."""
        left = deadline - clock()
        if delay + MIN_ATTEMPT_TIME <= left:
            return None
        if asked:
            return ('%s asks to wait %d s (until about %s), longer than the %d s left of retry_timeout (%g s): '
                    'the limit lifts then; run the task again after that time, or raise retry_timeout' % (
                        'another request of this task was answered HTTP 429 and the API' if shared else 'the API',
                        int(round(delay)), _until(delay), max(0, int(round(left))), self.retry_timeout))
        return 'gave up: retry_timeout (%g s) reached' % self.retry_timeout

    @contextmanager
    def writing(self, kind: WriteKind) -> Iterator[None]:
        """Hold every request of this thread in the ``with`` block to ``kind``'s budget (:mod:`._writes`).

        The write and the reads that prove whether it took effect spend one budget together. A
        write already in progress keeps its own budget (the block adds none).
        """
        if getattr(self._local, 'budget', None) is not None:
            yield
            return
        self._local.budget = [kind.budget, kind]
        try:
            yield
        finally:
            self._local.budget = None

    def _spend(self) -> str | None:
        """Take one request from the budget of the write in progress; why not, when it is spent."""
        budget = getattr(self._local, 'budget', None)
        if budget is None:
            return None
        if budget[0] <= 0:
            return 'the budget of a %s (%d requests, its proving reads included) is spent' % (budget[1].name, budget[1].budget)
        budget[0] -= 1
        return None

    def request(self, method: str, url: str, params: Mapping[str, Any] | None = None, json_body: Any = None, data: Any = None,
                files: Any = None, headers: Mapping[str, str] | None = None, kind: WriteKind | None = None,
                confirm: Callable[[], Any] | None = None) -> Response:
        """Send one request, retrying as the module docstring says; return a :class:`Response`.

        ``kind``: for a write, its row of the table of write kinds (:mod:`._writes`): whether a
        repeat is safe, and the budget that the write and its proving reads share. A request
        without a kind is a read (GET, HEAD, OPTIONS), or else a write that is never repeated
        after an unknown outcome. ``confirm``: for a write, a function that reads the server and
        returns ``None`` when the write provably did not take effect, or else the write's result
        (then the :class:`Response` carries it as ``body``, with ``status`` None).

        Raises a subclass of :class:`ApiError` on failure; its text never contains a secret.
        """
        method = method.upper()
        if kind is None:
            return self._request(method, url, params, json_body, data, files, headers, method in READ_METHODS, confirm)
        with self.writing(kind):
            return self._request(method, url, params, json_body, data, files, headers, kind.repeat_safe, confirm)

    def _request(self, method: str, url: str, params: Mapping[str, Any] | None, json_body: Any, data: Any, files: Any,
                 headers: Mapping[str, str] | None, idempotent: bool, confirm: Callable[[], Any] | None) -> Response:
        unsure = False  # an attempt so far may have taken effect without our knowing
        attempt = 0
        deadline = clock() + self.retry_timeout
        response: Any = None
        failure: Exception | None = None
        acted: bool | None
        while True:
            shared = self._shared_pause()
            if shared:
                why = self._out_of_time(deadline, shared, True, shared=True)
                if why is not None:
                    return self._give_up(method, url, response, failure, attempt, unsure, confirm, why)
                (self._sleep or pause)(shared)
            spent = self._spend()
            if spent is not None:
                return self._give_up(method, url, response, failure, attempt, unsure, confirm, spent, budget=True)
            response = None
            timeout = min(self.timeout[0], max(MIN_ATTEMPT_TIME, deadline - clock()))
            try:
                with self._lock:
                    self.request_count += 1
                response = self.session.request(
                    method, url, params=params, json=json_body, data=data, files=files,
                    headers=headers, timeout=(timeout, timeout))
            except requests.exceptions.ConnectTimeout as exc:
                failure, acted = exc, False
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                failure, acted = exc, None
            except requests.exceptions.RequestException as exc:
                raise self._transport_error(method, url, exc) from None
            else:
                failure = None
                if response.status_code == 429:
                    acted = False
                elif response.status_code in UNKNOWN_OUTCOME_STATUSES:
                    acted = None
                else:
                    if response.status_code >= 400 and unsure and confirm is not None:
                        done = self._confirm(confirm, method, url, response, None, attempt)
                        if done is not None:
                            return done
                    return self._handle(method, url, response, attempt)
            unsure = unsure or acted is None
            if attempt >= self.max_retries:
                return self._give_up(method, url, response, failure, attempt, unsure, confirm, None)
            if acted is None and not idempotent and confirm is None:
                return self._fail(method, url, response, failure, attempt)
            delay, asked = self._delay(attempt, response)
            why = self._out_of_time(deadline, delay, asked)
            if why is not None:
                return self._give_up(method, url, response, failure, attempt, unsure, confirm, why)
            self._wait(delay, response)
            if acted is None and not idempotent and confirm is not None:
                done = self._confirm(confirm, method, url, response, failure, attempt)
                if done is not None:
                    return done
            attempt += 1

    def _give_up(self, method: str, url: str, response: Any, failure: Exception | None, attempts: int, unsure: bool,
                 confirm: Callable[[], Any] | None, why: str | None, budget: bool = False) -> Response:
        """No more attempts: ``confirm`` has the last word on an unknown outcome, else the last error (and ``why``) is raised."""
        if unsure and confirm is not None:
            done = self._confirm(confirm, method, url, response, failure, attempts)
            if done is not None:
                return done
        if response is None and failure is None:  # a shared pause, or a spent budget, stopped the very first attempt
            error = TransportError if budget else RateLimitError
            raise error('%s: not sent: %s' % (self._describe(method, url), why), status=None if budget else 429, method=method,
                        url=self.redactor.text(url))
        try:
            return self._fail(method, url, response, failure, attempts)
        except ApiError as exc:
            if why is None:
                raise
            raise exc.__class__('%s; %s' % (exc.message, why), status=exc.status, vendor_message=exc.vendor_message,
                                details=exc.details, method=exc.method, url=exc.url) from None

    def _confirm(self, confirm: Callable[[], Any], method: str, url: str, response: Any, failure: Exception | None,
                 attempts: int) -> Response | None:
        """Ask ``confirm`` whether the write took effect: a :class:`Response` if it did, else None.

        When the read itself fails, the error says both what was sent and that its effect is unknown.
        """
        try:
            done = confirm()
        except ApiError as exc:
            try:
                self._fail(method, url, response, failure, attempts)
            except ApiError as lost:
                raise lost.__class__(
                    '%s; whether it took effect is unknown: reading it back failed too: %s' % (lost.message, exc.message),
                    status=lost.status, vendor_message=lost.vendor_message, details=lost.details, method=method,
                    url=lost.url) from None
        return None if done is None else Response.confirmed(done)

    def _fail(self, method: str, url: str, response: Any, failure: Exception | None, attempts: int) -> Response:
        """Raise the error of the last attempt (no answer, or an error answer)."""
        if failure is not None:
            raise self._transport_error(method, url, failure, attempts)
        return self._handle(method, url, response, attempts)

    def _describe(self, method: str, url: str) -> str:
        path = url.split('?', 1)[0]
        return '%s %s' % (method, self.redactor.text(path))

    def _transport_error(self, method: str, url: str, exc: Exception, attempts: int = 0) -> TransportError:
        reason = exc.__class__.__name__
        if isinstance(exc, requests.exceptions.SSLError):
            reason = 'TLS certificate check failed (set validate_certs or ca_path)'
        elif isinstance(exc, requests.exceptions.Timeout):
            reason = 'timed out'
        elif isinstance(exc, requests.exceptions.ConnectionError):
            reason = 'connection failed or was dropped'
        message = '%s: %s' % (self._describe(method, url), reason)
        if attempts:
            message += ' (after %d retries)' % attempts
        return TransportError(message, method=method, url=self.redactor.text(url),
                              details=self.redactor.text(str(exc))[:MAX_MESSAGE])

    def _handle(self, method: str, url: str, response: Any, attempts: int = 0) -> Response:
        text = response.text or ''
        content_type = response.headers.get('Content-Type')
        body = None
        if text.strip():
            try:
                body = response.json()
            except ValueError:
                body = None
        if response.status_code < 400:
            if text.strip() and body is None:
                raise InvalidResponseError(
                    '%s: the API answered HTTP %d with a body that is not JSON: %s' % (
                        self._describe(method, url), response.status_code,
                        html_summary(text, content_type) or self.redactor.text(text[:200])),
                    status=response.status_code, method=method, url=self.redactor.text(url))
            return Response(response.status_code, response.headers, body, text)
        said = self.redactor.text(vendor_message(body, text, content_type))[:MAX_MESSAGE]
        message = '%s: HTTP %d: %s' % (self._describe(method, url), response.status_code, said)
        if attempts:
            message += ' (after %d retries)' % attempts
        if body is not None:
            details = self.redactor.data(body)
        else:
            details = self.redactor.text(html_summary(text, content_type) or text[:MAX_MESSAGE])
        raise error_class(response.status_code)(
            message, status=response.status_code, vendor_message=said, details=details,
            method=method, url=self.redactor.text(url))
