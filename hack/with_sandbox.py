#!/usr/bin/env python
# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command against a fresh API sandbox, then stop the sandbox, whatever happens.

    python hack/with_sandbox.py [--seed FILE] [--config FILE] [--issued FILE] [--env] -- COMMAND...

Run from the collection root with a Python that has flask (a nox session's). The sandbox
(tests/sandbox, seeded from --seed, default tests/sandbox/seed.json) serves on a free loopback
port inside this process, so it cannot outlive it. Before COMMAND runs:

``--config FILE``
    writes ansible-test's ``integration_config.yml``: ``sandbox_url``, ``netangels_api_key``,
    ``netangels_api_token``, ``yandex360_oauth_token`` and ``yandex360_org_id`` (the seed's first
    API key, static token, OAuth token and that token's first organisation);
``--env``
    gives COMMAND the modules' environment fallbacks for the sandbox: NETANGELS_API_URL,
    NETANGELS_AUTH_URL, NETANGELS_API_KEY, YANDEX360_API_URL, YANDEX360_OAUTH_TOKEN,
    YANDEX360_ORG_ID (and SANDBOX_URL).

After COMMAND, ``--issued FILE`` saves every token the sandbox issued and every secret it knows
(``GET /_sandbox/issued-tokens``) for hack/check_secrets.py. The exit status is COMMAND's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys


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


def write_config(path, url, seed_path):
    """Write integration_config.yml (JSON scalars are valid YAML)."""
    variables = {"sandbox_url": url}
    variables.update(credentials(seed_path))
    lines = ["# Written by hack/with_sandbox.py for one test run; not part of the collection."]
    lines += ["%s: %s" % (name, json.dumps(value)) for name, value in variables.items()]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def module_env(url, seed_path):
    """The environment fallbacks the modules read, pointing at the sandbox."""
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


def main():
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--seed", default="tests/sandbox/seed.json", help="sandbox seed (default: %(default)s)")
    parser.add_argument("--config", metavar="FILE", help="write ansible-test's integration_config.yml here")
    parser.add_argument("--env", action="store_true", help="give COMMAND the modules' environment fallbacks")
    parser.add_argument("--issued", metavar="FILE", help="save the issued tokens and known secrets here afterwards")
    parser.add_argument("command", nargs="+", help="the command to run (after --)")
    args = parser.parse_args()

    sys.path.insert(0, os.getcwd())
    from tests.sandbox.server import SandboxServer  # pylint: disable=import-outside-toplevel
    from tests.sandbox.state import load_seed_file  # pylint: disable=import-outside-toplevel

    with SandboxServer(seed=load_seed_file(args.seed)) as server:
        print("==> API sandbox listening at %s" % server.url, flush=True)
        env = dict(os.environ)
        if args.env:
            env.update(module_env(server.url, args.seed))
        if args.config:
            write_config(args.config, server.url, args.seed)
        try:
            returncode = subprocess.call(args.command, env=env)
        finally:
            if args.issued:
                with server.state.lock:  # what GET /_sandbox/issued-tokens answers
                    issued = {"tokens": list(server.state.issued_tokens), "secrets": sorted(server.state.secrets)}
                with open(args.issued, "w", encoding="utf-8") as handle:
                    json.dump(issued, handle)
    print("==> API sandbox stopped; %s exited %d" % (args.command[0], returncode), flush=True)
    return returncode


if __name__ == "__main__":
    sys.exit(main())
