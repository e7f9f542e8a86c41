#!/usr/bin/env bash
# `npm run demo [-- --no-tty | --yes | --scenario promote|rollback|manual|all | --rps N | --metrics prometheus|edge-proxy]`
# Sets itself up on a fresh Debian machine after `git clone` (npm packages, build, Kubernetes
# control plane built once and cached, Prometheus from Debian), then plays three canary releases
# on the local stack: see src/sandbox/demo/ and `npm run demo -- --help`. Where Prometheus cannot
# be installed (no apt-get, no root), the demo still runs: its analysis falls back to the web
# provider against the edge proxy's own counters, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

metrics=prometheus
prev=
for arg in "$@"; do
  case "$arg" in
    -h|--help) bash scripts/ensure-node-deps.sh && exec node dist/sandbox/demo/main.js --help ;;
    --metrics=*) metrics="${arg#--metrics=}" ;;
  esac
  if [ "$prev" = "--metrics" ]; then metrics="$arg"; fi
  prev="$arg"
done

bash scripts/ensure-node-deps.sh
echo "==> Kubernetes control plane (built once, cached)" >&2
# kubectl of the cluster's own version first on PATH.
PATH="$(bash scripts/setup-cluster.sh --print-bin-dir):$PATH"
export PATH
if [ "$metrics" = "edge-proxy" ]; then
  echo "==> Prometheus: not needed (--metrics edge-proxy)" >&2
else
  echo "==> Prometheus" >&2
  if ! bash scripts/setup-prometheus.sh; then
    echo "demo: could not install Prometheus. To install it: sudo apt-get install prometheus" >&2
    echo "      (or bash scripts/setup-prometheus.sh as a user who may run apt-get, or put a" >&2
    echo "      Prometheus 2.x binary on PATH). Continuing: the analysis falls back to the edge proxy's own counters." >&2
  fi
fi
exec node dist/sandbox/demo/main.js "$@"
