#!/usr/bin/env bash
# `npm run demo`: sets itself up (npm packages, build) and shows Kanary on the main example.
# Until the full live demo lands, it lints the Ambassador example and prints its canary timeline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node-deps.sh
node bin/kanary.js lint examples/canary-ambassador
node bin/kanary.js plan examples/canary-ambassador/rollout.yaml
