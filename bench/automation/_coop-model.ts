/**
 * The firmware simulator's coop model (firmware/port-posix/coop_model.c), ported line for line so
 * the benchmark can run 48 simulated hours in seconds, with two changes stated here:
 * - the outside day spans 24–36 °C (issue 5's tropical day) instead of the simulator's 23–33 °C;
 * - a second fan stage with an evaporative pad (tunnel mode): while it runs, the pad pump is on and
 *   all fans draw air through the wet pad, cooled by 0.15 °C per %RH below saturation (about 7 °C
 *   on a 36 °C / 52 % afternoon), since no fan can cool below outside air.
 */
const WALL_RATE = 1 / 3600;
const FAN_RATE = 1 / 300;
const HEATER_C_PER_S = 0.005;
const BIRD_C_PER_S = 0.0000008;
const BIRD_RH_PER_S = 0.0000004;

export interface CoopActuators {
  heater: boolean;
  fan: boolean;
  padFan: boolean;
}

/** Outside air: 24 °C before dawn (03:00), 36 °C mid-afternoon (15:00). */
export function outsideC(timeS: number): number {
  const hour = (timeS / 3600) % 24;
  return 30 + 6 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
}

export function outsideHumidity(timeS: number): number {
  return Math.min(100, 85 - 2.5 * (outsideC(timeS) - 23));
}

/** One coop's air, heated by the heater and the birds, exchanged by walls and fans. */
export class CoopModel {
  insideC: number;
  humidity: number;

  constructor(
    public timeS: number,
    private readonly birds: number,
  ) {
    this.insideC = outsideC(timeS) + (birds * BIRD_C_PER_S) / WALL_RATE;
    this.humidity = outsideHumidity(timeS);
  }

  step(a: CoopActuators, dtS: number): void {
    while (dtS > 0) {
      const dt = Math.min(1, dtS);
      const out = outsideC(this.timeS);
      const outRh = outsideHumidity(this.timeS);
      const padAir = out - 0.15 * (100 - outRh);
      const dT =
        WALL_RATE * (out - this.insideC) +
        (a.fan ? FAN_RATE * ((a.padFan ? padAir : out) - this.insideC) : 0) +
        (a.padFan ? FAN_RATE * (padAir - this.insideC) : 0) +
        this.birds * BIRD_C_PER_S +
        (a.heater ? HEATER_C_PER_S : 0);
      const exchange = WALL_RATE + (a.fan ? FAN_RATE : 0) + (a.padFan ? FAN_RATE : 0);
      const dRh = exchange * (outRh - this.humidity) + this.birds * BIRD_RH_PER_S - (a.heater ? 0.002 : 0);
      this.insideC += dT * dt;
      this.humidity = Math.min(100, Math.max(5, this.humidity + dRh * dt));
      this.timeS += dt;
      dtS -= dt;
    }
  }
}
