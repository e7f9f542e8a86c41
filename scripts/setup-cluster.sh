#!/usr/bin/env bash
# Builds (once) and caches the local Kubernetes control plane the cluster tests and the demo use:
# kube-apiserver, kube-controller-manager and kubectl from the k8s.io/kubernetes Go module, and etcd
# from the go.etcd.io/etcd/server/v3 module, each through the small Go module kept in stack/.
#
#   bash scripts/setup-cluster.sh [--kubernetes-version 1.37|1.35]   # default: $KANARY_KUBERNETES_VERSION or 1.37
#   bash scripts/setup-cluster.sh --print-bin-dir                   # the same, then prints the bin/ (kubectl) on stdout
#
# A no-op (well under a second) when the cache is complete. Needs Go >= 1.26 and the Go module proxy.
# Cache:   ${KANARY_CACHE:-~/.cache/kanary}/kubernetes-vX.Y.Z/bin/{kube-apiserver,kube-controller-manager,kubectl}
#          ${KANARY_CACHE:-~/.cache/kanary}/etcd-vX.Y.Z/bin/etcd
# Log:     next to each bin/, build.log
# Go's module and build caches make an interrupted build resume; binaries are moved into bin/ only
# once all of them are built, so a half-built cache is never taken as complete.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OFFERED="1.37 1.35"
ETCD_VERSION=v3.6.17
GO_MIN_MINOR=26
CACHE_ROOT=${KANARY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kanary}
RUNTIME_PACKAGES=(openssl)
START=$SECONDS

say() { echo "setup-cluster: $*" >&2; }
die() {
  echo "setup-cluster: $*" >&2
  exit 1
}

full_version() {
  case $1 in
    1.37 | v1.37 | 1.37.2 | v1.37.2) echo v1.37.2 ;;
    1.35 | v1.35 | 1.35.4 | v1.35.4) echo v1.35.4 ;;
    *) return 1 ;;
  esac
}

requested=${KANARY_KUBERNETES_VERSION:-1.37}
print_bin_dir=false
while [ $# -gt 0 ]; do
  case $1 in
    --kubernetes-version) [ $# -ge 2 ] || die "--kubernetes-version needs a value (offered: $OFFERED)"; requested=$2; shift 2 ;;
    --kubernetes-version=*) requested=${1#*=}; shift ;;
    --print-bin-dir) print_bin_dir=true; shift ;;
    *) die "unknown argument '$1' (usage: setup-cluster.sh [--kubernetes-version $(echo "$OFFERED" | tr ' ' '|')])" ;;
  esac
done
K8S_VERSION=$(full_version "$requested") || die "Kubernetes version '$requested' is not offered; offered versions: $OFFERED"

K8S_CACHE=$CACHE_ROOT/kubernetes-$K8S_VERSION
ETCD_CACHE=$CACHE_ROOT/etcd-$ETCD_VERSION
K8S_BINARIES=(kube-apiserver kube-controller-manager kubectl)

complete() { # complete DIR BINARY...
  local dir=$1 b
  shift
  [ -f "$dir/bin/.complete" ] || return 1
  for b in "$@"; do [ -x "$dir/bin/$b" ] || return 1; done
}

# --- Debian runtime packages (openssl signs the local PKI) ---------------------------------------

install_packages() {
  local missing=() p
  for p in "${RUNTIME_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing Debian packages (${missing[*]}) and apt-get is unavailable"
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  say "installing Debian packages: ${missing[*]}"
  { "${sudo_cmd[@]}" apt-get update -q && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; } >/dev/null ||
    die "installing Debian packages (${missing[*]}) failed: is the Debian archive reachable?"
}

# --- Go -------------------------------------------------------------------------------------------

check_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed (or not on PATH). The local stack is built from Go modules and needs Go >= 1.$GO_MIN_MINOR: install it from https://go.dev/dl/ and put its bin/ on PATH."
  local v minor
  v=$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)
  minor=$(echo "$v" | sed -nE 's/^go1\.([0-9]+).*/\1/p')
  [ -n "$minor" ] && [ "$minor" -ge "$GO_MIN_MINOR" ] ||
    die "Go ${v:-of unknown version} at $(command -v go) is too old: the local stack needs Go >= 1.$GO_MIN_MINOR (install it from https://go.dev/dl/ and put it first on PATH)"
}

# run_phase NAME LOG CMD...: runs CMD with output in LOG, a progress line every 30 s; one clear
# message naming the phase and the log when it fails.
run_phase() {
  local name=$1 log=$2
  shift 2
  say "phase $name (elapsed $((SECONDS - START)) s, log: $log)"
  echo "== phase $name: $*" >>"$log"
  "$@" >>"$log" 2>&1 &
  local pid=$! last=$SECONDS status=0
  trap 'kill "$pid" 2>/dev/null; exit 130' INT TERM
  while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    if [ $((SECONDS - last)) -ge 30 ]; then
      last=$SECONDS
      say "phase $name still running (elapsed $((SECONDS - START)) s, log: $log)"
    fi
  done
  wait "$pid" || status=$?
  trap - INT TERM
  [ "$status" -eq 0 ] && return 0
  if [ "$name" = download ]; then
    die "downloading Go modules failed: is the Go module proxy ($(go env GOPROXY)) reachable? (last lines of $log:)
$(tail -n 5 "$log")"
  fi
  die "phase '$name' failed (exit status $status); last lines of $log:
$(tail -n 15 "$log")"
}

go_env() { env GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0 "$@"; }

download_modules() { (cd "$1" && go_env go mod download); }

build_kubernetes() {
  local pkg=k8s.io/component-base/version minor
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  local ldflags="-s -w -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  rm -rf "$K8S_CACHE/bin.partial" && mkdir -p "$K8S_CACHE/bin.partial"
  (cd "$ROOT/stack/kubernetes-$K8S_VERSION" && go_env go build -trimpath -ldflags "$ldflags" -o "$K8S_CACHE/bin.partial/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl)
}

build_etcd() {
  rm -rf "$ETCD_CACHE/bin.partial" && mkdir -p "$ETCD_CACHE/bin.partial"
  (cd "$ROOT/stack/etcd-$ETCD_VERSION" && go_env go build -trimpath -ldflags "-s -w" -o "$ETCD_CACHE/bin.partial/etcd" .)
}

finish() { # finish CACHE: bin.partial becomes bin
  local dir=$1
  rm -rf "$dir/bin"
  mv "$dir/bin.partial" "$dir/bin"
  date -u +%FT%TZ >"$dir/bin/.complete"
}

build_one() { # build_one CACHE MODULE_DIR BUILD_FN WHAT
  local dir=$1 module=$2 fn=$3 what=$4
  mkdir -p "$dir"
  local log=$dir/build.log
  : >"$log"
  say "building $what from Go modules (several minutes on 2 cores; log: $log)"
  run_phase download "$log" download_modules "$module"
  run_phase "build $what" "$log" "$fn"
  finish "$dir"
}

main() {
  install_packages
  local need_k8s=true need_etcd=true
  complete "$K8S_CACHE" "${K8S_BINARIES[@]}" && need_k8s=false
  complete "$ETCD_CACHE" etcd && need_etcd=false
  if [ "$need_k8s" = false ] && [ "$need_etcd" = false ]; then return 0; fi
  check_go
  if [ "$need_etcd" = true ]; then build_one "$ETCD_CACHE" "$ROOT/stack/etcd-$ETCD_VERSION" build_etcd "etcd $ETCD_VERSION"; fi
  if [ "$need_k8s" = true ]; then
    build_one "$K8S_CACHE" "$ROOT/stack/kubernetes-$K8S_VERSION" build_kubernetes "kube-apiserver, kube-controller-manager and kubectl $K8S_VERSION"
  fi
  "$K8S_CACHE/bin/kube-apiserver" --version >/dev/null || die "the built kube-apiserver does not run; see $K8S_CACHE/build.log"
  say "done in $((SECONDS - START)) s: $K8S_CACHE/bin and $ETCD_CACHE/bin"
}

main
if [ "$print_bin_dir" = true ]; then echo "$K8S_CACHE/bin"; fi
