/* Sensor sampling: calibration, plausibility, failure detection, median-of-three filter. */
#ifndef TOKKATOT_SENSORS_H
#define TOKKATOT_SENSORS_H

#include <stdbool.h>
#include <stdint.h>

#include "tokkatot/board.h"
#include "tokkatot/protocol.h"

#define TK_SENSOR_FILTER_LEN 3u

typedef struct {
  uint32_t next_sample_ms;
  int32_t good[TK_SENSOR_FILTER_LEN]; /* last good calibrated values, newest last */
  uint8_t good_count;
  uint8_t status;      /* of the latest sample */
  bool failure_sent;   /* a sensor_failure fault is outstanding */
  bool sampled;        /* at least one sample since boot */
} tk_sensor_runtime_t;

typedef struct {
  const tk_board_t *board;
  tk_sensor_runtime_t rt[TK_MAX_SENSORS];
} tk_sensors_t;

void tk_sensors_init(tk_sensors_t *s, const tk_board_t *board, uint32_t now_ms);

/**
 * Samples sensor idx with the given calibration and stores the result in *out: a filtered value
 * (status OK) or a failure status with no value. Returns true when its failure state changed
 * (a sensor_failure or sensor_recovered fault is due).
 */
bool tk_sensors_sample(tk_sensors_t *s, int idx, const tk_sensor_config_t *cal, tk_reading_t *out);

/** True when the plausible range of the kind contains value_centi (after calibration). */
bool tk_sensors_plausible(uint8_t kind, int32_t value_centi);

#endif
