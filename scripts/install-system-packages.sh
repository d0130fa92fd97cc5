#!/usr/bin/env bash
# Installs the Debian packages the build and tests use (run as root; CI and fresh dev machines).
# Daemons are never started by apt here (policy-rc.d): the tests start their own on 127.0.0.1.
set -euo pipefail

PACKAGES=(
  # test services
  mosquitto mosquitto-clients postgresql-15 victoria-metrics redis-server openssl curl
  # firmware host build and tests
  cmake gcc g++ make pkg-config libcmocka-dev libmosquitto-dev
  # native npm modules (better-sqlite3, serialport, onoff) and pseudo-terminal tools
  python3 socat
  # browser tests of the web apps, with Khmer glyphs in screenshots
  chromium fonts-noto-core fonts-khmeros
  # offline validation: compose files, shell scripts, Prometheus rules, nftables rules; sqlite3 CLI for backups
  docker-compose shellcheck prometheus nftables sqlite3
)

if [ "$(id -u)" -ne 0 ]; then
  echo "run as root, or install: sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}" >&2
  exit 1
fi
if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
echo "system packages ready: ${PACKAGES[*]}"
