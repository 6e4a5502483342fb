# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""netangels_mailboxes' main() against scripted HTTP: the info module's output fed back unchanged, a
CSV import, failures that name the mailbox with changed truthful, option errors, and no password
(from the task or from the CSV file) anywhere in the output."""

from __future__ import annotations

import codecs
import json

from ansible.module_utils.common.parameters import PASS_VARS

from ansible_collections.mailops.hosted_mail.plugins.modules import netangels_mailbox_info, netangels_mailboxes

API = 'https://api.test'
AUTH = 'https://api.test/api/gateway/token/'
KEY = 'key-0123456789'
AUTH_ARGS = dict(api_key=KEY, api_url=API, auth_url=AUTH)
LIST = API + '/api/v2/mail/domains/1001/mailboxes/'
BATCH = API + '/api/v2/mail/domains/1001/mailboxes/batch-create/'
CSV_PASSWORDS = ['Csv-Secret-Pass-1', 'Csv-Secret-Pass-2']
INVOCATION = {'_ansible_inject_invocation': True} if 'inject_invocation' in PASS_VARS else {}
"""Ask for the result's invocation: ansible-core 2.21 gives it only when asked, earlier cores always."""


def entity(mid, name, **extra):
    result = dict(id=mid, name=name, domain_id=1001, aliases='', comment='', is_local=True, quota=1024, used=3, state='active',
                  created='2026-01-01T00:00:00+00:00', updated='2026-01-01T00:00:00+00:00')
    result.update(extra)
    return result


CURRENT = [entity(1, 'alice', comment='Алиса', quota=2048, aliases='a@example.net,b@example.net'),
           entity(2, 'fwd', is_local=False, aliases='x@example.net'), entity(3, 'gone', state='disabled')]


def login(http):
    http.expect('POST', AUTH, body={'token': 'tok-1'})


def walk(http, entities):
    http.expect('GET', LIST, query={'offset': 0, 'limit': 100}, body={'count': len(entities), 'entities': entities})


def run(run_module, check_mode=False, diff=False, **args):
    result = run_module(netangels_mailboxes.main, dict(AUTH_ARGS, domain_id=1001, **args), check_mode=check_mode, diff=diff)
    text = json.dumps(result)
    for secret in CSV_PASSWORDS + [KEY, 'tok-1', 'Task-Secret-Pass-1']:
        assert secret not in text
    return result


def test_the_info_modules_mailboxes_feed_this_module_unchanged(http, run_module):
    login(http)
    walk(http, CURRENT)
    exported = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain_id=1001))['mailboxes']
    walk(http, CURRENT)  # the token the first task got is reused from the token cache
    result = run(run_module, mailboxes=exported, prune=True, diff=True)
    assert result['changed'] is False and result['unchanged'] == 3 and result['failures'] == []
    assert result['diff'] == {'before': {}, 'after': {}}
    assert [r.method for r in http.requests] == ['POST', 'GET', 'GET']


def test_an_edited_export_changes_only_what_was_edited(http, run_module):
    login(http)
    walk(http, CURRENT)
    exported = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain_id=1001))['mailboxes']
    exported[0]['quota'] = 4096
    walk(http, CURRENT)  # the token the first task got is reused from the token cache
    http.expect('PUT', API + '/api/v2/mail/mailboxes/1/', status=201, json_body={'quota': 4096},
                body=entity(1, 'alice', comment='Алиса', quota=4096, aliases='a@example.net,b@example.net'))
    result = run(run_module, mailboxes=exported, diff=True)
    assert result['changed'] is True and result['updated'] == ['alice'] and result['unchanged'] == 2
    assert result['diff'] == {'before': {'alice': {'quota': 2048}}, 'after': {'alice': {'quota': 4096}}}


def test_a_semicolon_csv_with_a_bom_is_imported_and_no_csv_password_is_shown(http, run_module, tmp_path):
    path = tmp_path / 'staff.csv'
    path.write_bytes(codecs.BOM_UTF8 + ('name;password;comment;quota\r\nalice;;Алиса;2048\r\nnew1;%s;Новый, первый;\r\n'
                                        'new2;%s;Второй;\r\n' % tuple(CSV_PASSWORDS)).encode('utf-8'))
    login(http)
    walk(http, CURRENT)
    http.expect('POST', BATCH, status=400, body={'detail': 'file: line 3: password: %s is not allowed' % CSV_PASSWORDS[1]})
    http.expect('POST', BATCH, body={'count': 1, 'entities': [entity(7, 'new1', comment='Новый, первый')]})
    result = run(run_module, src=str(path), diff=True)
    assert result['failed'] is True and result['changed'] is True
    assert result['created'] == ['new1'] and result['unchanged'] == 1
    assert result['failures'][0]['name'] == 'new2'
    assert 'password: ******** is not allowed' in result['failures'][0]['error']
    assert result['msg'].startswith('1 mailbox failed; the others were applied (run again to retry): new2: creating it (batch upload')
    assert result['diff']['after']['new1'] == {'comment': 'Новый, первый', 'quota': 1024, 'is_local': True, 'aliases': [],
                                               'state': 'active', 'password': '(set by this task; never shown)'}


def test_a_csv_with_bad_rows_fails_before_any_request_naming_every_line(http, run_module, tmp_path):
    path = tmp_path / 'staff.csv'
    path.write_text('name,password,quota\nok,%s,1\nBad,%s,0\n' % tuple(CSV_PASSWORDS), encoding='utf-8')
    result = run(run_module, src=str(path))
    assert result['failed'] is True and not result.get('changed')
    assert 'line 3 (Bad): "Bad" is not a valid mailbox name' in result['msg']
    assert 'quota 0 MB is outside the range' in result['msg']
    assert http.requests == []


def test_task_passwords_are_never_shown(http, run_module):
    login(http)
    walk(http, CURRENT)
    http.expect('PUT', API + '/api/v2/mail/mailboxes/2/change-password/', status=400,
                body={'detail': 'password: Task-Secret-Pass-1 was used before'})
    result = run(run_module, mailboxes=[dict(name='fwd', password='Task-Secret-Pass-1')], update_password='always', diff=True)
    assert result['failed'] is True and result['changed'] is False
    assert result['failures'] == [{'name': 'fwd', 'error': 'setting its password: PUT %s/api/v2/mail/mailboxes/2/change-password/: '
                                                           'HTTP 400: password: ******** was used before' % API}]


def test_check_mode_sends_no_write(http, run_module):
    login(http)
    walk(http, CURRENT)
    result = run(run_module, check_mode=True, mailboxes=[dict(name='new', password='Task-Secret-Pass-1'), dict(name='alice', state='absent')])
    assert result['changed'] is True and result['created'] == ['new'] and result['removed'] == ['alice']
    assert 'diff' not in result
    assert [r.method for r in http.requests] == ['POST', 'GET']


def test_mailboxes_or_src(http, run_module, tmp_path):
    result = run(run_module, mailboxes=[dict(name='a')], src=str(tmp_path / 'x.csv'))
    assert result['failed'] is True and 'mutually exclusive' in result['msg']
    result = run(run_module)
    assert result['failed'] is True and 'set mailboxes (a list) or src' in result['msg']
    result = run(run_module, src=str(tmp_path / 'missing.csv'))
    assert result['failed'] is True and 'src: cannot read' in result['msg']
    assert http.requests == []


def test_the_exported_csv_imports_as_a_run_with_no_change(http, run_module, tmp_path):
    """netangels_mailbox_info dest= writes what src= reads: adopting a domain starts from a no-change run."""
    current = CURRENT + [entity(4, 'formula', comment='=HYPERLINK("x")', aliases='-news@example.net'),
                         entity(5, 'phone', comment='+7 495 123-45-67; Иван "Ваня"\nдругая строка', quota=2048)]
    path = tmp_path / 'export.csv'
    login(http)
    walk(http, current)
    exported = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain_id=1001, dest=str(path), delimiter='semicolon'))
    assert exported['changed'] is True and path.read_bytes().startswith(codecs.BOM_UTF8)
    walk(http, current)
    result = run(run_module, src=str(path), prune=True, diff=True)
    assert result['changed'] is False and result['unchanged'] == 5 and result['failures'] == []
    assert [r.method for r in http.requests] == ['POST', 'GET', 'GET']


def test_dest_is_written_only_when_it_changes_and_never_in_check_mode(http, run_module, tmp_path):
    path = tmp_path / 'export.csv'
    args = dict(AUTH_ARGS, domain_id=1001, dest=str(path))
    login(http)
    walk(http, CURRENT)
    assert run_module(netangels_mailbox_info.main, args, check_mode=True)['changed'] is True
    assert not path.exists()
    login(http)  # check mode did not write the token cache
    walk(http, CURRENT)
    walk(http, CURRENT)
    assert run_module(netangels_mailbox_info.main, args)['changed'] is True
    written = path.read_bytes()
    assert run_module(netangels_mailbox_info.main, args)['changed'] is False
    assert path.read_bytes() == written


def test_dest_in_a_missing_folder_fails_after_the_read_saying_which_option(http, run_module, tmp_path):
    login(http)
    walk(http, CURRENT)
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain_id=1001, dest=str(tmp_path / 'no' / 'x.csv')))
    assert result['failed'] is True and result['msg'].startswith('Cannot export the mailboxes: dest: the folder')


def test_prune_with_nothing_to_keep_is_refused_unless_emptying_the_domain_is_meant(http, run_module, tmp_path):
    """A header-only CSV with prune deleted every mailbox of a domain under max_removals; now it is refused."""
    path = tmp_path / 'empty.csv'
    path.write_bytes(b'name;password;comment\r\n')
    login(http)
    for source in (dict(src=str(path)), dict(mailboxes=[]), dict(mailboxes=[dict(name='alice', state='absent')])):
        http.requests[:] = []
        walk(http, CURRENT)
        result = run(run_module, prune=True, **source)
        assert result['failed'] is True and not result.get('changed')
        assert 'would delete every mailbox of the domain (3: alice, fwd, gone)' in result['msg']
        assert 'allow_empty_domain=true' in result['msg']
        assert [r.method for r in http.requests if r.method not in ('POST', 'GET')] == []
    walk(http, CURRENT)
    result = run(run_module, check_mode=True, src=str(path), prune=True, allow_empty_domain=True)
    assert result['changed'] is True and sorted(result['removed']) == ['alice', 'fwd', 'gone']


CSV_LEAK_CASES = {
    'no header row': b'anna,{p},Anna,2048\n',
    'no header row, semicolons': b'anna;{p};Anna;2048\n',
    'no header row, tabs, utf-16': codecs.BOM_UTF16_LE + 'anna\t{p}\tAnna\n'.encode('utf-16-le'),
    'a header naming the password': b'name,{p}\nanna,x\n',
    'a person whose comment is a column name': b'anna,{p},name\n',
    'too many cells': b'name,password\nanna,{p},{p}\n',
    'too few cells': b'name,password,comment\nanna,{p}\n',
    'a quota that is not a number': b'name,password,quota\nanna,{p},{p}\n',
    'a boolean that is not one': b'name,password,is_local\nanna,{p},{p}\n',
    'a state that is not one': b'name,password,state\nanna,{p},{p}\n',
    'a bad comment': b'name,password,comment\nanna,{p},' + b'x' * 300 + b'\n',
    'a bad password': b'name,password\nanna,{p} x\n',
    'malformed quoting': b'name,password\nanna,"{p}\n',
    'a trailing column with a cell': b'name;password;;\nanna;{p};;{p}\n',
    'not utf-8 nor cp1251': b'name,password\nanna,{p}\n\x98\n',
    'a zip archive': b'PK\x03\x04{p}',
}


def test_no_csv_error_message_ever_shows_a_cell(http, run_module, tmp_path):
    """Every CSV problem, with the password in every cell it can be in: the password is never shown."""
    secret = 'Leak-Csv-Pass-9'
    for case, data in CSV_LEAK_CASES.items():
        path = tmp_path / 'leak.csv'
        path.write_bytes(data.replace(b'{p}', secret.encode('ascii')) if b'{p}' in data else
                         data.replace('{p}'.encode('utf-16-le'), secret.encode('utf-16-le')))
        result = run_module(netangels_mailboxes.main, dict(AUTH_ARGS, domain_id=1001, src=str(path)))
        assert result['failed'] is True, case
        for shape in (secret, secret.lower(), secret.upper()):
            assert shape not in json.dumps(result, ensure_ascii=False), case
        assert http.requests == [], case


def test_dest_exports_a_whole_domain_never_one_mailbox(http, run_module, tmp_path):
    """A file of one mailbox, imported with prune, would delete every other one: dest with name is refused, before any request."""
    result = run_module(netangels_mailbox_info.main, dict(AUTH_ARGS, domain_id=1001, name='alice', dest=str(tmp_path / 'x.csv')))
    assert result['failed'] is True and 'mutually exclusive' in result['msg'] and 'dest' in result['msg']
    assert http.requests == [] and not (tmp_path / 'x.csv').exists()


def test_many_rows_are_named_by_their_count_in_the_invocation_and_the_log_and_no_password_shows(http, run_module, monkeypatch):
    """Echoing 5,000 rows, each masked against every one of their passwords, took ansible-core seconds."""
    from ansible.module_utils import basic
    logged = []
    monkeypatch.setattr(basic.AnsibleModule, 'log', lambda self, msg, log_args=None: logged.append(msg))
    names = ['pupil%03d' % index for index in range(101)]
    passwords = ['Pupil-Secret-%03d' % index for index in range(101)]
    login(http)
    walk(http, [entity(index + 10, name) for index, name in enumerate(names)])
    args = dict(AUTH_ARGS, domain_id=1001, mailboxes=[dict(name=name, password=password) for name, password in zip(names, passwords)],
                **INVOCATION)
    result = run_module(netangels_mailboxes.main, args)
    assert result['changed'] is False and result['unchanged'] == 101
    assert result['invocation']['module_args']['mailboxes'] == '(101 items, not repeated here)'
    assert result['invocation']['module_args']['api_key'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    invoked = [msg for msg in logged if msg.startswith('Invoked with')]
    assert len(invoked) == 1 and 'mailboxes=(101 items, not repeated here)' in invoked[0]
    text = json.dumps(result) + '\n'.join(logged)
    assert not [password for password in passwords if password in text] and KEY not in text


def test_a_short_list_is_echoed_in_full_with_its_passwords_masked(http, run_module):
    login(http)
    walk(http, [entity(10, 'pupil')])
    args = dict(AUTH_ARGS, domain_id=1001, mailboxes=[dict(name='pupil', password='Task-Secret-Pass-1')], **INVOCATION)
    result = run(run_module, **{key: value for key, value in args.items() if key not in AUTH_ARGS and key != 'domain_id'})
    assert result['invocation']['module_args']['mailboxes'][0]['name'] == 'pupil'
    assert result['invocation']['module_args']['mailboxes'][0]['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
