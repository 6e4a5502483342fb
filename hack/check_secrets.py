#!/usr/bin/env python
# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fail when a secret shows up in a test log.

The secrets come from:

* the sandbox seed (``--seed``): NetAngels API keys, static tokens and mailbox passwords,
  Yandex 360 OAuth tokens;
* the sandbox's own list (``--issued``, saved from ``GET /_sandbox/issued-tokens`` before it
  stopped): every token it issued and every secret it learnt during the run;
* ``--secrets-file`` files (default ``tests/integration/secrets.txt`` when it exists): one
  secret per line, e.g. the passwords integration targets set; blank lines and lines starting
  with ``#`` are ignored.

Each secret is searched for as is, URL-encoded and JSON-escaped. A leak is reported with the
secret masked (its first 4 characters) and the file and line numbers where it appears.
Exit status: 0 clean, 1 leak found, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse

MIN_LENGTH = 6
MAX_LOCATIONS = 5


def seed_secrets(path):
    """Yield (secret, origin) pairs from a sandbox seed file."""
    with open(path, encoding="utf-8") as handle:
        seed = json.load(handle)
    netangels = seed.get("netangels") or {}
    for key in netangels.get("api_keys") or []:
        yield key, "seed netangels.api_keys"
    for token in netangels.get("static_tokens") or []:
        yield token, "seed netangels.static_tokens"
    for mailbox in netangels.get("mailboxes") or []:
        if isinstance(mailbox, dict) and mailbox.get("password"):
            yield mailbox["password"], "seed password of mailbox %s@%s" % (mailbox.get("name"), mailbox.get("domain"))
    for token in (seed.get("yandex360") or {}).get("oauth_tokens") or []:
        yield (token.get("token") if isinstance(token, dict) else token), "seed yandex360.oauth_tokens"


def issued_secrets(path):
    """Yield (secret, origin) pairs from a saved /_sandbox/issued-tokens answer."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if isinstance(data, list):
        data = {"tokens": data}
    for token in data.get("tokens") or []:
        yield token, "token issued by the sandbox"
    for secret in data.get("secrets") or []:
        yield secret, "secret known to the sandbox"


def file_secrets(path):
    """Yield (secret, origin) pairs from a one-secret-per-line file."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            secret = line.strip()
            if secret and not secret.startswith("#"):
                yield secret, "%s line %d" % (path, number)


def mask(secret):
    """Show only the first 4 characters of a secret."""
    return secret[:4] + "*" * 8


def variants(secret):
    """Return the forms a secret may take in a log."""
    return {secret, urllib.parse.quote(secret, safe=""), json.dumps(secret)[1:-1]}


def main():
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("logs", nargs="+", metavar="LOG", help="files to search")
    parser.add_argument("--seed", help="sandbox seed file")
    parser.add_argument("--issued", action="append", default=[], help="saved /_sandbox/issued-tokens answer")
    parser.add_argument("--secrets-file", action="append", default=None,
                        help="one secret per line (default: tests/integration/secrets.txt if present)")
    args = parser.parse_args()

    secrets = {}
    sources = []
    if args.seed:
        sources.append(seed_secrets(args.seed))
    for path in args.issued:
        sources.append(issued_secrets(path))
    secrets_files = args.secrets_file
    if secrets_files is None:
        default = os.path.join("tests", "integration", "secrets.txt")
        secrets_files = [default] if os.path.exists(default) else []
    for path in secrets_files:
        sources.append(file_secrets(path))
    try:
        for source in sources:
            for secret, origin in source:
                if isinstance(secret, str) and secret:
                    secrets.setdefault(secret, origin)
    except (OSError, ValueError, AttributeError) as exc:
        print("check-secrets: cannot read the secrets: %s" % exc, file=sys.stderr)
        return 2

    short = sorted(secret for secret in secrets if len(secret) < MIN_LENGTH)
    for secret in short:
        print("check-secrets: ignoring %r from %s: shorter than %d characters" % (
            mask(secret), secrets.pop(secret), MIN_LENGTH), file=sys.stderr)
    if not secrets:
        print("check-secrets: no secrets to look for", file=sys.stderr)
        return 2

    leaks = {}
    for log in args.logs:
        try:
            with open(log, encoding="utf-8", errors="replace") as handle:
                for number, line in enumerate(handle, 1):
                    for secret in secrets:
                        if any(form in line for form in variants(secret)):
                            leaks.setdefault(secret, []).append((log, number))
        except OSError as exc:
            print("check-secrets: cannot read %s: %s" % (log, exc), file=sys.stderr)
            return 2

    if not leaks:
        print("check-secrets: OK, none of %d secrets appears in %s" % (len(secrets), ", ".join(args.logs)))
        return 0
    for secret, places in sorted(leaks.items(), key=lambda item: item[1][0]):
        shown = ", ".join("%s:%d" % place for place in places[:MAX_LOCATIONS])
        more = " (and %d more)" % (len(places) - MAX_LOCATIONS) if len(places) > MAX_LOCATIONS else ""
        print("check-secrets: LEAK: %s (%s) found at %s%s" % (mask(secret), secrets[secret], shown, more))
    print("check-secrets: FAILED: %d of %d secrets leaked" % (len(leaks), len(secrets)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
