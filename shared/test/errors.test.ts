import { describe, expect, it } from 'vitest';
import { ERROR_CODES, TokkatotError, isErrorCode } from '../src/errors.js';

describe('error registry', () => {
  it('gives every code a 4xx or 5xx status and a sentence', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.message).toMatch(/\.$/);
    }
  });

  it('builds the API error body from a code', () => {
    const error = new TokkatotError('FORBIDDEN', undefined, { role: 'viewer' });
    expect(error.status).toBe(403);
    expect(error.toBody()).toEqual({ error: { code: 'FORBIDDEN', message: ERROR_CODES.FORBIDDEN.message, details: { role: 'viewer' } } });
    expect(isErrorCode('FORBIDDEN')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
