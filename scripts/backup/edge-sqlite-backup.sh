#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Backs up the edge's SQLite database on the Pi and uploads it to the cloud bucket
# (run daily by tokkatot-backup.timer, installed by scripts/pi-setup.sh).
#   EDGE_DB=/var/lib/tokkatot/tokkatot.db EDGE_BACKUP_DESTINATION=s3://tokkatot-production/backups/edge/<farm> \
#     edge-sqlite-backup.sh
# Uses SQLite's online backup (consistent while the edge keeps writing), checks the copy's
# integrity, compresses it and uploads it; keeps the newest local copy for offline restores.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

: "${EDGE_DB:?EDGE_DB is not set}"
: "${EDGE_BACKUP_DESTINATION:?EDGE_BACKUP_DESTINATION is not set}"
local_dir=${EDGE_BACKUP_LOCAL_DIR:-$(dirname "$EDGE_DB")/backups/uploaded}
[ -f "$EDGE_DB" ] || die "database $EDGE_DB does not exist"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (apt-get install sqlite3)"

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p "$local_dir"
copy="$local_dir/edge-$stamp.db"
sqlite3 "$EDGE_DB" ".timeout 10000" ".backup '$copy'"
check=$(sqlite3 "$copy" 'pragma integrity_check;')
[ "$check" = ok ] || { rm -f -- "$copy"; die "backup copy failed its integrity check: $check"; }
gzip -f "$copy"
# Keep only the newest verified local copy, even when the upload below fails: it is the
# best offline restore point, and the SD card is small and wears out.
find "$local_dir" -maxdepth 1 -name 'edge-*.db.gz' ! -name "edge-$stamp.db.gz" -delete
upload "$copy.gz" "$EDGE_BACKUP_DESTINATION/edge-$stamp.db.gz"
printf '%s\n' "$EDGE_BACKUP_DESTINATION/edge-$stamp.db.gz"
