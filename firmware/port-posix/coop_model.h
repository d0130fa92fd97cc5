/*
 * A coop in a tropical climate, simple enough to reason about: outside temperature and humidity
 * follow the day, the heater heats, fans pull the inside towards the outside, birds add heat and
 * moisture, the drinker tank drains with drinking and a float valve refills it.
 */
#ifndef TOKKATOT_SIM_COOP_MODEL_H
#define TOKKATOT_SIM_COOP_MODEL_H

#include <stdbool.h>

typedef struct {
  bool heater, fan, feeder, conveyor, water_pump;
  bool pad_fan; /* a fan stage drawing air through a wet evaporative pad (tunnel mode) */
  int light_percent;
} coop_actuators_t;

typedef struct {
  double time_s;        /* simulated seconds since midnight of day 0 */
  double inside_c;      /* air temperature */
  double humidity_pct;  /* relative humidity */
  double water_raw;     /* drinker tank level, ADC counts 0–4095 */
  bool refilling;       /* float valve open */
  double feeder_on_s;   /* run-time totals */
  double conveyor_on_s;
  int birds;
  double outside_min_c; /* the day's outside range: low at 03:00, high at 15:00 */
  double outside_max_c;
} coop_model_t;

/**
 * Starts the coop at the given time of day (hours), settled to the outside air, with the day's
 * outside range (23–33 °C by default; issue 5's tropical day is 24–36 °C).
 */
void coop_model_init(coop_model_t *m, double start_hour, int birds, double outside_min_c, double outside_max_c);

/** Outside temperature at a simulated time: the minimum before dawn, the maximum mid-afternoon. */
double coop_outside_c(const coop_model_t *m, double time_s);

/** Outside relative humidity: humid nights, drier afternoons. */
double coop_outside_humidity(const coop_model_t *m, double time_s);

/** Advances the coop by dt simulated seconds. */
void coop_model_step(coop_model_t *m, const coop_actuators_t *a, double dt_s);

#endif
