#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Packs a folder (e.g. the output of `influx backup`) into one tar.gz and uploads it as
#   <destination>/<stamp>.tar.gz
#   archive-upload.sh /backup s3://tokkatot-production/backups/influxdb
# Prints the uploaded object's address.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

[ "$#" -eq 2 ] || die "usage: archive-upload.sh FOLDER DESTINATION"
folder=$1 destination=$2
[ -d "$folder" ] || die "$folder is not a folder"
[ -n "$(ls -A "$folder")" ] || die "$folder is empty: the backup produced nothing"
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
archive=$(mktemp "${TMPDIR:-/tmp}/archive.XXXXXX")
trap 'rm -f -- "$archive"' EXIT
tar -C "$folder" -czf "$archive" .
upload "$archive" "$destination/$stamp.tar.gz"
printf '%s\n' "$destination/$stamp.tar.gz"
