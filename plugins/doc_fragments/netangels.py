# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # NetAngels authentication and connection options, shared by every netangels_* module.
    DOCUMENTATION = r'''
options:
  api_key:
    description:
      - NetAngels API key, from the control panel's API section.
      - Exchanged for a short-lived token at O(auth_url); when that token expires during a run, the key is exchanged
        again once and the call repeated.
      - If not set, the environment variable E(NETANGELS_API_KEY) is used.
      - One of O(api_key) and O(api_token) is required.
    type: str
  api_token:
    description:
      - A ready NetAngels API token, used instead of exchanging O(api_key).
      - A token cannot be renewed by the module; a run fails clearly when it has expired.
      - If not set, the environment variable E(NETANGELS_API_TOKEN) is used.
    type: str
  api_url:
    description:
      - Base URL of the NetAngels API.
      - If not set, the environment variable E(NETANGELS_API_URL) is used.
    type: str
    default: https://api-ms.netangels.ru
  auth_url:
    description:
      - URL of the NetAngels token gateway that exchanges O(api_key) for a token.
      - If not set, the environment variable E(NETANGELS_AUTH_URL) is used.
    type: str
    default: https://panel.netangels.ru/api/gateway/token/
notes:
  - Secrets (O(api_key), O(api_token) and the exchanged token) are never logged, returned or shown in error messages.
  - All modules of this vendor belong to the action group C(mailops.hosted_mail.netangels), so the options above can be set
    once with C(module_defaults).
'''

    ACTIONGROUP = r'''
attributes:
  action_group:
    description: Use C(group/mailops.hosted_mail.netangels) in C(module_defaults) to set the options above for every NetAngels module.
    support: full
    membership:
      - mailops.hosted_mail.netangels
'''
