#!/usr/bin/env bash
# `npm run demo [-- --no-tty | --yes | --scenario promote|rollback|manual|all | --rps N]`
# Sets itself up on a fresh Debian machine after `git clone` (npm packages, build, Kubernetes
# control plane built once and cached, Prometheus from Debian), then plays three canary releases
# on the local stack: see src/sandbox/demo/ and `npm run demo -- --help`.
set -euo pipefail
cd "$(dirname "$0")/.."

for arg in "$@"; do
  case "$arg" in
    -h|--help) bash scripts/ensure-node-deps.sh && exec node dist/sandbox/demo/main.js --help ;;
  esac
done

bash scripts/ensure-node-deps.sh
echo "==> Kubernetes control plane (built once, cached)" >&2
bash scripts/setup-cluster.sh
echo "==> Prometheus" >&2
if ! bash scripts/setup-prometheus.sh; then
  echo "demo: Prometheus is required for the analysis: install Debian's 'prometheus' package" >&2
  echo "      (sudo apt-get install prometheus) or put a Prometheus 2.x binary on PATH, then rerun." >&2
  exit 1
fi
exec node dist/sandbox/demo/main.js "$@"
