#!/usr/bin/env bash
# `npm run bench [name...]`: builds, then runs the benchmarks (bench/run-benchmarks.ts; names:
# rollback-latency step-latency api-cost scale cli-startup shards shard-takeover idle dashboard, or `doc` to only re-render
# docs/benchmarks.md; `npm run bench dashboard -- --minutes N` sets the dashboard's watching period)
# against the cluster of $KANARY_BENCH_KUBECONFIG, or a local cluster it starts and stops itself.
# Writes bench/results/<name>.json and docs/benchmarks.md. Not part of `npm test`.
# `npm run bench judge [-- --releases N]` is a seeded Monte Carlo of the statistical judge: no
# build, no cluster (bench/judge/run-judge-bench.ts; it updates only the Judge section).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = judge ]; then shift; exec node scripts/run-ts.mjs bench/judge/run-judge-bench.ts "$@"; fi
npm run -s build
# The local stack on Kubernetes 1.37 (built once), its kubectl first on PATH.
PATH="$(bash scripts/setup-cluster.sh --print-bin-dir):$PATH"
export PATH
cluster_dir=""
cleanup() {
  if [ -n "$cluster_dir" ]; then
    node bin/kanary.js cluster stop --dir "$cluster_dir" >/dev/null 2>&1 || true
    rm -rf "$cluster_dir"
  fi
}
trap cleanup EXIT
if [ -z "${KANARY_BENCH_KUBECONFIG:-}" ]; then
  cluster_dir=$(mktemp -d /tmp/kanary-bench-cluster.XXXXXX)
  node bin/kanary.js cluster start --dir "$cluster_dir" >&2
  KANARY_BENCH_KUBECONFIG="$cluster_dir/kubeconfig"
fi
KANARY_BENCH_KUBERNETES_VERSION=${KANARY_BENCH_KUBERNETES_VERSION:-$(kubectl --kubeconfig "$KANARY_BENCH_KUBECONFIG" version -o json 2>/dev/null | node -e 'let s="";process.stdin.on("data",(c)=>(s+=c)).on("end",()=>{try{console.log(JSON.parse(s).serverVersion.gitVersion)}catch{console.log("")}})')}
export KANARY_BENCH_KUBERNETES_VERSION
KANARY_TEST_KUBECONFIG="$KANARY_BENCH_KUBECONFIG" node scripts/run-ts.mjs bench/run-benchmarks.ts "$@"
