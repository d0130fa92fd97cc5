#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Daily full PostgreSQL backup (the postgres-backup CronJob, 02:00 UTC): pg_dump in custom
# format plus a row-count manifest and checksums, uploaded under
#   $BACKUP_DESTINATION/daily/<date>/   and, on Sundays, $BACKUP_DESTINATION/weekly/<date>/
# Spaces lifecycle rules keep daily copies 7 days and weekly ones 4 weeks (infra/src/storage.ts).
#
#   DATABASE_URL=postgres://... BACKUP_DESTINATION=s3://tokkatot-production/backups/postgres \
#     scripts/backup/pg-backup.sh
# Prints the uploaded dump's destination on stdout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${BACKUP_DESTINATION:?BACKUP_DESTINATION is not set (s3://bucket/prefix or file:///folder)}"
stamp=${BACKUP_STAMP:-$(date -u +%Y-%m-%dT%H%M%SZ)}
[[ "$stamp" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z$ ]] || die "BACKUP_STAMP must look like 2026-02-01T020000Z, got '$stamp'"
day=${stamp%%T*}

work=$(mktemp -d "${BACKUP_WORK_DIR:-${TMPDIR:-/tmp}}/pg-backup.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
name="tokkatot-$stamp"

# The dump and the row counts must see the same data: export a snapshot from a
# repeatable-read transaction, dump with it, and count inside that transaction.
coproc SESSION { pg psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 2>&1; }
# Bash unsets SESSION_PID as soon as the coprocess ends, which can be before the final `wait`.
# shellcheck disable=SC2153 # SESSION_PID is set by coproc
session_pid=$SESSION_PID
printf 'begin isolation level repeatable read read only;\nselect pg_export_snapshot();\n' >&"${SESSION[1]}"
IFS= read -r snapshot <&"${SESSION[0]}" || die "could not open a snapshot on the database"
[[ "$snapshot" =~ ^[0-9A-F-]+$ ]] || die "could not export a snapshot: $snapshot"

log "dumping the database (snapshot $snapshot)"
pg pg_dump --format=custom --compress=6 --no-owner --snapshot="$snapshot" --file="$work/$name.dump" "$DATABASE_URL"
printf '%s;\nselect %s;\n' "$ROW_COUNTS_SQL" "'--end--'" >&"${SESSION[1]}"
# Read in this shell: coprocess descriptors are not available to a pipeline's subshells.
complete=0
: > "$work/counts.raw"
while IFS= read -r line <&"${SESSION[0]}"; do
  if [ "$line" = '--end--' ]; then complete=1; break; fi
  printf '%s\n' "$line" >> "$work/counts.raw"
done
[ "$complete" = 1 ] || die "counting rows failed: $(tail -n 3 "$work/counts.raw")"
LC_ALL=C sort "$work/counts.raw" > "$work/$name.counts"
printf 'commit;\n\\q\n' >&"${SESSION[1]}"
wait "$session_pid" || true
(cd "$work" && sha256sum "$name.dump" "$name.counts" > "$name.sha256")

targets=("$BACKUP_DESTINATION/daily/$day")
if [ "$(date -u -d "$day" +%u)" = 7 ]; then targets+=("$BACKUP_DESTINATION/weekly/$day"); fi
for target in "${targets[@]}"; do
  for file in "$name.dump" "$name.counts" "$name.sha256"; do upload "$work/$file" "$target/$file"; done
done
log "backup $name: $(wc -l < "$work/$name.counts") tables, $(du -h "$work/$name.dump" | cut -f1)"
printf '%s\n' "${targets[0]}/$name.dump"
