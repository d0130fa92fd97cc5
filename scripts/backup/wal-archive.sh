#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# PostgreSQL archive_command: copies one finished WAL segment to S3-compatible storage, so a
# self-managed server (docker-compose, a DR rebuild outside the managed service) can be
# restored to any moment after its last full backup. See postgresql-wal-archiving.conf.
#
#   archive_command = '/opt/tokkatot/backup/wal-archive.sh %p %f'
# Needs WAL_ARCHIVE_DESTINATION (s3://bucket/backups/postgres/wal or file:///folder) and, for
# s3://, the S3_* variables in the server's environment. Exits non-zero on any failure, so
# PostgreSQL keeps the segment and retries.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

[ "$#" -eq 2 ] || die "usage: wal-archive.sh %p %f"
path=$1 name=$2
: "${WAL_ARCHIVE_DESTINATION:?WAL_ARCHIVE_DESTINATION is not set}"
# Segment, timeline history, and backup label names only: nothing that could escape the prefix.
[[ "$name" =~ ^[0-9A-F]{8,24}(\.partial|\.history|\.[0-9A-F]{8}\.backup)?$ ]] || die "unexpected WAL file name '$name'"
[ -f "$path" ] || die "WAL file $path does not exist"
gzip -c "$path" > "$path.gz.tmp"
trap 'rm -f -- "$path.gz.tmp"' EXIT
upload "$path.gz.tmp" "$WAL_ARCHIVE_DESTINATION/$name.gz"
