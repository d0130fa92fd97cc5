/* What a port declares about its hardware: node identity, outputs and sensors with their pins. */
#ifndef TOKKATOT_BOARD_H
#define TOKKATOT_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "tokkatot/protocol.h"

typedef struct {
  uint8_t channel;
  uint8_t kind;    /* tk_output_kind_t */
  bool dimmable;   /* driven by PWM 0–100 % instead of a relay */
  bool active_low; /* the relay closes when the pin is LOW (the original Tokkatot board) */
  uint32_t pin;
} tk_output_desc_t;

typedef struct {
  uint8_t channel;
  uint8_t kind; /* tk_sensor_kind_t */
  uint32_t pin;
} tk_sensor_desc_t;

typedef struct {
  const char *node_id;
  const char *firmware_version;
  uint8_t hardware_revision;
  bool wireless; /* reports RSSI in heartbeats */
  uint8_t output_count;
  tk_output_desc_t outputs[TK_MAX_OUTPUTS];
  uint8_t sensor_count;
  tk_sensor_desc_t sensors[TK_MAX_SENSORS];
} tk_board_t;

#endif
