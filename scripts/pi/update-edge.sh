#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Updates the edge controller to a new release and rolls back when it is not healthy.
#
#   update-edge.sh --from DIR     install DIR as a release, switch to it, restart, health-check;
#                                 on failure switch back to the release that ran before
#   update-edge.sh --rollback     switch back to the previous release
#   update-edge.sh --status       print the current and previous releases
# Options: --root DIR (act on a folder instead of /), --dry-run, --health-url URL,
#          --health-timeout SECONDS (default 60).
# Exit codes: 0 updated (or already current), 2 update failed and was rolled back,
#             1 error (including a rollback that is not healthy either).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=release.sh
. "$HERE/release.sh"

INSTALL_DIR=/opt/tokkatot
CONFIG_DIR=/etc/tokkatot
LOG_DIR=/var/log/tokkatot
SERVICE=tokkatot-edge.service
ACTION=''
SOURCE=''
HEALTH_URL=''
HEALTH_TIMEOUT=60

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print } /^set -euo/ { exit }' "${BASH_SOURCE[0]}"; }

while [ "$#" -gt 0 ]; do
  case $1 in
    --from) ACTION=update; SOURCE=${2:?--from needs a folder}; shift 2 ;;
    --rollback) ACTION=rollback; shift ;;
    --status) ACTION=status; shift ;;
    --root) ROOT=${2:?--root needs a folder}; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    --health-url) HEALTH_URL=${2:?--health-url needs a URL}; shift 2 ;;
    --health-timeout) HEALTH_TIMEOUT=${2:?--health-timeout needs seconds}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[ -n "$ACTION" ] || { usage >&2; die "say --from DIR, --rollback or --status"; }
if [ "$ACTION" = update ] && [ ! -d "$SOURCE" ]; then die "release source $SOURCE is not a folder"; fi
[[ "$HEALTH_TIMEOUT" =~ ^[0-9]+$ ]] || die "--health-timeout must be whole seconds, got '$HEALTH_TIMEOUT'"
if prefix_mode; then ROOT=$(cd "$ROOT" && pwd); else [ "$(id -u)" -eq 0 ] || die "run as root"; fi

if [ -z "$HEALTH_URL" ]; then
  env_file=$(target "$CONFIG_DIR/edge.env")
  if [ -f "$env_file" ]; then HEALTH_URL=$(sed -n 's/^TOKKATOT_HEALTH_URL=//p' "$env_file"); fi
  HEALTH_URL=${HEALTH_URL:-http://127.0.0.1:8080/health}
fi

# One line per outcome in the update history (rotated by /etc/logrotate.d/tokkatot).
history() {
  log "$*"
  [ "$DRY_RUN" = 1 ] && return
  mkdir -p "$(target "$LOG_DIR")"
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >> "$(target "$LOG_DIR/updates.log")"
}

# Polls GET $HEALTH_URL once a second until it answers 2xx or the timeout passes.
healthy() {
  [ "$DRY_RUN" = 1 ] && return 0
  local waited=0
  while [ "$waited" -le "$HEALTH_TIMEOUT" ]; do
    if curl -fsS -o /dev/null --max-time 2 "$HEALTH_URL" 2>/dev/null; then return 0; fi
    sleep 1; waited=$((waited + 1))
  done
  return 1
}

restart() { run_host systemctl restart "$SERVICE"; }

switch_to() {
  local current=$1 previous=$2
  put_link "$INSTALL_DIR/current" "releases/$current"
  if [ -n "$previous" ]; then put_link "$INSTALL_DIR/previous" "releases/$previous"; fi
}

update() {
  local new old old_previous
  old=$(linked_release current)
  old_previous=$(linked_release previous)
  # `update || status=$?` turns off errexit inside this function: check each step by hand.
  new=$(install_release "$SOURCE") || return 1
  if [ "$new" = "$old" ]; then log "release $new is already current"; return 0; fi
  activate_release "$new" || return 1
  restart
  if healthy; then
    prune_releases
    history "updated: ${old:-none} -> $new"
    return 0
  fi
  if [ -z "$old" ]; then history "update to $new failed its health check ($HEALTH_URL) and there is no release to roll back to"; return 1; fi
  log "release $new failed its health check ($HEALTH_URL): rolling back to $old"
  switch_to "$old" "$old_previous"
  restart
  if healthy; then history "rolled back: $new -> $old (kept releases/$new for diagnosis)"; return 2; fi
  history "rollback to $old is not healthy either ($HEALTH_URL)"
  return 1
}

rollback() {
  local current previous
  current=$(linked_release current)
  previous=$(linked_release previous)
  if [ -z "$previous" ] || [ "$previous" = "$current" ]; then die "there is no previous release to roll back to"; fi
  switch_to "$previous" "$current"
  restart
  if healthy; then history "rolled back by hand: $current -> $previous"; return 0; fi
  history "rolled back by hand to $previous, but it is not healthy ($HEALTH_URL)"
  return 1
}

case $ACTION in
  status) printf 'current: %s\nprevious: %s\n' "$(linked_release current)" "$(linked_release previous)" ;;
  update) status=0; update || status=$?; exit "$status" ;;
  rollback) rollback ;;
esac
