# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # Yandex 360 authentication and connection options, shared by every yandex360_* module.
    DOCUMENTATION = r'''
options:
  oauth_token:
    description:
      - OAuth token of a Yandex 360 application with the scope C(ya360_admin:mail_write_routing_rules) (to change rules)
        or C(ya360_admin:mail_read_routing_rules) (to read them).
      - If not set, the environment variable E(YANDEX360_OAUTH_TOKEN) is used.
    type: str
    required: true
  org_id:
    description:
      - Yandex 360 organisation ID.
      - If not set, the environment variable E(YANDEX360_ORG_ID) is used.
    type: int
    required: true
  api_url:
    description:
      - Base URL of the Yandex 360 admin API.
      - If not set, the environment variable E(YANDEX360_API_URL) is used.
    type: str
    default: https://api360.yandex.net
notes:
  - The OAuth token is never logged, returned or shown in error messages.
  - All modules of this vendor belong to the action group C(mailops.hosted_mail.yandex360), so the options above can be set
    once with C(module_defaults).
'''

    ACTIONGROUP = r'''
attributes:
  action_group:
    description: Use C(group/mailops.hosted_mail.yandex360) in C(module_defaults) to set the options above for every Yandex 360 module.
    support: full
    membership:
      - mailops.hosted_mail.yandex360
'''
