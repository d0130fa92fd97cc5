/*
 * A Tokkatot node: link supervision, configuration, idempotent command handling, outputs,
 * sensors, heartbeats. Ports call tk_node_receive_* with incoming data and tk_node_tick often
 * (every 10–50 ms); the node answers through tk_platform_link_send.
 */
#ifndef TOKKATOT_NODE_H
#define TOKKATOT_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "tokkatot/board.h"
#include "tokkatot/frame_parser.h"
#include "tokkatot/outputs.h"
#include "tokkatot/protocol.h"
#include "tokkatot/sensors.h"
#include "tokkatot/update.h"

#define TK_DEDUP_ENTRIES 16u
#define TK_DEFAULT_LINK_TIMEOUT_MS 30000u
#define TK_DEFAULT_HEARTBEAT_MS 1000u
#define TK_DEFAULT_SAMPLE_PERIOD_MS 2000u

typedef enum { TK_LINK_WAITING = 0, TK_LINK_UP, TK_LINK_LOST } tk_link_state_t;

typedef struct {
  bool used;
  uint16_t seq;
  uint32_t id;
  uint8_t result; /* TK_ACK_OK or a nack error */
} tk_dedup_entry_t;

typedef struct {
  const tk_board_t *board;
  uint32_t boot_id;
  uint8_t reset_reason;
  uint32_t boot_ms;
  bool configured;
  tk_config_t config;
  uint32_t max_on_s[TK_MAX_OUTPUTS]; /* per output index; 0 while that output is unconfigured */
  tk_link_state_t link;
  uint32_t last_rx_ms;
  uint32_t next_heartbeat_ms;
  uint16_t tx_seq;
  tk_link_counters_t counters;
  tk_dedup_entry_t dedup[TK_DEDUP_ENTRIES];
  uint8_t dedup_next;
  tk_outputs_t outputs;
  tk_sensors_t sensors;
  tk_update_t update;
  bool rebooting; /* a slot switch or a rollback is under way: the node does nothing more */
  tk_frame_parser_t parser;
  uint32_t rx_now_ms; /* time of the bytes being parsed, for the frame handler */
  tk_msg_t out;       /* scratch for outgoing messages */
  uint8_t tx[TK_MAX_FRAME_BYTES];
} tk_node_t;

/**
 * Boots the node: outputs inactive first, then the stored configuration (and, on the first boot
 * of a new image, the fail-safe states at once), then hello, state and heartbeat. boot_id must be
 * random and non-zero.
 */
void tk_node_init(tk_node_t *n, const tk_board_t *board, uint32_t boot_id, uint8_t reset_reason, uint32_t now_ms);

/** Feeds bytes from a serial line (COBS frames separated by 0x00). */
void tk_node_receive_bytes(tk_node_t *n, const uint8_t *data, size_t len, uint32_t now_ms);

/** Feeds one unstuffed frame (an MQTT payload). */
void tk_node_receive_frame(tk_node_t *n, const uint8_t *frame, size_t len, uint32_t now_ms);

/** Runs timers: link timeout and fail-safe, durations and maximum ON, sampling, heartbeats. */
void tk_node_tick(tk_node_t *n, uint32_t now_ms);

/** A local switch on the board changed an output (reason local, still bounded by maximum ON). */
void tk_node_set_local(tk_node_t *n, uint8_t channel, bool on, uint32_t now_ms);

/** Sends hello, state and heartbeat (after boot, on helloRequest, after an MQTT reconnect). */
void tk_node_announce(tk_node_t *n, uint32_t now_ms);

/** Fills a state message with what the outputs are now. */
void tk_node_get_state(const tk_node_t *n, tk_state_t *state, uint32_t now_ms);

#endif
