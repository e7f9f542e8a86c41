#!/usr/bin/env bash
# Builds (once) and caches the local Kubernetes control plane the cluster tests and the demo use:
# kube-apiserver and kube-controller-manager v1.20.2 from Debian bookworm's `kubernetes` source
# package, compiled offline with Debian's Go, plus the runtime packages (etcd, openssl, kubectl).
#
#   bash scripts/setup-cluster.sh          # no-op (well under a second) when the cache is complete
#
# Cache:   ${KANARY_CACHE:-~/.cache/kanary}/kubernetes-v1.20.2/bin/{kube-apiserver,kube-controller-manager}
# Log:     ${KANARY_CACHE:-~/.cache/kanary}/kubernetes-v1.20.2/build.log
# Every phase leaves a stamp file, so an interrupted run resumes and a half-finished phase is redone.
set -euo pipefail

K8S_VERSION=v1.20.2
DEB_VERSION='1.20.5+really1.20.2-1.1+deb12u1'
CACHE_ROOT=${KANARY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kanary}
CACHE=$CACHE_ROOT/kubernetes-$K8S_VERSION
BIN=$CACHE/bin
LOG=$CACHE/build.log
WORK=$CACHE/work
STAMPS=$CACHE/stamps
BINARIES=(kube-apiserver kube-controller-manager)
BUILD_PACKAGES=(golang-go make rsync dpkg-dev golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev)
RUNTIME_PACKAGES=(etcd-server openssl)
START=$SECONDS

say() { echo "setup-cluster: $*"; }
fail() {
  echo "setup-cluster: FAILED: $1 (full log: $LOG)" >&2
  exit 1
}

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

cache_complete() {
  [ -f "$BIN/.complete" ] || return 1
  local b
  for b in "${BINARIES[@]}"; do
    [ -x "$BIN/$b" ] || return 1
  done
  "$BIN/kube-apiserver" --version >/dev/null 2>&1
}

# --- packages -----------------------------------------------------------------------------------

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

# Debian's etcd-server postinst may start a system etcd; the cluster runs its own, so stop it.
stop_system_etcd() {
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    "${sudo_cmd[@]}" systemctl disable --now etcd >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/etcd ]; then
    "${sudo_cmd[@]}" /etc/init.d/etcd stop >/dev/null 2>&1 || true
    if command -v update-rc.d >/dev/null 2>&1; then
      "${sudo_cmd[@]}" update-rc.d etcd disable >/dev/null 2>&1 || true
    fi
  fi
}

install_packages() {
  local wanted=("$@") missing
  if ! command -v kubectl >/dev/null 2>&1; then wanted+=(kubernetes-client); fi
  missing=$(missing_packages "${wanted[@]}")
  [ -n "$missing" ] || return 0
  command -v apt-get >/dev/null 2>&1 || fail "missing Debian packages ($(echo $missing)) and apt-get is unavailable"
  say "installing Debian packages: $(echo $missing)"
  {
    echo "== apt-get update / install: $missing"
    "${sudo_cmd[@]}" apt-get update -q || exit 10
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends $missing || exit 11
  } >>"$LOG" 2>&1 || fail "installing Debian packages ($(echo $missing)) failed: is the Debian archive reachable?"
  case " $missing " in *" etcd-server "*) stop_system_etcd ;; esac
  [ -z "$(missing_packages "${wanted[@]}")" ] || fail "Debian packages still missing after apt-get install: $(missing_packages "${wanted[@]}" | tr '\n' ' ')"
}

# --- long-running phases with progress ------------------------------------------------------------

# run_phase NAME CMD...: runs CMD with output appended to the log, printing a progress line every
# 30 s; on failure prints one message naming the phase and the log and exits.
run_phase() {
  local name=$1
  shift
  say "phase $name (elapsed $((SECONDS - START)) s)"
  echo "== phase $name: $*" >>"$LOG"
  "$@" >>"$LOG" 2>&1 &
  local pid=$! last=$SECONDS status=0
  trap 'kill "$pid" 2>/dev/null; exit 130' INT TERM
  while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    if [ $((SECONDS - last)) -ge 30 ]; then
      last=$SECONDS
      # Kubernetes' build prints each group of targets it compiles: show the current one.
      local doing
      doing=$(grep -A1 'Building go targets' "$LOG" 2>/dev/null | tail -n 1 | sed 's/^ *//; s:.*/::' || true)
      say "phase $name still running${doing:+ (now: $doing)} (elapsed $((SECONDS - START)) s)"
    fi
  done
  wait "$pid" || status=$?
  trap - INT TERM
  [ "$status" -eq 0 ] || fail "$(describe_phase "$name") failed (phase '$name', exit status $status)"
}

# --- source download (private apt state; the system's sources stay untouched) --------------------

# Prints the mirror URI of the system's Debian sources whose path matches $1 (debian|debian-security).
system_mirror() {
  local kind=$1 uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -v '^\s*#' | grep -oE '(https?|file)://[^ ]+' | sed 's:/*$::' |
    grep -E "/$kind\$" | head -n 1 || true)
  echo "${uri:-http://deb.debian.org/$kind}"
}

apt_private() {
  local dir=$CACHE/apt
  apt-get -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts="$dir/sources.list.d" \
    -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" -o APT::Sandbox::User=root \
    -o Debug::NoLocking=true "$@"
}

download_source() {
  local dir=$CACHE/apt main security keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  main=$(system_mirror debian)
  security=$(system_mirror debian-security)
  mkdir -p "$dir/lists/partial" "$dir/sources.list.d" "$dir/cache/archives/partial" "$CACHE/download"
  {
    echo "deb-src [signed-by=$keyring] $main bookworm main"
    echo "deb-src [signed-by=$keyring] $main bookworm-updates main"
    echo "deb-src [signed-by=$keyring] $security bookworm-security main"
  } >"$dir/sources.list"
  apt_private update -q || return 1
  (cd "$CACHE/download" && apt_private source --download-only -q "kubernetes=$DEB_VERSION")
}

extract_source() {
  local dsc
  dsc=$(ls "$CACHE"/download/kubernetes_*.dsc 2>/dev/null | head -n 1)
  [ -n "$dsc" ] || { echo "no .dsc downloaded"; return 1; }
  rm -rf "$WORK" "$WORK.partial"
  mkdir -p "$WORK.partial"
  dpkg-source --no-check -x "$dsc" "$WORK.partial/kubernetes" || return 1
  [ -d "$WORK.partial/kubernetes/vendor/github.com/modern-go/reflect2" ] || { echo "source has no vendor tree"; return 1; }
  mv "$WORK.partial" "$WORK"
}

# reflect2 v1.0.1 (vendored) crashes kube-apiserver built with Go >= 1.18 ("fatal error: fault");
# swap in Debian's reflect2 1.0.2 and json-iterator 1.1.12.
replace_vendored() {
  local from=$1 to=$2 f
  [ -d "$from" ] || { echo "missing $from"; return 1; }
  find "$to" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
  for f in "$from"/*.go "$from"/*.s; do
    [ -e "$f" ] || continue
    case "$f" in *_test.go) continue ;; esac
    cp "$f" "$to/"
  done
}

patch_reflect2() {
  local src=/usr/share/gocode/src/github.com vendor=$WORK/kubernetes/vendor/github.com
  replace_vendored "$src/modern-go/reflect2" "$vendor/modern-go/reflect2" &&
    replace_vendored "$src/json-iterator/go" "$vendor/json-iterator/go"
}

build_binaries() {
  local tree=$WORK/kubernetes
  cat >"$CACHE/version.env" <<EOF
KUBE_GIT_COMMIT='faecb196815e248d3ecfb03c680a4507229c2a56'
KUBE_GIT_TREE_STATE='clean'
KUBE_GIT_VERSION='$K8S_VERSION'
KUBE_GIT_MAJOR='1'
KUBE_GIT_MINOR='20'
EOF
  # A failed attempt leaves placeholder files in _output that make then trusts: start clean.
  rm -rf "$tree/_output"
  # Kubernetes' hack/ scripts pick the GOPATH/module mode themselves; vendor/ supplies everything.
  (cd "$tree" && env -u GOFLAGS -u GOPATH GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 \
    KUBE_GIT_VERSION_FILE="$CACHE/version.env" \
    make WHAT="cmd/kube-apiserver cmd/kube-controller-manager")
}

install_binaries() {
  local out=$WORK/kubernetes/_output/bin b
  rm -rf "$BIN" "$BIN.partial"
  mkdir -p "$BIN.partial"
  for b in "${BINARIES[@]}"; do
    [ -x "$out/$b" ] || { echo "build produced no $out/$b"; return 1; }
    cp "$out/$b" "$BIN.partial/$b"
  done
  "$BIN.partial/kube-apiserver" --version || return 1
  mv "$BIN.partial" "$BIN"
  date -u +%FT%TZ >"$BIN/.complete"
}

# stage NAME FUNCTION: runs FUNCTION as a phase unless its stamp exists.
stage() {
  local name=$1 fn=$2
  if [ -f "$STAMPS/$name" ]; then return 0; fi
  run_phase "$name" "$fn"
  touch "$STAMPS/$name"
}

# What each phase does, for the failure message.
describe_phase() {
  case $1 in
    download) echo "downloading the Debian source package kubernetes=$DEB_VERSION (is the Debian archive reachable?)" ;;
    extract) echo "unpacking the kubernetes source package with dpkg-source" ;;
    patch) echo "replacing vendored reflect2/json-iterator with Debian's copies under /usr/share/gocode/src" ;;
    build) echo "compiling kube-apiserver and kube-controller-manager with $(go version 2>/dev/null || echo 'go (not found)')" ;;
    *) echo "installing the built binaries into $BIN" ;;
  esac
}

main() {
  mkdir -p "$CACHE"
  if cache_complete; then
    install_packages "${RUNTIME_PACKAGES[@]}"
    exit 0
  fi
  mkdir -p "$STAMPS"
  : >"$LOG"
  say "building kube-apiserver and kube-controller-manager $K8S_VERSION (10-40 minutes on 2 cores, depending on load; log: $LOG)"
  install_packages "${RUNTIME_PACKAGES[@]}" "${BUILD_PACKAGES[@]}"
  stage download download_source
  # Extraction and patching are redone together: a stamp for one without the other is stale.
  if [ ! -f "$STAMPS/patch" ]; then rm -f "$STAMPS/extract"; fi
  stage extract extract_source
  stage patch patch_reflect2
  run_phase build build_binaries
  run_phase install install_binaries
  # The source tree and its Go cache (~2.5 GB) are no longer needed once the binaries are cached.
  if [ "${KANARY_KEEP_BUILD_TREE:-}" != 1 ]; then
    rm -rf "$WORK" "$STAMPS"
  fi
  say "done in $((SECONDS - START)) s: $BIN"
}

main "$@"
