#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Restore drill (monthly, docs/operations/backups.md): restores a dump made by pg-backup.sh into
# a fresh, throwaway PostgreSQL 15 cluster on 127.0.0.1 and checks every table's row count
# against the manifest taken at backup time. The cluster and its folder are removed afterwards.
#
#   scripts/backup/restore-drill.sh --dump s3://.../tokkatot-<stamp>.dump [--counts FILE]
# The counts manifest defaults to the dump's name with .counts. Exit 0 when every count
# matches, 1 otherwise.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

dump_source='' counts_source=''
while [ "$#" -gt 0 ]; do
  case $1 in
    --dump) dump_source=${2:?--dump needs a path or URL}; shift 2 ;;
    --counts) counts_source=${2:?--counts needs a path or URL}; shift 2 ;;
    *) die "unknown option: $1 (use --dump SOURCE [--counts SOURCE])" ;;
  esac
done
[ -n "$dump_source" ] || die "--dump is required"
counts_source=${counts_source:-${dump_source%.dump}.counts}

work=$(mktemp -d "${TMPDIR:-/tmp}/restore-drill.XXXXXX")
# initdb refuses root, so the cluster runs as postgres, which must be able to enter the folder.
chmod 755 "$work"
as_cluster_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
started=0
cleanup() {
  if [ "$started" = 1 ]; then as_cluster_owner "$PG_BIN/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT

download "$dump_source" "$work/backup.dump"
download "$counts_source" "$work/expected.counts"
chmod 644 "$work/backup.dump" "$work/expected.counts"
pg pg_restore --list "$work/backup.dump" > /dev/null 2>&1 || die "$dump_source is not a readable pg_dump archive"
if [ "$(id -u)" -eq 0 ]; then mkdir -p "$work/data" && chown postgres: "$work/data"; fi

log "creating a fresh PostgreSQL 15 cluster"
as_cluster_owner "$PG_BIN/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --no-locale > "$work/initdb.log" 2>&1 \
  || die "initdb failed: $(tail -n 5 "$work/initdb.log")"
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  if as_cluster_owner "$PG_BIN/pg_ctl" -D "$work/data" -l "$work/data/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $work/data -c fsync=off" start > /dev/null 2>&1; then
    started=1; break
  fi
  log "port $port was taken (attempt $attempt)"
done
[ "$started" = 1 ] || die "could not start the drill cluster: $(tail -n 5 "$work/data/server.log" 2>/dev/null)"
url="postgres://postgres@127.0.0.1:$port/drill"
pg createdb -h 127.0.0.1 -p "$port" -U postgres drill

log "restoring $(basename "$dump_source")"
started_at=$(date +%s)
pg pg_restore --no-owner --exit-on-error --dbname="$url" "$work/backup.dump" || die "pg_restore failed"
log "restored in $(( $(date +%s) - started_at )) s"

row_counts "$url" > "$work/restored.counts"
if diff -u --label expected --label restored "$work/expected.counts" "$work/restored.counts" > "$work/diff"; then
  printf 'restore drill passed: %s tables, %s rows, counts match\n' "$(wc -l < "$work/restored.counts")" "$(awk -F'\t' '{ n += $2 } END { print n + 0 }' "$work/restored.counts")"
else
  printf 'restore drill FAILED: row counts differ\n' >&2
  cat "$work/diff" >&2
  exit 1
fi
