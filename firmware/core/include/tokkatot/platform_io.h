/* Implemented by each port: pins and sensors. The core never touches hardware otherwise. */
#ifndef TOKKATOT_PLATFORM_IO_H
#define TOKKATOT_PLATFORM_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "tokkatot/board.h"

/** Drives a relay pin to the electrical level given (true = HIGH); active-low is already applied. */
void tk_platform_pin_write(uint32_t pin, bool high);

/** Sets a PWM pin's duty cycle in percent of HIGH time; active-low is already applied. */
void tk_platform_pwm_write(uint32_t pin, uint8_t duty_percent);

/**
 * Reads one sensor in hundredths of its unit (°C, %RH, raw ADC counts × 100 …). Returns
 * TK_SENSOR_OK and sets *value_centi, or a failure status and leaves *value_centi alone.
 */
uint8_t tk_platform_sensor_read(const tk_sensor_desc_t *sensor, int32_t *value_centi);

#endif
