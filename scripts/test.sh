#!/usr/bin/env bash
# `npm test`: sets up what the tests need (npm packages, the local Kubernetes build, Prometheus),
# runs every test on Kubernetes 1.37 and prints one closing line `N passed, N failed`.
# `npm run test:unit` (--unit) runs only the tests that need nothing but Node.
# `npm run test:compat` (--compat) is the compatibility leg on Kubernetes 1.35: the controller
# scenarios, analysis end to end, the CLI and a full canary with promote and abort.
set -euo pipefail
cd "$(dirname "$0")/.."
unit_only=false
jest_args=()
for arg in "$@"; do
  case "$arg" in
    --unit) unit_only=true ;;
    --compat)
      export KANARY_KUBERNETES_VERSION=1.35
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
NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" npx jest --maxWorkers=2 \
  --json --outputFile="$results" "${jest_args[@]}" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' "$results" || status=1
exit "$status"
