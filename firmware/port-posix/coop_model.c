#include "coop_model.h"

#include <math.h>

#define PI 3.14159265358979323846
#define WALL_RATE (1.0 / 3600.0)  /* the house follows outside air with a 1 h time constant */
#define FAN_RATE (1.0 / 300.0)    /* fans exchange the air in about 5 min */
#define HEATER_C_PER_S 0.005      /* 18 °C per hour of heater at full power */
#define BIRD_C_PER_S 0.0000008    /* per bird: 1000 birds add ~2.9 °C at equilibrium */
#define BIRD_RH_PER_S 0.0000004   /* moisture from breath and litter */
#define DRINK_RAW_PER_S 0.00006   /* per bird at 25 °C; more when hot */
#define REFILL_RAW_PER_S 4.0
#define PUMP_RAW_PER_S 8.0
#define REFILL_BELOW 1300.0
#define REFILL_UNTIL 3600.0
#define PAD_C_PER_RH 0.15         /* a wet pad cools air by this much per %RH below saturation */

double coop_outside_c(const coop_model_t *m, double time_s) {
  double hour = fmod(time_s / 3600.0, 24.0);
  double mid = (m->outside_min_c + m->outside_max_c) / 2.0;
  double amplitude = (m->outside_max_c - m->outside_min_c) / 2.0;
  return mid + amplitude * sin(2.0 * PI * (hour - 9.0) / 24.0);
}

double coop_outside_humidity(const coop_model_t *m, double time_s) {
  double rh = 85.0 - 2.5 * (coop_outside_c(m, time_s) - 23.0);
  return rh > 100.0 ? 100.0 : rh;
}

void coop_model_init(coop_model_t *m, double start_hour, int birds, double outside_min_c, double outside_max_c) {
  m->time_s = start_hour * 3600.0;
  m->birds = birds;
  m->outside_min_c = outside_min_c;
  m->outside_max_c = outside_max_c;
  m->inside_c = coop_outside_c(m, m->time_s) + birds * BIRD_C_PER_S / WALL_RATE;
  m->humidity_pct = coop_outside_humidity(m, m->time_s);
  m->water_raw = 2600.0;
  m->refilling = false;
  m->feeder_on_s = 0;
  m->conveyor_on_s = 0;
}

static double prv_clamp(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

void coop_model_step(coop_model_t *m, const coop_actuators_t *a, double dt_s) {
  /* Integrate in steps of at most 1 s so time acceleration stays stable. */
  while (dt_s > 0) {
    double dt = dt_s > 1.0 ? 1.0 : dt_s;
    double out_c = coop_outside_c(m, m->time_s);
    double out_rh = coop_outside_humidity(m, m->time_s);
    /* With the pad fan running every fan draws its air through the wet pad: no fan cools below
       the air it draws, so only evaporation takes a house below a hot afternoon. */
    double pad_c = out_c - PAD_C_PER_RH * (100.0 - out_rh);
    double fan_air = a->pad_fan ? pad_c : out_c;
    double exchange = WALL_RATE + (a->fan ? FAN_RATE : 0.0) + (a->pad_fan ? FAN_RATE : 0.0);
    double dT = WALL_RATE * (out_c - m->inside_c) + (a->fan ? FAN_RATE * (fan_air - m->inside_c) : 0.0) +
                (a->pad_fan ? FAN_RATE * (pad_c - m->inside_c) : 0.0) + m->birds * BIRD_C_PER_S +
                (a->heater ? HEATER_C_PER_S : 0.0);
    double dRH = exchange * (out_rh - m->humidity_pct) + m->birds * BIRD_RH_PER_S - (a->heater ? 0.002 : 0.0);
    double thirst = 1.0 + prv_clamp((m->inside_c - 25.0) / 10.0, -0.5, 1.5);
    m->inside_c += dT * dt;
    m->humidity_pct = prv_clamp(m->humidity_pct + dRH * dt, 5.0, 100.0);
    m->water_raw -= m->birds * DRINK_RAW_PER_S * thirst * dt;
    if (m->water_raw < REFILL_BELOW) m->refilling = true;
    if (m->refilling) m->water_raw += REFILL_RAW_PER_S * dt;
    if (a->water_pump) m->water_raw += PUMP_RAW_PER_S * dt;
    if (m->water_raw >= REFILL_UNTIL) m->refilling = false;
    m->water_raw = prv_clamp(m->water_raw, 150.0, 3950.0);
    if (a->feeder) m->feeder_on_s += dt;
    if (a->conveyor) m->conveyor_on_s += dt;
    m->time_s += dt;
    dt_s -= dt;
  }
}
