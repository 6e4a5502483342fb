# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Live mode: check the collection's assumptions and run its live-capable tests against the real APIs.

Run it from a collection tree (``.../ansible_collections/mailops/hosted_mail``) with a Python that has
ansible-core: ``make test-live`` (the nox session ``live``) makes both. Credentials come from the environment, one pair per vendor; a vendor whose
pair is unset is skipped with one line:

- NetAngels: ``NETANGELS_LIVE_API_KEY`` and ``NETANGELS_LIVE_DOMAIN`` (a mail domain of the account);
  optional ``NETANGELS_LIVE_API_URL``, ``NETANGELS_LIVE_AUTH_URL`` (default: the real vendor URLs).
- Yandex 360: ``YANDEX360_LIVE_OAUTH_TOKEN`` and ``YANDEX360_LIVE_ORG_ID``; optional
  ``YANDEX360_LIVE_API_URL``. By default every routing rule of the organisation stays in force (test
  rules are only added next to them); ``YANDEX360_LIVE_REPLACE_RULES=1`` also runs the
  ``LIST_REPLACING_TARGETS``, which replace the whole list for about a minute (a test organisation).

Safety, in one place (``Guard``): every request, the probes' and the modules', goes through a small
reverse proxy on loopback that counts them and refuses (403, the run then fails) any write that is
not one of: the key exchange; creating a mailbox whose name starts with ``PREFIX`` in the named
domain (one by one or by batch-create); a change to a mailbox already seen to be such a mailbox;
a PUT of the named organisation's routing rules after they were saved. It also refuses everything
past ``--max-requests`` or ``--max-minutes``. ``netangels_mailboxes`` never prunes in live mode.

A run: refuse to start when the domain holds mailboxes named ``PREFIX...`` or the organisation holds
rules that look like test rules (they name ``PREFIX`` or an RFC 2606 example domain) or a saved
rule list from an unfinished run exists, naming them and ``make test-live-cleanup``
(``--cleanup``, which removes only those); save the organisation's rules (``build/live/``, local
only); run the probes (``PROBES``: one per assumption of ``tests/sandbox/assumptions.py``, or a
reason why not); run the live-capable integration targets (``LIVE_TARGETS``, without ``LIST_REPLACING_TARGETS``
unless opted in; their sandbox-only checks are skipped and counted) and ``tests/live/live.yml`` (the bulk module and the roles);
then, always, delete the ``PREFIX`` mailboxes and put the saved rules back exactly. Last, the
report ``build/live/report.md`` (printed too): per assumption agreed / disagreed (with what the API
answered, redacted) / not exercised, the targets, the skips, the request counts. Exit status: 0
passed, 1 a test failed or an assumption was disagreed, 2 bad usage, 3 refused to start.

``python -m tests.live --self-test`` (the nox session ``live-selftest``, a stage of ``make test``) proves all that against the API sandbox
started without its control interface, as a real server would be. The modules: ``config`` (what may be
touched, bounds, environment), ``guard``, ``client``, ``probes``, ``report``, ``runner``, ``selftest``.
"""
