# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # Attributes every module of the collection declares; support levels are set per module.
    DOCUMENTATION = r'''
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
