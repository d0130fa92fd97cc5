import { describe, expect, it } from 'vitest';
import { IdSchema, UlidSchema, newId } from '../src/ids.js';

describe('newId', () => {
  it('produces ULIDs whose string order is creation order, even within one millisecond', () => {
    const at = Date.UTC(2026, 10, 27);
    const ids = Array.from({ length: 500 }, () => newId(at));
    expect(ids.every((id) => UlidSchema.safeParse(id).success)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('IdSchema', () => {
  it('accepts ULIDs and install-time slugs', () => {
    expect(IdSchema.parse('coop-1')).toBe('coop-1');
    expect(IdSchema.parse(newId())).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('rejects ids that are unsafe in topics, paths or URLs', () => {
    for (const bad of ['', ' ', '../etc', 'a/b', 'a+b', '#', '-leading', 'x'.repeat(65), 'ក']) {
      expect(IdSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});
