# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The NetAngels client against scripted HTTP: auth, pagination, lookups and every mailbox call."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import WALK_ATTEMPTS, AlreadyThere, NetAngelsClient
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import parse_aliases
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.target import parse_target, resolve_target

API = 'https://api.test'
AUTH = 'https://auth.test/api/gateway/token/'
KEY = 'key-0123456789'
MAILBOXES = API + '/api/v2/mail/domains/1001/mailboxes/'
MAILBOX = API + '/api/v2/mail/mailboxes/7/'


def client(api_key=KEY, api_token=None):
    return NetAngelsClient(_http.Transport(), api_url=API + '/', auth_url=AUTH, api_key=api_key, api_token=api_token)


def mailbox(mid=7, name='alice', aliases='', **extra):
    entity = dict(id=mid, name=name, domain_id=1001, aliases=aliases, comment='', is_local=True, quota=1000, used=0, state='active')
    entity.update(extra)
    return entity


def login(http, token='tok-1'):
    http.expect('POST', AUTH, body={'token': token}, form={'api_key': KEY})


def test_key_is_exchanged_once_and_token_sent_as_bearer(http):
    login(http)
    http.expect('GET', MAILBOX, body=mailbox())
    http.expect('GET', MAILBOX, body=mailbox())
    c = client()
    c.get_mailbox(7)
    c.get_mailbox(7)
    assert [r.headers.get('Authorization') for r in http.requests[1:]] == ['Bearer tok-1', 'Bearer tok-1']


def test_ready_token_skips_the_gateway(http):
    http.expect('GET', MAILBOX, body=mailbox())
    assert client(api_key=None, api_token='ready').get_mailbox(7)['id'] == 7
    assert http.requests[0].headers['Authorization'] == 'Bearer ready'


def test_missing_credentials():
    with pytest.raises(ValueError, match='api_key'):
        client(api_key=None)


@pytest.mark.parametrize('status', [401, 403])
def test_token_expiring_mid_run_is_renewed_once(http, status):
    login(http, 'tok-1')
    http.expect('GET', MAILBOX, body=mailbox())
    http.expect('GET', MAILBOX, status=status, body={'detail': 'Token expired'})
    login(http, 'tok-2')
    http.expect('GET', MAILBOX, body=mailbox())
    c = client()
    c.get_mailbox(7)
    assert c.get_mailbox(7)['id'] == 7
    assert http.requests[-1].headers['Authorization'] == 'Bearer tok-2'


def test_refused_again_after_renewal_fails_clearly(http):
    login(http, 'tok-1')
    http.expect('GET', MAILBOX, status=403, body={'detail': 'forbidden'})
    login(http, 'tok-2')
    http.expect('GET', MAILBOX, status=403, body={'detail': 'forbidden'})
    with pytest.raises(_http.AuthError) as info:
        client().get_mailbox(7)
    assert 'refused too' in str(info.value)
    assert 'tok-' not in str(info.value) and KEY not in str(info.value)


def test_bad_key_fails_clearly_without_the_key(http):
    http.expect('POST', AUTH, status=401, body={'detail': 'Invalid api_key %s' % KEY})
    with pytest.raises(_http.AuthError) as info:
        client().get_mailbox(7)
    assert 'refused the API key' in str(info.value)
    assert KEY not in str(info.value) and KEY not in repr(info.value.details)


class ExpiringTransport(object):
    """A transport on which the first token dies once every thread has sent one call with it."""

    def __init__(self, threads):
        self.barrier = threading.Barrier(threads)
        self.exchanges = 0
        self.lock = threading.Lock()

    def add_secret(self, value):
        pass

    def request(self, method, url, headers=None, **kwargs):
        if url == AUTH:
            with self.lock:
                self.exchanges += 1
                return _http.Response(200, {}, {'token': 'token-%d' % self.exchanges}, '')
        if headers['Authorization'] == 'Bearer token-1':
            self.barrier.wait(timeout=10)  # every thread holds the same token when it is refused
            raise _http.AuthError('expired', status=401, vendor_message='expired')
        return _http.Response(200, {}, {'id': 7}, '')


def test_a_token_refused_to_several_threads_at_once_is_renewed_once():
    transport = ExpiringTransport(threads=8)
    shared = NetAngelsClient(transport, api_url=API, auth_url=AUTH, api_key=KEY)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda dummy: shared.call('GET', '/api/v2/mail/mailboxes/7/'), range(8)))
    assert answers == [{'id': 7}] * 8
    assert transport.exchanges == 2  # the first token, then one renewal for all eight calls


def test_expired_ready_token_fails_clearly(http):
    http.expect('GET', MAILBOX, status=401, body={'detail': 'expired'})
    with pytest.raises(_http.AuthError) as info:
        client(api_key=None, api_token='ready-token').get_mailbox(7)
    assert 'invalid or expired' in str(info.value)
    assert 'ready-token' not in str(info.value)


def test_list_walks_every_page_with_the_largest_page_size(http):
    login(http)
    pages = [[mailbox(i, 'u%d' % i) for i in range(start, min(start + 100, 250))] for start in (0, 100, 200)]
    for offset, page in zip((0, 100, 200), pages):
        http.expect('GET', MAILBOXES, body={'count': 250, 'entities': page}, query={'offset': offset, 'limit': 100})
    result = client().list_mailboxes(1001)
    assert [m['id'] for m in result] == list(range(250))


def test_a_list_that_grows_while_pages_are_read_several_at_a_time_is_read_again_from_its_start(http):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 150, 'entities': [mailbox(i) for i in range(100)]}, query={'offset': 0, 'limit': 100})
    http.expect('GET', MAILBOXES, body={'count': 230, 'entities': [mailbox(i) for i in range(99, 199)]}, query={'offset': 100, 'limit': 100})
    http.expect('GET', MAILBOXES, body={'count': 230, 'entities': [mailbox(i) for i in range(199, 230)]}, query={'offset': 200, 'limit': 100})
    # the second walk finds the list at 150 again (the 80 new ones were deleted meanwhile), and it holds still
    for offset in (0, 100):
        http.expect('GET', MAILBOXES, body={'count': 150, 'entities': [mailbox(i) for i in range(offset, min(offset + 100, 150))]},
                    query={'offset': offset, 'limit': 100})
    assert [m['id'] for m in client().list_mailboxes(1001, workers=4)] == list(range(150))


def test_a_deletion_between_two_pages_never_hides_a_mailbox_that_existed_all_along(http):
    """Issue 18 A2: mailbox 0 is deleted after the first page; offset paging then skips mailbox 100,
    which existed all along. The count changed (101 -> 100), so the list is read again."""
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 101, 'entities': [mailbox(i) for i in range(100)]}, query={'offset': 0, 'limit': 100})
    http.expect('GET', MAILBOXES, body={'count': 100, 'entities': []}, query={'offset': 100, 'limit': 100})
    http.expect('GET', MAILBOXES, body={'count': 100, 'entities': [mailbox(i) for i in range(1, 101)]}, query={'offset': 0, 'limit': 100})
    names = [m['id'] for m in client().list_mailboxes(1001)]
    assert 100 in names and names == list(range(1, 101))


def test_a_list_that_never_holds_still_is_an_error_not_a_short_list(http):
    login(http)
    for attempt in range(WALK_ATTEMPTS):
        http.expect('GET', MAILBOXES, body={'count': 300, 'entities': [mailbox(1), mailbox(2)]})
        http.expect('GET', MAILBOXES, body={'count': 300, 'entities': [mailbox(2), mailbox(3)]})
        http.expect('GET', MAILBOXES, body={'count': 300, 'entities': []})
    with pytest.raises(_http.InvalidResponseError, match=r'the list changed while it was read .*3 times in a row.*nothing was planned'):
        client().list_mailboxes(1001)


@pytest.mark.parametrize('answer', [
    dict(text=''), dict(body=[]), dict(body=[{'id': 1, 'name': 'alice'}]), dict(body={}), dict(body={'count': 1}),
    dict(body={'count': '1', 'entities': []}), dict(body={'count': 1, 'entities': {}}), dict(body={'count': 1, 'entities': ['alice']}),
    dict(body={'count': 1, 'entities': [{'name': 'alice'}]}), dict(body={'count': 1, 'entities': [{'id': 1, 'name': None}]}),
    dict(body={'count': None, 'entities': []}), dict(body={'count': True, 'entities': []}),
    dict(body={'count': 1, 'entities': [{'id': 1, 'name': 'alice', 'aliases': 5}]}),
], ids=['empty body', 'empty list', 'a list', 'empty object', 'no entities', 'count as text', 'entities an object',
        'entity not an object', 'entity without id', 'entity name null', 'count null', 'count a boolean', 'aliases a number'])
def test_a_page_of_another_shape_is_an_error_naming_the_call_never_an_empty_domain(http, answer):
    """Issue 18 A1: an empty 200 body made netangels_mailbox_info report 0 mailboxes; a list failed as a bug."""
    login(http)
    http.expect('GET', MAILBOXES, **answer)
    with pytest.raises(_http.InvalidResponseError) as info:
        client().list_mailboxes(1001)
    message = str(info.value)
    assert message.startswith('GET /api/v2/mail/domains/1001/mailboxes/ (offset 0): the API answered ')
    assert 'nothing was planned or written' in message
    assert 'alice' not in message  # the shape is summarised, never a value


@pytest.mark.parametrize('answer', [dict(text=''), dict(body=[]), dict(body={'detail': 'ok'})], ids=['empty', 'list', 'no id'])
def test_a_mailbox_read_of_another_shape_is_an_error(http, answer):
    login(http)
    http.expect('GET', MAILBOX, **answer)
    with pytest.raises(_http.InvalidResponseError, match=r'^GET /api/v2/mail/mailboxes/7/: the API answered'):
        client().get_mailbox(7)


@pytest.mark.parametrize('value, expected', [
    (None, []), ('', []), ('a@x.org', ['a@x.org']), ('a@x.org, b@y.org', ['a@x.org', 'b@y.org']),
    ('a@x.org,b@y.org', ['a@x.org', 'b@y.org']), (['a@x.org', ' b@y.org '], ['a@x.org', 'b@y.org']), ([], []),
])
def test_aliases_are_read_in_either_shape(value, expected):
    assert parse_aliases(value) == expected


def test_domain_lookup_pages_and_matches_case_insensitively(http):
    login(http)
    http.expect('GET', API + '/api/v2/mail/domains/', body={'count': 101, 'entities': [{'id': i, 'name': 'd%d.test' % i} for i in range(100)]})
    http.expect('GET', API + '/api/v2/mail/domains/', body={'count': 101, 'entities': [{'id': 1001, 'name': 'Example.COM'}]},
                query={'offset': 100, 'limit': 100})
    assert client().domain_id('example.com') == 1001


def test_unknown_domain(http):
    login(http)
    http.expect('GET', API + '/api/v2/mail/domains/', body={'count': 1, 'entities': [{'id': 1, 'name': 'other.test'}]})
    with pytest.raises(_http.NotFoundError, match='Mail domain "example.com" was not found'):
        client().domain_id('example.com')


def test_find_uses_filter_as_a_hint_and_matches_exactly(http):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 2, 'entities': [mailbox(1, 'alice2'), mailbox(2, 'alice')]},
                query={'filter': 'alice', 'offset': 0, 'limit': 100})
    assert client().find_mailbox(1001, 'alice')['id'] == 2


def test_find_does_not_trust_an_empty_filter_answer(http):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 0, 'entities': []}, query={'filter': 'alice', 'offset': 0, 'limit': 100})
    http.expect('GET', MAILBOXES, body={'count': 2, 'entities': [mailbox(1, 'bob'), mailbox(2, 'alice')]}, query={'offset': 0, 'limit': 100})
    assert client().find_mailbox(1001, 'alice')['id'] == 2


def test_find_absent_mailbox(http):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [mailbox(1, 'alice2')]})
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [mailbox(1, 'alice2')]})
    assert client().find_mailbox(1001, 'alice') is None


def test_full_address_names_are_matched_by_local_part(http):
    login(http)
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [mailbox(2, 'alice@example.com')]})
    assert client().find_mailbox(1001, 'alice')['name'] == 'alice'


def test_get_missing_mailbox_is_none(http):
    login(http)
    http.expect('GET', MAILBOX, status=404, body={'detail': 'Not found.'})
    assert client().get_mailbox(7) is None


def test_create_sends_the_documented_body(http):
    login(http)
    http.expect('POST', API + '/api/v2/mail/mailboxes/', status=201, body=mailbox(aliases='x@y.org'),
                json_body={'domain_id': 1001, 'name': 'alice', 'password': 'Passw0rd-1', 'comment': 'hi'})
    assert client().create_mailbox(1001, 'alice', 'Passw0rd-1', 'hi')['aliases'] == ['x@y.org']


def test_create_with_a_lost_answer_finds_the_mailbox_it_made(http):
    login(http)
    http.expect('POST', API + '/api/v2/mail/mailboxes/', raises=requests.exceptions.ConnectionError('dropped'))
    http.expect('GET', MAILBOXES, body={'count': 1, 'entities': [mailbox(9, 'alice')]})
    assert client().create_mailbox(1001, 'alice', 'Passw0rd-1')['id'] == 9
    assert len(http.writes()) == 2  # the key exchange and one create: never a second POST


def test_bad_password_answer_never_echoes_the_password(http):
    login(http)
    http.expect('POST', API + '/api/v2/mail/mailboxes/', status=400, body={'password': ['"weak-pass" is too common']})
    with pytest.raises(_http.RequestError) as info:
        client().create_mailbox(1001, 'alice', 'weak-pass')
    assert 'weak-pass' not in str(info.value) and 'weak-pass' not in repr(info.value.details)


@pytest.mark.parametrize('call, args, path, body', [
    ('update_mailbox', ({'comment': 'c', 'aliases': ('a@b.org',)},), '', {'comment': 'c', 'aliases': ['a@b.org']}),
    ('add_alias', ('a@b.org',), 'add-alias/', {'alias': 'a@b.org'}),
    ('delete_alias', ('a@b.org',), 'delete-alias/', {'alias': 'a@b.org'}),
    ('change_password', ('N3w-Passw0rd',), 'change-password/', {'password': 'N3w-Passw0rd'}),
])
def test_mailbox_puts(http, call, args, path, body):
    login(http)
    http.expect('PUT', MAILBOX + path, status=201, body=mailbox(), json_body=body)
    assert getattr(client(), call)(7, *args)['id'] == 7


@pytest.mark.parametrize('call, path', [('disable_mailbox', 'disable/'), ('cleanup_mailbox', 'cleanup/')])
def test_actions_without_a_mailbox_in_the_answer_read_it_back(http, call, path):
    login(http)
    http.expect('PUT', MAILBOX + path, status=200)
    http.expect('GET', MAILBOX, body=mailbox(state='disabled'))
    assert getattr(client(), call)(7)['state'] == 'disabled'


def test_cleanup_forbidden_is_a_request_error(http):
    login(http)
    http.expect('PUT', MAILBOX + 'cleanup/', status=400, body={'detail': 'Cleanup is forbidden'})
    with pytest.raises(_http.RequestError, match='Cleanup is forbidden'):
        client().cleanup_mailbox(7)


def test_delete_and_already_deleted(http):
    login(http)
    http.expect('DELETE', MAILBOX, status=200)
    http.expect('DELETE', MAILBOX, status=404, body={'detail': 'Not found.'})
    c = client()
    assert c.delete_mailbox(7) is True
    assert c.delete_mailbox(7) is False


def test_batch_create_uploads_a_csv_file(http):
    login(http)
    http.expect('POST', API + '/api/v2/mail/domains/1001/mailboxes/batch-create/', body={'count': 1, 'entities': [mailbox(aliases='a@b.org')]})
    created = client().batch_create(1001, 'name,password,comment\nalice,Passw0rd-1,hi\n')
    assert created[0]['aliases'] == ['a@b.org']
    sent = http.requests[-1]
    assert sent.headers['Content-Type'].startswith('multipart/form-data')
    assert b'name="file"; filename="mailboxes.csv"' in sent.body
    assert b'alice,Passw0rd-1,hi' in sent.body


@pytest.mark.parametrize('args, expected', [
    (('alice', 'example.com', None), ('alice', 'example.com', None)),
    (('alice@Example.com', None, None), ('alice', 'example.com', None)),
    (('alice@example.com', 'EXAMPLE.com', None), ('alice', 'example.com', None)),
    (('alice@example.com', None, 5), ('alice', 'example.com', 5)),
    ((None, 'example.com.', None), (None, 'example.com', None)),
])
def test_parse_target(args, expected):
    assert tuple(parse_target(*args)) == expected


@pytest.mark.parametrize('args, message', [
    (('alice', None, None), 'Say which mail domain'),
    (('alice@example.com', 'example.org', None), 'not in the domain'),
    (('alice', 'example.com', 3), 'either domain or domain_id'),
    (('@example.com', None, None), 'not a mailbox address'),
])
def test_parse_target_errors(args, message):
    with pytest.raises(ValueError, match=message):
        parse_target(*args)


def test_resolve_target_with_domain_id_makes_no_request(http):
    assert resolve_target(client(), 'alice', None, 1001).domain_id == 1001
    assert http.requests == []


def domains(http, *entries):
    http.expect('GET', API + '/api/v2/mail/domains/', body={'count': len(entries), 'entities': [
        {'id': domain_id, 'name': name} for domain_id, name in entries]})


def test_resolve_target_with_a_full_address_and_its_own_domain_id_reads_the_domains_once(http):
    login(http)
    domains(http, (1001, 'Example.com'), (1002, 'example.org'))
    assert tuple(resolve_target(client(), 'carol@example.com', None, 1001)) == ('carol', 'example.com', 1001)
    assert len(http.requests) == 2


@pytest.mark.parametrize('domain_id, actual', [(1002, 'is the mail domain example.org'), (77, 'is not a mail domain of this NetAngels account')])
def test_resolve_target_refuses_an_address_in_another_domain_than_domain_id(http, domain_id, actual):
    login(http)
    domains(http, (1001, 'example.com'), (1002, 'example.org'))
    with pytest.raises(ValueError) as info:
        resolve_target(client(), 'carol@example.com', None, domain_id)
    assert str(info.value) == ('The mailbox carol@example.com is in the domain example.com, but domain_id %d %s: '
                               'give the ID of example.com, or leave domain_id out.' % (domain_id, actual))
    assert [r.method for r in http.requests] == ['POST', 'GET']  # the key exchange and the one read


# -- every write kind under faults ------------------------------------------------------------
#
# A write with an unknown outcome (no answer, 5xx) is sent again blindly only when it is
# idempotent; any other write is sent again only after a read proved it did not take effect.
# Each kind: how to call it, the request it sends, its success answer (plus the read-back an
# answer without a mailbox needs), the read that shows it done, and the read that shows it not done.

CREATED = mailbox(9, 'alice')


def read_mailbox(**fields):
    return [dict(method='GET', url=MAILBOX, body=mailbox(**fields))]


def list_alice(found):
    if found:
        return [dict(method='GET', url=MAILBOXES, body={'count': 1, 'entities': [CREATED]})]
    return [dict(method='GET', url=MAILBOXES, body={'count': 0, 'entities': []})] * 2


WRITE_KINDS = {
    # kind: (call, args, method, url, success answer(s), read shows done, read shows not done)
    'create': ('create_mailbox', (1001, 'alice', 'Passw0rd-1'), 'POST', API + '/api/v2/mail/mailboxes/',
               [dict(status=201, body=CREATED)], list_alice(True), list_alice(False)),
    'update': ('update_mailbox', (7, {'comment': 'new', 'aliases': ['a@b.org']}), 'PUT', MAILBOX,
               [dict(status=201, body=mailbox(comment='new', aliases='a@b.org'))],
               read_mailbox(comment='new', aliases='A@b.org'), read_mailbox(comment='old', aliases='a@b.org')),
    'add alias': ('add_alias', (7, 'a@b.org'), 'PUT', MAILBOX + 'add-alias/', [dict(status=201, body=mailbox(aliases='a@b.org'))],
                  read_mailbox(aliases='c@d.org, a@b.org'), read_mailbox(aliases='c@d.org')),
    'delete alias': ('delete_alias', (7, 'a@b.org'), 'PUT', MAILBOX + 'delete-alias/', [dict(status=201, body=mailbox())],
                     read_mailbox(aliases='c@d.org'), read_mailbox(aliases='c@d.org,a@b.org')),
    'password': ('change_password', (7, 'N3w-Passw0rd'), 'PUT', MAILBOX + 'change-password/', [dict(status=201, body=mailbox())],
                 None, None),
    'disable': ('disable_mailbox', (7,), 'PUT', MAILBOX + 'disable/', [dict(status=200, body={})] + read_mailbox(state='disabled'),
                read_mailbox(state='disabled'), read_mailbox(state='active')),
    'cleanup': ('cleanup_mailbox', (7,), 'PUT', MAILBOX + 'cleanup/', [dict(status=200, body={})] + read_mailbox(used=0),
                read_mailbox(used=0), read_mailbox(used=50)),
    'delete': ('delete_mailbox', (7,), 'DELETE', MAILBOX, [dict(status=200, body={})],
               [dict(method='GET', url=MAILBOX, status=404, body={'detail': 'Not found.'})], read_mailbox()),
}
NOT_IDEMPOTENT = ('create', 'add alias', 'delete alias', 'cleanup')
REFUSAL_CHECKED = ('create', 'add alias', 'delete alias')
"""Writes whose refusal may say that the wanted state already holds (another run got there first)."""
IDEMPOTENT = ('update', 'password', 'disable', 'delete')
LOST = [dict(raises=requests.exceptions.ConnectionError('dropped')), dict(status=502, text='<html>Bad Gateway</html>'),
        dict(status=500, body={'detail': 'oops'})]


def expect_write(http, kind, **answer):
    method, url = WRITE_KINDS[kind][2:4]
    http.expect(method, url, **answer)


def expect_all(http, calls):
    for call in calls:
        call = dict(call)
        http.expect(call.pop('method'), call.pop('url'), **call)


def expect_success(http, kind):
    method, url, answers = WRITE_KINDS[kind][2:5]
    http.expect(method, url, **answers[0])
    expect_all(http, answers[1:])


def do_write(kind, transport=None):
    call, args = WRITE_KINDS[kind][:2]
    c = NetAngelsClient(transport or _http.Transport(), api_url=API, auth_url=AUTH, api_key=KEY)
    return getattr(c, call)(*args)


def sent(http, kind):
    method, url = WRITE_KINDS[kind][2:4]
    return len([r for r in http.requests if r.method == method and r.url.split('?')[0] == url])


@pytest.mark.parametrize('done', [False, True], ids=['read shows it absent', 'read shows it done'])
@pytest.mark.parametrize('lost', LOST)
@pytest.mark.parametrize('kind', NOT_IDEMPOTENT)
def test_a_lost_write_is_sent_again_only_when_a_read_proves_it_absent(http, kind, lost, done):
    login(http)
    expect_write(http, kind, **lost)
    expect_all(http, WRITE_KINDS[kind][5 if done else 6])
    if not done:
        expect_success(http, kind)
    assert do_write(kind)['id'] in (7, 9)
    assert sent(http, kind) == (1 if done else 2)


@pytest.mark.parametrize('kind', NOT_IDEMPOTENT)
def test_a_repeat_refused_because_the_lost_write_was_done_after_all_counts_as_done(http, kind):
    """The read lagged behind (showed it absent); the repeat is refused; a fresh read shows it done."""
    login(http)
    expect_write(http, kind, raises=requests.exceptions.ConnectionError('dropped'))
    expect_all(http, WRITE_KINDS[kind][6])
    expect_write(http, kind, status=400, body={'detail': 'already done'})
    expect_all(http, WRITE_KINDS[kind][5])
    do_write(kind)
    assert sent(http, kind) == 2


@pytest.mark.parametrize('kind', NOT_IDEMPOTENT)
def test_a_real_refusal_is_raised_without_a_read(http, kind):
    login(http)
    expect_write(http, kind, status=400, body={'detail': 'refused for a reason'})
    with pytest.raises(_http.RequestError, match='refused for a reason'):
        do_write(kind)


@pytest.mark.parametrize('kind', REFUSAL_CHECKED)
def test_an_already_refusal_whose_read_does_not_show_the_wanted_state_is_raised(http, kind):
    login(http)
    expect_write(http, kind, status=400, body={'detail': 'already done, says the API'})
    expect_all(http, WRITE_KINDS[kind][6])
    with pytest.raises(_http.RequestError, match='already done, says the API'):
        do_write(kind)


@pytest.mark.parametrize('kind', REFUSAL_CHECKED)
def test_a_refusal_whose_wanted_state_already_holds_counts_as_done_but_not_as_a_change(http, kind):
    """Issue 18 B3: a second run at the same time is refused ("already exists", "already an alias",
    "not an alias"); the read shows the wanted state, so the write is done, and the answer says it
    was not this run's change."""
    login(http)
    expect_write(http, kind, status=400, body={'name': ['already exists']})
    expect_all(http, WRITE_KINDS[kind][5])
    answer = do_write(kind)
    assert isinstance(answer, AlreadyThere)
    assert answer['id'] in (7, 9)
    assert sent(http, kind) == 1


@pytest.mark.parametrize('lost', LOST)
@pytest.mark.parametrize('kind', IDEMPOTENT)
def test_a_lost_idempotent_write_is_sent_again_without_a_read(http, kind, lost):
    login(http)
    expect_write(http, kind, **lost)
    expect_success(http, kind)
    do_write(kind)
    assert sent(http, kind) == 2


@pytest.mark.parametrize('done', [True, False])
@pytest.mark.parametrize('kind', [k for k in IDEMPOTENT if k != 'password'])
def test_when_the_budget_is_spent_a_read_decides_whether_the_idempotent_write_took_effect(http, kind, done):
    login(http)
    expect_write(http, kind, status=502)
    expect_write(http, kind, raises=requests.exceptions.ConnectionError('dropped'))
    expect_all(http, WRITE_KINDS[kind][5 if done else 6])
    if done:
        do_write(kind, _http.Transport(max_retries=1))
    else:
        with pytest.raises(_http.TransportError, match=r'after 1 retries'):
            do_write(kind, _http.Transport(max_retries=1))
    assert sent(http, kind) == 2


def test_a_password_cannot_be_read_back_so_a_spent_budget_fails_without_a_read(http):
    login(http)
    expect_write(http, 'password', status=503)
    expect_write(http, 'password', status=503)
    with pytest.raises(_http.ServerError) as info:
        do_write('password', _http.Transport(max_retries=1))
    assert 'N3w-Passw0rd' not in str(info.value)


def test_every_write_kind_is_in_the_table():
    assert sorted(NOT_IDEMPOTENT + IDEMPOTENT) == sorted(WRITE_KINDS)
