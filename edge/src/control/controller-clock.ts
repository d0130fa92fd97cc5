import type { AutomationClock } from '../automation/automation-engine.js';
import type { Clock } from '../clock.js';

/** One clock for the edge core and the automation: the wall clock, or simulated time running `speed` times faster. */
export interface ControllerClock extends Clock, AutomationClock {
  readonly speed: number;
}

/** The wall clock with real timers. */
export function createSystemControllerClock(): ControllerClock {
  return {
    speed: 1,
    now: () => Date.now(),
    setTimer: (callback, delayMs) => setTimeout(callback, Math.min(Math.max(0, delayMs), 2 ** 31 - 1)),
    clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

/**
 * Simulated time that follows an accelerated simulator: `startAt` (epoch ms) at the moment of
 * creation, then `speed` simulated ms per wall ms. Timers fire after delay / speed wall ms, so the
 * engine's "120 s minimum ON" lasts 120 simulated seconds, the same seconds the coop's physics run.
 */
export function createScaledControllerClock(options: { startAt: number; speed: number; wallNow?: () => number }): ControllerClock {
  const wallNow = options.wallNow ?? (() => performance.now());
  const origin = wallNow();
  const { speed, startAt } = options;
  if (!(speed > 0)) throw new RangeError('speed must be positive');
  return {
    speed,
    now: () => Math.round(startAt + (wallNow() - origin) * speed),
    setTimer: (callback, delayMs) => setTimeout(callback, Math.min(Math.max(0, delayMs / speed), 2 ** 31 - 1)),
    clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}
