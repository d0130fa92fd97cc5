# shellcheck shell=bash
# CHANGED is read by the scripts that source this file.
# shellcheck disable=SC2034
# Helpers shared by scripts/pi-setup.sh and scripts/pi/update-edge.sh.
#
# Every change to the machine goes through these functions, so that:
#   --root DIR  writes every file under DIR and records users, ownership and enabled units in
#               DIR/var/lib/tokkatot-setup/host-actions instead of calling useradd/systemctl;
#   --dry-run   writes nothing at all and prints what it would do.
# Callers set ROOT (empty for the real machine) and DRY_RUN (0/1) before using them.

# put_file and friends sit at the end of pipelines and must set CHANGED in this shell.
shopt -s lastpipe

ROOT=${ROOT:-}
DRY_RUN=${DRY_RUN:-0}
CHANGED=0

log() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The path of a target-system file on this machine.
target() { printf '%s%s' "$ROOT" "$1"; }

prefix_mode() { [ -n "$ROOT" ]; }

ledger() { target /var/lib/tokkatot-setup/host-actions; }

# Records a lasting change to the host (a user, an owner, an enabled unit) in root mode. The
# ledger is a sorted set, so recording the same action twice changes nothing.
record_action() {
  local line=$1 file
  file=$(ledger)
  if [ -f "$file" ] && grep -qxF -- "$line" "$file"; then return 0; fi
  if [ "$DRY_RUN" = 1 ]; then log "would record: $line"; return 0; fi
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$line" >> "$file"
  LC_ALL=C sort -o "$file" "$file"
}

# Runs a command that changes the running host (service restarts, firewall loads). Root mode and
# dry-run only print it: these leave no file behind to compare.
run_host() {
  if [ "$DRY_RUN" = 1 ] || prefix_mode; then log "would run: $*"; return 0; fi
  "$@"
}

# Writes stdin to a target path with a mode; sets CHANGED=1 only when the content or mode differs.
put_file() {
  local path=$1 mode=$2 dest tmp
  dest=$(target "$path")
  tmp=$(mktemp)
  cat > "$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest" && [ "$(stat -c %a "$dest")" = "$mode" ]; then
    rm -f "$tmp"; return 0
  fi
  CHANGED=1
  if [ "$DRY_RUN" = 1 ]; then log "would write: $path (mode $mode)"; rm -f "$tmp"; return 0; fi
  mkdir -p "$(dirname "$dest")"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dest"
  log "wrote: $path"
}

# Creates a directory with a mode (no change when it already exists with that mode).
put_dir() {
  local path=$1 mode=$2 dest
  dest=$(target "$path")
  if [ -d "$dest" ] && [ "$(stat -c %a "$dest")" = "$mode" ]; then return 0; fi
  CHANGED=1
  if [ "$DRY_RUN" = 1 ]; then log "would create: $path/ (mode $mode)"; return 0; fi
  mkdir -p "$dest"
  chmod "$mode" "$dest"
  log "created: $path/"
}

# Points a symlink at a target (relative or absolute inside the target system).
put_link() {
  local path=$1 points_to=$2 dest
  dest=$(target "$path")
  if [ -L "$dest" ] && [ "$(readlink "$dest")" = "$points_to" ]; then return 0; fi
  CHANGED=1
  if [ "$DRY_RUN" = 1 ]; then log "would link: $path -> $points_to"; return 0; fi
  mkdir -p "$(dirname "$dest")"
  # Build the new link beside the old one and rename over it: the switch is atomic.
  ln -sfn "$points_to" "$dest.new"
  mv -Tf "$dest.new" "$dest"
  log "linked: $path -> $points_to"
}

remove_path() {
  local path=$1 dest
  dest=$(target "$path")
  if [ ! -e "$dest" ] && [ ! -L "$dest" ]; then return 0; fi
  if [ "$DRY_RUN" = 1 ]; then log "would remove: $path"; return 0; fi
  rm -rf -- "$dest"
  log "removed: $path"
}

set_owner() {
  local owner=$1 path=$2
  if prefix_mode || [ "$DRY_RUN" = 1 ]; then record_action "owner $owner $path"; return; fi
  chown -R "$owner" "$path"
}

# A system user with no login and the given supplementary groups (created when missing).
ensure_system_user() {
  local name=$1 home=$2 groups=$3
  if prefix_mode || [ "$DRY_RUN" = 1 ]; then
    record_action "user $name system home=$home shell=/usr/sbin/nologin groups=$groups"
    return
  fi
  local group
  for group in ${groups//,/ }; do getent group "$group" >/dev/null || groupadd --system "$group"; done
  if ! id -u "$name" >/dev/null 2>&1; then
    useradd --system --home-dir "$home" --no-create-home --shell /usr/sbin/nologin --user-group "$name"
    log "created user: $name"
  fi
  usermod -a -G "$groups" "$name"
}

enable_unit() {
  local unit=$1
  if prefix_mode || [ "$DRY_RUN" = 1 ]; then record_action "unit-enable $unit"; return; fi
  systemctl enable "$unit" >/dev/null 2>&1 || warn "could not enable $unit"
}

disable_unit() {
  local unit=$1
  if prefix_mode || [ "$DRY_RUN" = 1 ]; then log "would run: systemctl disable --now $unit"; return; fi
  systemctl disable --now "$unit" >/dev/null 2>&1 || true
}

# Substitutes @NAME@ placeholders in a template with the values of the named shell variables.
render() {
  local template=$1; shift
  local script=() name
  for name in "$@"; do script+=(-e "s|@${name}@|${!name}|g"); done
  sed "${script[@]}" "$template"
}
