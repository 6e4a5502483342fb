#!/usr/bin/env python
# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection settings for a running API sandbox, derived from its URL and its seed file.

Subcommands:

``config --url URL --seed SEED --output FILE``
    Write ansible-test's ``tests/integration/integration_config.yml``: the variables
    ``sandbox_url``, ``netangels_api_key``, ``netangels_api_token``, ``yandex360_oauth_token``
    and ``yandex360_org_id`` (the seed's first API key, static token, OAuth token and that
    token's first organisation), and ``live_mode: false`` with the targets' ``test_prefix``
    (``it.``) and ``test_domain`` (``example.com``); ``python -m tests.live`` writes the same file for
    live mode.

``env --url URL --seed SEED``
    Print ``export NAME=value`` lines (shell-quoted) for the modules' environment fallbacks:
    NETANGELS_API_URL, NETANGELS_AUTH_URL, NETANGELS_API_KEY, YANDEX360_API_URL,
    YANDEX360_OAUTH_TOKEN, YANDEX360_ORG_ID.

``issued --url URL --output FILE``
    Save ``GET URL/_sandbox/issued-tokens`` (every token the sandbox issued and every secret it
    knows) for the secrets check, which runs after the sandbox is stopped.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import urllib.request


def first(items, what):
    """Return the first item of a non-empty list from the seed, or exit with a clear message."""
    if not isinstance(items, list) or not items:
        sys.exit("error: the sandbox seed has no %s" % what)
    return items[0]


def credentials(seed_path):
    """Return the default credentials of a seed file as a dict of integration variables."""
    with open(seed_path, encoding="utf-8") as handle:
        seed = json.load(handle)
    netangels = seed.get("netangels") or {}
    yandex = seed.get("yandex360") or {}
    oauth = first(yandex.get("oauth_tokens"), "yandex360.oauth_tokens")
    if isinstance(oauth, dict):
        token = oauth.get("token")
        orgs = oauth.get("orgs") or []
    else:
        token, orgs = oauth, []
    if orgs:
        org_id = orgs[0]
    else:
        org = first(yandex.get("orgs"), "yandex360.orgs")
        org_id = org.get("id") if isinstance(org, dict) else org
    return {
        "netangels_api_key": first(netangels.get("api_keys"), "netangels.api_keys"),
        "netangels_api_token": first(netangels.get("static_tokens"), "netangels.static_tokens"),
        "yandex360_oauth_token": token,
        "yandex360_org_id": org_id,
    }


def config_text(url, seed_path):
    """The text of integration_config.yml for a sandbox (JSON scalars are valid YAML)."""
    variables = {"sandbox_url": url.rstrip("/")}
    variables.update(credentials(seed_path))
    variables.update({"live_mode": False, "test_prefix": "it.", "test_domain": "example.com"})
    lines = ["# Written by hack/sandbox_vars.py for one test run; not part of the collection."]
    lines += ["%s: %s" % (name, json.dumps(value)) for name, value in variables.items()]
    return "\n".join(lines) + "\n"


def module_env(url, seed_path):
    """The environment fallbacks the modules read, pointing at a sandbox (all values strings)."""
    url = url.rstrip("/")
    creds = credentials(seed_path)
    return {
        "SANDBOX_URL": url,
        "NETANGELS_API_URL": url,
        "NETANGELS_AUTH_URL": url + "/api/gateway/token/",
        "NETANGELS_API_KEY": str(creds["netangels_api_key"]),
        "YANDEX360_API_URL": url,
        "YANDEX360_OAUTH_TOKEN": str(creds["yandex360_oauth_token"]),
        "YANDEX360_ORG_ID": str(creds["yandex360_org_id"]),
    }


def write_config(args):
    """Write integration_config.yml."""
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(config_text(args.url, args.seed))
    return 0


def print_env(args):
    """Print the environment fallbacks the modules read, for a shell to eval."""
    for name, value in module_env(args.url, args.seed).items():
        print("export %s=%s" % (name, shlex.quote(value)))
    return 0


def save_issued(args):
    """Save the sandbox's list of issued tokens and known secrets."""
    with urllib.request.urlopen(args.url.rstrip("/") + "/_sandbox/issued-tokens", timeout=30) as response:
        data = json.load(response)
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return 0


def main():
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("config", help="write integration_config.yml")
    config.add_argument("--url", required=True)
    config.add_argument("--seed", required=True)
    config.add_argument("--output", required=True)
    config.set_defaults(func=write_config)
    env = commands.add_parser("env", help="print export lines for the modules' environment fallbacks")
    env.add_argument("--url", required=True)
    env.add_argument("--seed", required=True)
    env.set_defaults(func=print_env)
    issued = commands.add_parser("issued", help="save GET /_sandbox/issued-tokens")
    issued.add_argument("--url", required=True)
    issued.add_argument("--output", required=True)
    issued.set_defaults(func=save_issued)
    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
