import type { Reading } from '@tokkatot/shared';

/** How several sensors of one quantity in a coop are combined into one trusted value. */
export interface SensorCombinationConfig {
  /** A reading older than this counts as missing. */
  staleAfterMs: number;
  /** A sensor further than this from the median of all fresh sensors is excluded. */
  maxDeviation: number;
}

/** Why a sensor was left out of the combined value. */
export type ExclusionCause = 'stale' | 'failed' | 'missing' | 'disagrees';

/** The combined value, or null when no reading can be trusted (missing or stale everywhere). */
export interface CombinedReading {
  value: number | null;
  /** Sensors whose readings made the value. */
  used: string[];
  excluded: Array<{ sensorId: string; cause: ExclusionCause; detail: string }>;
  /** Capture time of the oldest reading used (null when nothing was used). */
  oldestTs: number | null;
  /** Set when fresh sensors disagree but none could be singled out. */
  disagreement: string | null;
}

/** Median of a non-empty list. */
export function computeMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Combines the latest reading of each expected sensor: failed, stale and missing readings are
 * dropped, then (with three or more left) any sensor further than `maxDeviation` from their median
 * is dropped as disagreeing; the result is the median of the rest. With two fresh
 * sensors that disagree nobody can tell which is right, so both are kept and the mean is used
 * (the disagreement is still reported). A failed read is never a number.
 */
export function combineReadings(
  sensorIds: readonly string[],
  latest: ReadonlyMap<string, Reading>,
  now: number,
  config: SensorCombinationConfig,
): CombinedReading {
  const excluded: CombinedReading['excluded'] = [];
  const fresh: Array<{ sensorId: string; value: number; ts: number }> = [];
  for (const sensorId of sensorIds) {
    const reading = latest.get(sensorId);
    if (!reading) excluded.push({ sensorId, cause: 'missing', detail: 'no reading yet' });
    else if (reading.status === 'failed') excluded.push({ sensorId, cause: 'failed', detail: `read failed (${reading.failure})` });
    else if (!Number.isFinite(reading.value)) excluded.push({ sensorId, cause: 'failed', detail: 'not a number' });
    else if (reading.ts - now > config.staleAfterMs) {
      // Stamped far ahead of the clock (the clock was set back): its age cannot be trusted.
      excluded.push({ sensorId, cause: 'stale', detail: 'stamped in the future' });
    } else if (now - reading.ts > config.staleAfterMs) {
      excluded.push({ sensorId, cause: 'stale', detail: `last reading ${Math.round((now - reading.ts) / 1000)} s old` });
    } else fresh.push({ sensorId, value: reading.value, ts: reading.ts });
  }
  let kept = fresh;
  let disagreement: string | null = null;
  if (fresh.length >= 3) {
    const reference = computeMedian(fresh.map((r) => r.value));
    kept = fresh.filter((candidate) => {
      const off = Math.abs(candidate.value - reference) > config.maxDeviation;
      if (off) {
        excluded.push({
          sensorId: candidate.sensorId,
          cause: 'disagrees',
          detail: `reads ${candidate.value.toFixed(1)}, median ${reference.toFixed(1)}`,
        });
      }
      return !off;
    });
    // Nobody agrees with anybody: the median of all fresh readings is still the best estimate.
    if (kept.length === 0) {
      kept = fresh;
      disagreement = 'no two sensors agree; using the median of all';
    }
  } else if (fresh.length === 2 && Math.abs(fresh[0]!.value - fresh[1]!.value) > config.maxDeviation) {
    disagreement = `two sensors differ by ${Math.abs(fresh[0]!.value - fresh[1]!.value).toFixed(1)}; using their mean`;
  }
  if (kept.length === 0) return { value: null, used: [], excluded, oldestTs: null, disagreement };
  return {
    disagreement,
    value: computeMedian(kept.map((r) => r.value)),
    used: kept.map((r) => r.sensorId),
    excluded,
    oldestTs: Math.min(...kept.map((r) => r.ts)),
  };
}
