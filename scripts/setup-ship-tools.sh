#!/usr/bin/env bash
# Installs what the shipping tests (test/ship) need, each only when missing (idempotent, silent
# when everything is present):
#   - golang-go + golang-github-masterminds-sprig-dev (+ yaml.v2): tools/helm-render renders charts/kanary with
#     Go's text/template and sprig, the same template engine and function library Helm uses;
#   - lua5.4: runs examples/argocd/health.lua against fixture Rollouts.
set -euo pipefail

SPRIG_DIR=/usr/share/gocode/src/github.com/Masterminds/sprig
YAML_DIR=/usr/share/gocode/src/gopkg.in/yaml.v2
missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
[ -d "$SPRIG_DIR" ] || missing+=(golang-github-masterminds-sprig-dev)
# Values and toYaml use yaml.v2, as Helm does (sprig pulls it in; named for clarity).
[ -d "$YAML_DIR" ] || missing+=(golang-gopkg-yaml.v2-dev)
command -v lua5.4 >/dev/null 2>&1 || missing+=(lua5.4)

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-ship-tools: missing ${missing[*]} and apt-get is unavailable; install them by hand" >&2
  exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

echo "setup-ship-tools: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

command -v go >/dev/null 2>&1 && [ -d "$SPRIG_DIR" ] && [ -d "$YAML_DIR" ] && command -v lua5.4 >/dev/null 2>&1 || {
  echo "setup-ship-tools: installation finished but go, sprig or lua5.4 is still missing" >&2
  exit 1
}
echo "setup-ship-tools: $(go version), sprig $(dpkg-query -W -f='${Version}' golang-github-masterminds-sprig-dev), $(lua5.4 -v)"
