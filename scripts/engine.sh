#!/usr/bin/env bash
# The Pulumi engine for this project (see DESIGN.md section 5).
#
#   bash scripts/engine.sh ensure   -> prints (last stdout line) a directory holding
#                                      pulumi, pulumi-language-nodejs and
#                                      pulumi-resource-pulumi-nodejs
#   bash scripts/engine.sh version  -> the pinned engine version (from provider/package.json)
#   bash scripts/engine.sh dir      -> the cache directory a build would use (no build)
#
# `ensure` uses a `pulumi` from PATH when it is a v3 >= the pinned version and has
# pulumi-language-nodejs beside it. Otherwise it builds the CLI (from the Go module
# proxy) and our own Node.js language host (tools/engine) once into a cache outside
# the checkout, keyed by version and by a hash of tools/engine, and reuses it.
# Builds are serialised with flock and published with an atomic rename, so an
# interrupted or concurrent build never leaves a half-filled cache directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
engine_src="$root/tools/engine"

log() { printf '%s\n' "engine.sh: $*" >&2; }
die() { printf '%s\n' "engine.sh: error: $*" >&2; exit 1; }

# One source of truth for the version: the @pulumi/pulumi the provider depends on,
# so the CLI and the npm SDK always match.
pinned_version() {
  local v
  v=$(sed -n 's/.*"@pulumi\/pulumi"[[:space:]]*:[[:space:]]*"[~^=v]*\([0-9][0-9.]*\)".*/\1/p' \
    "$root/provider/package.json" | head -n 1)
  [[ "$v" =~ ^3\.[0-9]+\.[0-9]+$ ]] || die "cannot read a 3.x.y @pulumi/pulumi version from provider/package.json (got '${v}')"
  printf '%s\n' "$v"
}

# version_ge A B: A >= B for dotted numeric versions.
version_ge() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

# Hash of everything that goes into the build, so a change to the language host
# (or to go.mod/go.sum) gets its own cache entry.
sources_hash() {
  (
    cd "$engine_src"
    find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) ! -name '*_test.go' -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-12
}

cache_root() {
  printf '%s\n' "${POWERPLATFORM_IAC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/powerplatform-iac}/pulumi"
}

complete_dir() {
  [ -x "$1/pulumi" ] && [ -x "$1/pulumi-language-nodejs" ] && [ -x "$1/pulumi-resource-pulumi-nodejs" ]
}

# A pulumi from PATH that is good enough, with its language host beside it.
ambient_dir() {
  local bin dir out v
  bin=$(command -v pulumi 2>/dev/null) || return 1
  dir=$(cd "$(dirname "$bin")" && pwd -P)
  [ -x "$dir/pulumi-language-nodejs" ] || return 1
  out=$(PULUMI_SKIP_UPDATE_CHECK=true "$bin" version 2>/dev/null) || return 1
  v=${out#v}
  [[ "$v" =~ ^3\.[0-9]+\.[0-9]+ ]] || return 1
  v=${BASH_REMATCH[0]}
  version_ge "$v" "$1" || return 1
  printf '%s\n' "$dir"
}

# The dynamic-provider plugin shipped in @pulumi/pulumi (a small sh script), or an
# equivalent when node_modules is not there yet.
install_shims() {
  local out="$1" pkg=""
  for d in "$root/node_modules/@pulumi/pulumi" "$root/provider/node_modules/@pulumi/pulumi"; do
    if [ -f "$d/pulumi-resource-pulumi-nodejs" ]; then pkg="$d"; break; fi
  done
  if [ -n "$pkg" ]; then
    cp "$pkg/pulumi-resource-pulumi-nodejs" "$out/pulumi-resource-pulumi-nodejs"
  else
    cat >"$out/pulumi-resource-pulumi-nodejs" <<'EOF'
#!/bin/sh
# Runs the Node.js dynamic provider of the @pulumi/pulumi installed for the program
# (resolved from the current directory, which the engine sets to the program's).
script=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || exit 1
exec node "$script" "$@"
EOF
  fi
  chmod 0755 "$out/pulumi-resource-pulumi-nodejs"
  # Older SDKs ran policy packs through this analyzer shim; ship it when present.
  # (Current engines run Node.js policy packs through the language host's RunPlugin.)
  for d in "$root/node_modules/@pulumi/pulumi" "$root/node_modules/@pulumi/policy"; do
    if [ -f "$d/pulumi-analyzer-policy" ]; then
      cp "$d/pulumi-analyzer-policy" "$out/pulumi-analyzer-policy"
      chmod 0755 "$out/pulumi-analyzer-policy"
      break
    fi
  done
}

build_into() {
  local out="$1" version="$2" ldflags
  ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"
  command -v go >/dev/null 2>&1 ||
    die "Go is required to build the Pulumi CLI v$version (no suitable 'pulumi' with 'pulumi-language-nodejs' beside it is on PATH). Install Go >= 1.26 (https://go.dev/dl or your package manager), or put a Pulumi CLI >= v$version on PATH."
  log "building the Pulumi CLI v$version from the Go module proxy (first run only, takes a few minutes)..."
  local start=$SECONDS
  (
    cd "$engine_src"
    # The engine must not report an empty version (the Automation API refuses it).
    go build -trimpath -ldflags "$ldflags" -o "$out/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    log "building pulumi-language-nodejs (tools/engine)..."
    go build -trimpath -ldflags "$ldflags" -o "$out/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs
  ) || die "building the Pulumi CLI failed (see the Go output above)"
  install_shims "$out"
  printf 'v%s\n' "$version" >"$out/VERSION"
  log "built in $((SECONDS - start))s"
}

cmd_ensure() {
  local version dir cache dest lock tmp
  version=$(pinned_version)
  if dir=$(ambient_dir "$version"); then
    printf '%s\n' "$dir"
    return 0
  fi
  cache=$(cache_root)
  dest="$cache/v$version-$(sources_hash)"
  if complete_dir "$dest"; then
    printf '%s\n' "$dest"
    return 0
  fi

  mkdir -p "$cache"
  lock="$dest.lock"
  exec 9>"$lock"
  if command -v flock >/dev/null 2>&1; then
    if ! flock -n 9; then
      log "another build of the Pulumi CLI is running; waiting for it..."
      flock 9
    fi
  else
    log "warning: flock not found; concurrent builds are not serialised (results are still published atomically)"
  fi
  # Someone else may have finished while we waited.
  if complete_dir "$dest"; then
    printf '%s\n' "$dest"
    return 0
  fi

  # Leftovers of builds killed hard (SIGKILL, power loss) are never used; drop old ones.
  find "$cache" -maxdepth 1 -name '.build-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
  tmp=$(mktemp -d "$cache/.build-v$version.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  build_into "$tmp" "$version"
  complete_dir "$tmp" || die "build finished but $tmp is incomplete"
  chmod 0755 "$tmp"
  if [ -e "$dest" ]; then
    # A directory that is there but incomplete was not made by us; move it aside.
    mv "$dest" "$dest.stale.$$" && rm -rf "$dest.stale.$$"
  fi
  mv -T "$tmp" "$dest"
  trap - EXIT
  printf '%s\n' "$dest"
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  version) pinned_version ;;
  dir) printf '%s\n' "$(cache_root)/v$(pinned_version)-$(sources_hash)" ;;
  -h | --help | help | "")
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    [ -n "${1:-}" ] || exit 2
    ;;
  *) die "unknown command '$1' (try: ensure, version, dir)" ;;
esac
