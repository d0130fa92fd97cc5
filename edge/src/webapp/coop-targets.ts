import type { ClimateRule, Flock } from '@tokkatot/shared';
import { computeBand } from '../automation/climate.js';
import { computeTargetTemperature } from '../automation/growth-day.js';

/** The temperature band a coop aims at now, as its climate rule and flock say. */
export interface CoopTarget {
  coopId: string;
  lowC: number;
  highC: number;
  /** The curve's target for today's growth day; null for a fixed band. */
  targetC: number | null;
  growthDay: number | null;
}

/**
 * Each coop's band in force, computed as the automation computes it (fixed band, or the band's
 * width around the flock's curve target for today). Coops without an enabled rule are left out.
 */
export function computeCoopTargets(documents: { climateRules: ClimateRule[]; flocks: Flock[] }, now: number, zone: string): CoopTarget[] {
  return documents.climateRules
    .filter((rule) => rule.enabled)
    .map((rule) => {
      // The newest placement in the coop is the flock living there.
      const flock = documents.flocks.filter((item) => item.coopId === rule.coopId).sort((a, b) => b.placedOn.localeCompare(a.placedOn))[0];
      const target = rule.target === 'curve' && flock ? computeTargetTemperature(flock, now, zone) : null;
      const band = computeBand(rule, target?.targetC ?? null);
      return { coopId: rule.coopId, lowC: band.lowC, highC: band.highC, targetC: target?.targetC ?? null, growthDay: target?.day ?? null };
    });
}
