#!/usr/bin/env bash
# The bad-input suite (goal R5): every input in inputs.yml must fail, name what is wrong, send no
# write and print no secret. It runs twice, at the same time: with every secret given as a module
# option, and with every secret in the process environment (the modules' environment fallbacks).
# Each pass writes its own log, printed whole afterwards (so the secrets check reads it too).
#
# ansible-test does not pass integration_config.yml to script targets: it is read from
# ../../integration_config.yml. The secrets are put in the environment here, by the shell, and
# not with the `environment` keyword, which ansible-playbook -vvvv would print on the command line
# it runs; so this script never uses `set -x`.
set -eu

config=../../integration_config.yml
secret() {
    python -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$config" "$1"
}
export ANSIBLE_ROLES_PATH=..
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

ansible-playbook -i inventory.ini -e @"$config" -e step=reset sandbox.yml "$@"

ansible-playbook -i inventory.ini -e @"$config" -e secrets_from=options bad_input.yml "$@" >"$logs/options.log" 2>&1 &
options=$!
(
    NETANGELS_API_KEY="$(secret netangels_api_key)"
    NETANGELS_API_TOKEN="$(secret netangels_api_token)"
    YANDEX360_OAUTH_TOKEN="$(secret yandex360_oauth_token)"
    export NETANGELS_API_KEY NETANGELS_API_TOKEN YANDEX360_OAUTH_TOKEN
    exec ansible-playbook -i inventory.ini -e @"$config" -e secrets_from=environment bad_input.yml "$@"
) >"$logs/environment.log" 2>&1 &
environment=$!
rc=0
wait "$options" || rc=1
wait "$environment" || rc=1
for pass in options environment; do
    echo "== bad-input suite, secrets from the ${pass} (its whole output)"
    cat "$logs/${pass}.log"
done
[ "$rc" = 0 ] || { echo "bad-input suite: a pass failed (see above)"; exit 1; }

ansible-playbook -i inventory.ini -e @"$config" -e step=assert_no_writes sandbox.yml "$@"
