# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The transport: retries, Retry-After, backoff bounds, unsafe POSTs, error mapping, redaction."""

from __future__ import annotations

import os

import pytest
import requests

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http, _writes
from ansible_collections.mailops.hosted_mail.plugins.module_utils._version import COLLECTION_VERSION

URL = 'https://api.test/thing/'


def transport(**kwargs):
    return _http.Transport(**kwargs)


def test_success_returns_parsed_body_and_sends_user_agent_and_timeout(http):
    http.expect('GET', URL, body={'ok': True})
    response = transport(timeout=7).request('GET', URL, params={'a': 1})
    assert response.body == {'ok': True}
    sent = http.requests[0]
    assert sent.headers['User-Agent'].startswith('mailops.hosted_mail/%s ' % COLLECTION_VERSION)
    assert sent.headers['Accept'] == 'application/json'


def test_timeout_is_passed_to_requests(monkeypatch):
    seen = {}

    def fake_request(self, method, url, **kwargs):
        seen.update(kwargs)
        response = requests.Response()
        response.status_code = 200
        response._content = b'{}'
        return response

    monkeypatch.setattr(requests.Session, 'request', fake_request)
    transport(timeout=7).request('GET', URL)
    assert seen['timeout'] == (7.0, 7.0)


@pytest.mark.parametrize('validate_certs, ca_path, verify', [
    (True, None, True),
    (False, None, False),
    (True, '/etc/ssl/bundle.pem', '/etc/ssl/bundle.pem'),
    (False, '/etc/ssl/bundle.pem', False),
])
def test_certificate_options(validate_certs, ca_path, verify):
    assert transport(validate_certs=validate_certs, ca_path=ca_path).session.verify == verify


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
@pytest.mark.parametrize('method, kind', [('GET', None), ('PUT', _writes.UPDATE), ('DELETE', _writes.DELETE)])
def test_reads_and_writes_safe_to_repeat_are_retried_on_transient_statuses(http, no_sleep, method, kind, status):
    http.expect(method, URL, status=status, body={'message': 'busy'})
    http.expect(method, URL, status=status, body={'message': 'busy'})
    http.expect(method, URL, body={'done': 1})
    assert transport().request(method, URL, kind=kind).body == {'done': 1}
    assert len(no_sleep) == 2


@pytest.mark.parametrize('error', [requests.exceptions.ConnectionError('reset'), requests.exceptions.ReadTimeout('slow')])
def test_safe_methods_are_retried_on_network_errors(http, no_sleep, error):
    http.expect('GET', URL, raises=error)
    http.expect('GET', URL, body={})
    assert transport().request('GET', URL).status == 200
    assert len(no_sleep) == 1


def test_retry_after_seconds_is_honoured(http, no_sleep):
    http.expect('GET', URL, status=429, headers={'Retry-After': '7'})
    http.expect('GET', URL, body={})
    transport().request('GET', URL)
    assert no_sleep == [7.0]


class FakeClock(object):
    """``_http.clock`` and ``_http.pause`` together: a wait advances the clock, an attempt may too."""

    def __init__(self, monkeypatch):
        self.now = 1000.0
        self.waits = []
        monkeypatch.setattr(_http, 'clock', lambda: self.now)
        monkeypatch.setattr(_http, 'pause', self.pause)

    def pause(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock(monkeypatch):
    return FakeClock(monkeypatch)


def test_a_retry_after_that_fits_in_retry_timeout_is_waited_as_asked(http, fake_clock):
    http.expect('GET', URL, status=503, headers={'Retry-After': '90'})
    http.expect('GET', URL, body={})
    transport(retry_timeout=120).request('GET', URL)
    assert fake_clock.waits == [90.0]


@pytest.mark.parametrize('status', [429, 503])
def test_a_retry_after_longer_than_the_time_left_fails_at_once_saying_when_the_limit_lifts(http, fake_clock, status):
    """Issue 18 C4: Retry-After: 86400 on every answer made a task wait 12 minutes (12 waits of 60 s)."""
    http.expect('GET', URL, status=status, headers={'Retry-After': '86400'}, body={'message': 'slow down'})
    with pytest.raises(_http.ApiError) as info:
        transport(retry_timeout=120).request('GET', URL)
    assert fake_clock.waits == []
    message = str(info.value)
    assert 'HTTP %d: slow down' % status in message
    assert 'the API asks to wait 86400 s (until about ' in message
    assert 'longer than the 120 s left of retry_timeout (120 s)' in message


def test_retries_stop_when_retry_timeout_is_spent(http, fake_clock):
    for dummy in range(3):
        http.expect('GET', URL, status=429, headers={'Retry-After': '50'})
    with pytest.raises(_http.RateLimitError, match=r'asks to wait 50 s .* longer than the 20 s left of retry_timeout \(120 s\)'):
        transport(retry_timeout=120).request('GET', URL)
    assert fake_clock.waits == [50.0, 50.0]


def test_a_silent_api_fails_within_retry_timeout(monkeypatch, fake_clock):
    """Issue 18 C4: an API that accepts connections but never answers took about 7 minutes (13 x 30 s)."""
    timeouts = []

    def silent(self, method, url, **kwargs):
        timeouts.append(kwargs['timeout'])
        fake_clock.now += kwargs['timeout'][1]
        raise requests.exceptions.ReadTimeout('read timed out')

    monkeypatch.setattr(requests.Session, 'request', silent)
    started = fake_clock.now
    with pytest.raises(_http.TransportError, match=r'timed out \(after \d+ retries\); gave up: retry_timeout \(120 s\) reached'):
        transport(timeout=30, retry_timeout=120).request('GET', URL)
    assert fake_clock.now - started <= 120
    assert all(read <= 30 for connect, read in timeouts)
    assert timeouts[-1][1] < 30  # the last attempt's timeout was cut to the time left


def test_the_shared_429_pause_respects_retry_timeout(http, fake_clock):
    """A 429 that asked every thread to hold back for longer than a call has left fails that call at once."""
    t = transport(retry_timeout=120)
    with t._lock:
        t._resume_at = fake_clock.now + 3600
    with pytest.raises(_http.RateLimitError, match=r'not sent: another request of this task was answered HTTP 429 and the API '
                                                   r'asks to wait 3600 s'):
        t.request('GET', URL)
    assert fake_clock.waits == []


def test_the_shared_429_pause_is_waited_when_it_fits(http, fake_clock):
    http.expect('GET', URL, body={})
    t = transport(retry_timeout=120)
    with t._lock:
        t._resume_at = fake_clock.now + 30
    t.request('GET', URL)
    assert fake_clock.waits == [30.0]


def test_retry_after_http_date():
    assert _http.retry_after_seconds('Wed, 21 Oct 2015 07:28:10 GMT', now=1445412480.0) == pytest.approx(10.0)
    assert _http.retry_after_seconds('Wed, 21 Oct 2015 07:28:00 GMT', now=1445412490.0) == 0.0
    assert _http.retry_after_seconds('soon') is None
    assert _http.retry_after_seconds(None) is None


def test_backoff_grows_exponentially_with_jitter_and_is_capped(http, no_sleep):
    for dummy in range(5):
        http.expect('GET', URL, status=502)
    http.expect('GET', URL, body={})
    transport(backoff_base=1, backoff_max=4, max_retries=5).request('GET', URL)
    ceilings = [1, 2, 4, 4, 4]
    assert len(no_sleep) == 5
    for wait, ceiling in zip(no_sleep, ceilings):
        assert ceiling / 2.0 <= wait <= ceiling


def test_retries_are_bounded_and_the_last_error_is_raised(http, no_sleep):
    for dummy in range(4):
        http.expect('GET', URL, status=503, body={'message': 'maintenance'})
    with pytest.raises(_http.ServerError) as info:
        transport(max_retries=3).request('GET', URL)
    assert info.value.status == 503
    assert 'maintenance' in str(info.value)
    assert '(after 3 retries)' in str(info.value)
    assert len(no_sleep) == 3


def test_rate_limit_exhausted_raises_rate_limit_error(http):
    for dummy in range(3):
        http.expect('GET', URL, status=429, headers={'Retry-After': '1'})
    with pytest.raises(_http.RateLimitError):
        transport(max_retries=2).request('GET', URL)


@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_unsafe_post_is_not_retried_on_server_errors(http, no_sleep, status):
    http.expect('POST', URL, status=status)
    with pytest.raises(_http.ServerError):
        transport().request('POST', URL, json_body={'a': 1})
    assert no_sleep == []


@pytest.mark.parametrize('error', [requests.exceptions.ConnectionError('dropped'), requests.exceptions.ReadTimeout('slow')])
def test_unsafe_post_is_not_retried_after_the_request_may_have_arrived(http, no_sleep, error):
    http.expect('POST', URL, raises=error)
    with pytest.raises(_http.TransportError):
        transport().request('POST', URL, json_body={'a': 1})
    assert no_sleep == []


def test_unsafe_post_is_retried_when_the_server_did_not_act(http, no_sleep):
    http.expect('POST', URL, status=429, headers={'Retry-After': '2'})
    http.expect('POST', URL, raises=requests.exceptions.ConnectTimeout('no route'))
    http.expect('POST', URL, status=201, body={'id': 1})
    assert transport().request('POST', URL, json_body={'a': 1}).body == {'id': 1}
    assert len(no_sleep) == 2


def test_a_post_of_a_kind_safe_to_repeat_is_retried(http, no_sleep):
    http.expect('POST', URL, status=503)
    http.expect('POST', URL, raises=requests.exceptions.ConnectionError('dropped'))
    http.expect('POST', URL, body={'token': 't'})
    assert transport().request('POST', URL, data={'k': 'v'}, kind=_writes.TOKEN_EXCHANGE).body == {'token': 't'}
    assert len(no_sleep) == 2


# -- a write that is not idempotent: repeated only after a read proves it did not take effect --

class Reads(object):
    """A ``confirm`` function answering from a list (None: not done), counting its calls."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


UNKNOWN_OUTCOMES = [
    dict(raises=requests.exceptions.ConnectionError('dropped')),
    dict(raises=requests.exceptions.ReadTimeout('slow')),
    dict(status=500), dict(status=502), dict(status=503), dict(status=504),
]


@pytest.mark.parametrize('failure', UNKNOWN_OUTCOMES)
def test_write_with_unknown_outcome_is_resent_when_the_read_proves_it_absent(http, no_sleep, failure):
    http.expect('POST', URL, **failure)
    http.expect('POST', URL, status=201, body={'id': 1})
    reads = Reads(None)
    assert transport().request('POST', URL, json_body={'a': 1}, confirm=reads).body == {'id': 1}
    assert reads.calls == 1 and len(no_sleep) == 1  # waited, read, then sent again


@pytest.mark.parametrize('failure', UNKNOWN_OUTCOMES)
def test_write_with_unknown_outcome_is_not_resent_when_the_read_shows_it_done(http, no_sleep, failure):
    http.expect('POST', URL, **failure)
    reads = Reads({'id': 1, 'found': True})
    response = transport().request('POST', URL, json_body={'a': 1}, confirm=reads)
    assert response.body == {'id': 1, 'found': True} and response.status is None
    assert len(http.requests) == 1


def test_write_refused_by_rate_limit_is_resent_without_a_read(http, no_sleep):
    http.expect('POST', URL, status=429, headers={'Retry-After': '2'})
    http.expect('POST', URL, status=201, body={'id': 1})
    reads = Reads()
    assert transport().request('POST', URL, confirm=reads).body == {'id': 1}
    assert reads.calls == 0 and no_sleep == [2.0]


def test_a_refusal_of_the_repeat_counts_when_the_read_shows_the_write_done(http, no_sleep):
    """The first answer is lost, the read lags behind, the repeat is refused as "already exists"."""
    http.expect('POST', URL, raises=requests.exceptions.ConnectionError('dropped'))
    http.expect('POST', URL, status=400, body={'name': ['already exists']})
    reads = Reads(None, {'id': 1})
    assert transport().request('POST', URL, confirm=reads).body == {'id': 1}


def test_a_refusal_of_the_repeat_is_raised_when_the_read_shows_nothing(http, no_sleep):
    http.expect('POST', URL, raises=requests.exceptions.ConnectionError('dropped'))
    http.expect('POST', URL, status=400, body={'name': ['bad name']})
    with pytest.raises(_http.RequestError, match='bad name'):
        transport().request('POST', URL, confirm=Reads(None, None))


def test_a_refusal_of_a_first_attempt_is_raised_without_a_read(http):
    http.expect('POST', URL, status=400, body={'name': ['already exists']})
    reads = Reads()
    with pytest.raises(_http.RequestError, match='already exists'):
        transport().request('POST', URL, confirm=reads)
    assert reads.calls == 0


def test_resends_are_bounded_by_the_retry_budget_and_the_last_read_decides(http, no_sleep):
    for dummy in range(3):
        http.expect('POST', URL, status=502)
    reads = Reads(None, None, None)
    with pytest.raises(_http.ServerError, match=r'\(after 2 retries\)'):
        transport(max_retries=2).request('POST', URL, confirm=reads)
    assert reads.calls == 3 and len(no_sleep) == 2


def test_the_last_read_can_prove_the_write_done_after_the_budget_is_spent(http, no_sleep):
    http.expect('POST', URL, status=502)
    http.expect('POST', URL, raises=requests.exceptions.ConnectionError('dropped'))
    assert transport(max_retries=1).request('POST', URL, confirm=Reads(None, {'id': 1})).body == {'id': 1}


def test_idempotent_write_is_resent_blindly_and_read_only_when_the_budget_is_spent(http, no_sleep):
    http.expect('PUT', URL, status=500)
    http.expect('PUT', URL, raises=requests.exceptions.ConnectionError('dropped'))
    http.expect('PUT', URL, status=503)
    reads = Reads(True)
    assert transport(max_retries=2).request('PUT', URL, kind=_writes.UPDATE, confirm=reads).body is True
    assert reads.calls == 1 and len(no_sleep) == 2


def test_a_failed_read_leaves_the_outcome_unknown_and_says_so(http, no_sleep):
    http.expect('POST', URL, raises=requests.exceptions.ConnectionError('dropped'))
    with pytest.raises(_http.TransportError) as info:
        transport().request('POST', URL, confirm=Reads(_http.ServerError('GET %s: HTTP 503: busy (after 8 retries)' % URL, status=503)))
    assert str(info.value) == ('POST %s: connection failed or was dropped; whether it took effect is unknown: reading it back '
                               'failed too: GET %s: HTTP 503: busy (after 8 retries)' % (URL, URL))


def test_default_budget_lets_a_run_of_500_requests_at_30_percent_faults_converge():
    """Goal R1: the chance that any of 500 requests fails every attempt stays under 1 in 10000,
    and a request that does fail every attempt has waited at most 45 s."""
    assert 500 * 0.3 ** (_http.DEFAULT_MAX_RETRIES + 1) < 1e-4
    assert sum(min(_http.DEFAULT_BACKOFF_MAX, _http.DEFAULT_BACKOFF_BASE * 2 ** n) for n in range(_http.DEFAULT_MAX_RETRIES)) <= 45


@pytest.mark.parametrize('status, cls', [
    (400, _http.RequestError), (401, _http.AuthError), (403, _http.AuthError), (404, _http.NotFoundError),
    (409, _http.RequestError), (500, _http.ServerError),
])
def test_error_mapping_carries_status_message_and_details(http, status, cls):
    body = {'code': 3, 'message': 'quota: must be between 1 and 102400', 'details': [{'@type': 'x'}]}
    http.expect('PUT', URL, status=status, body=body)
    with pytest.raises(cls) as info:
        transport(max_retries=0).request('PUT', URL, json_body={})
    exc = info.value
    assert exc.status == status
    assert exc.vendor_message == 'quota: must be between 1 and 102400'
    assert exc.details == body
    assert str(exc) == 'PUT %s: HTTP %d: quota: must be between 1 and 102400' % (URL, status)


def test_opaque_error_bodies_are_shown(http):
    http.expect('POST', URL, status=400, body={'name': ['This field is required.']})
    http.expect('POST', URL, status=400, text='<html>Bad Request</html>')
    with pytest.raises(_http.RequestError) as info:
        transport().request('POST', URL)
    assert 'This field is required.' in str(info.value)
    with pytest.raises(_http.RequestError) as info:
        transport().request('POST', URL)
    assert info.value.details == 'an HTML page: "Bad Request"'


def test_non_json_success_is_an_invalid_response(http):
    http.expect('GET', URL, text='<html>login page</html>')
    with pytest.raises(_http.InvalidResponseError):
        transport().request('GET', URL)


def test_empty_success_body_is_none(http):
    http.expect('DELETE', URL, status=200)
    assert transport().request('DELETE', URL).body is None


def test_secrets_never_appear_in_exception_text_or_details(http):
    secret = 'S3cret-Token-Value'
    http.expect('POST', URL, status=400, body={'message': 'token %s is bad' % secret, 'echo': {'password': secret, secret: 1}})
    http.expect('GET', URL, raises=requests.exceptions.ConnectionError('failed for %s' % secret))
    http.expect('GET', URL, status=500, text='trace with %s inside' % secret)
    t = transport(secrets=['other'], max_retries=0)
    t.add_secret(secret)
    for dummy in range(3):
        with pytest.raises(_http.ApiError) as info:
            t.request('POST' if not http.requests else 'GET', URL)
        exc = info.value
        assert secret not in str(exc)
        assert secret not in repr(exc.details)
        assert secret not in repr(exc.args)
        assert _http.REDACTED in str(exc) + repr(exc.details)


def test_redactor_masks_longest_secret_first():
    redactor = _http.Redactor(['abc', 'abcdef'])
    assert redactor.text('x abcdef y abc') == 'x ******** y ********'
    assert redactor.data({'k': ['abc', 1, None]}) == {'k': ['********', 1, None]}


def test_version_matches_galaxy_yml():
    galaxy = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'galaxy.yml')
    with open(galaxy) as handle:
        versions = [line.split(':', 1)[1].strip() for line in handle if line.startswith('version:')]
    assert versions == [COLLECTION_VERSION]


# -- a proxy's HTML error page is summarised, never dumped --------------------------------------

NGINX_502 = ('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n'
             '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n' + '<!-- a padding comment for old browsers -->\r\n' * 6)


@pytest.mark.parametrize('text, content_type, expected', [
    (NGINX_502, 'text/html', 'an HTML page: "502 Bad Gateway"'),
    (NGINX_502, None, 'an HTML page: "502 Bad Gateway"'),
    ('<!DOCTYPE html><html><body><h1>Service &amp; API\n unavailable</h1><p>later</p></body></html>', None,
     'an HTML page: "Service & API unavailable"'),
    ('<html><head><style>p {color: red}</style><script>var secret = 1;</script></head><body><p>Try later</p></body></html>', None,
     'an HTML page: "Try later"'),
    ('<p>no html start</p>', 'text/html; charset=utf-8', 'an HTML page: "no html start"'),
    ('<html><body></body></html>', None, 'an HTML page without a title'),
    ('<html><title>%s</title></html>' % ('x' * 300), None, 'an HTML page: "%s..."' % ('x' * 117)),
    ('Service Unavailable', 'text/plain', None),
    ('{"message": "<b>not html</b>"}', 'application/json', None),
])
def test_html_pages_are_summarised_to_their_title(text, content_type, expected):
    assert _http.html_summary(text, content_type) == expected


@pytest.mark.parametrize('status', [502, 503])
def test_a_proxy_error_page_is_summarised_in_the_message_and_the_details(http, status):
    for dummy in range(3):
        http.expect('GET', URL, status=status, text=NGINX_502.replace('502 Bad Gateway', '%d Proxy Error' % status),
                    headers={'Content-Type': 'text/html'})
    with pytest.raises(_http.ServerError) as info:
        transport(max_retries=2).request('GET', URL)
    assert str(info.value) == 'GET %s: HTTP %d: an HTML page: "%d Proxy Error" (after 2 retries)' % (URL, status, status)
    assert info.value.details == info.value.vendor_message == 'an HTML page: "%d Proxy Error"' % status
    assert '<' not in str(info.value)


def test_a_success_answer_that_is_an_html_page_is_summarised(http):
    http.expect('GET', URL, status=200, text=NGINX_502.replace('502 Bad Gateway', 'Log in to the Wi-Fi'), headers={'Content-Type': 'text/html'})
    with pytest.raises(_http.InvalidResponseError) as info:
        transport().request('GET', URL)
    assert str(info.value) == 'GET %s: the API answered HTTP 200 with a body that is not JSON: an HTML page: "Log in to the Wi-Fi"' % URL


def test_the_redactor_can_fill_the_module_s_own_set_of_secrets():
    store = set()
    transport(secrets=['key-1'], secret_store=store).add_secret('token-2')
    assert store == {'key-1', 'token-2'}
