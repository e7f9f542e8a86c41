#!/usr/bin/env bash
# `npm run -s helm -- ARGS`: the helm CLI built from its Go module (scripts/setup-helm.sh), run with ARGS.
set -euo pipefail
helm=$(bash "$(dirname "$0")/setup-helm.sh" --print-binary)
exec "$helm" "$@"
