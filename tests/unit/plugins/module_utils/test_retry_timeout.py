# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``retry_timeout`` option (issue 18 C4): both vendors, an environment fallback each, checked values."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.hosted_mail.plugins.module_utils import _http
from ansible_collections.mailops.hosted_mail.plugins.module_utils._module import specs


@pytest.mark.parametrize('spec, env', [(specs.netangels_argument_spec, 'NETANGELS_RETRY_TIMEOUT'),
                                       (specs.yandex360_argument_spec, 'YANDEX360_RETRY_TIMEOUT')])
def test_each_vendor_has_retry_timeout_with_its_environment_fallback(spec, env):
    option = spec()['retry_timeout']
    assert option['type'] == 'float' and option['default'] == _http.DEFAULT_RETRY_TIMEOUT == 120
    assert option['fallback'][1] == [env]


@pytest.mark.parametrize('value', [0, -1, float('inf'), float('nan')])
def test_a_retry_timeout_that_is_not_above_zero_is_refused_before_any_request(value):
    assert specs.option_problems(dict(retry_timeout=value)) == [
        'retry_timeout must be a number of seconds above 0, got %s' % value]


def test_the_transport_gets_the_bound():
    assert _http.Transport(retry_timeout=5).retry_timeout == 5.0
