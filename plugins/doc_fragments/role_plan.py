# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # The options the mailbox roles' plan filters share (onboarding_plan, offboarding_plan).
    DOCUMENTATION = r'''
options:
  domain:
    description: The mail domain.
    type: str
    required: true
  mailboxes:
    description: The domain's mailboxes, as M(mailops.hosted_mail.netangels_mailbox_info) returns them.
    type: list
    elements: dict
    required: true
'''
