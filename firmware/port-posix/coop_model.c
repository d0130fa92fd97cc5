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

double coop_outside_c(double time_s) {
  double hour = fmod(time_s / 3600.0, 24.0);
  return 28.0 + 5.0 * sin(2.0 * PI * (hour - 9.0) / 24.0);
}

double coop_outside_humidity(double time_s) {
  return 85.0 - 2.5 * (coop_outside_c(time_s) - 23.0);
}

void coop_model_init(coop_model_t *m, double start_hour, int birds) {
  m->time_s = start_hour * 3600.0;
  m->birds = birds;
  m->inside_c = coop_outside_c(m->time_s) + birds * BIRD_C_PER_S / WALL_RATE;
  m->humidity_pct = coop_outside_humidity(m->time_s);
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
    double out_c = coop_outside_c(m->time_s);
    double out_rh = coop_outside_humidity(m->time_s);
    double exchange = WALL_RATE + (a->fan ? FAN_RATE : 0.0);
    double dT = exchange * (out_c - m->inside_c) + m->birds * BIRD_C_PER_S + (a->heater ? HEATER_C_PER_S : 0.0);
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
