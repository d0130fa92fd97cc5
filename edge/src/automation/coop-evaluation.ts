import type { HouseMode, Reading } from '@tokkatot/shared';
import { evaluateClimate, createClimateMemory, type ClimateDecision, type ClimateMemory, type ClimateResult } from './climate.js';
import type { CoopAutomationConfig, FarmAutomationConfig } from './farm-config.js';
import { computeTargetTemperature, HOUSE_MODE_POLICIES, type ModePolicy } from './growth-day.js';
import { combineReadings, type CombinedReading } from './sensor-combination.js';
import { addDays, getLocalDate, toInstant } from './zoned-time.js';

/** One coop evaluated at one instant. */
export interface CoopEvaluation {
  coopId: string;
  houseMode: HouseMode;
  policy: ModePolicy;
  temperature: CombinedReading;
  humidity: CombinedReading;
  water: number | null;
  targetC: number | null;
  growthDay: number | null;
  climate: ClimateResult | null;
  decisions: Map<string, ClimateDecision>;
  /** Earliest moment this coop must be evaluated again without new input. */
  nextEvaluationAt: number | null;
}

/** Combines a coop's sensors, follows its flock's curve and runs its climate rule. Pure. */
export function evaluateCoop(
  coop: CoopAutomationConfig,
  farm: FarmAutomationConfig,
  readings: ReadonlyMap<string, Reading>,
  memory: ClimateMemory | undefined,
  now: number,
): CoopEvaluation {
  const rule = coop.climate;
  const staleAfterMs = (rule?.sensorStaleSeconds ?? farm.defaultSensorStaleSeconds) * 1000;
  const wakeups: number[] = [];
  const combine = (sensors: Array<{ id: string }>, maxDeviation: number): CombinedReading => {
    const combined = combineReadings(sensors.map((s) => s.id), readings, now, { staleAfterMs, maxDeviation });
    // The moment the newest trusted reading turns stale is a transition: heating must stop then.
    for (const id of combined.used) wakeups.push(readings.get(id)!.ts + staleAfterMs + 1);
    return combined;
  };
  const temperature = combine(coop.temperatureSensors, farm.sensorMaxDeviationC);
  const humidity = combine(coop.humiditySensors, 10);
  const water = coop.water ? combine([{ id: coop.water.sensorId }], Infinity).value : null;
  const policy = HOUSE_MODE_POLICIES[coop.flock?.houseMode ?? 'growing'];
  let targetC: number | null = null;
  let growthDay: number | null = null;
  if (coop.flock) {
    const target = computeTargetTemperature(coop.flock, now, farm.zone);
    targetC = target.targetC;
    growthDay = target.day;
    // The growth day, and with it the target, moves on at local midnight.
    wakeups.push(toInstant(addDays(getLocalDate(now, farm.zone), 1), 0, farm.zone));
  }
  let climate: ClimateResult | null = null;
  const decisions = new Map<string, ClimateDecision>();
  if (rule && rule.enabled) {
    const names = Object.fromEntries(farm.outputs.filter((o) => o.coopId === coop.id).map((o) => [o.id, o.name]));
    climate = evaluateClimate(
      {
        rule,
        mode: coop.flock?.houseMode ?? 'growing',
        targetC: rule.target === 'curve' ? targetC : null,
        temperatureC: temperature.value,
        humidityPercent: humidity.value,
        now,
        zone: farm.zone,
        coopName: coop.name,
        outputNames: names,
      },
      memory ?? createClimateMemory(),
    );
    for (const d of climate.decisions) decisions.set(d.outputId, d);
    if (climate.nextEvaluationAt !== null) wakeups.push(climate.nextEvaluationAt);
  }
  return {
    coopId: coop.id,
    houseMode: coop.flock?.houseMode ?? 'growing',
    policy,
    temperature,
    humidity,
    water,
    targetC,
    growthDay,
    climate,
    decisions,
    nextEvaluationAt: wakeups.length ? Math.min(...wakeups) : null,
  };
}
