#!/usr/bin/env python
# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the execution environment's build context, offline (``make ee-context``).

    python hack/ee_context.py [--context build/ee-context]

Run with the tooling venv's Python (ansible-galaxy and ansible-builder beside it). Steps:

1. ``ansible-galaxy collection build`` makes the collection tarball from this tree and stores it
   as ``build/ee-collections/mailops-hosted_mail.tar.gz`` (no version in the name, so that
   ``execution-environment/requirements.yml`` can name it);
2. ``ansible-builder create`` renders ``execution-environment/execution-environment.yml`` into
   the context folder (a ``Containerfile`` and ``_build/``), without a network or a container
   engine. Then ``podman build -f CONTEXT/Containerfile CONTEXT`` builds the image.
   ``--definition execution-environment/execution-environment-supported.yml`` renders the one
   that adds the collection to the Red Hat supported EE instead.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
DEFINITION = os.path.join(ROOT, 'execution-environment', 'execution-environment.yml')
TARBALLS = os.path.join(ROOT, 'build', 'ee-collections')
TARBALL = os.path.join(TARBALLS, 'mailops-hosted_mail.tar.gz')  # the name execution-environment/ refers to


def run(*command):
    print('==> %s' % ' '.join(command), flush=True)
    subprocess.run([os.path.join(BIN, command[0])] + list(command[1:]), cwd=ROOT, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--context', default=os.path.join(ROOT, 'build', 'ee-context'), help='build context folder (replaced)')
    parser.add_argument('--definition', default=DEFINITION,
                        help='the EE definition (default: %(default)s; execution-environment-supported.yml builds on the Red Hat supported EE)')
    args = parser.parse_args()
    context = os.path.abspath(args.context)

    shutil.rmtree(TARBALLS, ignore_errors=True)
    os.makedirs(TARBALLS)
    run('ansible-galaxy', 'collection', 'build', '--output-path', TARBALLS, ROOT)
    built = glob.glob(os.path.join(TARBALLS, 'mailops-hosted_mail-*.tar.gz'))
    if len(built) != 1:
        sys.exit('ee-context: expected one collection tarball in %s, found %s' % (TARBALLS, built))
    os.rename(built[0], TARBALL)

    shutil.rmtree(context, ignore_errors=True)
    run('ansible-builder', 'create', '--file', os.path.abspath(args.definition), '--context', context, '--output-filename', 'Containerfile')
    print('ee-context: %s; build the image with: podman build -f %s/Containerfile -t IMAGE %s' % (context, context, context))
    return 0


if __name__ == '__main__':
    sys.exit(main())
