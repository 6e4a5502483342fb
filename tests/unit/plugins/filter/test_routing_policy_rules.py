# -*- coding: utf-8 -*-
# Copyright (c) mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The policy-to-rules translation: sender patterns that can never match are refused (issue 16,
defect 8), and the rules come out in the documented order."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.hosted_mail.plugins.filter.routing_policy_rules import routing_policy_rules
from ansible_collections.mailops.hosted_mail.plugins.module_utils._yandex360.rules import parse_rules


def test_the_policy_in_order_and_accepted_by_the_module():
    raw = dict(condition={'subject': {'$contains': 'invoice'}}, actions=[dict(action='forward', email='acc@example.com')])
    forwards = [dict(to='anna@example.com', forward_to='boss@example.com', direction='both')]
    rules = routing_policy_rules(['offers@spam.example', ' @junk.example '], forwards=forwards, archive_to='archive@example.com', rules=[raw])
    assert rules[0] == {'condition': {'address:from': 'offers@spam.example'}, 'actions': [{'action': 'drop'}], 'terminal': True}
    assert rules[1]['condition'] == {'address:from': {'$contains': '@junk.example'}}
    assert [rule.get('direction') for rule in rules[2:6]] == ['inbound', 'outbound', 'inbound', 'outbound']
    assert rules[2]['condition'] == {'address:tocc': 'anna@example.com'} and rules[3]['condition'] == {'address:from': 'anna@example.com'}
    assert rules[4]['condition'] == {} and rules[-1] == raw
    parse_rules(rules)  # the module accepts every rule (RuleError if not)


def test_a_comma_separated_string_is_a_list():
    assert len(routing_policy_rules('a@spam.example, @b.example')) == 2


@pytest.mark.parametrize('sender', ['*@spam.example', '<offers@spam.example>', 'mailto:news@spam.example', 'News <n@spam.example>',
                                    'spam.example', '@', '@spam', 'a@b@c.example', '?@spam.example', ''])
def test_a_sender_pattern_that_can_never_match_is_refused_saying_which_forms_are_accepted(sender):
    with pytest.raises(AnsibleFilterError) as caught:
        routing_policy_rules([sender])
    assert 'an address (offers@spam.example) or a domain with a leading @ (@spam.example)' in str(caught.value)


def test_bad_forward_addresses_and_directions_are_refused_together():
    with pytest.raises(AnsibleFilterError) as caught:
        routing_policy_rules([], forwards=[dict(to='anna', forward_to='boss@example.com', direction='sideways')], archive_to='archive')
    message = str(caught.value)
    assert 'routing_policy_forwards[0].to' in message and 'direction' in message and 'routing_policy_archive_to' in message


def test_forward_addresses_pass_the_rules_grammar_check_and_keep_their_spelling():
    rules = routing_policy_rules([], forwards=[dict(to=' Anna@Example.com ', forward_to='Boss@Example.com ')])
    assert rules == [{'direction': 'inbound', 'condition': {'address:tocc': 'Anna@Example.com'},
                      'actions': [{'action': 'forward', 'email': 'Boss@Example.com'}]}]
    with pytest.raises(AnsibleFilterError) as caught:
        routing_policy_rules([], forwards=[dict(to='anna@example.com')])
    assert 'routing_policy_forwards[0].forward_to: the address must be a string, got null' in str(caught.value)
