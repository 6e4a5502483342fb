# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The bulk planner (netangels_mailboxes) against scripted HTTP: validation before any request, one
page-walk, batch splitting, a lost and a failed batch answer, a partial batch, a refused line, only
the fields that differ, the removal guard, check mode, per-mailbox failures, and concurrency that
backs off together on 429."""

from __future__ import annotations

import csv
import io
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels import bulk as _bulk
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import BATCH_CREATE_LIMIT, NetAngelsClient

API = 'https://api.test'
AUTH = 'https://auth.test/api/gateway/token/'
KEY = 'key-0123456789'
DOMAINS = API + '/api/v2/mail/domains/'
LIST = API + '/api/v2/mail/domains/1001/mailboxes/'
BATCH = API + '/api/v2/mail/domains/1001/mailboxes/batch-create/'
CREATE = API + '/api/v2/mail/mailboxes/'


def mailbox_url(mid):
    return API + '/api/v2/mail/mailboxes/%d/' % mid


def client():
    return NetAngelsClient(_http.Transport(), api_url=API, auth_url=AUTH, api_key=KEY)


def entity(mid, name, **extra):
    result = dict(id=mid, name=name, domain_id=1001, aliases='', comment='', is_local=True, quota=1024, used=0, state='active')
    result.update(extra)
    return result


def params(rows=None, **extra):
    result = dict(domain=None, domain_id=1001, mailboxes=rows, src=None, update_password='on_create', prune=False, max_removals=10,
                  concurrency=1)
    result.update(extra)
    return result


def row(name, **extra):
    return dict(dict(name=name, password='Pass-%s-123' % name), **extra)


def login(http):
    http.expect('POST', AUTH, body={'token': 'tok-1'})


def walk(http, entities):
    """The page-walk of domain 1001 answering ``entities`` (pages of 100)."""
    for offset in range(0, max(len(entities), 1), 100):
        http.expect('GET', LIST, query={'offset': offset, 'limit': 100}, body={'count': len(entities), 'entities': entities[offset:offset + 100]})


def uploaded(prepared):
    """The rows of a batch-create upload (multipart body), as dicts."""
    body = prepared.body.decode('utf-8')
    text = body[body.index('name,password,comment'):]
    text = text[:text.index('\r\n--')]
    return list(csv.DictReader(io.StringIO(text)))


def manage(http, rows, check_mode=False, **extra):
    return _bulk.manage_mailboxes(client(), params(rows, **extra), check_mode=check_mode)


# -- validation: every problem at once, before any request -----------------------------------

def test_every_row_problem_in_one_message_before_any_request(http):
    rows = [row('alice', quota='lots'), row('Bob'), row('carol@other.example'), row('alice'), dict(password='Pass-x-123'),
            row('dave', password='short'), row('erin', state='gone'), row('frank', is_local='maybe', aliases=['not-an-address'])]
    with pytest.raises(ValueError) as info:
        _bulk.manage_mailboxes(client(), params(rows, domain='example.com', domain_id=None))
    message = str(info.value)
    assert message.startswith('The mailboxes are not valid (8 problems; nothing was changed)')
    for expected in ["mailboxes[0] (alice): quota 'lots' is not a whole number", 'mailboxes[1] (Bob): "Bob" is not a valid mailbox name',
                     'mailboxes[2] (carol@other.example): The address carol@other.example is not in the domain',
                     'mailboxes[3] (alice): alice is listed twice (also mailboxes[0])', 'mailboxes[4]: the mailbox name is missing',
                     'mailboxes[5] (dave): the password must be 8 to 128', "mailboxes[6] (erin): state 'gone' is not one of",
                     "mailboxes[7] (frank): is_local 'maybe' is not true or false; aliases: \"not-an-address\" is not an e-mail address"]:
        assert expected in message
    assert 'Pass-' not in message and 'short' not in message
    assert http.requests == []


def test_csv_rows_are_named_by_line(http, tmp_path):
    path = tmp_path / 'boxes.csv'
    path.write_text('name;password;quota\nalice;Alice-Pass-1;10\nbob;Bob-Pass-12;0\n\ncarol;Carol-Pass-1\n', encoding='utf-8')
    with pytest.raises(ValueError) as info:
        _bulk.manage_mailboxes(client(), params(src=str(path)))
    assert 'line 3 (bob): quota 0 MB is outside the range' in str(info.value)
    assert 'line 5: 2 cells, but the header row names 3 columns' in str(info.value)
    assert 'line 2' not in str(info.value)
    assert http.requests == []


def test_a_full_address_with_domain_id_is_refused(http):
    with pytest.raises(ValueError, match=r'mailboxes\[0\] \(alice@example.com\): give the local part only \(alice\) with domain_id'):
        manage(http, [row('alice@example.com')])


@pytest.mark.parametrize('extra, message', [
    (dict(concurrency=0), 'concurrency must be from 1 to 16'),
    (dict(concurrency=17), 'concurrency must be from 1 to 16'),
    (dict(max_removals=-1), 'max_removals must be 0 or more'),
    (dict(mailboxes=None), 'set mailboxes (a list) or src'),
])
def test_bad_options(http, extra, message):
    with pytest.raises(ValueError) as info:
        _bulk.manage_mailboxes(client(), dict(params([row('alice')]), **extra))
    assert message in str(info.value)


# -- one page-walk; refusals decided before any write ----------------------------------------

def test_a_no_change_run_is_one_walk_and_no_write(http):
    current = [entity(5000 + i, 'user%03d' % i, comment='User %d' % i) for i in range(250)]
    login(http)
    http.expect('GET', DOMAINS, body={'count': 1, 'entities': [{'id': 1001, 'name': 'example.com'}]})
    walk(http, current)
    result = _bulk.manage_mailboxes(client(), params([dict(name='user%03d' % i, comment='User %d' % i, quota=1024) for i in range(250)],
                                                     domain='example.com', domain_id=None))
    assert result['changed'] is False and result['unchanged'] == 250
    assert len(http.requests) == 1 + 1 + 3
    assert http.writes()[1:] == []


def test_refusals_that_depend_on_the_domain_come_before_any_write(http):
    login(http)
    walk(http, [entity(1, 'gone', state='disabled'), entity(2, 'other', domain_id=1001)])
    rows = [row('new', password=None), dict(name='gone'), row('fwd', is_local=False), dict(name='other', domain_id=1002), row('fine')]
    with pytest.raises(ValueError) as info:
        manage(http, rows)
    message = str(info.value)
    assert 'mailboxes[0] (new): it does not exist, and creating a mailbox needs a password' in message
    assert 'mailboxes[1] (gone): it is disabled, and the NetAngels API has no call to enable a mailbox' in message
    assert 'mailboxes[2] (fwd): is_local=false with no forwarding address' in message
    assert 'mailboxes[3] (other): its domain_id 1002 is not the domain of this task (1001)' in message
    assert 'mailboxes[4]' not in message
    assert [r.method for r in http.requests] == ['POST', 'GET']


def test_the_removal_guard_refuses_before_any_write(http):
    login(http)
    walk(http, [entity(i, 'old%02d' % i) for i in range(12)])
    with pytest.raises(ValueError) as info:
        manage(http, [row('new'), dict(name='old00', state='absent')], prune=True)
    assert 'this run would delete 12 mailboxes (old00, old01' in str(info.value)
    assert 'more than max_removals=10 allows; nothing was changed' in str(info.value)
    assert [r.method for r in http.requests] == ['POST', 'GET']


def test_removals_up_to_the_guard_go_ahead(http):
    login(http)
    walk(http, [entity(1, 'keep'), entity(2, 'old1'), entity(3, 'old2')])
    http.expect('DELETE', mailbox_url(2), body={})
    http.expect('DELETE', mailbox_url(3), body={})
    result = manage(http, [dict(name='keep')], prune=True, max_removals=2)
    assert result['removed'] == ['old1', 'old2'] and result['unchanged'] == 1 and result['changed'] is True
    assert result['diff']['before'] == {'old1': {'comment': '', 'quota': 1024, 'is_local': True, 'aliases': [], 'state': 'active'},
                                        'old2': {'comment': '', 'quota': 1024, 'is_local': True, 'aliases': [], 'state': 'active'}}


# -- batch-create ----------------------------------------------------------------------------

def created(names, start=7000, comments=None):
    return {'count': len(names), 'entities': [entity(start + i, name, comment=(comments or {}).get(name, ''))
                                              for i, name in enumerate(names)]}


def test_uploads_are_split_at_the_batch_limit(http):
    names = ['user%04d' % i for i in range(2 * BATCH_CREATE_LIMIT + 500)]
    login(http)
    walk(http, [])
    for first in range(0, len(names), BATCH_CREATE_LIMIT):
        http.expect('POST', BATCH, body=created(names[first:first + BATCH_CREATE_LIMIT], start=10000 + first))
    result = manage(http, [row(name) for name in names])
    uploads = [uploaded(r) for r in http.requests if r.url == BATCH]
    assert [len(rows) for rows in uploads] == [BATCH_CREATE_LIMIT, BATCH_CREATE_LIMIT, 500]
    assert [r['name'] for rows in uploads for r in rows] == names
    assert uploads[0][0] == {'name': 'user0000', 'password': 'Pass-user0000-123', 'comment': ''}
    assert result['created'] == names and result['failures'] == [] and result['changed'] is True
    assert len(http.requests) == 1 + 1 + 3


def test_a_lost_batch_answer_is_never_resent_blindly(http):
    login(http)
    walk(http, [entity(1, 'old')])
    http.expect('POST', BATCH, raises=requests.exceptions.ConnectionError('connection dropped'))
    walk(http, [entity(1, 'old'), entity(2, 'alice'), entity(3, 'bob')])  # the upload did create two of them
    http.expect('POST', BATCH, body=created(['carol'], start=4))
    result = manage(http, [row('alice'), row('bob'), row('carol')])
    uploads = [uploaded(r) for r in http.requests if r.url == BATCH]
    assert [[r['name'] for r in rows] for rows in uploads] == [['alice', 'bob', 'carol'], ['carol']]
    assert result['created'] == ['alice', 'bob', 'carol'] and result['failures'] == []


def test_after_a_lost_answer_only_that_uploads_rows_are_checked(http, monkeypatch):
    monkeypatch.setattr(_bulk, 'BATCH_CREATE_LIMIT', 2)
    login(http)
    walk(http, [])
    http.expect('POST', BATCH, raises=requests.exceptions.ConnectionError('connection dropped'))
    walk(http, [entity(1, 'alice'), entity(3, 'carol')])  # carol, in the next upload, was made by someone else meanwhile
    http.expect('POST', BATCH, status=400, body={'detail': "file: line 3: name: mailbox 'carol' already exists"})
    walk(http, [entity(1, 'alice'), entity(3, 'carol')])  # the refusal says "already exists": the read shows carol there
    http.expect('POST', BATCH, body=created(['bob'], start=2))
    result = manage(http, [row('alice'), row('bob'), row('carol')])
    uploads = [[r['name'] for r in uploaded(r)] for r in http.requests if r.url == BATCH]
    assert uploads == [['alice', 'bob'], ['bob', 'carol'], ['bob']]
    assert result['created'] == ['alice', 'bob']
    assert result['failures'] == [], 'carol exists as wanted: done, not failed (issue 18 B3)'
    assert 'carol' not in result['updated'] and result['unchanged'] == 0


def test_a_failed_batch_answer_is_checked_then_uploaded_again(http):
    login(http)
    walk(http, [])
    http.expect('POST', BATCH, status=503, text='<html>503 Service Unavailable</html>')
    walk(http, [])
    http.expect('POST', BATCH, body=created(['alice', 'bob']))
    result = manage(http, [row('alice'), row('bob')])
    assert result['created'] == ['alice', 'bob'] and result['failures'] == []


def test_an_upload_that_keeps_failing_is_reported_per_mailbox_without_changed(http):
    login(http)
    walk(http, [])
    for dummy in range(_bulk.MAX_FAILED_UPLOADS):
        http.expect('POST', BATCH, status=500, body={'detail': 'internal error'})
        walk(http, [])
    result = manage(http, [row('alice'), row('bob')])
    assert [f['name'] for f in result['failures']] == ['alice', 'bob']
    assert 'creating it (batch upload, 5 attempts): POST https://api.test/api/v2/mail/domains/1001/mailboxes/batch-create/: HTTP 500: ' \
        'internal error' in result['failures'][0]['error']
    assert result['changed'] is False, 'the reads proved that nothing was created'


def test_a_refused_line_fails_that_mailbox_and_the_others_are_uploaded_again(http):
    login(http)
    walk(http, [])
    http.expect('POST', BATCH, status=400, body={'detail': "file: line 3: name: mailbox 'bob' already exists",
                                                 'errors': {'file': ["line 3: name: mailbox 'bob' already exists"]}})
    walk(http, [])  # the read shows bob is not there after all: the refusal stands
    http.expect('POST', BATCH, body=created(['alice', 'carol']))
    result = manage(http, [row('alice'), row('bob'), row('carol')])
    uploads = [uploaded(r) for r in http.requests if r.url == BATCH]
    assert [[r['name'] for r in rows] for rows in uploads] == [['alice', 'bob', 'carol'], ['alice', 'carol']]
    assert result['created'] == ['alice', 'carol']
    assert result['failures'] == [{'name': 'bob', 'error': 'creating it (batch upload, line 3): POST %s: HTTP 400: '
                                                           "file: line 3: name: mailbox 'bob' already exists" % BATCH}]
    assert result['changed'] is True


def test_the_line_of_a_row_after_a_multi_line_comment_is_found(http):
    login(http)
    walk(http, [])
    http.expect('POST', BATCH, status=400, body={'detail': 'file: line 4: password: must not contain whitespace'})
    http.expect('POST', BATCH, body=created(['alice'], comments={'alice': 'Two\nlines'}))
    result = manage(http, [row('alice', comment='Two\nlines'), row('bob')])
    assert result['created'] == ['alice'] and [f['name'] for f in result['failures']] == ['bob']


def test_a_partial_batch_answer_creates_the_rest_one_by_one(http):
    login(http)
    walk(http, [])
    http.expect('POST', BATCH, body=created(['alice', 'carol']))  # bob left out, no reason given
    http.expect('POST', CREATE, status=400, json_body={'domain_id': 1001, 'name': 'bob', 'password': 'Pass-bob-123'},
                body={'detail': "name: mailbox 'bob' already exists in example.com"})
    http.expect('GET', LIST, query={'filter': 'bob', 'offset': 0, 'limit': 100}, body={'count': 0, 'entities': []})
    walk(http, [entity(1, 'alice'), entity(3, 'carol')])  # the read does not show bob: the refusal stands
    result = manage(http, [row('alice'), row('bob'), row('carol')])
    assert result['created'] == ['alice', 'carol']
    assert result['failures'] == [{'name': 'bob', 'error': "creating it: POST %s: HTTP 400: name: mailbox 'bob' already exists "
                                                           'in example.com' % CREATE}]
    assert result['changed'] is True


def test_a_partial_batch_whose_leftover_is_created_one_by_one(http):
    login(http)
    walk(http, [])
    http.expect('POST', BATCH, body=created(['alice']))
    http.expect('POST', CREATE, status=201, body=entity(9, 'bob'))
    http.expect('PUT', mailbox_url(9), status=201, json_body={'quota': 50}, body=entity(9, 'bob', quota=50))
    result = manage(http, [row('alice'), row('bob', quota=50)])
    assert result['created'] == ['alice', 'bob'] and result['failures'] == [] and result['updated'] == []


def test_a_batch_refused_without_a_line_falls_back_to_one_by_one(http):
    login(http)
    walk(http, [])
    http.expect('POST', BATCH, status=400, body={'detail': 'file: the file has no mailbox rows'})
    http.expect('POST', CREATE, status=201, body=entity(9, 'alice'))
    result = manage(http, [row('alice')])
    assert result['created'] == ['alice']


def test_a_batch_forbidden_fails_every_pending_mailbox(http):
    login(http)
    walk(http, [])
    http.expect('POST', BATCH, status=404, body={'detail': 'domain 1001 not found'})
    result = manage(http, [row('alice'), row('bob')])
    assert [f['name'] for f in result['failures']] == ['alice', 'bob'] and result['changed'] is False


# -- what the upload cannot set, and the other per-mailbox writes -----------------------------

def test_new_mailboxes_get_only_the_fields_that_differ_from_the_defaults(http):
    login(http)
    walk(http, [])
    http.expect('POST', BATCH, body=created(['same', 'bigger', 'fwd', 'off'], start=1))
    http.expect('PUT', mailbox_url(2), status=201, json_body={'quota': 4096}, body=entity(2, 'bigger', quota=4096))
    http.expect('PUT', mailbox_url(3), status=201, json_body={'is_local': False, 'aliases': ['a@example.net', 'b@example.net']},
                body=entity(3, 'fwd', is_local=False, aliases='a@example.net,b@example.net'))
    http.expect('PUT', mailbox_url(4) + 'disable/', body={})
    http.expect('GET', mailbox_url(4), body=entity(4, 'off', state='disabled'))
    result = manage(http, [row('same', quota=1024, is_local=True, aliases=[]), row('bigger', quota='4096'),
                           row('fwd', is_local='no', aliases='a@example.net  B@example.net'), row('off', state='disabled')])
    assert result['created'] == ['same', 'bigger', 'fwd', 'off'] and result['updated'] == [] and result['disabled'] == ['off']
    assert result['diff']['after']['fwd'] == {'comment': '', 'quota': 1024, 'is_local': False, 'aliases': ['a@example.net', 'b@example.net'],
                                              'state': 'active', 'password': '(set by this task; never shown)'}


def test_existing_mailboxes_get_only_what_differs(http):
    login(http)
    walk(http, [entity(1, 'alice', comment='Old'), entity(2, 'bob'), entity(3, 'carol'), entity(4, 'dave', aliases='x@example.net')])
    http.expect('PUT', mailbox_url(1), status=201, json_body={'comment': 'New'}, body=entity(1, 'alice', comment='New'))
    http.expect('PUT', mailbox_url(2) + 'change-password/', status=201, json_body={'password': 'Pass-bob-123'}, body=entity(2, 'bob'))
    http.expect('PUT', mailbox_url(3) + 'disable/', body={})
    http.expect('GET', mailbox_url(3), body=entity(3, 'carol', state='disabled'))
    result = manage(http, [dict(name='alice', comment='New', quota=1024), row('bob'), dict(name='carol', state='disabled'),
                           dict(name='dave', aliases=['X@example.net'])], update_password='always')
    assert result['updated'] == ['alice', 'bob'] and result['disabled'] == ['carol'] and result['unchanged'] == 1
    assert result['diff'] == {'before': {'alice': {'comment': 'Old'}, 'bob': {}, 'carol': {'state': 'active'}},
                              'after': {'alice': {'comment': 'New'}, 'bob': {'password': '(set by this task; never shown)'},
                                        'carol': {'state': 'disabled'}}}


def test_a_failing_mailbox_does_not_stop_the_others(http):
    login(http)
    walk(http, [entity(1, 'alice'), entity(2, 'bob'), entity(3, 'carol')])
    http.expect('PUT', mailbox_url(1), status=201, json_body={'quota': 10}, body=entity(1, 'alice', quota=10))
    http.expect('PUT', mailbox_url(2), status=400, json_body={'quota': 10}, body={'detail': 'quota: too small for the mail stored'})
    http.expect('PUT', mailbox_url(3), status=201, json_body={'quota': 10}, body=entity(3, 'carol', quota=10))
    result = manage(http, [dict(name=name, quota=10) for name in ('alice', 'bob', 'carol')])
    assert result['updated'] == ['alice', 'carol'] and result['changed'] is True
    assert result['failures'] == [{'name': 'bob', 'error': 'updating quota: PUT %s: HTTP 400: quota: too small for the mail stored' % mailbox_url(2)}]
    assert 'bob: updating quota' in _bulk.failure_message(result)


def test_a_transient_failure_gets_a_second_attempt_after_a_read(http):
    attempts = _http.DEFAULT_MAX_RETRIES + 1  # the transport's whole budget
    login(http)
    walk(http, [entity(1, 'alice'), entity(2, 'bob')])
    for dummy in range(attempts):
        http.expect('PUT', mailbox_url(1), status=502, text='bad gateway')
    http.expect('GET', mailbox_url(1), body=entity(1, 'alice'))  # the transport's read: not applied, so it fails
    for dummy in range(attempts):
        http.expect('DELETE', mailbox_url(2), raises=requests.exceptions.ConnectionError('dropped'))
    http.expect('GET', mailbox_url(2), body=entity(2, 'bob'))  # still there, so it fails
    http.expect('GET', mailbox_url(1), body=entity(1, 'alice'))  # the second attempt reads first, then sends what is missing
    http.expect('PUT', mailbox_url(1), status=201, json_body={'quota': 10}, body=entity(1, 'alice', quota=10))
    http.expect('GET', mailbox_url(2), status=404, body={'detail': 'not found'})  # gone meanwhile: nothing to send
    result = manage(http, [dict(name='alice', quota=10), dict(name='bob', state='absent')])
    assert result['failures'] == [] and result['updated'] == ['alice'] and result['removed'] == ['bob']


def test_check_mode_predicts_the_lists_and_writes_nothing(http):
    login(http)
    walk(http, [entity(1, 'alice'), entity(2, 'bob'), entity(3, 'carol'), entity(4, 'stray')])
    result = manage(http, [row('new', quota=2048, state='disabled'), dict(name='alice', quota=10), dict(name='bob', state='disabled'),
                           dict(name='carol', state='absent')], check_mode=True, prune=True)
    assert http.writes() == [http.requests[0]], 'only the token exchange'
    assert (result['created'], result['updated'], result['removed'], result['disabled'], result['unchanged']) == \
        (['new'], ['alice'], ['carol', 'stray'], ['new', 'bob'], 0)
    assert result['changed'] is True
    assert result['diff']['after']['new']['password'] == '(set by this task; never shown)'


# -- concurrency -----------------------------------------------------------------------------

class FakeAPI(object):
    """A thread-safe stand-in for the API (``requests.Session.send``): answers by method and URL."""

    def __init__(self, monkeypatch, mailboxes, delay=0.0, throttle_first_put=None):
        self.lock = threading.Lock()
        self.mailboxes = dict((m['id'], m) for m in mailboxes)
        self.delay = delay
        self.throttle = throttle_first_put
        self.log = []  # (start, end, thread, method, status)
        self.in_flight = self.most_in_flight = 0
        api = self

        def send(session, prepared, **kwargs):
            return api.answer(prepared)

        monkeypatch.setattr(requests.Session, 'send', send)

    def answer(self, prepared):
        import json
        start = time.monotonic()
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(self.delay)
        status, body, headers = 200, None, {}
        path = urlsplit(prepared.url).path
        with self.lock:
            if prepared.method == 'POST':
                body = {'token': 'tok-1'}
            elif prepared.method == 'GET':
                values = sorted(self.mailboxes.values(), key=lambda m: m['id'])
                body = {'count': len(values), 'entities': values[:100]}
            elif self.throttle is not None:
                status, body, headers = 429, {'detail': 'slow down'}, {'Retry-After': str(self.throttle)}
                self.throttle = None
            else:
                mid = int(path.rstrip('/').split('/')[-1])
                self.mailboxes[mid] = dict(self.mailboxes[mid], **json.loads(prepared.body))
                status, body = 201, self.mailboxes[mid]
            self.in_flight -= 1
            self.log.append((start, time.monotonic(), threading.get_ident(), prepared.method, status))
        response = requests.Response()
        response.status_code = status
        response.headers.update(dict(headers, **{'Content-Type': 'application/json'}))
        response._content = json.dumps(body).encode('utf-8')
        return response


def test_writes_run_concurrently_but_never_more_than_asked(monkeypatch):
    api = FakeAPI(monkeypatch, [entity(i, 'user%02d' % i) for i in range(40)], delay=0.01)
    result = _bulk.manage_mailboxes(client(), params([dict(name='user%02d' % i, quota=50) for i in range(40)], concurrency=4))
    assert len(result['updated']) == 40 and result['failures'] == []
    assert api.most_in_flight == 4
    assert len(set(entry[2] for entry in api.log if entry[3] == 'PUT')) == 4


def test_a_429_makes_every_worker_back_off_together(monkeypatch):
    monkeypatch.setattr(_http, 'pause', time.sleep)  # really wait: this test measures the pause
    api = FakeAPI(monkeypatch, [entity(i, 'user%02d' % i) for i in range(24)], delay=0.005, throttle_first_put=0.4)
    result = _bulk.manage_mailboxes(client(), params([dict(name='user%02d' % i, quota=50) for i in range(24)], concurrency=4))
    assert len(result['updated']) == 24 and result['failures'] == []
    throttled_at = next(end for start, end, thread, method, status in api.log if status == 429)
    later = [start - throttled_at for start, end, thread, method, status in api.log if start > throttled_at]
    assert len(later) >= 20, 'the PUTs not yet sent, and the throttled one again'
    racing = [delay for delay in later if delay < 0.05]  # sent before the client had read the 429
    assert len(racing) <= 3
    assert not [delay for delay in later if 0.05 <= delay < 0.38], 'no worker sent anything during the pause the API asked for'
    assert len([delay for delay in later if delay >= 0.38]) >= 17
