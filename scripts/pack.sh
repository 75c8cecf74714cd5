#!/usr/bin/env bash
# Packs the three packages (`npm run pack [-- DIR]`, default DIR: .packages/):
# @powerplatform-iac/provider, @powerplatform-iac/policies and @powerplatform-iac/tenant.
# Each package builds itself on pack (its `prepack` script); the provider comes first,
# since the tenant package compiles against its types. Prints the tarballs' paths.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.packages}
mkdir -p "$out"
out=$(cd "$out" && pwd)
for dir in provider policies program; do
  (cd "$root/$dir" && npm pack --pack-destination "$out" --silent) | tail -n 1 | sed "s|^|$out/|"
done
