#!/bin/sh
# Builds the broker's password file from the environment at every start (compose passes the
# passwords from .env; nothing secret is baked into the image or committed), then runs mosquitto.
set -eu
passwd=/mosquitto/data/passwd
: > "$passwd.new"
mosquitto_passwd -b "$passwd.new" tokkatot-edge "${MQTT_EDGE_PASSWORD:?MQTT_EDGE_PASSWORD is not set}"
mosquitto_passwd -b "$passwd.new" "${SIM_NODE_ID:?SIM_NODE_ID is not set}" "${MQTT_NODE_PASSWORD:?MQTT_NODE_PASSWORD is not set}"
chmod 0600 "$passwd.new"
mv "$passwd.new" "$passwd"
exec mosquitto -c /mosquitto/config/mosquitto.conf
