# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # What every module of the collection shares: the HTTP connection options (the argument spec
    # is _module/specs.py), the retry bound, the requirements, and the attributes it declares
    # (support levels are set per module).
    DOCUMENTATION = r'''
options:
  validate_certs:
    description:
      - Whether to check the API's TLS certificate. Only turn this off for a test endpoint.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle (PEM file) used to check the API's certificate instead of the system's.
    type: path
  timeout:
    description:
      - Seconds to wait for the connection and for each answer.
      - Failed calls are retried up to 12 times with exponential backoff (at most 5 seconds between tries), honouring
        C(Retry-After) on HTTP 429 and 503, for at most O(retry_timeout) seconds in all. A write whose answer was lost (no answer, HTTP 5xx) is sent again only
        when repeating it is harmless or when reading the object back proves that it did not take effect, so nothing
        is created twice. One write and the reads that prove it send at most 26 requests in all.
    type: float
    default: 30
  retry_timeout:
    description:
      - The most seconds one API call may spend waiting and retrying, from its first attempt to its last answer.
        Each attempt's O(timeout) is cut to the time left, so an API that accepts connections but never answers fails
        within this bound.
      - A C(Retry-After) (HTTP 429 or 503) longer than the time left fails the task at once, saying when the limit
        lifts; one that fits is waited as asked.
      - In M(mailops.hosted_mail.netangels_mailboxes), a 429 that one call gets pauses the other calls too, each within
        the same bound.
      - If not set, the environment variable E(NETANGELS_RETRY_TIMEOUT) (NetAngels modules) or E(YANDEX360_RETRY_TIMEOUT)
        (Yandex 360 modules) is used.
    type: float
    default: 120
    version_added: 0.2.0
requirements:
  - requests
attributes:
  check_mode:
    description: Can run in check mode and return a changed status prediction without modifying anything.
  diff_mode:
    description: Returns details on what has changed (or would change, in check mode) when in diff mode.
  idempotent:
    description:
      - When run twice in a row with the same arguments, the second run reports no change and sends no write.
'''

    # For modules that only read.
    INFO_MODULE = r'''
attributes:
  check_mode:
    support: full
    details: This module only reads, so it runs the same way in check mode.
  diff_mode:
    support: N/A
    details: This module only reads.
  idempotent:
    support: full
'''
