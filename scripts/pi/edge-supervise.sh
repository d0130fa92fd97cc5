#!/usr/bin/env bash
# Runs the edge controller under systemd (Type=notify, WatchdogSec): starts it, reports READY
# once GET /health answers, then pings the watchdog only while /health keeps answering, so a
# hung process is restarted and not only a dead one. Exits with the controller's exit code.
set -euo pipefail

health_url=${TOKKATOT_HEALTH_URL:-http://127.0.0.1:8080/health}
start_timeout=${EDGE_START_TIMEOUT_SECONDS:-90}
# systemd passes WATCHDOG_USEC; ping four times per period so one lost ping is harmless.
interval=$(( ${WATCHDOG_USEC:-60000000} / 4000000 ))
[ "$interval" -ge 1 ] || interval=1

healthy() { curl -fsS -o /dev/null --max-time 3 "$health_url"; }
notify() { systemd-notify "$@" 2>/dev/null || true; }

# The release's plain-JS bundle (npm run build:edge) when present: no TypeScript loader thread.
if [ "$#" -gt 0 ]; then "$@" &
elif [ -f build/bundle/tokkatot-edge.mjs ]; then node --enable-source-maps build/bundle/tokkatot-edge.mjs &
else node --import tsx src/main.ts &
fi
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' TERM INT

waited=0
until healthy; do
  if ! kill -0 "$child" 2>/dev/null; then wait "$child"; exit $?; fi
  if [ "$waited" -ge "$start_timeout" ]; then echo "edge did not answer $health_url within ${start_timeout}s" >&2; kill -TERM "$child"; wait "$child" || true; exit 1; fi
  sleep 1; waited=$((waited + 1))
done
notify --ready --status="serving $health_url"

while kill -0 "$child" 2>/dev/null; do
  if healthy; then notify WATCHDOG=1; else echo "health check failed: $health_url" >&2; fi
  # Sleep in the background so a TERM from systemd is handled at once.
  sleep "$interval" & wait $! || true
done
wait "$child"
