#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing (real servers on loopback,
# never mocks): Mosquitto (MQTT broker), InfluxDB 1.x, VictoriaMetrics (a v2 write peer), Chromium
# for the aggregator's page tests and systemd-analyze for the unit file. Idempotent; quiet when all is present.
set -euo pipefail

declare -A need=(
  [systemd]=/usr/bin/systemd-analyze
  [mosquitto]=/usr/sbin/mosquitto
  [mosquitto-clients]=/usr/bin/mosquitto_sub
  [influxdb]=/usr/bin/influxd
  [influxdb-client]=/usr/bin/influx
  [victoria-metrics]=/usr/bin/victoria-metrics
  [chromium]=/usr/bin/chromium
)
missing=()
for pkg in "${!need[@]}"; do
  [ -x "${need[$pkg]}" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "system-deps: missing Debian packages: ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else SUDO=; fi

echo "system-deps: installing ${missing[*]} (apt-get)…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages enable system services; RHN's tests start their own instances on free loopback
# ports, so stop the system ones to leave the default ports free and the machine quiet.
for svc in mosquitto influxdb victoria-metrics; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then $SUDO systemctl stop "$svc" || true; fi
done
for bin in mosquitto influxd victoria-metrics; do pkill -x "$bin" 2>/dev/null || true; done
echo "system-deps: done"
