#!/usr/bin/env bash
# `npm run emulator -- --port N [--state-file F] [--env-file F] [--proxy-port P]`: starts the tenant emulator
# (with --proxy-port, also the CONNECT proxy of proxy mode: the real Microsoft host names;
# with --detach, it returns once the env file is written and the server answers, see --help).
# Node 24 reads any `--env-file` on its command line as its own dotenv option (even after
# the script name), so the flag reaches the emulator as `--env-out`.
set -euo pipefail
args=()
for arg in "$@"; do
  case "$arg" in
    --env-file) args+=(--env-out) ;;
    --env-file=*) args+=("--env-out=${arg#--env-file=}") ;;
    *) args+=("$arg") ;;
  esac
done
exec tsx "$(dirname "${BASH_SOURCE[0]}")/../test/emulator/cli.ts" "${args[@]}"
