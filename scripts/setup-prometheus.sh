#!/usr/bin/env bash
# Makes sure a `prometheus` binary is on PATH for the analysis tests (they start their own
# instance on a free loopback port). Installs Debian's package when missing; silent when present.
# The package's own service is never left running: the tests own every Prometheus they use.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-prometheus: prometheus is not on PATH and apt-get is unavailable; install Prometheus 2.x" >&2
  exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

echo "setup-prometheus: installing Debian's prometheus package"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends prometheus >/dev/null

# Debian's postinst may start and enable the service (systemd or sysvinit, unless policy-rc.d
# forbids it). Stop and disable it whichever init is in use; ignore "not running".
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  "${sudo_cmd[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
elif [ -x /etc/init.d/prometheus ]; then
  "${sudo_cmd[@]}" /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  if command -v update-rc.d >/dev/null 2>&1; then
    "${sudo_cmd[@]}" update-rc.d prometheus disable >/dev/null 2>&1 || true
  fi
fi

command -v prometheus >/dev/null 2>&1 || {
  echo "setup-prometheus: installation finished but prometheus is still not on PATH" >&2
  exit 1
}
echo "setup-prometheus: $(prometheus --version 2>&1 | head -n 1)"
