#!/usr/bin/env bash
# Tools the CLI's tests need besides Node: tmux runs `kanary get rollout -w` under a real
# pseudo-terminal in test/cli/get-rollout-command.cluster.test.ts. Idempotent; quick when present.
set -euo pipefail
if command -v tmux >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup-cli-tools: installing tmux"
  apt-get install -y tmux >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y tmux >/dev/null; }
else
  echo "setup-cli-tools: tmux is missing; install it (e.g. sudo apt-get install -y tmux) for the get -w test" >&2
  exit 1
fi
