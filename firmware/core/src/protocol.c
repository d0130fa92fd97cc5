#include "tokkatot/protocol.h"

#include <string.h>

#include "tokkatot/cobs.h"
#include "tokkatot/crc32.h"

/* ---- writer ------------------------------------------------------------------------------ */

typedef struct {
  uint8_t *buf;
  size_t cap;
  size_t len;
  bool overflow;
} prv_writer_t;

static void prv_u8(prv_writer_t *w, uint32_t v) {
  if (w->len >= w->cap) {
    w->overflow = true;
    return;
  }
  w->buf[w->len++] = (uint8_t)(v & 0xFFu);
}

static void prv_u16(prv_writer_t *w, uint32_t v) {
  prv_u8(w, v);
  prv_u8(w, v >> 8);
}

static void prv_u32(prv_writer_t *w, uint32_t v) {
  prv_u16(w, v);
  prv_u16(w, v >> 16);
}

static void prv_str(prv_writer_t *w, const char *s) {
  size_t n = strlen(s);
  size_t i;
  prv_u8(w, (uint32_t)n);
  for (i = 0; i < n; i++) prv_u8(w, (uint8_t)s[i]);
}

static bool prv_encode_payload(const tk_msg_t *m, prv_writer_t *w) {
  uint8_t i;
  switch (m->type) {
    case TK_MSG_HELLO: {
      const tk_hello_t *h = &m->u.hello;
      if (h->output_count > TK_MAX_OUTPUTS || h->sensor_count > TK_MAX_SENSORS) return false;
      prv_str(w, h->node_id);
      prv_str(w, h->firmware_version);
      prv_u8(w, h->hardware_revision);
      prv_u32(w, h->boot_id);
      prv_u8(w, h->reset_reason);
      prv_u8(w, h->slot);
      prv_u8(w, h->image_confirmed ? 1u : 0u);
      prv_u8(w, h->output_count);
      for (i = 0; i < h->output_count; i++) {
        prv_u8(w, h->outputs[i].channel);
        prv_u8(w, h->outputs[i].kind);
        prv_u8(w, (h->outputs[i].dimmable ? 1u : 0u) | (h->outputs[i].active_low ? 2u : 0u));
      }
      prv_u8(w, h->sensor_count);
      for (i = 0; i < h->sensor_count; i++) {
        prv_u8(w, h->sensors[i].channel);
        prv_u8(w, h->sensors[i].kind);
      }
      return true;
    }
    case TK_MSG_HEARTBEAT: {
      const tk_heartbeat_t *h = &m->u.heartbeat;
      prv_u32(w, h->boot_id);
      prv_u32(w, h->uptime_s);
      prv_u32(w, h->free_heap);
      prv_u8(w, (uint8_t)h->rssi);
      prv_u8(w, (h->link_up ? 1u : 0u) | (h->updating ? 2u : 0u));
      prv_u32(w, h->counters.rx_frames);
      prv_u32(w, h->counters.tx_frames);
      prv_u32(w, h->counters.rx_crc_errors);
      prv_u32(w, h->counters.rx_malformed);
      prv_u32(w, h->counters.rx_duplicates);
      prv_u32(w, h->counters.link_losses);
      prv_str(w, h->firmware_version);
      prv_u8(w, h->slot);
      prv_u8(w, h->image_confirmed ? 1u : 0u);
      return true;
    }
    case TK_MSG_READINGS: {
      const tk_readings_t *r = &m->u.readings;
      if (r->count > TK_MAX_SENSORS) return false;
      prv_u8(w, r->count);
      for (i = 0; i < r->count; i++) {
        prv_u8(w, r->items[i].channel);
        prv_u8(w, r->items[i].status);
        /* A failed reading has no value bytes: there is no number to misread. */
        if (r->items[i].status == TK_SENSOR_OK) prv_u32(w, (uint32_t)r->items[i].value_centi);
      }
      return true;
    }
    case TK_MSG_ACK:
    case TK_MSG_NACK:
      prv_u16(w, m->u.ack.ack_seq);
      prv_u32(w, m->u.ack.id);
      if (m->type == TK_MSG_NACK) prv_u8(w, m->u.ack.error);
      return true;
    case TK_MSG_STATE: {
      const tk_state_t *s = &m->u.state;
      if (s->count > TK_MAX_OUTPUTS) return false;
      prv_u32(w, s->boot_id);
      prv_u8(w, (s->configured ? 1u : 0u) | (s->fail_safe_active ? 2u : 0u) | (s->updating ? 4u : 0u));
      prv_u8(w, s->count);
      for (i = 0; i < s->count; i++) {
        prv_u8(w, s->outputs[i].channel);
        prv_u8(w, s->outputs[i].on ? 1u : 0u);
        prv_u8(w, s->outputs[i].level);
        prv_u8(w, s->outputs[i].reason);
        prv_u32(w, s->outputs[i].remaining_s);
      }
      return true;
    }
    case TK_MSG_FAULT:
      prv_u8(w, m->u.fault.kind);
      prv_u8(w, m->u.fault.channel);
      prv_u8(w, m->u.fault.detail);
      return true;
    case TK_MSG_CONFIG: {
      const tk_config_t *c = &m->u.config;
      if (c->output_count > TK_MAX_OUTPUTS || c->sensor_count > TK_MAX_SENSORS) return false;
      prv_u32(w, c->id);
      prv_u32(w, c->link_timeout_ms);
      prv_u32(w, c->heartbeat_period_ms);
      prv_u8(w, c->output_count);
      for (i = 0; i < c->output_count; i++) {
        prv_u8(w, c->outputs[i].channel);
        prv_u8(w, c->outputs[i].fail_safe_on ? 1u : 0u);
        prv_u32(w, c->outputs[i].max_on_s);
      }
      prv_u8(w, c->sensor_count);
      for (i = 0; i < c->sensor_count; i++) {
        prv_u8(w, c->sensors[i].channel);
        prv_u32(w, c->sensors[i].sample_period_ms);
        prv_u32(w, (uint32_t)c->sensors[i].offset_centi);
        prv_u32(w, c->sensors[i].scale_milli);
      }
      return true;
    }
    case TK_MSG_SET_OUTPUT: {
      const tk_set_output_t *s = &m->u.set_output;
      prv_u32(w, s->id);
      prv_u32(w, s->boot_id);
      prv_u8(w, s->channel);
      prv_u8(w, s->on ? 1u : 0u);
      prv_u8(w, s->level);
      prv_u32(w, s->duration_s);
      return true;
    }
    case TK_MSG_UPDATE_STATUS:
      prv_u8(w, m->u.update_status.state);
      prv_u8(w, m->u.update_status.error);
      prv_u32(w, m->u.update_status.next_offset);
      return true;
    case TK_MSG_UPDATE_BEGIN:
      prv_str(w, m->u.update_begin.version);
      prv_u32(w, m->u.update_begin.size);
      for (i = 0; i < TK_SHA256_BYTES; i++) prv_u8(w, m->u.update_begin.sha256[i]);
      prv_u8(w, m->u.update_begin.chunk_size);
      return true;
    case TK_MSG_UPDATE_FETCH:
      prv_str(w, m->u.update_fetch.version);
      prv_u32(w, m->u.update_fetch.size);
      for (i = 0; i < TK_SHA256_BYTES; i++) prv_u8(w, m->u.update_fetch.sha256[i]);
      prv_str(w, m->u.update_fetch.url);
      return true;
    case TK_MSG_UPDATE_CHUNK: {
      const tk_update_chunk_t *c = &m->u.update_chunk;
      size_t k;
      if (c->len > TK_MAX_UPDATE_CHUNK_BYTES) return false;
      prv_u32(w, c->offset);
      prv_u8(w, c->len);
      for (k = 0; k < c->len; k++) prv_u8(w, c->data[k]);
      return true;
    }
    case TK_MSG_UPDATE_COMMIT:
      prv_u16(w, m->u.update_commit.health_timeout_s);
      return true;
    case TK_MSG_PING:
    case TK_MSG_HELLO_REQUEST:
    case TK_MSG_UPDATE_CONFIRM:
      return true;
    default:
      return false;
  }
}

size_t tk_msg_encode(const tk_msg_t *msg, uint8_t *out, size_t cap) {
  prv_writer_t w;
  uint32_t crc;
  w.buf = out;
  w.cap = cap < TK_MAX_FRAME_BYTES ? cap : TK_MAX_FRAME_BYTES;
  w.len = 0;
  w.overflow = false;
  prv_u8(&w, TK_PROTOCOL_VERSION);
  prv_u8(&w, msg->type);
  prv_u16(&w, msg->seq);
  if (!prv_encode_payload(msg, &w)) return 0;
  if (w.overflow || w.len + TK_FRAME_CRC_BYTES > w.cap) return 0;
  crc = tk_crc32(out, w.len);
  prv_u32(&w, crc);
  return w.len;
}

size_t tk_msg_encode_wire(const tk_msg_t *msg, uint8_t *out, size_t cap) {
  uint8_t raw[TK_MAX_FRAME_BYTES];
  size_t raw_len = tk_msg_encode(msg, raw, sizeof raw);
  size_t n;
  if (raw_len == 0 || cap < 1) return 0;
  n = tk_cobs_encode(raw, raw_len, out, cap - 1u);
  if (n == 0) return 0;
  out[n] = TK_FRAME_DELIMITER;
  return n + 1u;
}

/* ---- reader ------------------------------------------------------------------------------ */

/*
 * Errors found while reading (short payload, reserved bits, unassigned enum bytes) stop the
 * decode at once; range checks that the TS side does with zod after reading are only noted and
 * reported after the length check, so both codecs give the same error for the same bytes.
 */
typedef struct {
  const uint8_t *buf;
  size_t len;
  size_t at;
  tk_frame_error_t err;
  bool out_of_range;
} prv_reader_t;

static uint32_t prv_r8(prv_reader_t *r) {
  if (r->err != TK_FRAME_OK) return 0;
  if (r->at + 1u > r->len) {
    r->err = TK_FRAME_ERR_PAYLOAD;
    return 0;
  }
  return r->buf[r->at++];
}

static uint32_t prv_r16(prv_reader_t *r) {
  uint32_t lo = prv_r8(r);
  return lo | (prv_r8(r) << 8);
}

static uint32_t prv_r32(prv_reader_t *r) {
  uint32_t lo = prv_r16(r);
  return lo | (prv_r16(r) << 16);
}

static void prv_fail(prv_reader_t *r, tk_frame_error_t err) {
  if (r->err == TK_FRAME_OK) r->err = err;
}

static void prv_check(prv_reader_t *r, bool ok) {
  if (!ok) r->out_of_range = true;
}

/* Reads a string; stores it only if it fits, else notes a range error (as zod's max would). */
static void prv_rstr(prv_reader_t *r, char *dst, size_t max_len) {
  uint32_t n = prv_r8(r);
  uint32_t i;
  dst[0] = '\0';
  for (i = 0; i < n && r->err == TK_FRAME_OK; i++) {
    uint32_t c = prv_r8(r);
    if (r->err != TK_FRAME_OK) return;
    if (c < 0x20u || c > 0x7Eu) {
      prv_fail(r, TK_FRAME_ERR_PAYLOAD);
      return;
    }
    if (i < max_len) dst[i] = (char)c;
  }
  if (n > max_len) {
    r->out_of_range = true;
    dst[max_len] = '\0';
  } else {
    dst[n] = '\0';
  }
}

static void prv_flags(prv_reader_t *r, uint32_t v, uint32_t allowed) {
  if ((v & ~allowed) != 0u) prv_fail(r, TK_FRAME_ERR_PAYLOAD);
}

static void prv_assigned(prv_reader_t *r, bool ok) {
  if (!ok) prv_fail(r, TK_FRAME_ERR_RANGE);
}

static bool prv_is_digit(char c) { return c >= '0' && c <= '9'; }
static bool prv_is_alnum(char c) { return prv_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static bool prv_valid_node_id(const char *s) {
  size_t i;
  if (s[0] == '\0' || s[0] == '-') return false;
  for (i = 0; s[i] != '\0'; i++) {
    if (!(prv_is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-')) return false;
  }
  return true;
}

static const char *prv_digits(const char *s) {
  int n = 0;
  while (prv_is_digit(*s) && n < 5) {
    s++;
    n++;
  }
  return (n >= 1 && n <= 4) ? s : NULL;
}

/* MAJOR.MINOR.PATCH with 1–4 digits each, then optionally "-" and 1–20 of [0-9A-Za-z.-]. */
/* http:// and at least one more character, no spaces (the reader already kept it printable). */
static bool prv_valid_fetch_url(const char *s) {
  if (strncmp(s, "http://", 7) != 0 || s[7] == '\0') return false;
  for (; *s != '\0'; s++)
    if (*s == ' ') return false;
  return true;
}

static bool prv_valid_version(const char *s) {
  int part;
  size_t tag = 0;
  for (part = 0; part < 3; part++) {
    s = prv_digits(s);
    if (s == NULL) return false;
    if (part < 2) {
      if (*s != '.') return false;
      s++;
    }
  }
  if (*s == '\0') return true;
  if (*s != '-') return false;
  for (s++; *s != '\0'; s++, tag++) {
    if (!(prv_is_alnum(*s) || *s == '.' || *s == '-')) return false;
  }
  return tag >= 1 && tag <= 20;
}

static bool prv_output_kind(uint32_t k) { return k >= TK_OUTPUT_FAN && k <= TK_OUTPUT_RELAY; }
static bool prv_sensor_kind(uint32_t k) { return k >= TK_SENSOR_TEMPERATURE && k <= TK_SENSOR_POWER; }

/* Marks a duplicate among the first n channels (TS: "channels must be unique"). */
static void prv_unique(prv_reader_t *r, const uint8_t *channels, size_t n) {
  size_t i, j;
  for (i = 0; i < n; i++)
    for (j = i + 1u; j < n; j++)
      if (channels[i] == channels[j]) r->out_of_range = true;
}

static bool prv_switch(prv_reader_t *r, uint32_t v) {
  prv_assigned(r, v <= 1u);
  return v == 1u;
}

static void prv_decode_hello(prv_reader_t *r, tk_hello_t *h) {
  uint32_t n, i;
  uint8_t channels[256];
  prv_rstr(r, h->node_id, TK_MAX_NODE_ID_LEN);
  prv_rstr(r, h->firmware_version, TK_MAX_FIRMWARE_VERSION_LEN);
  h->hardware_revision = (uint8_t)prv_r8(r);
  h->boot_id = prv_r32(r);
  h->reset_reason = (uint8_t)prv_r8(r);
  prv_assigned(r, h->reset_reason <= TK_RESET_EXTERNAL);
  h->slot = (uint8_t)prv_r8(r);
  prv_assigned(r, h->slot <= TK_SLOT_B);
  {
    uint32_t image = prv_r8(r);
    prv_flags(r, image, 1u);
    h->image_confirmed = image == 1u;
  }
  n = prv_r8(r);
  prv_check(r, n <= TK_MAX_OUTPUTS);
  for (i = 0; i < n && r->err == TK_FRAME_OK; i++) {
    uint32_t ch = prv_r8(r), kind = prv_r8(r);
    uint32_t flags;
    prv_assigned(r, prv_output_kind(kind));
    flags = prv_r8(r);
    prv_flags(r, flags, 3u);
    channels[i] = (uint8_t)ch;
    prv_check(r, ch <= 254u);
    if (i < TK_MAX_OUTPUTS) {
      h->outputs[i].channel = (uint8_t)ch;
      h->outputs[i].kind = (uint8_t)kind;
      h->outputs[i].dimmable = (flags & 1u) != 0u;
      h->outputs[i].active_low = (flags & 2u) != 0u;
    }
  }
  h->output_count = (uint8_t)(n <= TK_MAX_OUTPUTS ? n : TK_MAX_OUTPUTS);
  prv_unique(r, channels, i);
  n = prv_r8(r);
  prv_check(r, n <= TK_MAX_SENSORS);
  for (i = 0; i < n && r->err == TK_FRAME_OK; i++) {
    uint32_t ch = prv_r8(r), kind = prv_r8(r);
    prv_assigned(r, prv_sensor_kind(kind));
    channels[i] = (uint8_t)ch;
    prv_check(r, ch <= 254u);
    if (i < TK_MAX_SENSORS) {
      h->sensors[i].channel = (uint8_t)ch;
      h->sensors[i].kind = (uint8_t)kind;
    }
  }
  h->sensor_count = (uint8_t)(n <= TK_MAX_SENSORS ? n : TK_MAX_SENSORS);
  prv_unique(r, channels, i);
  prv_check(r, prv_valid_node_id(h->node_id));
  prv_check(r, prv_valid_version(h->firmware_version));
}

static void prv_decode_readings(prv_reader_t *r, tk_readings_t *rd) {
  uint32_t n = prv_r8(r), i;
  uint8_t channels[256];
  prv_check(r, n <= TK_MAX_SENSORS);
  for (i = 0; i < n && r->err == TK_FRAME_OK; i++) {
    uint32_t ch = prv_r8(r), status = prv_r8(r);
    int32_t value = 0;
    if (r->err != TK_FRAME_OK) break;
    if (status == TK_SENSOR_OK) {
      value = (int32_t)prv_r32(r);
    } else {
      prv_assigned(r, status <= TK_SENSOR_DISCONNECTED);
    }
    channels[i] = (uint8_t)ch;
    prv_check(r, ch <= 254u);
    if (i < TK_MAX_SENSORS) {
      rd->items[i].channel = (uint8_t)ch;
      rd->items[i].status = (uint8_t)status;
      rd->items[i].value_centi = value;
    }
  }
  rd->count = (uint8_t)(n <= TK_MAX_SENSORS ? n : TK_MAX_SENSORS);
  prv_unique(r, channels, i);
}

static void prv_decode_state(prv_reader_t *r, tk_state_t *s) {
  uint32_t flags, n, i;
  uint8_t channels[256];
  s->boot_id = prv_r32(r);
  flags = prv_r8(r);
  prv_flags(r, flags, 7u);
  s->configured = (flags & 1u) != 0u;
  s->fail_safe_active = (flags & 2u) != 0u;
  s->updating = (flags & 4u) != 0u;
  n = prv_r8(r);
  prv_check(r, n <= TK_MAX_OUTPUTS);
  for (i = 0; i < n && r->err == TK_FRAME_OK; i++) {
    tk_output_state_t o;
    o.channel = (uint8_t)prv_r8(r);
    o.on = prv_switch(r, prv_r8(r));
    o.level = (uint8_t)prv_r8(r);
    o.reason = (uint8_t)prv_r8(r);
    prv_assigned(r, o.reason <= TK_REASON_LOCAL);
    o.remaining_s = prv_r32(r);
    prv_check(r, o.channel <= 254u && o.level <= 100u);
    channels[i] = o.channel;
    if (i < TK_MAX_OUTPUTS) s->outputs[i] = o;
  }
  s->count = (uint8_t)(n <= TK_MAX_OUTPUTS ? n : TK_MAX_OUTPUTS);
  prv_unique(r, channels, i);
}

static void prv_decode_config(prv_reader_t *r, tk_config_t *c) {
  uint32_t n, i;
  uint8_t channels[256];
  c->id = prv_r32(r);
  c->link_timeout_ms = prv_r32(r);
  c->heartbeat_period_ms = prv_r32(r);
  prv_check(r, c->link_timeout_ms >= 500u && c->link_timeout_ms <= 3600000u);
  prv_check(r, c->heartbeat_period_ms >= 100u && c->heartbeat_period_ms <= 600000u);
  n = prv_r8(r);
  prv_check(r, n <= TK_MAX_OUTPUTS);
  for (i = 0; i < n && r->err == TK_FRAME_OK; i++) {
    tk_output_config_t o;
    o.channel = (uint8_t)prv_r8(r);
    o.fail_safe_on = prv_switch(r, prv_r8(r));
    o.max_on_s = prv_r32(r);
    prv_check(r, o.channel <= 254u && o.max_on_s >= 1u && o.max_on_s <= 86400u);
    channels[i] = o.channel;
    if (i < TK_MAX_OUTPUTS) c->outputs[i] = o;
  }
  c->output_count = (uint8_t)(n <= TK_MAX_OUTPUTS ? n : TK_MAX_OUTPUTS);
  prv_unique(r, channels, i);
  n = prv_r8(r);
  prv_check(r, n <= TK_MAX_SENSORS);
  for (i = 0; i < n && r->err == TK_FRAME_OK; i++) {
    tk_sensor_config_t s;
    s.channel = (uint8_t)prv_r8(r);
    s.sample_period_ms = prv_r32(r);
    s.offset_centi = (int32_t)prv_r32(r);
    s.scale_milli = prv_r32(r);
    prv_check(r, s.channel <= 254u && s.sample_period_ms >= 100u && s.sample_period_ms <= 3600000u);
    prv_check(r, s.scale_milli >= 10u && s.scale_milli <= 100000u);
    channels[i] = s.channel;
    if (i < TK_MAX_SENSORS) c->sensors[i] = s;
  }
  c->sensor_count = (uint8_t)(n <= TK_MAX_SENSORS ? n : TK_MAX_SENSORS);
  prv_unique(r, channels, i);
}

static void prv_decode_payload(prv_reader_t *r, tk_msg_t *m) {
  switch (m->type) {
    case TK_MSG_HELLO:
      prv_decode_hello(r, &m->u.hello);
      break;
    case TK_MSG_HEARTBEAT: {
      tk_heartbeat_t *h = &m->u.heartbeat;
      uint32_t flags;
      h->boot_id = prv_r32(r);
      h->uptime_s = prv_r32(r);
      h->free_heap = prv_r32(r);
      {
        int32_t b = (int32_t)prv_r8(r);
        h->rssi = (int8_t)(b >= 128 ? b - 256 : b);
      }
      flags = prv_r8(r);
      prv_flags(r, flags, 3u);
      h->link_up = (flags & 1u) != 0u;
      h->updating = (flags & 2u) != 0u;
      h->counters.rx_frames = prv_r32(r);
      h->counters.tx_frames = prv_r32(r);
      h->counters.rx_crc_errors = prv_r32(r);
      h->counters.rx_malformed = prv_r32(r);
      h->counters.rx_duplicates = prv_r32(r);
      h->counters.link_losses = prv_r32(r);
      prv_rstr(r, h->firmware_version, TK_MAX_FIRMWARE_VERSION_LEN);
      h->slot = (uint8_t)prv_r8(r);
      prv_assigned(r, h->slot <= TK_SLOT_B);
      flags = prv_r8(r);
      prv_flags(r, flags, 1u);
      h->image_confirmed = flags == 1u;
      prv_check(r, prv_valid_version(h->firmware_version));
      break;
    }
    case TK_MSG_READINGS:
      prv_decode_readings(r, &m->u.readings);
      break;
    case TK_MSG_ACK:
    case TK_MSG_NACK:
      m->u.ack.ack_seq = (uint16_t)prv_r16(r);
      m->u.ack.id = prv_r32(r);
      m->u.ack.error = TK_ACK_OK;
      if (m->type == TK_MSG_NACK) {
        m->u.ack.error = (uint8_t)prv_r8(r);
        prv_assigned(r, m->u.ack.error >= TK_NACK_UNKNOWN_OUTPUT && m->u.ack.error <= TK_NACK_UPDATING);
      }
      break;
    case TK_MSG_STATE:
      prv_decode_state(r, &m->u.state);
      break;
    case TK_MSG_FAULT:
      m->u.fault.kind = (uint8_t)prv_r8(r);
      prv_assigned(r, m->u.fault.kind >= TK_FAULT_SENSOR_FAILURE && m->u.fault.kind <= TK_FAULT_MAX_ON_CUT);
      m->u.fault.channel = (uint8_t)prv_r8(r);
      m->u.fault.detail = (uint8_t)prv_r8(r);
      break;
    case TK_MSG_CONFIG:
      prv_decode_config(r, &m->u.config);
      break;
    case TK_MSG_SET_OUTPUT: {
      tk_set_output_t *s = &m->u.set_output;
      s->id = prv_r32(r);
      s->boot_id = prv_r32(r);
      s->channel = (uint8_t)prv_r8(r);
      s->on = prv_switch(r, prv_r8(r));
      s->level = (uint8_t)prv_r8(r);
      s->duration_s = prv_r32(r);
      prv_check(r, s->channel <= 254u && s->level <= 100u);
      prv_check(r, s->on ? s->level > 0u : s->level == 0u);
      break;
    }
    case TK_MSG_UPDATE_STATUS: {
      tk_update_status_t *u = &m->u.update_status;
      u->state = (uint8_t)prv_r8(r);
      prv_assigned(r, u->state <= TK_UPDATE_REBOOTING);
      u->error = (uint8_t)prv_r8(r);
      prv_assigned(r, u->error <= TK_UPDATE_ERR_FETCH_FAILED);
      u->next_offset = prv_r32(r);
      prv_check(r, u->state != TK_UPDATE_FAILED || u->error != TK_UPDATE_ERR_NONE);
      break;
    }
    case TK_MSG_UPDATE_BEGIN: {
      tk_update_begin_t *b = &m->u.update_begin;
      uint32_t i;
      prv_rstr(r, b->version, TK_MAX_FIRMWARE_VERSION_LEN);
      b->size = prv_r32(r);
      for (i = 0; i < TK_SHA256_BYTES; i++) b->sha256[i] = (uint8_t)prv_r8(r);
      b->chunk_size = (uint8_t)prv_r8(r);
      prv_check(r, prv_valid_version(b->version));
      prv_check(r, b->size >= 1u);
      prv_check(r, b->chunk_size >= 1u && b->chunk_size <= TK_MAX_UPDATE_CHUNK_BYTES);
      break;
    }
    case TK_MSG_UPDATE_FETCH: {
      tk_update_fetch_t *f = &m->u.update_fetch;
      uint32_t i;
      prv_rstr(r, f->version, TK_MAX_FIRMWARE_VERSION_LEN);
      f->size = prv_r32(r);
      for (i = 0; i < TK_SHA256_BYTES; i++) f->sha256[i] = (uint8_t)prv_r8(r);
      prv_rstr(r, f->url, TK_MAX_FETCH_URL_LEN);
      prv_check(r, prv_valid_version(f->version));
      prv_check(r, f->size >= 1u);
      prv_check(r, prv_valid_fetch_url(f->url));
      break;
    }
    case TK_MSG_UPDATE_CHUNK: {
      tk_update_chunk_t *c = &m->u.update_chunk;
      uint32_t n, i;
      c->offset = prv_r32(r);
      n = prv_r8(r);
      for (i = 0; i < n && r->err == TK_FRAME_OK; i++) {
        uint32_t v = prv_r8(r);
        if (i < TK_MAX_UPDATE_CHUNK_BYTES) c->data[i] = (uint8_t)v;
      }
      c->len = (uint8_t)(n <= TK_MAX_UPDATE_CHUNK_BYTES ? n : TK_MAX_UPDATE_CHUNK_BYTES);
      prv_check(r, n >= 1u && n <= TK_MAX_UPDATE_CHUNK_BYTES);
      break;
    }
    case TK_MSG_UPDATE_COMMIT:
      m->u.update_commit.health_timeout_s = (uint16_t)prv_r16(r);
      prv_check(r, m->u.update_commit.health_timeout_s >= 1u && m->u.update_commit.health_timeout_s <= 3600u);
      break;
    default: /* ping, helloRequest, updateConfirm: empty */
      break;
  }
}

static bool prv_known_type(uint8_t t) {
  return (t >= TK_MSG_HELLO && t <= TK_MSG_UPDATE_STATUS) || (t >= TK_MSG_CONFIG && t <= TK_MSG_UPDATE_FETCH);
}

tk_frame_error_t tk_msg_decode(const uint8_t *raw, size_t len, tk_msg_t *out) {
  prv_reader_t r;
  size_t at;
  uint32_t crc;
  if (len > TK_MAX_FRAME_BYTES) return TK_FRAME_ERR_TOO_LONG;
  if (len < TK_FRAME_HEADER_BYTES + TK_FRAME_CRC_BYTES) return TK_FRAME_ERR_TOO_SHORT;
  at = len - TK_FRAME_CRC_BYTES;
  crc = (uint32_t)raw[at] | ((uint32_t)raw[at + 1] << 8) | ((uint32_t)raw[at + 2] << 16) | ((uint32_t)raw[at + 3] << 24);
  /* The CRC comes first: no field of a corrupted frame is trusted, not even its version. */
  if (crc != tk_crc32(raw, at)) return TK_FRAME_ERR_CRC;
  if (raw[0] != TK_PROTOCOL_VERSION) return TK_FRAME_ERR_VERSION;
  if (!prv_known_type(raw[1])) return TK_FRAME_ERR_TYPE;
  memset(out, 0, sizeof *out);
  out->type = raw[1];
  out->seq = (uint16_t)(raw[2] | (raw[3] << 8));
  r.buf = raw + TK_FRAME_HEADER_BYTES;
  r.len = at - TK_FRAME_HEADER_BYTES;
  r.at = 0;
  r.err = TK_FRAME_OK;
  r.out_of_range = false;
  prv_decode_payload(&r, out);
  if (r.err != TK_FRAME_OK) return r.err;
  if (r.at != r.len) return TK_FRAME_ERR_PAYLOAD;
  return r.out_of_range ? TK_FRAME_ERR_RANGE : TK_FRAME_OK;
}

const char *tk_frame_error_name(tk_frame_error_t err) {
  switch (err) {
    case TK_FRAME_OK: return "ok";
    case TK_FRAME_ERR_COBS: return "cobs_invalid";
    case TK_FRAME_ERR_TOO_SHORT: return "too_short";
    case TK_FRAME_ERR_TOO_LONG: return "too_long";
    case TK_FRAME_ERR_CRC: return "crc_mismatch";
    case TK_FRAME_ERR_VERSION: return "unsupported_version";
    case TK_FRAME_ERR_TYPE: return "unknown_type";
    case TK_FRAME_ERR_PAYLOAD: return "payload_malformed";
    case TK_FRAME_ERR_RANGE: return "value_out_of_range";
  }
  return "unknown";
}
