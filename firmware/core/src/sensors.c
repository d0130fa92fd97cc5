#include "tokkatot/sensors.h"

#include "tokkatot/platform_io.h"

#define TK_ADC_RAIL_HIGH_CENTI 409500 /* 4095 counts: a floating or shorted input */

void tk_sensors_init(tk_sensors_t *s, const tk_board_t *board, uint32_t now_ms) {
  uint8_t i;
  s->board = board;
  for (i = 0; i < board->sensor_count; i++) {
    s->rt[i].next_sample_ms = now_ms;
    s->rt[i].good_count = 0;
    s->rt[i].status = TK_SENSOR_NO_RESPONSE;
    s->rt[i].failure_sent = false;
    s->rt[i].sampled = false;
  }
}

bool tk_sensors_plausible(uint8_t kind, int32_t v) {
  switch (kind) {
    case TK_SENSOR_TEMPERATURE: return v >= -4000 && v <= 8000;
    case TK_SENSOR_HUMIDITY: return v >= 0 && v <= 10000;
    case TK_SENSOR_WATER_LEVEL: return v >= 0 && v <= TK_ADC_RAIL_HIGH_CENTI;
    case TK_SENSOR_AMMONIA: return v >= 0 && v <= 50000;
    case TK_SENSOR_POWER: return v >= 0 && v <= 10000000;
    default: return false;
  }
}

static int32_t prv_median(const tk_sensor_runtime_t *rt) {
  int32_t a = rt->good[0], b = rt->good[1], c = rt->good[2];
  if (rt->good_count == 1u) return rt->good[0];
  if (rt->good_count == 2u) return (int32_t)(((int64_t)a + b) / 2);
  if ((a <= b && b <= c) || (c <= b && b <= a)) return b;
  if ((b <= a && a <= c) || (c <= a && a <= b)) return a;
  return c;
}

bool tk_sensors_sample(tk_sensors_t *s, int idx, const tk_sensor_config_t *cal, tk_reading_t *out) {
  const tk_sensor_desc_t *d = &s->board->sensors[idx];
  tk_sensor_runtime_t *rt = &s->rt[idx];
  int32_t raw = 0;
  int32_t value = 0;
  uint8_t status = tk_platform_sensor_read(d, &raw);
  bool failed_before = rt->failure_sent;
  if (status == TK_SENSOR_OK && d->kind == TK_SENSOR_WATER_LEVEL && (raw <= 0 || raw >= TK_ADC_RAIL_HIGH_CENTI)) {
    status = TK_SENSOR_DISCONNECTED;
  }
  if (status == TK_SENSOR_OK) {
    int64_t v = (int64_t)raw * (int64_t)cal->scale_milli / 1000 + cal->offset_centi;
    if (v < INT32_MIN || v > INT32_MAX || !tk_sensors_plausible(d->kind, (int32_t)v)) {
      status = TK_SENSOR_OUT_OF_RANGE;
    } else {
      value = (int32_t)v;
    }
  }
  out->channel = d->channel;
  out->status = status;
  out->value_centi = 0;
  rt->status = status;
  rt->sampled = true;
  if (status == TK_SENSOR_OK) {
    if (rt->good_count == TK_SENSOR_FILTER_LEN) {
      rt->good[0] = rt->good[1];
      rt->good[1] = rt->good[2];
      rt->good_count--;
    }
    rt->good[rt->good_count++] = value;
    out->value_centi = prv_median(rt);
  } else {
    /* Never carry a value across a failure: the filter starts afresh after recovery. */
    rt->good_count = 0;
  }
  rt->failure_sent = status != TK_SENSOR_OK;
  return failed_before != rt->failure_sent;
}
