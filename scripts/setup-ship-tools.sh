#!/usr/bin/env bash
# Installs what the shipping tests (test/ship) need besides helm (scripts/setup-helm.sh builds that),
# only when missing (idempotent, silent when everything is present):
#   - lua5.4: runs examples/argocd/health.lua against fixture Rollouts.
set -euo pipefail

command -v lua5.4 >/dev/null 2>&1 && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-ship-tools: lua5.4 is missing and apt-get is unavailable; install it by hand" >&2
  exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

echo "setup-ship-tools: installing lua5.4"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends lua5.4 >/dev/null
command -v lua5.4 >/dev/null 2>&1 || { echo "setup-ship-tools: installation finished but lua5.4 is still missing" >&2; exit 1; }
