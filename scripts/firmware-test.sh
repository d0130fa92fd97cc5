#!/usr/bin/env bash
# Builds the firmware's host tests (C99 core + cmocka) and runs them with ctest.
# Writes a JUnit report to ${FIRMWARE_JUNIT:-.test-report/ctest.xml} for scripts/run-tests.mjs.
# As root, installs the missing build packages; otherwise prints the command that would.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake gcc libcmocka-dev pkg-config)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "firmware tests need: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

junit=${FIRMWARE_JUNIT:-.test-report/ctest.xml}
case "$junit" in /*) ;; *) junit="$PWD/$junit" ;; esac
mkdir -p "$(dirname "$junit")"
cmake -S firmware -B firmware/build -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build firmware/build -j2
ctest --test-dir firmware/build --output-on-failure --output-junit "$junit"
