#!/usr/bin/env bash
# Installs (once) and caches the Node.js of the controller image (the Dockerfile's NODE_IMAGE,
# node:<major>.<minor>-...) from the npm registry's `node` package, for the local stack's simulated
# kubelet, which runs the controller image's containers under it. A no-op when cached.
#
#   bash scripts/setup-image-node.sh                   # install when missing
#   bash scripts/setup-image-node.sh --print-binary    # the same, then print the binary's path on stdout
#
# Cache: ${KANARY_CACHE:-~/.cache/kanary}/node-v<major>.<minor>/bin/node (log: install.log beside bin/)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NODE_VERSION=$(sed -n 's/^ARG NODE_IMAGE=node:\([0-9][0-9]*\.[0-9][0-9]*\)-.*/\1/p' "$ROOT/Dockerfile")
CACHE=${KANARY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kanary}/node-v$NODE_VERSION
LOG=$CACHE/install.log

die() {
  echo "setup-image-node: $*" >&2
  exit 1
}

install() {
  [ -n "$NODE_VERSION" ] || die "no ARG NODE_IMAGE=node:<major>.<minor>-... in $ROOT/Dockerfile"
  command -v npm >/dev/null 2>&1 || die "npm is not installed: the image's Node.js comes from the npm registry's node package"
  mkdir -p "$CACHE"
  echo "setup-image-node: installing Node.js $NODE_VERSION (the controller image's) from the npm registry (log: $LOG)" >&2
  rm -rf "$CACHE/pkg.partial" && mkdir -p "$CACHE/pkg.partial"
  npm install --prefix "$CACHE/pkg.partial" --no-audit --no-fund --no-save "node@$NODE_VERSION" >"$LOG" 2>&1 ||
    die "npm install node@$NODE_VERSION failed (is the npm registry reachable?); last lines of $LOG:
$(tail -n 10 "$LOG")"
  local binary
  binary=$(find "$CACHE/pkg.partial/node_modules" -path '*/bin/node' -type f -size +1M | head -n 1)
  [ -n "$binary" ] || die "node@$NODE_VERSION installed no node binary; see $LOG"
  "$binary" --version >>"$LOG" 2>&1 || die "the installed node binary does not run; see $LOG"
  rm -rf "$CACHE/bin" && mkdir -p "$CACHE/bin.partial"
  cp "$binary" "$CACHE/bin.partial/node"
  chmod 0755 "$CACHE/bin.partial/node"
  mv "$CACHE/bin.partial" "$CACHE/bin"
  rm -rf "$CACHE/pkg.partial"
}

# Two cluster starts at once: the second waits for the first's install instead of racing it.
mkdir -p "$(dirname "$CACHE")"
exec 9>"$CACHE.lock"
flock 9
[ -x "$CACHE/bin/node" ] || install
if [ "${1:-}" = --print-binary ]; then echo "$CACHE/bin/node"; fi
