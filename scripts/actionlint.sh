#!/usr/bin/env bash
# actionlint (https://github.com/rhysd/actionlint), the linter of GitHub Actions
# workflows, for the pipeline tests.
#
#   bash scripts/actionlint.sh ensure   -> prints (last stdout line) the path of an actionlint binary
#   bash scripts/actionlint.sh version  -> the pinned actionlint version
#
# `ensure` uses an `actionlint` from PATH when there is one. Otherwise it builds the
# pinned version once from the Go module proxy
# (go install github.com/rhysd/actionlint/cmd/actionlint@VERSION) into a cache outside
# the checkout (like scripts/engine.sh does for the Pulumi CLI), keyed by version, and
# reuses it. Builds are serialised with flock and published with an atomic rename.
set -euo pipefail

VERSION="v1.7.12"

log() { printf '%s\n' "actionlint.sh: $*" >&2; }
die() { printf '%s\n' "actionlint.sh: error: $*" >&2; exit 1; }

cache_root() {
  printf '%s\n' "${POWERPLATFORM_IAC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/powerplatform-iac}/actionlint"
}

cmd_ensure() {
  local bin cache dest lock tmp
  if bin=$(command -v actionlint 2>/dev/null); then
    printf '%s\n' "$bin"
    return 0
  fi
  cache=$(cache_root)
  dest="$cache/$VERSION"
  if [ -x "$dest/actionlint" ]; then
    printf '%s\n' "$dest/actionlint"
    return 0
  fi
  command -v go >/dev/null 2>&1 ||
    die "Go is required to build actionlint $VERSION (no 'actionlint' on PATH). Install Go (https://go.dev/dl or your package manager), or put actionlint on PATH."

  mkdir -p "$cache"
  lock="$dest.lock"
  exec 9>"$lock"
  if command -v flock >/dev/null 2>&1; then
    if ! flock -n 9; then
      log "another build of actionlint is running; waiting for it..."
      flock 9
    fi
  fi
  if [ -x "$dest/actionlint" ]; then
    printf '%s\n' "$dest/actionlint"
    return 0
  fi
  tmp=$(mktemp -d "$cache/.build-$VERSION.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  log "building actionlint $VERSION from the Go module proxy (first run only)..."
  GOBIN="$tmp" go install -trimpath "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2 ||
    die "building actionlint $VERSION failed (see the Go output above)"
  [ -x "$tmp/actionlint" ] || die "the build finished but $tmp/actionlint is missing"
  chmod 0755 "$tmp"
  [ -e "$dest" ] && rm -rf "$dest"
  mv -T "$tmp" "$dest"
  trap - EXIT
  printf '%s\n' "$dest/actionlint"
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  version) printf '%s\n' "$VERSION" ;;
  -h | --help | help | "")
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    [ -n "${1:-}" ] || exit 2
    ;;
  *) die "unknown command '$1' (try: ensure, version)" ;;
esac
