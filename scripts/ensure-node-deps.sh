#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than package-lock.json, then builds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
echo "==> build" >&2
npm run --silent build >&2
