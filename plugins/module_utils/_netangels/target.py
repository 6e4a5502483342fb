# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""Which domain (and mailbox) a task means: parsed before any request, resolved with one read."""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING

from ansible_collections.mailops.hosted_mail.plugins.module_utils._errors import InputError

if TYPE_CHECKING:
    from ansible_collections.mailops.hosted_mail.plugins.module_utils._netangels.client import NetAngelsClient

MailboxTarget = namedtuple('MailboxTarget', ['name', 'domain', 'domain_id'])


def parse_target(name: str | None = None, domain: str | None = None, domain_id: int | None = None) -> MailboxTarget:
    """Work out which domain (and mailbox) a task means, before any request.

    ``name`` is a local part (``alice``) or a full address (``alice@example.com``, which implies
    the domain). Exactly one of ``domain`` and ``domain_id`` is needed unless the address gives
    it; a full address whose domain contradicts ``domain`` is an error. With a full address and
    ``domain_id`` the target keeps both, and :func:`resolve_target` checks that they agree.
    Raises InputError.
    """
    if domain is not None and domain_id is not None:
        raise InputError('Set either domain or domain_id, not both.')
    if domain is not None:
        domain = domain.lower().rstrip('.')
    if name is not None and '@' in name:
        local, address_domain = name.rsplit('@', 1)
        if not local or not address_domain:
            raise InputError('"%s" is not a mailbox address: expected alice or alice@example.com.' % name)
        if domain and domain != address_domain.lower():
            raise InputError('The address %s is not in the domain given as domain (%s).' % (name, domain))
        domain = address_domain.lower()
        name = local
    if domain is None and domain_id is None:
        raise InputError('Say which mail domain: set domain (a name such as example.com) or domain_id, '
                         'or give the mailbox as a full address.')
    return MailboxTarget(name, domain, domain_id)


def resolve_target(client: NetAngelsClient, name: str | None = None, domain: str | None = None,
                   domain_id: int | None = None) -> MailboxTarget:
    """:func:`parse_target`, then the target's domain ID, known to agree with its domain name.

    A domain name (given, or the domain of a full address) costs one read of the domain list: it
    maps the name to its ID, or, when ``domain_id`` is given too, proves that the two agree (a
    contradiction is an InputError naming both, raised before any write). A local part with
    ``domain_id`` costs no request.
    """
    target = parse_target(name, domain, domain_id)
    if target.domain is None:
        return target
    if target.domain_id is None:
        return target._replace(domain_id=client.domain_id(target.domain))
    names = dict((int(entry['id']), str(entry.get('name', '')).lower()) for entry in client.list_domains())
    if names.get(int(target.domain_id)) != target.domain:
        actual = 'is the mail domain %s' % names[int(target.domain_id)] if int(target.domain_id) in names \
            else 'is not a mail domain of this NetAngels account'
        raise InputError('The mailbox %s@%s is in the domain %s, but domain_id %s %s: give the ID of %s, '
                         'or leave domain_id out.' % (target.name, target.domain, target.domain, target.domain_id, actual,
                                                      target.domain))
    return target
