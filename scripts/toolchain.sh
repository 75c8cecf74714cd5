#!/usr/bin/env bash
# The project's toolchain, set up from nothing and then reused:
#   - Node >= 22 (when the running Node is older, Node 24 from the npm registry),
#   - the npm dependencies (npm ci when package-lock.json changed),
#   - the compiled provider package (tsc -b, incremental),
#   - the Pulumi engine (scripts/engine.sh: `pulumi` from PATH, or built from the Go
#     module proxy once and cached outside the checkout),
#   - Pulumi's offline settings (local backend, no update check, no plugin downloads).
#
# Usage:
#   bash scripts/toolchain.sh setup          prepare everything, print where things are
#   bash scripts/toolchain.sh run CMD ARGS   prepare everything, then run CMD with it
#   bash scripts/toolchain.sh test ARGS      type-check, then run jest with ARGS
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${POWERPLATFORM_IAC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/powerplatform-iac}
node_version=24.21.0

say() { printf 'toolchain: %s\n' "$*" >&2; }

node_package() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) say "unsupported OS $(uname -s): install Node >= 22 yourself"; exit 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) say "unsupported CPU $(uname -m): install Node >= 22 yourself"; exit 1 ;;
  esac
  echo "node-$os-$arch"
}

ensure_node() {
  local major=0
  if command -v node >/dev/null 2>&1; then
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  fi
  [ "$major" -ge 22 ] && return 0
  local pkg dir bin
  pkg=$(node_package)
  dir="$cache/node/v$node_version-$pkg"
  bin="$dir/node_modules/$pkg/bin"
  if [ ! -x "$bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { say "need npm (any version) to fetch Node $node_version"; exit 1; }
    say "Node $(node --version 2>/dev/null || echo 'none') is older than 22: installing Node $node_version from the npm registry into $dir"
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp"
    npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$tmp" "$pkg@$node_version" >&2
    "$tmp/node_modules/$pkg/bin/node" --version >/dev/null
    mkdir -p "$(dirname "$dir")"
    rm -rf "$dir"
    mv "$tmp" "$dir"
  fi
  export PATH="$bin:$PATH"
}

dependencies_fingerprint() {
  cat "$root/package-lock.json" "$root"/package.json "$root"/*/package.json 2>/dev/null | sha256sum | cut -c1-16
  node --version
}

ensure_dependencies() {
  local stamp="$root/node_modules/.powerplatform-iac-lock"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(dependencies_fingerprint)" ]; then
    # `npm install` rather than `npm ci`: it installs what package-lock.json pins all
    # the same, but tolerates a lock file that lacks optional packages for other
    # platforms (registry mirrors may not carry them, and npm ci then refuses).
    say "installing npm dependencies (npm install)"
    (cd "$root" && npm install --no-audit --no-fund --loglevel=error >&2)
    dependencies_fingerprint >"$stamp"
  fi
  export PATH="$root/node_modules/.bin:$PATH"
}

ensure_provider_build() {
  (cd "$root" && tsc -b provider policies)
}

ensure_engine() {
  local dir
  dir=$(bash "$root/scripts/engine.sh" ensure | tail -n 1)
  export PATH="$dir:$PATH"
}

offline_pulumi_settings() {
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=${PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK:-false}
  # Engine settings for this workload (README "What a run costs"): resource operations
  # mostly wait on the service, so far more of them in flight than Pulumi's default of
  # 4 per CPU; the program runs without a type-check (`npm test` type-checks); Node's
  # on-disk compile cache for every node process the engine starts (program, dynamic
  # provider, policy packs). Each can be overridden from the environment.
  export PULUMI_PARALLEL=${PULUMI_PARALLEL:-64}
  export PULUMI_NODEJS_TRANSPILE_ONLY=${PULUMI_NODEJS_TRANSPILE_ONLY:-true}
  export NODE_COMPILE_CACHE=${NODE_COMPILE_CACHE:-$cache/node-compile-cache}
  # Memory (README "What a run costs"): a young generation of 2 x 4 MB instead of V8's
  # default of up to 2 x 64 MB in each Node process (program, dynamic provider, policy
  # packs), and the CLI's Go collector at 50 % growth instead of 100 %. Soft settings:
  # neither caps the heap, so a large tenant is slower to collect, never out of memory.
  # Either can be overridden from the environment (a NODE_OPTIONS that sets the size keeps it).
  case " ${NODE_OPTIONS:-} " in
    *" --max-semi-space-size="*) ;;
    *) export NODE_OPTIONS="--max-semi-space-size=4${NODE_OPTIONS:+ $NODE_OPTIONS}" ;;
  esac
  export GOGC=${GOGC:-50}
  # A local file backend unless the user chose another one.
  if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
    mkdir -p "$root/.pulumi-state"
    export PULUMI_BACKEND_URL="file://$root/.pulumi-state"
  fi
  # The stacks of this repository keep no secret in config (credentials come from
  # the environment), so an empty passphrase is the default for the local backend.
  if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    export PULUMI_CONFIG_PASSPHRASE=""
  fi
}

prepare() {
  ensure_node
  ensure_dependencies
  ensure_provider_build
  ensure_engine
  offline_pulumi_settings
}

cmd=${1:-}
shift || true
case "$cmd" in
  setup)
    prepare
    say "node $(node --version) at $(command -v node)"
    say "pulumi $(pulumi version) at $(command -v pulumi)"
    ;;
  run)
    [ $# -gt 0 ] || { say "usage: toolchain.sh run CMD [ARGS...]"; exit 2; }
    prepare
    exec "$@"
    ;;
  test)
    prepare
    say "type-checking (tsc --noEmit)"
    (cd "$root" && tsc --noEmit -p tsconfig.json)
    if command -v go >/dev/null 2>&1; then
      say "testing the Node.js language host (go test, tools/engine)"
      (cd "$root/tools/engine" && go test ./... >&2)
    fi
    cd "$root"
    exec jest "$@"
    ;;
  *)
    echo "usage: bash scripts/toolchain.sh setup | run CMD [ARGS...] | test [JEST ARGS...]" >&2
    exit 2
    ;;
esac
