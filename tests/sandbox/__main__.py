# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Command line: ``python -m tests.sandbox [options]`` from the collection root.

Writes the URL to ``--url-file`` when given (and removes that file on exit), then prints
``SANDBOX_URL=http://127.0.0.1:PORT`` as the first line of standard output, serves until SIGTERM or
SIGINT, then exits 0 (2 for bad options or a port that cannot be bound). Only loopback addresses are accepted. Run with ``--help`` for every option.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading

from .assumptions import ALIAS_CONFLICT_MODES, ALIASES_SHAPES, BATCH_MODES, EXPIRED_TOKEN_STATUS_CHOICES, FILTER_MODES
from .faults import FAULT_KINDS, FaultPlan, FaultRule
from .server import SandboxServer, check_loopback
from .state import DEFAULT_SEED_FILE, load_seed_file


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m tests.sandbox", description="Run the mailops.hosted_mail API sandbox on loopback.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 lets the OS choose (default)")
    parser.add_argument("--seed", default=DEFAULT_SEED_FILE, metavar="FILE.json", help="seed file (default: seed.json beside this package)")
    parser.add_argument("--url-file", metavar="FILE", help="also write the URL to FILE (removed on exit)")
    parser.add_argument("--access-log", action="store_true", help="log every request to standard error")
    parser.add_argument("--no-control", action="store_true",
                        help="serve the vendor APIs only: no /_sandbox/ control interface, as a real server (live-mode self-test)")
    settings = parser.add_argument_group("behaviour switches (also PUT /_sandbox/settings)")
    settings.add_argument("--token-ttl", type=float, metavar="SECONDS", help="lifetime of NetAngels tokens")
    settings.add_argument("--expired-token-status", type=int, choices=EXPIRED_TOKEN_STATUS_CHOICES, help="status for an expired token")
    settings.add_argument("--filter-mode", choices=FILTER_MODES, help="how the mailbox list applies 'filter'")
    settings.add_argument("--aliases-shape", choices=ALIASES_SHAPES, help="how 'aliases' is read back")
    settings.add_argument("--alias-conflict", choices=ALIAS_CONFLICT_MODES, help="add-alias of a present / delete-alias of an absent alias")
    settings.add_argument("--batch-mode", choices=BATCH_MODES, help="batch-create with a bad row: create nothing, or what it can")
    seeding = parser.add_argument_group("seed from flags (added to the seed file's content)")
    seeding.add_argument("--empty", action="store_true", help="ignore the seed file: start with only what these flags add")
    seeding.add_argument("--api-key", action="append", default=[], metavar="KEY", help="a NetAngels API key the gateway accepts")
    seeding.add_argument("--static-token", action="append", default=[], metavar="TOKEN", help="a NetAngels token accepted without exchange")
    seeding.add_argument("--domain", action="append", default=[], metavar="NAME[=ID]", help="a NetAngels mail domain")
    seeding.add_argument("--org", action="append", type=int, default=[], metavar="ID", help="a Yandex 360 organisation (no rules)")
    seeding.add_argument("--oauth-token", action="append", default=[], metavar="TOKEN",
                         help="a Yandex 360 OAuth token allowed for every organisation of the seed")
    faults = parser.add_argument_group("faults (also PUT /_sandbox/faults)")
    faults.add_argument("--latency", type=float, metavar="SECONDS", help="delay every API answer")
    faults.add_argument("--fault", action="append", default=[], metavar="KIND[,key=value...]",
                        help="add a fault rule; KIND is one of %s; keys: next, rate, method, path, retry_after, seconds; "
                             "e.g. --fault 429,next=2,retry_after=1 --fault drop,rate=0.1,method=PUT" % ", ".join(FAULT_KINDS))
    faults.add_argument("--fault-seed", type=int, default=0, metavar="N", help="random seed for 'rate' faults (default 0)")
    return parser.parse_args(argv)


def seed_from(args: argparse.Namespace) -> dict:
    """The seed file's content (nothing with ``--empty``) plus what the seeding flags add."""
    seed = {} if args.empty else load_seed_file(args.seed)
    netangels = seed.setdefault("netangels", {})
    netangels.setdefault("api_keys", []).extend(args.api_key)
    netangels.setdefault("static_tokens", []).extend(args.static_token)
    for spec in args.domain:
        name, dummy, number = spec.partition("=")
        if not name or (number and not number.isdigit()):
            raise ValueError("--domain takes NAME or NAME=ID, got %r" % spec)
        netangels.setdefault("domains", []).append(dict({"name": name}, **({"id": int(number)} if number else {})))
    yandex = seed.setdefault("yandex360", {})
    yandex.setdefault("orgs", []).extend({"id": org, "rules": []} for org in args.org)
    orgs = [org["id"] for org in yandex["orgs"]]
    yandex.setdefault("oauth_tokens", []).extend({"token": token, "orgs": orgs} for token in args.oauth_token)
    return seed


def build_server(args: argparse.Namespace) -> SandboxServer:
    """Create (not start) the server the arguments describe; raise ValueError for bad input."""
    settings = {key: value for key, value in (("token_ttl", args.token_ttl), ("expired_token_status", args.expired_token_status),
                                              ("filter_mode", args.filter_mode), ("aliases_shape", args.aliases_shape),
                                              ("alias_conflict", args.alias_conflict), ("batch_mode", args.batch_mode))
                if value is not None}
    rules = [FaultRule.from_spec(spec) for spec in args.fault]
    if args.latency:
        rules.insert(0, FaultRule.from_dict({"kind": "latency", "seconds": args.latency}))
    return SandboxServer(seed=seed_from(args), host=check_loopback(args.host), port=args.port, settings=settings,
                         faults=FaultPlan(rules, args.fault_seed).to_dict(), access_log=args.access_log,
                         control=not args.no_control)


def write_url_file(path: str, url: str) -> None:
    """Write ``url`` to ``path`` atomically (a reader never sees a half-written file)."""
    directory = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, encoding="utf-8") as handle:
        handle.write(url + "\n")
    os.replace(handle.name, path)


def main(argv: list[str] | None = None) -> int:
    """Run the sandbox until SIGTERM or SIGINT; return the exit status."""
    args = parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *args: stop.set())
    try:
        server = build_server(args).start()
    except (OSError, ValueError) as exc:
        print("sandbox: %s" % exc, file=sys.stderr)
        return 2
    try:
        if args.url_file:
            write_url_file(args.url_file, server.url)
        print("SANDBOX_URL=%s" % server.url, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        if args.url_file and os.path.exists(args.url_file):
            os.remove(args.url_file)
    print("sandbox: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
