#!/usr/bin/env bash
# Builds (once) and caches the helm CLI from the helm.sh/helm/v4 Go module, through the small Go
# module in stack/helm-*/. A no-op when cached. Needs Go >= 1.26 and the Go module proxy.
#
#   bash scripts/setup-helm.sh                   # build when missing
#   bash scripts/setup-helm.sh --print-binary    # the same, then print the binary's path on stdout
#
# Cache: ${KANARY_CACHE:-~/.cache/kanary}/helm-v4.3.2/bin/helm (log: build.log beside bin/)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HELM_VERSION=v4.3.2
CACHE=${KANARY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kanary}/helm-$HELM_VERSION
LOG=$CACHE/build.log

die() {
  echo "setup-helm: $*" >&2
  exit 1
}

build() {
  command -v go >/dev/null 2>&1 || die "Go is not installed (or not on PATH): helm is built from its Go module and needs Go >= 1.26 (https://go.dev/dl/)"
  mkdir -p "$CACHE"
  echo "setup-helm: building helm $HELM_VERSION from its Go module (a few minutes on 2 cores; log: $LOG)" >&2
  rm -rf "$CACHE/bin.partial" && mkdir -p "$CACHE/bin.partial"
  local pkg=helm.sh/helm/v4/internal/version
  (cd "$ROOT/stack/helm-$HELM_VERSION" && env GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0 \
    go build -trimpath -ldflags "-s -w -X $pkg.version=$HELM_VERSION -X $pkg.metadata= -X $pkg.gitTreeState=clean" \
    -o "$CACHE/bin.partial/helm" helm.sh/helm/v4/cmd/helm) >"$LOG" 2>&1 ||
    die "building helm failed (is the Go module proxy reachable? Go >= 1.26?); last lines of $LOG:
$(tail -n 10 "$LOG")"
  rm -rf "$CACHE/bin"
  mv "$CACHE/bin.partial" "$CACHE/bin"
}

[ -x "$CACHE/bin/helm" ] || build
if [ "${1:-}" = --print-binary ]; then echo "$CACHE/bin/helm"; fi
