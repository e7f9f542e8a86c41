#!/usr/bin/env bash
# `npm test`: sets up what the tests need (npm packages, the local Kubernetes build, Prometheus),
# runs every test on Kubernetes 1.37 and prints one closing line `N passed, N failed`.
# `npm run test:unit` (--unit) runs only the tests that need nothing but Node.
# `npm run test:compat` (--compat) is the compatibility leg on Kubernetes 1.35: the controller
# scenarios, analysis end to end, the CLI and a full canary with promote and abort.
# A full `npm test` (no arguments) also runs the Emissary 4 leg: the Mapping tests again on a
# second cluster with Emissary 4's CRDs (v3alpha1 only, no conversion webhook), and the two-shard
# leg: the reliability tests again with every test's controller as two shard processes
# (KANARY_TEST_SHARDS=2, test/harness/controller-process.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
unit_only=false
compat=false
jest_args=()
explicit_args=$#
for arg in "$@"; do
  case "$arg" in
    --unit) unit_only=true ;;
    --compat)
      export KANARY_KUBERNETES_VERSION=1.35
      compat=true
      jest_args+=(--selectProjects cluster --testPathPatterns 'test/(controller|analysis-e2e|cli)/')
      ;;
    *) jest_args+=("$arg") ;;
  esac
done

bash scripts/ensure-node-deps.sh
# Each scripts/setup-*.sh installs one thing the tests need (idempotent, quick when present).
# The unit run skips the local Kubernetes build.
for setup in scripts/setup-*.sh; do
  [ -e "$setup" ] || continue
  if [ "$unit_only" = true ] && [ "$setup" = scripts/setup-cluster.sh ]; then continue; fi
  bash "$setup"
done
if [ "$unit_only" = true ]; then
  jest_args=(--selectProjects unit "${jest_args[@]}")
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0
passed=0
failed=0
total=0
# run_jest ARGS...: one jest run; adds its counts to the totals.
run_jest() {
  local code=0 counts
  NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" npx jest --maxWorkers=2 \
    --json --outputFile="$results" "$@" || code=$?
  counts=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    // A suite that failed to run (an import or setup error) ran no test: it counts as one failure.
    const broken = r.numRuntimeErrorTestSuites ?? 0;
    console.log(`${r.numPassedTests} ${r.numFailedTests + broken} ${r.numTotalTests + broken}`);
  ' "$results") || { status=1; return; }
  read -r p f t <<<"$counts"
  passed=$((passed + p)); failed=$((failed + f)); total=$((total + t))
  [ "$code" -eq 0 ] || status=$code
}

run_jest "${jest_args[@]}"
if [ "$unit_only" = false ] && [ "$compat" = false ] && [ "$explicit_args" -eq 0 ] && [ -z "${KANARY_TEST_KUBECONFIG:-}" ]; then
  echo "==> Emissary 4 leg: the Mapping tests on a cluster with Emissary 4's CRDs"
  KANARY_TEST_EMISSARY=4 run_jest --selectProjects cluster \
    --testPathPatterns 'test/controller/(emissary-mappings|mapping-api-)|test/traffic/'
  echo "==> two-shard leg: the reliability tests with the controller as 2 shard processes"
  KANARY_TEST_SHARDS=2 run_jest --selectProjects cluster \
    --testPathPatterns 'test/reliability/(crash-anywhere|no-dropped-requests|api-faults|prometheus-faults|hostile-tenant|bad-input-corpus)'
fi
echo "$passed passed, $failed failed"
if [ "$total" -eq 0 ]; then echo "no test ran" >&2; status=1; fi
exit "$status"
