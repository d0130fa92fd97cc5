#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# PostgreSQL restore_command, the counterpart of wal-archive.sh: fetches one archived WAL file
# back during recovery.
#   restore_command = '/opt/tokkatot/backup/wal-restore.sh %f %p'
# Exits non-zero when the file is not in the archive, which tells PostgreSQL recovery is done.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

[ "$#" -eq 2 ] || die "usage: wal-restore.sh %f %p"
name=$1 path=$2
: "${WAL_ARCHIVE_DESTINATION:?WAL_ARCHIVE_DESTINATION is not set}"
[[ "$name" =~ ^[0-9A-F]{8,24}(\.partial|\.history|\.[0-9A-F]{8}\.backup)?$ ]] || die "unexpected WAL file name '$name'"
download "$WAL_ARCHIVE_DESTINATION/$name.gz" "$path.gz.tmp" 2>/dev/null || exit 1
gunzip -c "$path.gz.tmp" > "$path.tmp"
rm -f -- "$path.gz.tmp"
mv -f -- "$path.tmp" "$path"
