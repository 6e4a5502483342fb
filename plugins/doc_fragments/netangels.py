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
  token_cache:
    description:
      - Whether to keep the token that O(api_key) is exchanged for in a cache private to the user that runs the module,
        so that later tasks use it instead of exchanging the key again. A task that only reads then costs one request
        instead of two.
      - A cached token is used until the API refuses it; then it is dropped from the cache, the key is exchanged again
        once and the new token is cached.
      - Check mode reads the cache but never writes to it (nor creates its directory).
      - Not used with O(api_token).
      - If not set, the environment variable E(NETANGELS_TOKEN_CACHE) is used.
    type: bool
    default: true
    version_added: 0.2.0
  token_cache_dir:
    description:
      - The directory of the token cache (see O(token_cache)), on the host that runs the module.
      - The default is C(mailops.hosted_mail-tokens-<uid>) in the system's temporary directory (E(TMPDIR), usually
        C(/tmp)), where C(<uid>) is the numeric ID of the user that runs the module.
      - It is created with mode 0700 when missing. When it is a symlink, belongs to another user or can be read by
        others, the cache is not used and the task warns.
      - Each API key and O(auth_url) has one file there, mode 0600, named by a hash of both; the key itself is never
        written.
      - An AWX / Automation Controller job runs in a container of its own, so by default its tasks share a cache that
        ends with the job.
      - If not set, the environment variable E(NETANGELS_TOKEN_CACHE_DIR) is used.
    type: path
    version_added: 0.2.0
notes:
  - Secrets (O(api_key), O(api_token) and the exchanged token) are never logged, returned or shown in error messages.
    The only place an exchanged token is written is the token cache (see O(token_cache)).
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
