import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, equalCanonical, hashCanonical } from '../src/canonical-json.js';

/** Rebuilds a JSON value with every object's keys in a shuffled order. */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item, i) => shuffleKeys(item, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const shuffled = entries
    .map((entry, i) => ({ entry, key: Math.sin(seed * 9301 + i * 49297) }))
    .sort((a, b) => a.key - b.key)
    .map(({ entry: [k, v] }, i) => [k, shuffleKeys(v, seed + i + 1)] as const);
  return Object.fromEntries(shuffled);
}

describe('canonicalize', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalize({ b: 1, a: [true, null, 'x'], A: { d: 2, c: 1 } })).toBe('{"A":{"c":1,"d":2},"a":[true,null,"x"],"b":1}');
    // "é" (U+00E9) sorts after "z" by code unit, unlike locale collation.
    expect(canonicalize({ é: 1, z: 2 })).toBe('{"z":2,"é":1}');
  });

  it('prints numbers in their shortest round-trip form', () => {
    expect(canonicalize([1.0, 0.1, 1e21, -0, 123456789.125])).toBe('[1,0.1,1e+21,0,123456789.125]');
  });

  it('omits undefined properties so absent and undefined optional fields hash alike', () => {
    expect(canonicalize({ a: 1, b: undefined })).toBe(canonicalize({ a: 1 }));
  });

  it('rejects values that have no JSON form instead of hashing them silently', () => {
    expect(() => canonicalize({ a: Number.NaN })).toThrow(/cannot hold NaN/);
    expect(() => canonicalize({ a: Number.POSITIVE_INFINITY })).toThrow(/Infinity/);
    expect(() => canonicalize({ a: 10n })).toThrow(/bigint/);
    expect(() => canonicalize({ a: () => 1 })).toThrow(/function/);
  });

  it('is stable under any key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        const reordered = shuffleKeys(value, seed);
        expect(canonicalize(reordered)).toBe(canonicalize(value));
        expect(hashCanonical(reordered)).toBe(hashCanonical(value));
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips through JSON.parse to an equal document (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(equalCanonical(JSON.parse(canonicalize(value)), value)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hashCanonical', () => {
  it('is the SHA-256 of the canonical form, as lower-case hex', () => {
    // sha256('{"a":1}') computed independently (e.g. `printf '{"a":1}' | sha256sum`).
    expect(hashCanonical({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });

  it('differs when any value differs (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), fc.string(), fc.integer(), (doc, key, value) => {
        fc.pre(doc[key] !== value);
        expect(hashCanonical({ ...doc, [key]: value })).not.toBe(hashCanonical(doc));
      }),
      { numRuns: 200 },
    );
  });
});
