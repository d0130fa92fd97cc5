#include "tokkatot/node.h"

#include <string.h>

#include "tokkatot/platform_link.h"
#include "tokkatot/platform_system.h"

static bool prv_reached(uint32_t now_ms, uint32_t at_ms) { return (int32_t)(now_ms - at_ms) >= 0; }

static void prv_send(tk_node_t *n) {
  size_t len;
  n->out.seq = n->tx_seq++;
  len = tk_msg_encode(&n->out, n->tx, sizeof n->tx);
  if (len == 0) return;
  n->counters.tx_frames++;
  tk_platform_link_send(n->out.type, n->tx, len);
}

static void prv_send_hello(tk_node_t *n) {
  tk_hello_t *h = &n->out.u.hello;
  const tk_board_t *b = n->board;
  uint8_t i;
  memset(&n->out, 0, sizeof n->out);
  n->out.type = TK_MSG_HELLO;
  strncpy(h->node_id, b->node_id, TK_MAX_NODE_ID_LEN);
  strncpy(h->firmware_version, b->firmware_version, TK_MAX_FIRMWARE_VERSION_LEN);
  h->hardware_revision = b->hardware_revision;
  h->boot_id = n->boot_id;
  h->reset_reason = n->reset_reason;
  h->slot = n->update.boot.running_slot;
  h->image_confirmed = n->update.boot.confirmed;
  h->output_count = b->output_count;
  for (i = 0; i < b->output_count; i++) {
    h->outputs[i].channel = b->outputs[i].channel;
    h->outputs[i].kind = b->outputs[i].kind;
    h->outputs[i].dimmable = b->outputs[i].dimmable;
    h->outputs[i].active_low = b->outputs[i].active_low;
  }
  h->sensor_count = b->sensor_count;
  for (i = 0; i < b->sensor_count; i++) {
    h->sensors[i].channel = b->sensors[i].channel;
    h->sensors[i].kind = b->sensors[i].kind;
  }
  prv_send(n);
}

void tk_node_get_state(const tk_node_t *n, tk_state_t *s, uint32_t now_ms) {
  uint8_t i;
  s->boot_id = n->boot_id;
  s->configured = n->configured;
  s->fail_safe_active = n->link == TK_LINK_LOST;
  s->updating = tk_update_active(&n->update);
  s->count = n->board->output_count;
  for (i = 0; i < n->board->output_count; i++) {
    const tk_output_runtime_t *rt = &n->outputs.rt[i];
    s->outputs[i].channel = n->board->outputs[i].channel;
    s->outputs[i].on = rt->on;
    s->outputs[i].level = rt->level;
    s->outputs[i].reason = rt->reason;
    s->outputs[i].remaining_s = tk_outputs_remaining_s(&n->outputs, i, n->max_on_s[i], now_ms);
  }
}

static void prv_send_state(tk_node_t *n, uint32_t now_ms) {
  memset(&n->out, 0, sizeof n->out);
  n->out.type = TK_MSG_STATE;
  tk_node_get_state(n, &n->out.u.state, now_ms);
  prv_send(n);
}

static void prv_send_heartbeat(tk_node_t *n, uint32_t now_ms) {
  tk_heartbeat_t *h = &n->out.u.heartbeat;
  memset(&n->out, 0, sizeof n->out);
  n->out.type = TK_MSG_HEARTBEAT;
  h->boot_id = n->boot_id;
  h->uptime_s = (now_ms - n->boot_ms) / 1000u;
  h->free_heap = tk_platform_free_heap();
  h->rssi = n->board->wireless ? tk_platform_rssi() : (int8_t)TK_NO_RSSI;
  h->link_up = n->link == TK_LINK_UP;
  h->updating = tk_update_active(&n->update);
  h->counters = n->counters;
  strncpy(h->firmware_version, n->board->firmware_version, TK_MAX_FIRMWARE_VERSION_LEN);
  h->slot = n->update.boot.running_slot;
  h->image_confirmed = n->update.boot.confirmed;
  prv_send(n);
}

static void prv_send_fault(tk_node_t *n, uint8_t kind, uint8_t channel, uint8_t detail) {
  memset(&n->out, 0, sizeof n->out);
  n->out.type = TK_MSG_FAULT;
  n->out.u.fault.kind = kind;
  n->out.u.fault.channel = channel;
  n->out.u.fault.detail = detail;
  prv_send(n);
}

static void prv_send_update_status(tk_node_t *n, const tk_update_status_t *status) {
  memset(&n->out, 0, sizeof n->out);
  n->out.type = TK_MSG_UPDATE_STATUS;
  n->out.u.update_status = *status;
  prv_send(n);
}

static void prv_send_ack(tk_node_t *n, uint16_t seq, uint32_t id, uint8_t result) {
  memset(&n->out, 0, sizeof n->out);
  n->out.type = result == TK_ACK_OK ? TK_MSG_ACK : TK_MSG_NACK;
  n->out.u.ack.ack_seq = seq;
  n->out.u.ack.id = id;
  n->out.u.ack.error = result;
  prv_send(n);
}

void tk_node_announce(tk_node_t *n, uint32_t now_ms) {
  uint8_t i;
  prv_send_hello(n);
  prv_send_state(n, now_ms);
  prv_send_heartbeat(n, now_ms);
  /* Faults still standing are repeated: an edge that just connected has missed them. */
  for (i = 0; i < n->board->sensor_count; i++)
    if (n->sensors.rt[i].failure_sent)
      prv_send_fault(n, TK_FAULT_SENSOR_FAILURE, n->board->sensors[i].channel, n->sensors.rt[i].status);
  n->next_heartbeat_ms = now_ms + n->config.heartbeat_period_ms;
}

/* ---- configuration ----------------------------------------------------------------------- */

static int prv_find_sensor(const tk_board_t *b, uint8_t channel) {
  uint8_t i;
  for (i = 0; i < b->sensor_count; i++)
    if (b->sensors[i].channel == channel) return (int)i;
  return -1;
}

/* Checks a configuration against this board; also guards one loaded from storage. */
static uint8_t prv_validate_config(const tk_node_t *n, const tk_config_t *c) {
  uint8_t i;
  if (c->link_timeout_ms < 500u || c->link_timeout_ms > 3600000u) return TK_NACK_INVALID_CONFIG;
  if (c->heartbeat_period_ms < 100u || c->heartbeat_period_ms > 600000u) return TK_NACK_INVALID_CONFIG;
  if (c->output_count > TK_MAX_OUTPUTS || c->sensor_count > TK_MAX_SENSORS) return TK_NACK_INVALID_CONFIG;
  for (i = 0; i < c->output_count; i++) {
    int idx = tk_outputs_find(&n->outputs, c->outputs[i].channel);
    if (idx < 0) return TK_NACK_UNKNOWN_OUTPUT;
    if (c->outputs[i].max_on_s < 1u || c->outputs[i].max_on_s > 86400u) return TK_NACK_INVALID_CONFIG;
    /* An unattended heater can kill the flock: it may never fail safe to ON. */
    if (c->outputs[i].fail_safe_on && n->board->outputs[idx].kind == TK_OUTPUT_HEATER) return TK_NACK_INVALID_CONFIG;
  }
  for (i = 0; i < c->sensor_count; i++) {
    if (prv_find_sensor(n->board, c->sensors[i].channel) < 0) return TK_NACK_INVALID_CONFIG;
    if (c->sensors[i].sample_period_ms < 100u || c->sensors[i].scale_milli < 10u || c->sensors[i].scale_milli > 100000u)
      return TK_NACK_INVALID_CONFIG;
  }
  return TK_ACK_OK;
}

static void prv_apply_config(tk_node_t *n, const tk_config_t *c) {
  uint8_t i, j;
  n->config = *c;
  n->configured = true;
  for (i = 0; i < n->board->output_count; i++) {
    n->max_on_s[i] = 0;
    for (j = 0; j < c->output_count; j++)
      if (c->outputs[j].channel == n->board->outputs[i].channel) n->max_on_s[i] = c->outputs[j].max_on_s;
  }
}

static const tk_output_config_t *prv_output_config(const tk_node_t *n, uint8_t channel) {
  uint8_t j;
  for (j = 0; j < n->config.output_count; j++)
    if (n->config.outputs[j].channel == channel) return &n->config.outputs[j];
  return NULL;
}

static void prv_sensor_config(const tk_node_t *n, uint8_t channel, tk_sensor_config_t *out) {
  uint8_t j;
  out->channel = channel;
  out->sample_period_ms = TK_DEFAULT_SAMPLE_PERIOD_MS;
  out->offset_centi = 0;
  out->scale_milli = 1000u;
  for (j = 0; j < n->config.sensor_count; j++)
    if (n->config.sensors[j].channel == channel) *out = n->config.sensors[j];
}

/* ---- requests ---------------------------------------------------------------------------- */

/* From the update's begin to the confirm of the new image (the update is not over while it is
 * pending: a bad image must not drive the coop before the edge trusts it), outputs stay fail-safe. */
static bool prv_holding_outputs(const tk_node_t *n) {
  return tk_update_active(&n->update) || !n->update.boot.confirmed;
}

static uint8_t prv_set_output(tk_node_t *n, const tk_set_output_t *c, uint16_t seq, uint32_t now_ms) {
  int idx;
  const tk_output_desc_t *d;
  if (c->boot_id != n->boot_id) return TK_NACK_STALE_SESSION;
  /* During an update every output is held in its fail-safe state, until the new image is confirmed. */
  if (prv_holding_outputs(n)) return TK_NACK_UPDATING;
  idx = tk_outputs_find(&n->outputs, c->channel);
  if (idx < 0) return TK_NACK_UNKNOWN_OUTPUT;
  if (!n->configured || n->max_on_s[idx] == 0u) return TK_NACK_NOT_CONFIGURED;
  d = &n->board->outputs[idx];
  if (c->on && !d->dimmable && c->level != 100u) return TK_NACK_INVALID_LEVEL;
  if (c->on && c->duration_s > n->max_on_s[idx]) return TK_NACK_EXCEEDS_MAX_ON;
  tk_outputs_set(&n->outputs, idx, c->on, c->level, c->duration_s * 1000u, TK_REASON_COMMANDED, now_ms);
  tk_platform_on_command_executed(n->boot_id, c, seq);
  return TK_ACK_OK;
}

static uint8_t prv_config(tk_node_t *n, const tk_config_t *c) {
  uint8_t result = prv_validate_config(n, c);
  if (result != TK_ACK_OK) return result;
  prv_apply_config(n, c);
  tk_platform_config_save(c);
  return TK_ACK_OK;
}

static tk_dedup_entry_t *prv_dedup_find(tk_node_t *n, uint16_t seq, uint32_t id) {
  uint8_t i;
  for (i = 0; i < TK_DEDUP_ENTRIES; i++)
    if (n->dedup[i].used && n->dedup[i].seq == seq && n->dedup[i].id == id) return &n->dedup[i];
  return NULL;
}

static void prv_handle_request(tk_node_t *n, const tk_msg_t *m, uint32_t now_ms) {
  uint32_t id = m->type == TK_MSG_CONFIG ? m->u.config.id : m->u.set_output.id;
  tk_dedup_entry_t *seen = prv_dedup_find(n, m->seq, id);
  uint8_t result;
  if (seen != NULL) {
    /* A retry of something already done: answer again, never execute twice. */
    n->counters.rx_duplicates++;
    prv_send_ack(n, m->seq, id, seen->result);
    return;
  }
  result = m->type == TK_MSG_CONFIG ? prv_config(n, &m->u.config) : prv_set_output(n, &m->u.set_output, m->seq, now_ms);
  n->dedup[n->dedup_next].used = true;
  n->dedup[n->dedup_next].seq = m->seq;
  n->dedup[n->dedup_next].id = id;
  n->dedup[n->dedup_next].result = result;
  n->dedup_next = (uint8_t)((n->dedup_next + 1u) % TK_DEDUP_ENTRIES);
  prv_send_ack(n, m->seq, id, result);
  if (result == TK_ACK_OK) prv_send_state(n, now_ms);
}

static void prv_apply_fail_safe(tk_node_t *n, uint32_t now_ms);

/* Runs one update request; a transfer that starts holds every output in fail-safe at once. */
static void prv_handle_update(tk_node_t *n, const tk_msg_t *m, uint32_t now_ms) {
  tk_update_status_t status;
  bool was_active = tk_update_active(&n->update);
  switch (m->type) {
    case TK_MSG_UPDATE_BEGIN:
      tk_update_begin(&n->update, &m->u.update_begin, now_ms, &status);
      break;
    case TK_MSG_UPDATE_FETCH:
      tk_update_fetch(&n->update, &m->u.update_fetch, now_ms, &status);
      break;
    case TK_MSG_UPDATE_CHUNK:
      tk_update_chunk(&n->update, &m->u.update_chunk, now_ms, &status);
      break;
    case TK_MSG_UPDATE_COMMIT:
      tk_update_commit(&n->update, &m->u.update_commit, now_ms, &status);
      break;
    default: /* confirm: the frame that carries it proves the link */
      tk_update_status(&n->update, 0, &status);
      /* The hello says what the image is: announce again so the edge's copy says "confirmed". */
      if (tk_update_confirm(&n->update)) tk_node_announce(n, now_ms);
      break;
  }
  if (!was_active && tk_update_active(&n->update)) {
    prv_apply_fail_safe(n, now_ms);
    prv_send_state(n, now_ms);
  }
  prv_send_update_status(n, &status);
  if (status.state == TK_UPDATE_REBOOTING && !n->rebooting) {
    n->rebooting = true;
    tk_platform_reboot();
  }
}

static void prv_on_frame(void *ctx, tk_frame_error_t err, const tk_msg_t *m) {
  tk_node_t *n = (tk_node_t *)ctx;
  uint32_t now_ms = n->rx_now_ms;
  if (n->rebooting) return;
  if (err != TK_FRAME_OK) {
    if (err == TK_FRAME_ERR_CRC) {
      n->counters.rx_crc_errors++;
    } else {
      n->counters.rx_malformed++;
    }
    return;
  }
  /* Only the edge's messages prove the edge is there (an echoing line must not keep it up). */
  if (m->type < TK_MSG_CONFIG) {
    n->counters.rx_malformed++;
    return;
  }
  n->counters.rx_frames++;
  n->last_rx_ms = now_ms;
  if (n->link == TK_LINK_LOST) {
    n->link = TK_LINK_UP;
    prv_send_fault(n, TK_FAULT_LINK_RESTORED, TK_NO_CHANNEL, 0);
    prv_send_state(n, now_ms);
  }
  n->link = TK_LINK_UP;
  switch (m->type) {
    case TK_MSG_HELLO_REQUEST:
      tk_node_announce(n, now_ms);
      break;
    case TK_MSG_CONFIG:
    case TK_MSG_SET_OUTPUT:
      prv_handle_request(n, m, now_ms);
      break;
    case TK_MSG_UPDATE_BEGIN:
    case TK_MSG_UPDATE_CHUNK:
    case TK_MSG_UPDATE_COMMIT:
    case TK_MSG_UPDATE_CONFIRM:
    case TK_MSG_UPDATE_FETCH:
      prv_handle_update(n, m, now_ms);
      break;
    default: /* ping: its arrival was the point */
      break;
  }
}

/* ---- lifecycle --------------------------------------------------------------------------- */

void tk_node_init(tk_node_t *n, const tk_board_t *board, uint32_t boot_id, uint8_t reset_reason, uint32_t now_ms) {
  tk_config_t stored;
  memset(n, 0, sizeof *n);
  n->board = board;
  /* Outputs first: relays must be released before anything else can go wrong. */
  tk_outputs_init(&n->outputs, board);
  n->boot_id = boot_id;
  n->reset_reason = reset_reason;
  n->boot_ms = now_ms;
  n->config.link_timeout_ms = TK_DEFAULT_LINK_TIMEOUT_MS;
  n->config.heartbeat_period_ms = TK_DEFAULT_HEARTBEAT_MS;
  memset(&stored, 0, sizeof stored);
  if (tk_platform_config_load(&stored) && prv_validate_config(n, &stored) == TK_ACK_OK) prv_apply_config(n, &stored);
  tk_update_init(&n->update, now_ms);
  /* The first boot of a new image continues the update: outputs stay in their fail-safe states. */
  if (!n->update.boot.confirmed && n->configured) prv_apply_fail_safe(n, now_ms);
  tk_sensors_init(&n->sensors, board, now_ms);
  tk_frame_parser_init(&n->parser);
  n->link = TK_LINK_WAITING;
  n->last_rx_ms = now_ms;
  tk_node_announce(n, now_ms);
  if (reset_reason == TK_RESET_WATCHDOG) prv_send_fault(n, TK_FAULT_WATCHDOG_RESET, TK_NO_CHANNEL, 0);
  if (reset_reason == TK_RESET_BROWNOUT) prv_send_fault(n, TK_FAULT_BROWNOUT_RESET, TK_NO_CHANNEL, 0);
  if (reset_reason == TK_RESET_PANIC) prv_send_fault(n, TK_FAULT_PANIC_RESET, TK_NO_CHANNEL, 0);
}

void tk_node_receive_bytes(tk_node_t *n, const uint8_t *data, size_t len, uint32_t now_ms) {
  n->rx_now_ms = now_ms;
  tk_frame_parser_feed(&n->parser, data, len, prv_on_frame, n);
}

void tk_node_receive_frame(tk_node_t *n, const uint8_t *frame, size_t len, uint32_t now_ms) {
  tk_frame_error_t err;
  n->rx_now_ms = now_ms;
  err = tk_msg_decode(frame, len, &n->parser.msg);
  prv_on_frame(n, err, err == TK_FRAME_OK ? &n->parser.msg : NULL);
}

static void prv_apply_fail_safe(tk_node_t *n, uint32_t now_ms) {
  uint8_t i;
  for (i = 0; i < n->board->output_count; i++) {
    const tk_output_config_t *c = prv_output_config(n, n->board->outputs[i].channel);
    bool on = c != NULL && c->fail_safe_on && n->board->outputs[i].kind != TK_OUTPUT_HEATER;
    tk_outputs_set(&n->outputs, i, on, on ? 100u : 0u, 0, TK_REASON_FAIL_SAFE, now_ms);
  }
}

void tk_node_tick(tk_node_t *n, uint32_t now_ms) {
  uint32_t changed, cut = 0;
  uint8_t i;
  tk_readings_t *rd;
  tk_update_status_t status;
  if (n->rebooting) return;
  if (tk_update_health_expired(&n->update, now_ms)) {
    /* A new image that nobody confirmed in time is not trusted: back to the previous slot. */
    if (tk_platform_image_rollback()) {
      n->rebooting = true;
      return;
    }
    /* Nothing to go back to: a running image beats none, so keep it for good. */
    tk_update_confirm(&n->update);
    tk_node_announce(n, now_ms);
  }
  {
    bool was_active = tk_update_active(&n->update);
    if (tk_update_tick(&n->update, now_ms, &status)) {
      prv_send_update_status(n, &status);
      if (was_active != tk_update_active(&n->update)) prv_send_state(n, now_ms);
    }
  }
  if (n->link != TK_LINK_LOST && prv_reached(now_ms, n->last_rx_ms + n->config.link_timeout_ms)) {
    n->link = TK_LINK_LOST;
    n->counters.link_losses++;
    prv_apply_fail_safe(n, now_ms);
    prv_send_fault(n, TK_FAULT_LINK_LOST, TK_NO_CHANNEL, 0);
    prv_send_state(n, now_ms);
  }

  changed = tk_outputs_tick(&n->outputs, n->max_on_s, now_ms, &cut);
  for (i = 0; i < n->board->output_count; i++)
    if (cut & (1u << i)) prv_send_fault(n, TK_FAULT_MAX_ON_CUT, n->board->outputs[i].channel, 0);
  if (changed) prv_send_state(n, now_ms);

  /* Faults first, into a local list, because the readings message shares the scratch buffer. */
  {
    tk_readings_t batch;
    uint8_t fault_kind[TK_MAX_SENSORS];
    uint8_t fault_count = 0;
    memset(&batch, 0, sizeof batch);
    for (i = 0; i < n->board->sensor_count; i++) {
      tk_sensor_config_t cal;
      tk_reading_t *r;
      if (!prv_reached(now_ms, n->sensors.rt[i].next_sample_ms)) continue;
      prv_sensor_config(n, n->board->sensors[i].channel, &cal);
      n->sensors.rt[i].next_sample_ms = now_ms + cal.sample_period_ms;
      r = &batch.items[batch.count++];
      if (tk_sensors_sample(&n->sensors, i, &cal, r)) fault_kind[fault_count++] = i;
    }
    for (i = 0; i < fault_count; i++) {
      const tk_sensor_runtime_t *rt = &n->sensors.rt[fault_kind[i]];
      uint8_t channel = n->board->sensors[fault_kind[i]].channel;
      if (rt->status == TK_SENSOR_OK) {
        prv_send_fault(n, TK_FAULT_SENSOR_RECOVERED, channel, 0);
      } else {
        prv_send_fault(n, TK_FAULT_SENSOR_FAILURE, channel, rt->status);
      }
    }
    if (batch.count > 0) {
      memset(&n->out, 0, sizeof n->out);
      n->out.type = TK_MSG_READINGS;
      rd = &n->out.u.readings;
      *rd = batch;
      prv_send(n);
    }
  }

  if (prv_reached(now_ms, n->next_heartbeat_ms)) {
    prv_send_heartbeat(n, now_ms);
    prv_send_state(n, now_ms);
    n->next_heartbeat_ms = now_ms + n->config.heartbeat_period_ms;
  }
}

void tk_node_set_local(tk_node_t *n, uint8_t channel, bool on, uint32_t now_ms) {
  int idx = tk_outputs_find(&n->outputs, channel);
  if (idx < 0 || prv_holding_outputs(n)) return;
  tk_outputs_set(&n->outputs, idx, on, 100u, 0, TK_REASON_LOCAL, now_ms);
  prv_send_state(n, now_ms);
}
