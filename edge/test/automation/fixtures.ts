import type { AutomationClock } from '../../src/automation/automation-engine.js';
import type { ClimateRule, Flock, Schedule } from '@tokkatot/shared';
import { ClimateRuleSchema, FlockSchema, ScheduleSchema } from '@tokkatot/shared';

const META = { farmId: 'farm-1', hlc: '001767225600000:00000:node-1', updatedAt: Date.UTC(2026, 0, 1) };
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];

/** A schedule validated by the shared schema, with test defaults. */
export function makeSchedule(fields: Record<string, unknown>): Schedule {
  return ScheduleSchema.parse({ ...META, id: 'sched-1', coopId: 'coop-1', outputId: 'feeder-1', name: 'Feeder', enabled: true, weekdays: ALL_DAYS, ...fields });
}

/** The original product's feeder: 06:00, run 8 min, off 4 h, ×3. */
export const feederSchedule = (extra: Record<string, unknown> = {}): Schedule =>
  makeSchedule({ type: 'cycle', startTime: '06:00', runSeconds: 480, offSeconds: 14_400, repeat: 3, ...extra });

/** The original product's conveyor: 08:00, run 10 min, off 2 h, ×4. */
export const conveyorSchedule = (extra: Record<string, unknown> = {}): Schedule =>
  makeSchedule({ id: 'sched-conv', outputId: 'conveyor-1', name: 'Conveyor', type: 'cycle', startTime: '08:00', runSeconds: 600, offSeconds: 7200, repeat: 4, ...extra });

/** A climate rule validated by the shared schema. */
export function makeRule(fields: Record<string, unknown> = {}): ClimateRule {
  return ClimateRuleSchema.parse({
    ...META,
    id: 'rule-1',
    coopId: 'coop-1',
    name: 'cooling',
    enabled: true,
    target: 'fixed',
    bandLowC: 28,
    bandHighC: 32,
    hysteresisC: 0.5,
    minOnSeconds: 60,
    minOffSeconds: 60,
    maxRunSeconds: null,
    heaterStages: [{ outputId: 'heater-1', onBelowC: 0 }],
    fanStages: [
      { outputId: 'fan-1', onAboveC: 0 },
      { outputId: 'fan-2', onAboveC: 2 },
    ],
    minimumVentilation: null,
    humidityMaxPercent: null,
    sensorStaleSeconds: 60,
    ...fields,
  });
}

/** A flock validated by the shared schema. */
export function makeFlock(fields: Record<string, unknown> = {}): Flock {
  return FlockSchema.parse({
    ...META,
    id: 'flock-1',
    coopId: 'coop-1',
    name: 'Batch 7',
    placedOn: '2026-03-10',
    birdsPlaced: 2000,
    breed: 'Ross 308',
    houseMode: 'growing',
    targetCurve: [
      { day: -2, temperatureC: 33 },
      { day: 0, temperatureC: 33 },
      { day: 7, temperatureC: 30 },
      { day: 21, temperatureC: 25 },
      { day: 35, temperatureC: 21 },
    ],
    ...fields,
  });
}

/** Epoch ms of a local Phnom Penh (UTC+7, no DST) wall-clock time. */
export function pp(iso: string): number {
  return Date.parse(`${iso}+07:00`);
}

/** A clock whose time moves only when the test says so, firing due timers in order. */
export class FakeClock implements AutomationClock {
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private seq = 0;

  constructor(public t: number) {}

  now(): number {
    return this.t;
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers pending now. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward to `target`, firing each timer at its own moment. */
  advanceTo(target: number): void {
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].callback();
    }
    this.t = Math.max(this.t, target);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.t + ms);
  }
}
