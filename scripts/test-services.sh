#!/usr/bin/env bash
# Starts or stops the real services the integration tests use — Mosquitto (passwords, ACL, TLS),
# a throwaway PostgreSQL 15 cluster, VictoriaMetrics (the InfluxDB 2 write-API stand-in) and
# Redis (the cloud replicas' shared rate-limit store and cache) —
# each on a free 127.0.0.1 port inside one temp folder, each stopped by its own PID.
#
#   scripts/test-services.sh up [DIR]   start all; writes DIR/env (KEY=VALUE) and prints DIR
#   scripts/test-services.sh down DIR   stop all started in DIR and remove it
#
# A service that cannot start is recorded in DIR/env as <NAME>_ERROR=… instead of aborting,
# so the test that needs it fails by name rather than the whole run vanishing.
# When run as root and a package is missing it is installed with apt-get; otherwise the script
# prints the one command that would install it.
set -uo pipefail

PACKAGES=(mosquitto mosquitto-clients postgresql-15 victoria-metrics redis-server openssl curl)
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '[test-services] %s\n' "$*" >&2; }
# shellcheck source=scripts/lib/ensure-packages.sh
. "$(dirname "$0")/lib/ensure-packages.sh"

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_until() { # seconds command...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.05
  done
}

record() { printf '%s=%s\n' "$1" "$2" >> "$DIR/env"; }

start_mosquitto() {
  command -v mosquitto >/dev/null || { record MQTT_ERROR "mosquitto is not installed"; return; }
  local m=$DIR/mqtt port tls_port
  mkdir -p "$m/data"
  port=$(free_port); tls_port=$(free_port)
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$m/ca.key" -out "$m/ca.crt" -subj /CN=tokkatot-test-ca 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$m/server.key" -out "$m/server.csr" -subj /CN=localhost 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$m/san.ext"
  openssl x509 -req -in "$m/server.csr" -CA "$m/ca.crt" -CAkey "$m/ca.key" -CAcreateserial -days 2 \
    -out "$m/server.crt" -extfile "$m/san.ext" 2>/dev/null
  # One broker user per device, confined by the ACL to its own node topics; "edge" is the Pi.
  : > "$m/passwd"
  mosquitto_passwd -b "$m/passwd" edge edge-test-pass
  mosquitto_passwd -b "$m/passwd" node-a node-a-test-pass
  mosquitto_passwd -b "$m/passwd" node-b node-b-test-pass
  cat > "$m/acl" <<ACL
user edge
topic readwrite tokkatot/#

pattern readwrite tokkatot/+/node/%u/#
ACL
  cat > "$m/mosquitto.conf" <<CONF
per_listener_settings false
set_tcp_nodelay true
allow_anonymous false
password_file $m/passwd
acl_file $m/acl
persistence true
persistence_location $m/data/
log_dest file $m/mosquitto.log
listener $port 127.0.0.1
listener $tls_port 127.0.0.1
cafile $m/ca.crt
certfile $m/server.crt
keyfile $m/server.key
CONF
  # Started as root the broker drops to user mosquitto before reading the password file.
  [ "$(id -u)" -eq 0 ] && chown -R mosquitto: "$m"
  mosquitto -c "$m/mosquitto.conf" > "$m/stdout.log" 2>&1 &
  echo $! > "$m/pid"
  if wait_until 10 mosquitto_sub -h 127.0.0.1 -p "$port" -u edge -P edge-test-pass -t tokkatot/ready -E; then
    record MQTT_URL "mqtt://127.0.0.1:$port"
    record MQTTS_URL "mqtts://localhost:$tls_port"
    record MQTT_CA_FILE "$m/ca.crt"
    record MQTT_DIR "$m"
    record MQTT_PID "$(cat "$m/pid")"
  else
    record MQTT_ERROR "mosquitto did not accept connections: $(tail -c 300 "$m/stdout.log" "$m/mosquitto.log" 2>/dev/null | tr '\n' ' ')"
  fi
}

start_postgres() {
  [ -x "$PG_BIN/initdb" ] || { record PG_ERROR "PostgreSQL 15 is not installed ($PG_BIN/initdb missing)"; return; }
  local p=$DIR/pg port run_as=()
  mkdir -p "$p"; port=$(free_port)
  # initdb refuses root: run the cluster as postgres, which must be able to enter the folder.
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$p"; run_as=(su postgres -s /bin/bash -c); else run_as=(bash -c); fi
  if ! "${run_as[@]}" "$PG_BIN/initdb -D '$p/data' -U postgres --auth=trust -E UTF8 --no-locale" > "$p/initdb.log" 2>&1; then
    record PG_ERROR "initdb failed: $(tail -c 300 "$p/initdb.log" | tr '\n' ' ')"; return
  fi
  # fsync off: a throwaway test cluster, speed over durability.
  if ! "${run_as[@]}" "$PG_BIN/pg_ctl -D '$p/data' -l '$p/pg.log' -w -t 30 -o \"-c listen_addresses=127.0.0.1 -p $port -k '$p' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start" > "$p/start.log" 2>&1; then
    record PG_ERROR "postgres did not start: $(tail -c 300 "$p/pg.log" | tr '\n' ' ')"; return
  fi
  head -1 "$p/data/postmaster.pid" > "$p/pid"
  "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -qc 'create database tokkatot_test' >/dev/null
  record DATABASE_URL "postgres://postgres@127.0.0.1:$port/tokkatot_test"
  record PG_ADMIN_URL "postgres://postgres@127.0.0.1:$port/postgres"
  record PG_PID "$(cat "$p/pid")"
}

start_victoria() {
  command -v victoria-metrics >/dev/null || { record INFLUX_ERROR "victoria-metrics is not installed"; return; }
  local v=$DIR/vm port
  mkdir -p "$v"; port=$(free_port)
  # Default retention (1 month) silently drops older samples; latencyOffset hides fresh ones.
  victoria-metrics -httpListenAddr="127.0.0.1:$port" -storageDataPath="$v/data" -retentionPeriod=100y \
    -search.latencyOffset=0s -search.disableCache -loggerLevel=WARN > "$v/vm.log" 2>&1 &
  echo $! > "$v/pid"
  if wait_until 10 curl -sf -o /dev/null "http://127.0.0.1:$port/health"; then
    record INFLUX_URL "http://127.0.0.1:$port"
    record INFLUX_PID "$(cat "$v/pid")"
  else
    record INFLUX_ERROR "victoria-metrics did not answer /health: $(tail -c 300 "$v/vm.log" | tr '\n' ' ')"
  fi
}

start_redis() {
  command -v redis-server >/dev/null || { record REDIS_ERROR "redis-server is not installed"; return; }
  local r=$DIR/redis port
  mkdir -p "$r"; port=$(free_port)
  # No persistence: a throwaway cache and counter store. protected-mode stays on (loopback only).
  redis-server --bind 127.0.0.1 --port "$port" --dir "$r" --save '' --appendonly no \
    --daemonize no --loglevel warning > "$r/redis.log" 2>&1 &
  echo $! > "$r/pid"
  if wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG"; then
    record REDIS_URL "redis://127.0.0.1:$port"
    record REDIS_PID "$(cat "$r/pid")"
  else
    record REDIS_ERROR "redis-server did not answer PING: $(tail -c 300 "$r/redis.log" | tr '\n' ' ')"
  fi
}

start_s3() {
  # S3-compatible object storage (the firmware bucket, signed URLs): s3rver from the project's
  # own node_modules, with its fixed test keys S3RVER/S3RVER. Tests create their own buckets.
  local s=$DIR/s3 port bin
  bin=$(cd "$(dirname "$0")/.." && pwd)/node_modules/s3rver/bin/s3rver.js
  [ -f "$bin" ] || { record S3_ERROR "s3rver is not installed (run npm ci)"; return; }
  mkdir -p "$s/data"; port=$(free_port)
  node "$bin" --directory "$s/data" --address 127.0.0.1 --port "$port" --silent --no-vhost-buckets > "$s/s3.log" 2>&1 &
  echo $! > "$s/pid"
  if wait_until 10 curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    record S3_URL "http://127.0.0.1:$port"
    record S3_PID "$(cat "$s/pid")"
  else
    record S3_ERROR "s3rver did not answer: $(tail -c 300 "$s/s3.log" | tr '\n' ' ')"
  fi
}

stop_pid_file() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
}

up() {
  DIR=${1:-$(mktemp -d -t tokkatot-services.XXXXXX)}
  mkdir -p "$DIR"; chmod 755 "$DIR"
  : > "$DIR/env"
  record SERVICES_DIR "$DIR"
  ensure_packages "${PACKAGES[@]}" || true
  start_mosquitto
  start_postgres
  start_victoria
  start_redis
  start_s3
  echo "$DIR"
}

down() {
  DIR=${1:?usage: test-services.sh down DIR}
  stop_pid_file "$DIR/s3/pid"
  stop_pid_file "$DIR/redis/pid"
  stop_pid_file "$DIR/vm/pid"
  if [ -f "$DIR/pg/data/postmaster.pid" ]; then
    if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$PG_BIN/pg_ctl -D '$DIR/pg/data' -m fast -w stop" >/dev/null 2>&1
    else "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -m fast -w stop >/dev/null 2>&1; fi
  fi
  stop_pid_file "$DIR/pg/pid"
  stop_pid_file "$DIR/mqtt/pid"
  rm -rf "$DIR"
}

case "${1:-}" in
  up) up "${2:-}" ;;
  down) down "${2:-}" ;;
  *) echo "usage: $0 up [DIR] | down DIR" >&2; exit 2 ;;
esac
