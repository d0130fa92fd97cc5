/* The platform headers of the core, implemented on top of the coop model and a pty. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "tokkatot/cobs.h"
#include "tokkatot/platform_io.h"
#include "tokkatot/platform_link.h"
#include "tokkatot/platform_system.h"

sim_t sim;

void sim_log(const char *fmt, ...) {
  va_list ap;
  if (!sim.verbose) return;
  va_start(ap, fmt);
  fprintf(stderr, "[tokkatot-sim %s] ", sim.node_id);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void sim_journal_line(const char *fmt, ...) {
  char path[512];
  va_list ap;
  FILE *f;
  snprintf(path, sizeof path, "%s/%s.journal", sim.data_dir, sim.node_id);
  f = fopen(path, "a");
  if (f == NULL) return;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fclose(f);
}

double sim_random(void) { return (double)rand() / ((double)RAND_MAX + 1.0); }

void tk_platform_pin_write(uint32_t pin, bool high) {
  if (pin < SIM_PINS) sim.pin_level[pin] = high ? 1 : 0;
}

void tk_platform_pwm_write(uint32_t pin, uint8_t duty) {
  if (pin < SIM_PINS) sim.pwm_duty[pin] = duty;
}

bool sim_output_active(int idx) {
  const tk_output_desc_t *d = &sim.board.outputs[idx];
  bool active;
  if (d->dimmable) {
    int duty = sim.pwm_duty[d->pin];
    active = (d->active_low ? 100 - duty : duty) > 0;
  } else {
    active = d->active_low ? sim.pin_level[d->pin] == 0 : sim.pin_level[d->pin] == 1;
  }
  /* A welded (or dead) relay ignores its coil. */
  if (sim.stuck_relay == d->channel) return sim.stuck_on;
  return active;
}

/* DHT22: 0.1 °C / 0.1 %RH resolution with a little noise; the water sensor is a raw ADC count. */
uint8_t tk_platform_sensor_read(const tk_sensor_desc_t *sensor, int32_t *value_centi) {
  double noise = (sim_random() - 0.5) * 0.1;
  if (sensor->channel <= TK_MAX_SENSORS && sim.dead_sensor[sensor->channel] && sim.now_ms - sim.start_ms >= sim.dead_after_ms) {
    return TK_SENSOR_NO_RESPONSE;
  }
  switch (sensor->kind) {
    case TK_SENSOR_TEMPERATURE:
      *value_centi = (int32_t)lround((sim.coop.inside_c + noise) * 10.0) * 10;
      return TK_SENSOR_OK;
    case TK_SENSOR_HUMIDITY:
      *value_centi = (int32_t)lround((sim.coop.humidity_pct + noise) * 10.0) * 10;
      return TK_SENSOR_OK;
    case TK_SENSOR_WATER_LEVEL:
      *value_centi = (int32_t)lround(sim.coop.water_raw + (sim_random() - 0.5) * 6.0) * 100;
      return TK_SENSOR_OK;
    default:
      return TK_SENSOR_NO_RESPONSE;
  }
}

static void prv_write_all(const uint8_t *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(sim.fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      /* Nobody reads the port and its buffer is full: bytes are lost, as on a real UART. */
      sim.dropped_frames++;
      return;
    }
    data += n;
    len -= (size_t)n;
  }
}

#ifdef TOKKATOT_SIM_MQTT
void sim_mqtt_publish(uint8_t type, const uint8_t *frame, size_t len);
#endif

void tk_platform_link_send(uint8_t type, const uint8_t *frame, size_t len) {
  uint8_t wire[TK_MAX_STUFFED_BYTES + 16];
  size_t n;
#ifdef TOKKATOT_SIM_MQTT
  if (sim.mqtt != NULL) {
    sim_mqtt_publish(type, frame, len);
    return;
  }
#endif
  if (sim.fd < 0) return;
  n = tk_cobs_encode(frame, len, wire, sizeof wire - 1u);
  if (n == 0) return;
  wire[n++] = 0;
  if (sim.line_noise > 0 && sim_random() < sim.line_noise) {
    size_t at = (size_t)(sim_random() * (double)(n - 1u));
    wire[at] ^= (uint8_t)(1u << (rand() % 8));
    sim_log("line noise: flipped a bit of an outgoing frame");
  }
  if (sim.line_noise > 0 && sim_random() < sim.line_noise) {
    uint8_t junk[8];
    int k, count = 1 + rand() % 8;
    for (k = 0; k < count; k++) junk[k] = (uint8_t)(1 + rand() % 255);
    prv_write_all(junk, (size_t)count);
  }
  if (sim.ack_delay_ms > 0 && (type == TK_MSG_ACK || type == TK_MSG_NACK) && sim.delayed_count < SIM_DELAYED_MAX) {
    sim_delayed_t *d = &sim.delayed[sim.delayed_count++];
    memcpy(d->bytes, wire, n);
    d->len = n;
    d->due_ms = sim.now_ms + sim.ack_delay_ms;
    return;
  }
  prv_write_all(wire, n);
}

void sim_flush_delayed(void) {
  int i = 0;
  while (i < sim.delayed_count) {
    if (sim.delayed[i].due_ms <= sim.now_ms) {
      prv_write_all(sim.delayed[i].bytes, sim.delayed[i].len);
      memmove(&sim.delayed[i], &sim.delayed[i + 1], sizeof sim.delayed[0] * (size_t)(sim.delayed_count - i - 1));
      sim.delayed_count--;
    } else {
      i++;
    }
  }
}

uint32_t tk_platform_free_heap(void) { return 180000u + (uint32_t)(rand() % 4096); }

int8_t tk_platform_rssi(void) { return (int8_t)(-55 - rand() % 10); }

static void prv_path(char *out, size_t cap, const char *suffix) {
  snprintf(out, cap, "%s/%s.%s", sim.data_dir, sim.node_id, suffix);
}

/* The configuration is stored as its own encoded frame: the codec checks it on the way back. */
bool tk_platform_config_load(tk_config_t *config) {
  char path[512];
  uint8_t raw[TK_MAX_FRAME_BYTES];
  tk_msg_t msg;
  size_t n;
  FILE *f;
  prv_path(path, sizeof path, "config");
  f = fopen(path, "rb");
  if (f == NULL) return false;
  n = fread(raw, 1, sizeof raw, f);
  fclose(f);
  if (tk_msg_decode(raw, n, &msg) != TK_FRAME_OK || msg.type != TK_MSG_CONFIG) {
    sim_log("ignoring a corrupt stored configuration");
    return false;
  }
  *config = msg.u.config;
  return true;
}

void tk_platform_config_save(const tk_config_t *config) {
  char path[512], tmp[530];
  uint8_t raw[TK_MAX_FRAME_BYTES];
  tk_msg_t msg;
  size_t n;
  FILE *f;
  memset(&msg, 0, sizeof msg);
  msg.type = TK_MSG_CONFIG;
  msg.u.config = *config;
  n = tk_msg_encode(&msg, raw, sizeof raw);
  prv_path(path, sizeof path, "config");
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  f = fopen(tmp, "wb");
  if (f == NULL || n == 0) {
    if (f != NULL) fclose(f);
    return;
  }
  fwrite(raw, 1, n, f);
  fflush(f);
  fsync(fileno(f));
  fclose(f);
  rename(tmp, path); /* like NVS: the old configuration or the new one, never half of each */
}

/* One line per executed command: tests count them to prove a command never runs twice. */
void tk_platform_on_command_executed(uint32_t boot_id, const tk_set_output_t *c, uint16_t seq) {
  char path[512], line[200];
  int fd, len;
  prv_path(path, sizeof path, "journal");
  len = snprintf(line, sizeof line, "executed boot=%08x seq=%u id=%u channel=%u state=%s level=%u duration=%u\n",
                 (unsigned)boot_id, (unsigned)seq, (unsigned)c->id, (unsigned)c->channel, c->on ? "on" : "off",
                 (unsigned)c->level, (unsigned)c->duration_s);
  fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    if (write(fd, line, (size_t)len) != len) sim_log("journal write failed");
    close(fd);
  }
  sim_log("%.*s", len - 1, line);
}
