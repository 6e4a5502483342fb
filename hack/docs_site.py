#!/usr/bin/env python
# Copyright: mailops.hosted_mail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the collection's HTML documentation site offline (``make docs-site``).

    python hack/docs_site.py --dest build/docs

Run with the tooling venv's Python (antsibull-docs and Sphinx beside it) and
``ANSIBLE_COLLECTIONS_PATH`` naming the folder that holds ``ansible_collections/`` with this
collection (the nox session's copy of it). Steps, all without a network:

1. ``antsibull-docs sphinx-init`` writes a Sphinx project to ``DEST`` (Sphinx's bundled
   ``alabaster`` theme, so nothing else is installed);
2. intersphinx is switched off in its ``conf.py``: the inventories of the Ansible and Python
   docs cannot be downloaded behind an air gap, and Sphinx's strict mode fails on them;
3. ``antsibull-docs collection`` writes the pages of every module, every role (from its
   ``meta/argument_specs.yml``) and the guides listed in ``docs/docsite/extra-docs.yml``;
   the labels of the Ansible docs that those pages refer to (``ANSIBLE_DOCS_LABELS``) get a
   page of their own that links to the online Ansible docs, as intersphinx would;
4. ``sphinx-build -W --keep-going`` turns them into HTML in ``DEST/build/html``: any warning
   fails the build;
5. the site is checked: a page for every module, role and guide.

Exit status: 0 built and complete, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/latest/'
# Labels of the Ansible docs that antsibull-docs' pages refer to, and where they are online.
# Sphinx names a missing one ("undefined label: 'NAME'"): add it here.
ANSIBLE_DOCS_LABELS = {
    'common_return_values': ('Return values common to all modules', 'reference_appendices/common_return_values.html'),
    'ansible_configuration_settings': ('Ansible configuration settings', 'reference_appendices/config.html'),
}
OFFLINE = '''
# make docs-site builds offline: no intersphinx inventories (hack/docs_site.py).
extensions = [name for name in extensions if name != 'sphinx.ext.intersphinx']
intersphinx_mapping = {}
'''


def collection_name():
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    return '%s.%s' % (galaxy['namespace'], galaxy['name'])


def run(*command, cwd=None):
    print('==> %s' % ' '.join(command), flush=True)
    # antsibull-docs runs ansible-doc: the tools beside this Python come first on PATH
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    subprocess.run([os.path.join(BIN, command[0])] + list(command[1:]), cwd=cwd, env=env, check=True)


def expected_pages():
    """Relative paths of the HTML pages the site must have: every module, role and guide."""
    pages = ['index.html']
    for name in sorted(os.listdir(os.path.join(ROOT, 'plugins', 'modules'))):
        if name.endswith('.py') and not name.startswith('_'):
            pages.append('%s_module.html' % name[:-3])
    roles = os.path.join(ROOT, 'roles')
    if os.path.isdir(roles):
        pages += ['%s_role.html' % name for name in sorted(os.listdir(roles))
                  if os.path.exists(os.path.join(roles, name, 'meta', 'argument_specs.yml'))]
    with open(os.path.join(ROOT, 'docs', 'docsite', 'extra-docs.yml'), encoding='utf-8') as handle:
        sections = yaml.safe_load(handle).get('sections') or []
    for section in sections:
        pages += ['docsite/%s.html' % name for name in section.get('toctree') or []]
    return pages


def write_ansible_docs_labels(rst):
    """A page that defines ANSIBLE_DOCS_LABELS, each a link to the online Ansible docs."""
    lines = [':orphan:', '', 'Ansible documentation', '=====================', '',
             'These pages are part of the Ansible documentation, which this offline site does not include.', '']
    for label, (title, path) in sorted(ANSIBLE_DOCS_LABELS.items()):
        lines += ['.. _%s:' % label, '', title, '-' * len(title), '', 'See `%s <%s%s>`__.' % (title, ANSIBLE_DOCS, path), '']
    with open(os.path.join(rst, 'ansible_docs.rst'), 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--dest', required=True, help='output folder (emptied first)')
    args = parser.parse_args()
    dest = os.path.abspath(args.dest)
    name = collection_name()
    if not os.environ.get('ANSIBLE_COLLECTIONS_PATH'):
        sys.exit('docs-site: set ANSIBLE_COLLECTIONS_PATH to the folder that holds ansible_collections/%s' % name.replace('.', '/'))

    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    run('antsibull-docs', 'sphinx-init', '--use-current', '--squash-hierarchy', '--fail-on-error',
        '--sphinx-theme', 'alabaster', '--project', name, '--copyright', '%s contributors' % name,
        '--title', '%s collection' % name, '--html-short-title', name, '--dest-dir', dest, name)
    with open(os.path.join(dest, 'conf.py'), 'a', encoding='utf-8') as handle:
        handle.write(OFFLINE)
    rst = os.path.join(dest, 'rst')
    os.chmod(rst, 0o755)  # antsibull-docs wants the folder it writes to not writable by others
    run('antsibull-docs', '--config-file', os.path.join(dest, 'antsibull-docs.cfg'), 'collection', '--cleanup', 'everything',
        '--fail-on-error', '--use-current', '--squash-hierarchy', '--dest-dir', rst, name)
    write_ansible_docs_labels(rst)
    run('sphinx-build', '-M', 'html', rst, os.path.join(dest, 'build'), '-c', dest, '-W', '--keep-going', '-q')

    html = os.path.join(dest, 'build', 'html')
    missing = [page for page in expected_pages() if not os.path.isfile(os.path.join(html, page))]
    if missing:
        print('docs-site: FAILED: pages missing from %s: %s' % (html, ', '.join(missing)))
        return 1
    print('docs-site: OK, %d pages (every module, role and guide) in %s; open %s' % (
        len(expected_pages()), html, os.path.join(html, 'index.html')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
