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
(``GET /_sandbox/issued-tokens``) for hack/check_secrets.py. The exit status is COMMAND's. The
settings come from hack/sandbox_vars.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import sandbox_vars  # hack/sandbox_vars.py: the seed's credentials as config or environment


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
            env.update(sandbox_vars.module_env(server.url, args.seed))
        if args.config:
            with open(args.config, "w", encoding="utf-8") as handle:
                handle.write(sandbox_vars.config_text(server.url, args.seed))
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
