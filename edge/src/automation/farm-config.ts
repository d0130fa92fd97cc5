import type { ClimateRule, Flock, Schedule } from '@tokkatot/shared';
import type { AlarmSettings } from './alarm-conditions.js';
import type { ArbitratedOutput } from './arbitration.js';

/** One coop as the automation sees it. */
export interface CoopAutomationConfig {
  id: string;
  name: string;
  flock: Flock | null;
  climate: ClimateRule | null;
  temperatureSensors: Array<{ id: string; name: string }>;
  humiditySensors: Array<{ id: string; name: string }>;
  water: { sensorId: string; name: string; halfFullRaw: number } | null;
}

/** Everything the engine runs for one farm; replaced as a whole on a configuration change. */
export interface FarmAutomationConfig {
  farmId: string;
  zone: string;
  coops: CoopAutomationConfig[];
  outputs: Array<ArbitratedOutput & { defaultState?: 'on' | 'off' }>;
  schedules: Schedule[];
  nodes: Array<{ nodeId: string; name: string; coopId: string | null }>;
  alarms: AlarmSettings;
  catchUpGraceSeconds: number;
  /** A temperature sensor further than this from the others is left out. */
  sensorMaxDeviationC: number;
  /** Freshness limit for coops without a climate rule (the rule's own limit wins otherwise). */
  defaultSensorStaleSeconds: number;
}
