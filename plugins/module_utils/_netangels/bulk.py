# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The logic of ``netangels_mailboxes``: thousands of mailboxes of one domain in one task.

A planner over one page-walk, in four steps:

1. validate every row (from ``mailboxes`` or the ``src`` CSV file) with the single-mailbox
   module's own validators, before any request; every problem is reported at once, each with its
   row (CSV line number or list index) and mailbox name;
2. read the domain once (``ceil(N/100)`` requests) and plan: what to create, which existing
   mailbox needs which writes (only the fields that differ), what to delete; refusals that depend
   on the current state and the ``max_removals`` guard are decided here, before any write;
3. create the missing mailboxes through batch-create, in uploads of at most
   ``BATCH_CREATE_LIMIT`` rows. An upload whose answer is lost or fails is never resent blindly:
   the domain is read again, and only the mailboxes still missing go into the next upload;
4. every other write (the fields an upload cannot set, passwords, disable, delete) runs per
   mailbox, with the single-mailbox module's writers and sequence (:func:`._netangels.mailbox.converge`),
   in ``concurrency`` threads. A mailbox that fails does not stop the others.

Check mode runs steps 1, 2 and the same per-mailbox sequence through a :class:`CheckWriter`, so it
predicts exactly the lists a real run reports, and sends no write.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, NamedTuple, cast

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._http import ApiError, RateLimitError, RequestError
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import (
    BATCH_CREATE_LIMIT, AlreadyThere, batch_csv, batch_error_line, says_already)
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.credentials import Credentials
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailbox import (
    PASSWORD_NOTE, CheckWriter, LiveWriter, converge, state_refusal)
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.mailboxes_csv import read_mailboxes_csv
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.rules import is_disabled, parse_aliases
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.spec import MailboxSpec, parse_mailbox
from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.target import resolve_target
from ansible_collections.mailops.hosted_mail.plugins.module_utils._writes import BATCH_UPLOAD

if TYPE_CHECKING:
    from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient

MAX_CONCURRENCY = 16
MAX_FAILED_UPLOADS = BATCH_UPLOAD.rounds
"""Uploads of one batch that may fail in a row (each followed by a read of the domain) before its
mailboxes are reported as failed (:mod:`._writes`)."""

DIFF_FIELDS = ('comment', 'quota', 'is_local', 'aliases', 'state')
MAX_LISTED = 20
"""Names listed in a message before it says "and N more"."""


def _names(names: Iterable[str]) -> str:
    names = list(names)
    shown = ', '.join(names[:MAX_LISTED])
    return shown + (' and %d more' % (len(names) - MAX_LISTED) if len(names) > MAX_LISTED else '')


def _problems(problems: list[str], intro: str) -> str:
    return '%s (%d problem%s; nothing was changed): %s' % (intro, len(problems), '' if len(problems) == 1 else 's', ' | '.join(problems))


# -- 1. the rows ----------------------------------------------------------------------------

def entries(params: Mapping[str, Any], register_secret: Callable[[str], None]) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """The raw rows, as ``[(label, cells), ...]``, and the problems of the CSV file's layout.

    Every password is handed to ``register_secret`` before anything else looks at the rows.
    """
    if params.get('src') is not None:
        rows, problems = read_mailboxes_csv(params['src'], params.get('encoding') or 'auto')
        result = [('line %d' % line, cells) for line, cells in rows]
    else:
        problems = []
        result = [('mailboxes[%d]' % index, dict((k, v) for k, v in (entry or {}).items() if v is not None))
                  for index, entry in enumerate(params.get('mailboxes') or [])]
    for dummy, cells in result:
        if cells.get('password') is not None:
            register_secret(str(cells['password']))
    return result, problems


def validate_rows(raw_rows: list[tuple[str, dict[str, Any]]], params: Mapping[str, Any],
                  problems: list[str] | None = None) -> list[MailboxSpec]:
    """Validate every row; return their :class:`MailboxSpec` or raise InputError naming every problem.

    Each row goes through the one mailbox parser (:func:`._netangels.spec.parse_mailbox`), which
    ``netangels_mailbox`` uses too. A name given twice is a problem too.
    """
    problems = list(problems or [])
    rows: list[MailboxSpec] = []
    seen: dict[str, str] = {}
    for label, cells in raw_rows:
        name = str(cells.get('name') or '').strip()
        where = '%s (%s)' % (label, name) if name else label
        if not name:
            problems.append('%s: the mailbox name is missing' % where)
            continue
        local = name.split('@', 1)[0]
        if local in seen:
            problems.append('%s: %s is listed twice (also %s)' % (where, local, seen[local]))
            continue
        seen[local] = label
        try:
            rows.append(parse_mailbox(dict(cells, cleanup=False), params.get('domain'), params.get('domain_id'),
                                      params.get('update_password'), label=label, in_list=True))
        except InputError as exc:
            problems.append('%s: %s' % (where, exc))
    if problems:
        raise InputError(_problems(problems, 'The mailboxes are not valid'))
    return rows


def check_options(params: Mapping[str, Any]) -> None:
    """The task's own options (not the rows'); InputError."""
    if params.get('mailboxes') is None and params.get('src') is None:
        raise InputError('say which mailboxes: set mailboxes (a list) or src (the path of a CSV file)')
    if not 1 <= params['concurrency'] <= MAX_CONCURRENCY:
        raise InputError('concurrency must be from 1 to %d, not %d' % (MAX_CONCURRENCY, params['concurrency']))
    if params['max_removals'] < 0:
        raise InputError('max_removals must be 0 or more, not %d' % params['max_removals'])


# -- 2. the plan ----------------------------------------------------------------------------

class Plan(object):
    """What a run does: creates (rows), jobs (row, current) on existing mailboxes, removals."""

    def __init__(self) -> None:
        self.creates: list[MailboxSpec] = []
        self.updates: list[tuple[MailboxSpec, dict[str, Any]]] = []
        self.removals: list[dict[str, Any]] = []
        self.unchanged = 0


def _needs_writes(current: dict[str, Any], row: MailboxSpec) -> bool:
    """Whether ``row`` needs any write on the existing mailbox ``current``."""
    writer = CheckWriter()
    converge(writer, current, row.desired, row.state, row.password, row.update_password)
    return bool(writer.steps)


def make_plan(rows: list[MailboxSpec], current: list[dict[str, Any]], params: Mapping[str, Any], domain_id: int) -> Plan:
    """Compare the rows with the domain's mailboxes; InputError for every refusal, before any write."""
    by_name = dict((mailbox['name'], mailbox) for mailbox in current)
    plan, problems = Plan(), []
    for row in rows:
        where = '%s (%s)' % (row.label, row.name)
        mailbox = by_name.get(row.name)
        if row.domain_id is not None and str(row.domain_id) != str(domain_id):
            problems.append('%s: its domain_id %s is not the domain of this task (%s)' % (where, row.domain_id, domain_id))
            continue
        if row.state == 'absent':
            if mailbox is None:
                plan.unchanged += 1
            else:
                plan.removals.append(mailbox)
            continue
        if mailbox is None and row.password is None and not params.get('credentials_dir'):
            problems.append('%s: it does not exist, and creating a mailbox needs a password' % where)
            continue
        why = state_refusal(mailbox, row.desired, row.state)
        if why:
            problems.append('%s: %s' % (where, why))
        elif mailbox is None:
            plan.creates.append(row)
        elif _needs_writes(mailbox, row):
            plan.updates.append((row, mailbox))
        else:
            plan.unchanged += 1
    if params['prune']:
        wanted = [row for row in rows if row.state != 'absent']
        if current and not wanted and not params.get('allow_empty_domain'):
            raise InputError('prune with %s would delete every mailbox of the domain (%d: %s); nothing was changed. '
                             'Check the list (an empty or header-only CSV file?), or set allow_empty_domain=true if emptying '
                             'the domain is really meant' % ('only absent rows' if rows else 'no mailbox listed', len(current),
                                                             _names(m['name'] for m in current)))
        listed = set(row.name for row in rows)
        plan.removals.extend(mailbox for mailbox in current if mailbox['name'] not in listed)
    if problems:
        raise InputError(_problems(problems, 'Some mailboxes cannot be brought to the state asked for'))
    if len(plan.removals) > params['max_removals']:
        raise InputError('this run would delete %d mailboxes (%s), more than max_removals=%d allows; nothing was changed. '
                         'Check the list (a truncated CSV file?), or raise max_removals' % (
                             len(plan.removals), _names(m['name'] for m in plan.removals), params['max_removals']))
    return plan


# -- 3 and 4. applying it -------------------------------------------------------------------

class Outcome(object):
    """What happened, per mailbox; becomes the module's result."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self.updated: list[str] = []
        self.removed: list[str] = []
        self.disabled: list[str] = []
        self.failures: list[dict[str, str]] = []
        self.maybe_written = False
        self.before: dict[str, dict[str, Any]] = {}
        self.after: dict[str, dict[str, Any]] = {}

    def fail(self, row_or_name: MailboxSpec | str, message: str, may_have_written: bool = False) -> None:
        name = row_or_name if isinstance(row_or_name, str) else row_or_name.name
        self.failures.append(dict(name=name, error=message))
        self.maybe_written = self.maybe_written or may_have_written

    def diff(self, name: str, before: dict[str, Any] | None, after: dict[str, Any] | None, password_sent: bool = False) -> None:
        """Note a mailbox's diff: every field of one created or removed, else only the fields that changed."""
        old, new = _fields(before), _fields(after)
        if before is not None and after is not None:
            changed = set(key for key in set(old) | set(new) if old.get(key) != new.get(key))
            old = dict((key, value) for key, value in old.items() if key in changed)
            new = dict((key, value) for key, value in new.items() if key in changed)
        if password_sent:
            new['password'] = PASSWORD_NOTE
        if before is not None:
            self.before[name] = old
        if after is not None:
            self.after[name] = new

    def result(self, unchanged: int) -> dict[str, Any]:
        changed = bool(self.created or self.updated or self.removed or self.disabled or self.maybe_written)
        return dict(changed=changed, created=self.created, updated=self.updated, removed=self.removed, disabled=self.disabled,
                    unchanged=unchanged, failures=self.failures, diff=dict(before=self.before, after=self.after))


def _fields(mailbox: dict[str, Any] | None, leave_out: str | None = None) -> dict[str, Any]:
    """The fields of a mailbox that a diff shows (aliases sorted, lower case)."""
    if mailbox is None:
        return {}
    fields = dict((key, mailbox[key]) for key in DIFF_FIELDS if mailbox.get(key) is not None and key != leave_out)
    if 'aliases' in fields:
        fields['aliases'] = sorted(a.lower() for a in parse_aliases(fields['aliases']))
    return fields


def _may_have_written(error: ApiError) -> bool:
    """Whether a failed write may still have happened (no answer, or a server error)."""
    return error.status is None or error.status >= 500


def create_in_batches(client: NetAngelsClient, domain_id: int, rows: list[MailboxSpec], outcome: Outcome
                      ) -> tuple[list[tuple[MailboxSpec, dict[str, Any]]], list[MailboxSpec], list[tuple[MailboxSpec, dict[str, Any]]]]:
    """Create ``rows`` through batch-create; return the created ``[(row, mailbox)]``, the rows to create
    one by one, and ``[(row, mailbox)]`` of those another writer created meanwhile.

    An upload whose answer is lost or fails (no answer, 5xx, 429 after retries, an answer that is
    not JSON) is never resent as is: the domain is read again, the rows that now exist count as
    created, and only the missing ones go into the next upload. A 400 that names a line refuses
    that row (nothing is created, an assumption). When the refusal says the row's mailbox
    already exists (another run of the same file at the same time), the domain is read: every
    pending row whose mailbox now exists is done, not failed (it is then handled as an existing
    mailbox, and is not reported as created by this run); the refused row fails only when its
    mailbox is still missing. The others are uploaded again. Rows that an answered upload did not
    create (a vendor that creates what it can), and those of a 400 that names no line, are
    returned to be created one by one, each with its own answer.
    """
    created: list[tuple[MailboxSpec, dict[str, Any]]] = []
    singles: list[MailboxSpec] = []
    existing: list[tuple[MailboxSpec, dict[str, Any]]] = []
    pending = list(rows)
    failed_in_a_row = 0
    while pending:
        chunk = pending[:BATCH_CREATE_LIMIT]
        text, lines = batch_csv([dict(name=row.name, password=row.password, comment=row.desired.get('comment')) for row in chunk])
        try:
            answer = client.batch_create(domain_id, text)
        except ApiError as exc:
            line = batch_error_line(exc)
            if line in lines:
                bad = chunk[lines[line]]
                present = {}
                if says_already(exc):
                    try:
                        present = dict((m['name'], m) for m in client.list_mailboxes(domain_id))
                    except ApiError as read_error:
                        exc = exc.prefixed('reading the domain to check the refusal failed (%s)' % read_error.message)
                if bad.name not in present:
                    outcome.fail(bad, 'creating it (batch upload, line %d): %s' % (line, exc.message))
                    pending.remove(bad)
                existing.extend((row, present[row.name]) for row in pending if row.name in present)
                pending = [row for row in pending if row.name not in present]
                continue
            if isinstance(exc, RequestError) and exc.status == 400:
                singles.extend(chunk)
                pending = pending[len(chunk):]
                continue
            if exc.status is not None and 400 <= exc.status < 500 and not isinstance(exc, RateLimitError):
                for row in pending:
                    outcome.fail(row, 'creating it (batch upload): %s' % exc.message)
                return created, singles, existing
            failed_in_a_row += 1
            try:
                present = dict((m['name'], m) for m in client.list_mailboxes(domain_id))
            except ApiError as read_error:
                for row in pending:
                    outcome.fail(row, 'creating it (batch upload): %s; reading the domain to see what it created failed too: %s. '
                                      'Run again to converge' % (exc.message, read_error.message), may_have_written=True)
                return created, singles, existing
            created.extend((row, present[row.name]) for row in chunk if row.name in present)
            missing = [row for row in chunk if row.name not in present]
            pending = pending[len(chunk):]
            if failed_in_a_row < MAX_FAILED_UPLOADS:
                pending = missing + pending
                continue
            for row in missing:
                outcome.fail(row, 'creating it (batch upload, %d attempts): %s' % (failed_in_a_row, exc.message))
            failed_in_a_row = 0
            continue
        failed_in_a_row = 0
        made = dict((mailbox['name'], mailbox) for mailbox in answer)
        created.extend((row, made[row.name]) for row in chunk if row.name in made)
        singles.extend(row for row in chunk if row.name not in made)
        pending = pending[len(chunk):]
    return created, singles, existing


class Job(object):
    """The writes of one mailbox, run by a worker thread.

    ``kind``: ``update`` (an existing mailbox), ``follow`` (one an upload just created: what the
    upload cannot set), ``create`` (one by one, then as ``follow``), ``delete``. ``row``: its
    :class:`MailboxSpec` (None for a delete). ``mailbox``: the mailbox as read (None before a
    create). ``again``: a second attempt after a transient failure, which reads the mailbox first.
    """

    __slots__ = ('kind', 'row', 'mailbox', 'again')

    def __init__(self, kind: str, row: Any, mailbox: Any, again: bool = False) -> None:
        self.kind = kind
        self.row = row
        self.mailbox = mailbox
        self.again = again

    @property
    def name(self) -> str:
        return self.row.name if self.row is not None else self.mailbox['name']


class JobResult(NamedTuple):
    """What one job did: the job, the writes the API confirmed, the mailbox after it, and its error.

    ``mailbox`` is None for a create that failed, or after a delete; False after a delete that
    another writer had made first (a 404, not a change of this run).
    """

    job: Job
    done: list[str]
    mailbox: Any
    error: ApiError | None


def _refresh(client: NetAngelsClient, job: Job, domain_id: int) -> dict[str, Any] | None:
    """Before a second attempt: the mailbox as it stands now (None: it does not exist)."""
    if job.kind == 'create':
        return client.find_mailbox(domain_id, job.row.name)
    return client.get_mailbox(job.mailbox['id'])


def run_job(writer: LiveWriter | CheckWriter, job: Job, domain_id: int, params: Mapping[str, Any]) -> tuple[Any, ApiError | None]:
    """Apply one job through ``writer``; return ``(mailbox after, error or None)``.

    The mailbox after a delete is None, or False when another writer had deleted it first.

    ``writer.steps`` lists the writes sent; with an error, the last one is the write that failed.
    """
    mailbox = job.mailbox
    try:
        if job.again:
            fresh = _refresh(cast('LiveWriter', writer).client, job, domain_id)
            if job.kind == 'delete' and fresh is None:
                return None, None  # the first attempt deleted it
            if job.kind in ('update', 'follow') and fresh is None:
                return mailbox, ApiError('it was deleted by someone else during the run', status=404)
            mailbox = fresh
        if job.kind == 'delete':
            # False: another writer had deleted it first (a 404), which is not a change of this run
            return (False if writer.delete(mailbox) is False else None), None
        if job.kind == 'create' and mailbox is None:
            mailbox = writer.create(domain_id, job.row.name, job.row.password, job.row.desired.get('comment'))
            if isinstance(mailbox, AlreadyThere):  # another writer created it first: an existing mailbox now
                job.kind, job.mailbox = 'update', mailbox
        mailbox, dummy = converge(writer, mailbox, job.row.desired, job.row.state, job.row.password,
                                  job.row.update_password, password_sent=job.kind != 'update')
        return mailbox, None
    except ApiError as exc:
        return mailbox, exc


def run_jobs(client: NetAngelsClient, jobs: list[Job], domain_id: int, params: Mapping[str, Any], check_mode: bool) -> list[JobResult]:
    """Run every job (``concurrency`` at a time); return their :class:`JobResult` in job order."""
    def work(job: Job) -> JobResult:
        writer = CheckWriter() if check_mode else LiveWriter(client)
        mailbox, error = run_job(writer, job, domain_id, params)
        return JobResult(job, writer.steps[:-1] if error is not None and writer.steps else writer.steps, mailbox, error)

    if check_mode or params['concurrency'] == 1 or len(jobs) < 2:
        return [work(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=params['concurrency']) as pool:
        return list(pool.map(work, jobs))


def _transient(error: ApiError) -> bool:
    """Whether a failure may pass: no answer, a server error, or 429 after every retry."""
    return error.status is None or error.status >= 500 or error.status == 429


def run_with_second_attempt(client: NetAngelsClient, jobs: list[Job], domain_id: int, params: Mapping[str, Any],
                            check_mode: bool) -> list[JobResult]:
    """:func:`run_jobs`, then once more for the jobs that failed transiently, each reading its mailbox first.

    A write is repeated only after that read shows what is still missing, so a lost answer never
    makes a duplicate. The writes of both attempts are reported together.
    """
    results = run_jobs(client, jobs, domain_id, params, check_mode)
    again = [index for index, result in enumerate(results) if result.error is not None and _transient(result.error)]
    if again and not check_mode:
        second = run_jobs(client, [Job(results[i].job.kind, results[i].job.row, results[i].mailbox or results[i].job.mailbox, again=True)
                                   for i in again], domain_id, params, check_mode)
        for index, retried in zip(again, second):
            first = results[index]
            results[index] = JobResult(first.job, first.done + retried.done,
                                       retried.mailbox if retried.mailbox is not None or first.job.kind == 'delete' else first.mailbox,
                                       retried.error)
    return results


def account(outcome: Outcome, results: list[JobResult]) -> None:
    """Turn the jobs' results into the outcome's lists, diff and failures."""
    for result in results:
        job, done, mailbox, error = result.job, result.done, result.mailbox, result.error
        if error is not None:
            outcome.fail(job.name, error.message, may_have_written=bool(done) or _may_have_written(error))
        if job.kind == 'delete':
            if error is None and mailbox is not False:  # False: another writer had deleted it first
                outcome.removed.append(job.name)
                outcome.before[job.name] = _fields(job.mailbox)
            continue
        if mailbox is None:
            continue  # a create that failed
        created = job.kind != 'update'
        before = None if created else job.mailbox
        password_sent = created or any('password' in step for step in done)
        if created:
            outcome.created.append(job.name)
        elif password_sent or _fields(before, 'state') != _fields(mailbox, 'state'):
            outcome.updated.append(job.name)
        if is_disabled(mailbox) and not is_disabled(before):
            outcome.disabled.append(job.name)
        outcome.diff(job.name, before, mailbox, password_sent=password_sent)


def manage_mailboxes(client: NetAngelsClient, params: Mapping[str, Any], check_mode: bool = False) -> dict[str, Any]:
    """Bring the mailboxes of one domain to the rows' state; return the module's result.

    Raises InputError (bad input, a refusal, the removal guard) or the transport's ``ApiError``
    (reading the domain) before any write. Failures of single mailboxes are not raised: they are
    listed in the result's ``failures``, the other mailboxes still applied.
    """
    check_options(params)
    # Every password (given, read from the CSV, or generated) is registered once, with the transport,
    # whose store is the module's no_log_values: it is then masked in results, errors and warnings.
    secret = client.transport.add_secret
    raw_rows, problems = entries(params, secret)
    rows = validate_rows(raw_rows, params, problems)
    target = resolve_target(client, None, params.get('domain'), params.get('domain_id'))
    plan = make_plan(rows, client.list_mailboxes(target.domain_id, workers=params['concurrency']), params, target.domain_id)

    generated = [row for row in plan.creates if row.password is None]
    credentials = None
    if params.get('credentials_dir'):
        credentials = Credentials(params['credentials_dir'], target.domain, params['password_length'], check_mode)
        credentials.check(row.name for row in generated)
        given = dict((row.name, row) for row in credentials.generate(generated, secret))
        plan.creates = [given.get(row.name, row) for row in plan.creates]

    outcome = Outcome()
    jobs = [Job('update', row, mailbox) for row, mailbox in plan.updates] + [Job('delete', None, mailbox) for mailbox in plan.removals]
    if check_mode:
        jobs = [Job('create', row, None) for row in plan.creates] + jobs
    elif plan.creates:
        created, singles, existing = create_in_batches(client, target.domain_id, plan.creates, outcome)
        jobs = [Job('follow', row, mailbox) for row, mailbox in created] + [Job('create', row, None) for row in singles] + \
            [Job('update', row, mailbox) for row, mailbox in existing] + jobs
    account(outcome, run_with_second_attempt(client, jobs, target.domain_id, params, check_mode))
    result = outcome.result(plan.unchanged)
    result['domain_id'] = target.domain_id
    if credentials is not None:
        result['credentials_files'] = credentials.created(result['created'])
    return result


def failure_message(result: Mapping[str, Any]) -> str:
    """The task's message when some mailboxes failed."""
    failures = result['failures']
    shown = ' | '.join('%s: %s' % (failure['name'], failure['error']) for failure in failures[:MAX_LISTED])
    more = ' | and %d more (see failures)' % (len(failures) - MAX_LISTED) if len(failures) > MAX_LISTED else ''
    return ('%d mailbox%s failed; the others were applied (run again to retry): %s%s'
            % (len(failures), '' if len(failures) == 1 else 'es', shown, more))
