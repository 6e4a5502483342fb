# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # HTTP connection options every module shares (the argument spec is _module._connection_spec).
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
        is created twice.
    type: float
    default: 30
requirements:
  - requests
'''
