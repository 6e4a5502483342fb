# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to the collection: not a public API, may change without notice.

"""The collection's own name and version, sent in the User-Agent (kept equal to galaxy.yml by a unit test)."""

from __future__ import annotations

COLLECTION_NAME = 'mailops.hosted_mail'
COLLECTION_VERSION = '0.2.0'
