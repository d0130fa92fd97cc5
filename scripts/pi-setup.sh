#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Turns a fresh Raspberry Pi OS / Debian machine (arm64 or amd64) into a Tokkatot edge
# controller: Node 20, Mosquitto with one user per ESP32 node and an ACL, the edge as a systemd
# service with a watchdog, serial permissions, data folder, log rotation, time-sync check, LAN
# firewall, pairing prompt and a status summary. Run as root; safe to run again (idempotent).
#
#   sudo scripts/pi-setup.sh [--node ID]...           install or update in place
#   sudo scripts/pi-setup.sh --dry-run                show what would change, change nothing
#   sudo scripts/pi-setup.sh --uninstall [--purge]    remove it (--purge also data and users)
#   scripts/pi-setup.sh --root DIR                    write everything under DIR instead of /
#                                                     and record users/units in
#                                                     DIR/var/lib/tokkatot-setup/host-actions
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=pi/lib.sh
. "$HERE/pi/lib.sh"
# shellcheck source=pi/release.sh
. "$HERE/pi/release.sh"

INSTALL_DIR=/opt/tokkatot
CONFIG_DIR=/etc/tokkatot
DATA_DIR=/var/lib/tokkatot
LOG_DIR=/var/log/tokkatot
MOSQUITTO_DIR=/etc/mosquitto
SERVICE_USER=tokkatot
EDGE_MQTT_USER=tokkatot-edge
HTTP_PORT=8080
LAN_CIDRS='10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16'
APT_PACKAGES=(mosquitto mosquitto-clients nftables logrotate sqlite3 curl ca-certificates gnupg systemd-timesyncd)
NODE_MAJOR=20

UNINSTALL=0
PURGE=0
PAIR=1
RELEASE_SRC=$(cd "$HERE/.." && pwd)
NEW_NODES=()
CUSTOM_LAN=()

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print } /^set -euo/ { exit }' "${BASH_SOURCE[0]}"; }

while [ "$#" -gt 0 ]; do
  case $1 in
    --root) ROOT=${2:?--root needs a folder}; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    --purge) PURGE=1; shift ;;
    --node) NEW_NODES+=("${2:?--node needs an id}"); shift 2 ;;
    --release) RELEASE_SRC=${2:?--release needs a folder}; shift 2 ;;
    --lan) CUSTOM_LAN+=("${2:?--lan needs a CIDR}"); shift 2 ;;
    --http-port) HTTP_PORT=${2:?--http-port needs a number}; shift 2 ;;
    --no-pair) PAIR=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

# --- validation: everything that ends up inside a config file is checked first -------------
if ! [[ "$HTTP_PORT" =~ ^[0-9]{2,5}$ ]] || [ "$HTTP_PORT" -gt 65535 ]; then die "--http-port must be a port number, got '$HTTP_PORT'"; fi
valid_node_id() { [[ "$1" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]]; }
for id in "${NEW_NODES[@]}"; do
  valid_node_id "$id" || die "node id '$id' must be lower-case letters, digits and dashes (it becomes an MQTT user)"
  [ "$id" != "$EDGE_MQTT_USER" ] || die "node id '$id' is reserved for the edge itself"
done
if [ "${#CUSTOM_LAN[@]}" -gt 0 ]; then
  for cidr in "${CUSTOM_LAN[@]}"; do
    [[ "$cidr" =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$ ]] || die "--lan must be an IPv4 CIDR like 192.168.1.0/24, got '$cidr'"
  done
  LAN_CIDRS=$(printf '%s, ' "${CUSTOM_LAN[@]}"); LAN_CIDRS=${LAN_CIDRS%, }
fi
if prefix_mode; then
  [ -d "$ROOT" ] || die "--root $ROOT is not a folder"
  ROOT=$(cd "$ROOT" && pwd)
  [ "$ROOT" != / ] || die "--root / is the real machine: run without --root instead"
else
  [ "$(id -u)" -eq 0 ] || die "run as root (sudo $0), or use --root DIR to install into a folder"
fi

step() { printf '\n== %s\n' "$*"; }

# --- steps --------------------------------------------------------------------------------

check_platform() {
  step "platform"
  local arch os=unknown
  arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
  case $arch in
    arm64|aarch64|amd64|x86_64) ;;
    *) warn "architecture $arch is not tested (arm64 and amd64 are)";;
  esac
  if [ -r "$(target /etc/os-release)" ]; then os=$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$(target /etc/os-release)"); fi
  log "architecture: $arch, system: $os"
}

install_packages() {
  step "packages"
  if prefix_mode || [ "$DRY_RUN" = 1 ]; then record_action "apt-install ${APT_PACKAGES[*]}"; return; fi
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  log "installed: ${APT_PACKAGES[*]}"
}

# Node 20 from NodeSource when the system's node is missing or older (Debian 12 ships 18).
ensure_node() {
  step "node.js runtime"
  local version major
  version=$(node --version 2>/dev/null || true)
  major=${version#v}; major=${major%%.*}
  if [[ "$major" =~ ^[0-9]+$ ]] && [ "$major" -ge "$NODE_MAJOR" ]; then log "node $version: ok"; return; fi
  log "node ${version:-missing}: Node $NODE_MAJOR is needed"
  put_file /etc/apt/sources.list.d/nodesource.list 644 <<< "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_$NODE_MAJOR.x nodistro main"
  if prefix_mode || [ "$DRY_RUN" = 1 ]; then
    record_action "apt-key nodesource https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key"
    record_action "apt-install nodejs"
    return
  fi
  mkdir -p /etc/apt/keyrings
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs
  log "node $(node --version): installed"
}

create_user_and_folders() {
  step "service user and folders"
  # dialout: the ESP32 serial ports; gpio: the siren relay and reset lines.
  ensure_system_user "$SERVICE_USER" "$DATA_DIR" dialout,gpio
  put_dir "$CONFIG_DIR" 755
  put_dir "$CONFIG_DIR/mqtt" 750
  put_dir "$DATA_DIR" 750
  put_dir "$LOG_DIR" 750
  put_dir "$INSTALL_DIR" 755
  put_dir "$INSTALL_DIR/bin" 755
  put_dir "$INSTALL_DIR/releases" 755
  set_owner "$SERVICE_USER:$SERVICE_USER" "$DATA_DIR"
  set_owner "$SERVICE_USER:$SERVICE_USER" "$LOG_DIR"
  set_owner "root:$SERVICE_USER" "$CONFIG_DIR/mqtt"
}

install_edge_release() {
  step "edge release"
  local id
  if [ -n "$(linked_release current)" ]; then
    log "current release: $(linked_release current) (update with $INSTALL_DIR/bin/update-edge.sh --from DIR)"
    return
  fi
  id=$(install_release "$RELEASE_SRC")
  activate_release "$id"
  CHANGED_EDGE=1
}

install_tools() {
  step "tools"
  CHANGED=0
  local file
  for file in lib.sh release.sh update-edge.sh edge-supervise.sh; do
    put_file "$INSTALL_DIR/bin/$file" 755 < "$HERE/pi/$file"
  done
  render "$HERE/pi/templates/tokkatot-cli" CONFIG_DIR INSTALL_DIR | put_file /usr/local/bin/tokkatot 755
  put_dir "$INSTALL_DIR/backup" 755
  for file in lib.sh edge-sqlite-backup.sh; do
    put_file "$INSTALL_DIR/backup/$file" 755 < "$HERE/backup/$file"
  done
  # A new supervisor takes effect only after a restart.
  [ "$CHANGED" = 0 ] || CHANGED_EDGE=1
}

# A random password for a broker user, created once and kept (0640 root:tokkatot).
password_of() {
  local user=$1 file
  file=$(target "$CONFIG_DIR/mqtt/$user.password")
  if [ ! -f "$file" ]; then
    if [ "$DRY_RUN" = 1 ]; then printf 'dry-run-password'; return; fi
    head -c 18 /dev/urandom | base64 | tr -d '/+=\n' | put_file "$CONFIG_DIR/mqtt/$user.password" 640 >&2
    set_owner "root:$SERVICE_USER" "$CONFIG_DIR/mqtt/$user.password"
  fi
  cat "$file"
}

configure_mosquitto() {
  step "mosquitto"
  CHANGED=0
  local nodes_file users user passwd existing
  nodes_file=$(target "$CONFIG_DIR/nodes")
  # The node list is the union of earlier runs and this run's --node options.
  users=$( { [ -f "$nodes_file" ] && cat "$nodes_file"; [ "${#NEW_NODES[@]}" -gt 0 ] && printf '%s\n' "${NEW_NODES[@]}"; true; } | grep -v '^$' | LC_ALL=C sort -u || true)
  printf '%s\n' "$users" | sed '/^$/d' | put_file "$CONFIG_DIR/nodes" 644

  {
    echo "# Installed by scripts/pi-setup.sh from $CONFIG_DIR/nodes (add a node: pi-setup.sh --node ID)."
    echo "# Each ESP32 node may use only tokkatot/<farm>/node/<its user>/#."
    echo "pattern readwrite tokkatot/+/node/%u/#"
    echo
    echo "# The edge controller bridges every node and the cloud."
    echo "user $EDGE_MQTT_USER"
    echo "topic readwrite tokkatot/#"
  } | put_file "$MOSQUITTO_DIR/tokkatot.acl" 640
  render "$HERE/pi/templates/mosquitto.conf" MOSQUITTO_DIR | put_file "$MOSQUITTO_DIR/conf.d/tokkatot.conf" 644

  passwd=$(target "$MOSQUITTO_DIR/tokkatot.passwd")
  command -v mosquitto_passwd >/dev/null || [ "$DRY_RUN" = 1 ] || die "mosquitto_passwd is missing (apt-get install mosquitto)"
  if [ "$DRY_RUN" != 1 ] && [ ! -f "$passwd" ]; then install -m 640 /dev/null "$passwd"; CHANGED=1; fi
  existing=''
  if [ -f "$passwd" ]; then existing=$(cut -d: -f1 "$passwd"); fi
  # Only missing users are added: re-hashing would change the file on every run.
  for user in "$EDGE_MQTT_USER" $users; do
    if ! grep -qxF -- "$user" <<< "$existing"; then
      CHANGED=1
      if [ "$DRY_RUN" = 1 ]; then log "would add broker user: $user"; continue; fi
      mosquitto_passwd -b "$passwd" "$user" "$(password_of "$user")" 2>/dev/null
      log "broker user added: $user"
    fi
  done
  for user in $existing; do
    if [ "$user" != "$EDGE_MQTT_USER" ] && ! grep -qxF -- "$user" <<< "$users"; then
      CHANGED=1
      if [ "$DRY_RUN" = 1 ]; then log "would remove broker user: $user"; continue; fi
      mosquitto_passwd -D "$passwd" "$user"
      log "broker user removed: $user"
    fi
  done
  set_owner root:mosquitto "$MOSQUITTO_DIR/tokkatot.passwd"
  set_owner root:mosquitto "$MOSQUITTO_DIR/tokkatot.acl"
  enable_unit mosquitto.service
  if [ "$CHANGED" = 1 ]; then run_host systemctl reload-or-restart mosquitto.service; fi
  NODE_COUNT=$(printf '%s\n' "$users" | sed '/^$/d' | wc -l)
}

configure_edge_service() {
  step "edge service"
  CHANGED=0
  local edge_password
  edge_password=$(password_of "$EDGE_MQTT_USER")
  [ -n "$edge_password" ] || die "no broker password for $EDGE_MQTT_USER"
  render "$HERE/pi/templates/edge.env" CONFIG_DIR DATA_DIR HTTP_PORT EDGE_MQTT_USER | put_file "$CONFIG_DIR/edge.env" 640
  set_owner "root:$SERVICE_USER" "$CONFIG_DIR/edge.env"
  # The technician's own settings: created once, never overwritten.
  if [ ! -f "$(target "$CONFIG_DIR/tokkatot.json")" ]; then
    printf '{\n  "dataDir": "%s"\n}\n' "$DATA_DIR" | put_file "$CONFIG_DIR/tokkatot.json" 644
  fi
  render "$HERE/pi/templates/tokkatot-edge.service" SERVICE_USER CONFIG_DIR INSTALL_DIR DATA_DIR LOG_DIR \
    | put_file /etc/systemd/system/tokkatot-edge.service 644
  [ "$CHANGED" = 0 ] || CHANGED_EDGE=1
  enable_unit tokkatot-edge.service
}

configure_backup() {
  step "edge backup"
  CHANGED=0
  # Holds the Spaces key: created once, owned by root, readable by the service user only.
  if [ ! -f "$(target "$CONFIG_DIR/backup.env")" ]; then
    render "$HERE/pi/templates/backup.env" DATA_DIR | put_file "$CONFIG_DIR/backup.env" 640
  fi
  set_owner "root:$SERVICE_USER" "$CONFIG_DIR/backup.env"
  render "$HERE/pi/templates/tokkatot-backup.service" SERVICE_USER CONFIG_DIR INSTALL_DIR | put_file /etc/systemd/system/tokkatot-backup.service 644
  put_file /etc/systemd/system/tokkatot-backup.timer 644 < "$HERE/pi/templates/tokkatot-backup.timer"
  enable_unit tokkatot-backup.timer
  if [ "$CHANGED" = 1 ]; then run_host systemctl daemon-reload; run_host systemctl restart tokkatot-backup.timer; fi
  if ! grep -q '^EDGE_BACKUP_DESTINATION=.' "$(target "$CONFIG_DIR/backup.env")" 2>/dev/null; then
    BACKUP_STATE="not configured: set EDGE_BACKUP_DESTINATION and the S3 key in $CONFIG_DIR/backup.env"
  else BACKUP_STATE="daily at 03:00 to $(sed -n 's/^EDGE_BACKUP_DESTINATION=//p' "$(target "$CONFIG_DIR/backup.env")")"
  fi
  log "backup: $BACKUP_STATE"
}

configure_logs() {
  step "logs"
  CHANGED=0
  render "$HERE/pi/templates/logrotate" LOG_DIR | put_file /etc/logrotate.d/tokkatot 644
  put_file /etc/systemd/journald.conf.d/tokkatot.conf 644 < "$HERE/pi/templates/journald.conf"
  if [ "$CHANGED" = 1 ]; then run_host systemctl restart systemd-journald.service; fi
}

configure_firewall() {
  step "LAN firewall"
  CHANGED=0
  render "$HERE/pi/templates/nftables.nft" LAN_CIDRS HTTP_PORT | put_file "$CONFIG_DIR/nftables.nft" 644
  render "$HERE/pi/templates/tokkatot-firewall.service" CONFIG_DIR | put_file /etc/systemd/system/tokkatot-firewall.service 644
  enable_unit tokkatot-firewall.service
  if [ "$CHANGED" = 1 ]; then
    # Check the ruleset before loading it, so a bad file never locks anyone out half-way.
    run_host nft -c -f "$CONFIG_DIR/nftables.nft"
    run_host systemctl daemon-reload
    run_host systemctl restart tokkatot-firewall.service
  fi
}

check_time_sync() {
  step "time sync"
  enable_unit systemd-timesyncd.service
  if prefix_mode || [ "$DRY_RUN" = 1 ]; then TIME_SYNC="not checked (root mode or dry run)"; log "$TIME_SYNC"; return; fi
  # Schedules and sync both depend on the clock; a Pi has no battery-backed clock.
  if [ "$(timedatectl show -p NTPSynchronized --value 2>/dev/null)" = yes ]; then TIME_SYNC=synchronised
  else
    TIME_SYNC="NOT synchronised yet (schedules run on a wrong clock until it is)"
    systemctl start systemd-timesyncd.service 2>/dev/null || true
  fi
  log "clock: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $TIME_SYNC"
}

start_edge() {
  step "start"
  if [ "${CHANGED_EDGE:-0}" = 1 ]; then
    run_host systemctl daemon-reload
    run_host systemctl restart tokkatot-edge.service
  elif prefix_mode || [ "$DRY_RUN" = 1 ]; then log "edge service unchanged: no restart"
  else systemctl is-active --quiet tokkatot-edge.service || systemctl start tokkatot-edge.service
  fi
}

pairing_prompt() {
  step "pairing"
  if [ "$PAIR" = 0 ]; then log "skipped (--no-pair)"; return; fi
  if prefix_mode || [ "$DRY_RUN" = 1 ]; then log "would run: tokkatot pair"; return; fi
  # Only when someone is at the terminal and this release's CLI knows the command.
  if [ -t 0 ] && runuser -u "$SERVICE_USER" -- /usr/local/bin/tokkatot pair --help >/dev/null 2>&1; then
    # Prints a short claim code the farm owner types into the cloud app.
    runuser -u "$SERVICE_USER" -- /usr/local/bin/tokkatot pair || warn "pairing did not finish; run 'sudo -u $SERVICE_USER tokkatot pair' later"
  else
    log "To link this controller to the cloud, run: sudo -u $SERVICE_USER tokkatot pair"
    log "and type the claim code it prints into the Tokkatot app (Farm → Add controller)."
  fi
}

status_summary() {
  step "status"
  local service=unknown address=127.0.0.1
  if prefix_mode || [ "$DRY_RUN" = 1 ]; then service="not started (root mode or dry run)"
  else
    service=$(systemctl is-active tokkatot-edge.service 2>/dev/null || true)
    address=$(hostname -I 2>/dev/null | awk '{print $1}'); address=${address:-127.0.0.1}
  fi
  printf '  %-16s %s\n' \
    "root" "${ROOT:-/}" \
    "release" "$(linked_release current) (previous: $(linked_release previous))" \
    "edge service" "$service" \
    "broker users" "$EDGE_MQTT_USER + ${NODE_COUNT:-0} node(s)" \
    "data folder" "$DATA_DIR" \
    "time sync" "${TIME_SYNC:-unknown}" \
    "backup" "${BACKUP_STATE:-unknown}" \
    "firewall" "LAN only ($LAN_CIDRS): ssh, http $HTTP_PORT, mqtt 1883" \
    "LAN web app" "http://$address:$HTTP_PORT/" \
    "logs" "journalctl -u tokkatot-edge -f"
}

uninstall() {
  step "uninstall"
  disable_unit tokkatot-edge.service
  disable_unit tokkatot-firewall.service
  local path
  disable_unit tokkatot-backup.timer
  for path in /etc/systemd/system/tokkatot-edge.service /etc/systemd/system/tokkatot-firewall.service \
      /etc/systemd/system/tokkatot-backup.service /etc/systemd/system/tokkatot-backup.timer \
      "$MOSQUITTO_DIR/conf.d/tokkatot.conf" "$MOSQUITTO_DIR/tokkatot.acl" "$MOSQUITTO_DIR/tokkatot.passwd" \
      /etc/logrotate.d/tokkatot /etc/systemd/journald.conf.d/tokkatot.conf /usr/local/bin/tokkatot \
      /etc/apt/sources.list.d/nodesource.list "$INSTALL_DIR"; do
    remove_path "$path"
  done
  run_host systemctl daemon-reload
  run_host systemctl reload-or-restart mosquitto.service
  if [ "$PURGE" = 1 ]; then
    remove_path "$CONFIG_DIR"
    remove_path "$DATA_DIR"
    remove_path "$LOG_DIR"
    run_host userdel "$SERVICE_USER"
  else
    log "kept: $DATA_DIR (farm data), $CONFIG_DIR (settings, broker passwords); --purge removes them"
  fi
  if prefix_mode; then remove_path /var/lib/tokkatot-setup; fi
}

main() {
  log "Tokkatot edge setup${ROOT:+ into $ROOT}$([ "$DRY_RUN" = 1 ] && printf ' (dry run)')"
  if [ "$UNINSTALL" = 1 ]; then uninstall; exit 0; fi
  check_platform
  install_packages
  ensure_node
  create_user_and_folders
  install_tools
  install_edge_release
  configure_mosquitto
  configure_edge_service
  configure_backup
  configure_logs
  configure_firewall
  check_time_sync
  start_edge
  pairing_prompt
  status_summary
}

main
