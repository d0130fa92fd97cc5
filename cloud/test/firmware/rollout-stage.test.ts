import { describe, expect, it } from 'vitest';
import { isInStage, rolloutBucket } from '../../src/firmware/rollout-stage.js';

const farms = Array.from({ length: 2000 }, (_, i) => `farm-${i}`);
const stage = (version: string, percent: number) => new Set(farms.filter((farm) => isInStage(farm, version, percent)));

describe('rollout stage', () => {
  it('gives each farm and release one bucket from 0 to 99, the same on every call', () => {
    for (const farm of farms.slice(0, 200)) {
      const bucket = rolloutBucket(farm, '1.4.0');
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(100);
      expect(Number.isInteger(bucket)).toBe(true);
      expect(rolloutBucket(farm, '1.4.0')).toBe(bucket);
    }
  });

  it('only adds farms as the percentage rises, from none at 0 % to all at 100 %', () => {
    expect(stage('1.4.0', 0).size).toBe(0);
    expect(stage('1.4.0', 100).size).toBe(farms.length);
    let previous = stage('1.4.0', 0);
    for (const percent of [1, 5, 10, 25, 50, 75, 99, 100]) {
      const current = stage('1.4.0', percent);
      for (const farm of previous) expect(current.has(farm)).toBe(true);
      previous = current;
    }
  });

  it('takes about the share of farms the percentage says', () => {
    for (const percent of [10, 30, 70]) {
      const share = stage('2.0.0', percent).size / farms.length;
      expect(Math.abs(share - percent / 100)).toBeLessThan(0.05);
    }
  });

  it('picks different early farms for different releases', () => {
    const a = stage('1.4.0', 10);
    const b = stage('1.5.0', 10);
    const both = [...a].filter((farm) => b.has(farm)).length;
    // Independent choices overlap on about 10 % of either stage, not on all of it.
    expect(both).toBeLessThan(a.size / 2);
  });
});
