# shellcheck shell=bash
# Helpers shared by the backup scripts: logging, PostgreSQL binaries, and uploads to
# S3-compatible storage (DigitalOcean Spaces) signed with AWS SigV4 by curl itself.

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# PostgreSQL 15 client and server binaries; Debian keeps them out of PATH.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
pg() { local tool=$1; shift; if [ -x "$PG_BIN/$tool" ]; then "$PG_BIN/$tool" "$@"; else "$tool" "$@"; fi; }

require_s3_settings() {
  : "${S3_ENDPOINT:?S3_ENDPOINT is not set (e.g. https://sgp1.digitaloceanspaces.com)}"
  : "${S3_ACCESS_KEY_ID:?S3_ACCESS_KEY_ID is not set}" "${S3_SECRET_ACCESS_KEY:?S3_SECRET_ACCESS_KEY is not set}"
  case "$S3_ACCESS_KEY_ID$S3_SECRET_ACCESS_KEY" in *[\"\\]*) die "S3 keys must not contain quotes or backslashes" ;; esac
}

# The key pair as a curl config line, read by `curl -K -`: keeps the secret out of the process
# list, where --user would show it to every user of the machine.
s3_credentials() { printf 'user = "%s:%s"\n' "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY"; }

# Copies a local file to a destination: s3://bucket/key (needs S3_ENDPOINT, S3_REGION,
# S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY) or file:///folder/key for drills and tests.
upload() {
  local file=$1 destination=$2
  case $destination in
    file://*)
      local path=${destination#file://}
      mkdir -p "$(dirname "$path")"
      cp "$file" "$path.partial" && mv -f "$path.partial" "$path"
      ;;
    s3://*)
      require_s3_settings
      local key=${destination#s3://}
      s3_credentials | curl -fsS --retry "${S3_RETRIES:-3}" --retry-all-errors -o /dev/null -K - \
        --aws-sigv4 "aws:amz:${S3_REGION:-us-east-1}:s3" \
        -H "x-amz-content-sha256: $(sha256sum "$file" | cut -d' ' -f1)" \
        -H 'x-amz-acl: private' \
        -T "$file" "${S3_ENDPOINT%/}/$key" || die "upload of $file to $destination failed"
      ;;
    *) die "unsupported destination '$destination' (use s3://bucket/key or file:///path)" ;;
  esac
  log "uploaded $(basename "$file") to $destination"
}

# Downloads s3:// or file:// to a local path (used by the restore drill).
download() {
  local source=$1 file=$2
  case $source in
    file://*) cp "${source#file://}" "$file" ;;
    s3://*)
      require_s3_settings
      s3_credentials | curl -fsS --retry "${S3_RETRIES:-3}" -o "$file" -K - --aws-sigv4 "aws:amz:${S3_REGION:-us-east-1}:s3" \
        -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
        "${S3_ENDPOINT%/}/${source#s3://}" || die "download of $source failed"
      ;;
    /*) cp "$source" "$file" ;;
    *) die "unsupported source '$source'" ;;
  esac
}

# Exact row counts of every user table, as one query so it can run inside a given transaction.
# Output: one "schema.table<TAB>rows" line per table (sort with LC_ALL=C to compare).
ROW_COUNTS_SQL="select format('%I.%I', schemaname, relname) || chr(9) || (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', schemaname, relname), false, true, '')))[1]::text from pg_stat_user_tables"

row_counts() {
  pg psql "$1" -XAtq -v ON_ERROR_STOP=1 -c "$ROW_COUNTS_SQL" | LC_ALL=C sort
}
