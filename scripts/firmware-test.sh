#!/usr/bin/env bash
# Builds the firmware's host tests (C99 core + cmocka) and runs them with ctest.
# Writes a JUnit report to ${FIRMWARE_JUNIT:-.test-report/ctest.xml} for scripts/run-tests.mjs.
# As root, installs the missing build packages; otherwise prints the command that would.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib/ensure-packages.sh
. scripts/lib/ensure-packages.sh
ensure_packages cmake gcc libcmocka-dev pkg-config

junit=${FIRMWARE_JUNIT:-.test-report/ctest.xml}
case "$junit" in /*) ;; *) junit="$PWD/$junit" ;; esac
mkdir -p "$(dirname "$junit")"
cmake -S firmware -B firmware/build -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build firmware/build -j2
ctest --test-dir firmware/build --output-on-failure --output-junit "$junit"
