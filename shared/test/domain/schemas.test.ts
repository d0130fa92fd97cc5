import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { PUBLISHED_SCHEMAS } from '../../src/json-schemas.js';
import { parseOrThrow } from '../../src/validation.js';
import { TokkatotError } from '../../src/errors.js';
import { examples } from './examples.js';

type Example = keyof typeof examples;

function issuesOf(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

function withField(name: Example, field: string, value: unknown): Record<string, unknown> {
  return { ...(examples[name] as Record<string, unknown>), [field]: value };
}

describe('domain schemas', () => {
  it.each(Object.keys(examples) as Example[])('accepts a valid %s', (name) => {
    expect(issuesOf(PUBLISHED_SCHEMAS[name]!, examples[name])).toEqual([]);
  });

  it.each(Object.keys(examples) as Example[])('rejects an unknown extra field on a %s, naming it', (name) => {
    const issues = issuesOf(PUBLISHED_SCHEMAS[name]!, withField(name, 'isAdmin', true));
    expect(issues.join('\n')).toMatch(/isAdmin/);
  });

  it.each(['string', 42, null, [], undefined])('rejects a non-object document (%s)', (input) => {
    for (const schema of Object.values(PUBLISHED_SCHEMAS)) expect(schema.safeParse(input).success).toBe(false);
  });

  const outOfRange: Array<[Example, string, unknown, RegExp]> = [
    ['output', 'kind', 'toaster', /kind/],
    ['output', 'channel', 32, /channel/],
    ['output', 'maxOnSeconds', 0, /at least 1 second/],
    ['output', 'maxOnSeconds', 90_000, /86400/],
    ['sensor', 'unit', 'degF', /unit/],
    ['sensor', 'samplePeriodSeconds', 0, /samplePeriodSeconds/],
    ['reading', 'ts', 0, /after 2020-01-01/],
    ['reading', 'value', Number.NaN, /value/],
    ['reading', 'value', '31.7', /value/],
    ['farm', 'timezone', 'Mars/Olympus', /IANA time zone/],
    ['farm', 'name', '', /must not be empty/],
    ['farm', 'name', 'a\u0000b', /control characters/],
    ['coop', 'name', 'x'.repeat(81), /at most 80/],
    ['schedule', 'startTime', '24:00', /HH:MM/],
    ['schedule', 'weekdays', [1, 1], /repeat a weekday/],
    ['schedule', 'weekdays', [7], /0 \(Sunday\) to 6/],
    ['schedule', 'repeat', 0, /repeat/],
    ['flock', 'placedOn', '2026-02-30', /real calendar date/],
    ['flock', 'birdsPlaced', -5, /birdsPlaced/],
    ['user', 'phone', '012345678', /international form/],
    ['user', 'username', 'Bad Name!', /may contain only/],
    ['membership', 'role', 'admin', /role/],
    ['node', 'firmwareVersion', 'v1', /version such as/],
    ['alarm', 'severity', 'meh', /severity/],
  ];
  it.each(outOfRange)('rejects %s.%s = %j with a readable message', (name, field, value, message) => {
    const issues = issuesOf(PUBLISHED_SCHEMAS[name]!, withField(name, field, value));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.join('\n')).toMatch(message);
  });

  it('never reads a failed sensor as a number', () => {
    const { ReadingSchema } = { ReadingSchema: PUBLISHED_SCHEMAS.reading! };
    expect(ReadingSchema.safeParse({ sensorId: 's', ts: examples.reading.ts, status: 'failed', failure: 'no_response' }).success).toBe(true);
    expect(ReadingSchema.safeParse({ sensorId: 's', ts: examples.reading.ts, status: 'failed', failure: 'no_response', value: 0 }).success).toBe(false);
    expect(ReadingSchema.safeParse({ sensorId: 's', ts: examples.reading.ts, status: 'ok' }).success).toBe(false);
  });

  it('enforces cross-field rules', () => {
    expect(issuesOf(PUBLISHED_SCHEMAS.output!, withField('output', 'dimmable', true)).join()).toMatch(/only lights/);
    expect(issuesOf(PUBLISHED_SCHEMAS.output!, { ...examples.output, kind: 'heater', failSafeState: 'on' }).join()).toMatch(/heater must fail safe to off/);
    expect(issuesOf(PUBLISHED_SCHEMAS.rule!, withField('rule', 'bandHighC', 28)).join()).toMatch(/bandLowC must be below bandHighC/);
    expect(issuesOf(PUBLISHED_SCHEMAS.rule!, withField('rule', 'heaterStages', [{ outputId: 'out-fan-1', onBelowC: 0 }])).join()).toMatch(/both a heater stage and a fan stage/);
    expect(
      issuesOf(PUBLISHED_SCHEMAS.schedule!, { ...examples.schedule, type: 'cron', cron: '0 6 * * *', action: { steps: [{ state: 'on', seconds: 60 }] } }).join(),
    ).toMatch(/must end with an OFF step/);
    expect(issuesOf(PUBLISHED_SCHEMAS.flock!, withField('flock', 'targetCurve', [{ day: 5, temperatureC: 30 }, { day: 2, temperatureC: 31 }])).join()).toMatch(
      /increasing day order/,
    );
    expect(issuesOf(PUBLISHED_SCHEMAS.sensor!, { ...examples.sensor, calibration: { offset: 0, scale: 1, halfFullRaw: 2000 } }).join()).toMatch(/only water-level/);
  });

  it('reports every bad field at once through parseOrThrow, with the VALIDATION_FAILED code', () => {
    try {
      parseOrThrow(PUBLISHED_SCHEMAS.output!, { ...examples.output, channel: -1, kind: 'toaster' }, 'output');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TokkatotError);
      const failure = error as TokkatotError;
      expect(failure.code).toBe('VALIDATION_FAILED');
      expect(failure.message).toMatch(/^output is not valid: /);
      expect(failure.message).toMatch(/channel/);
      expect(failure.message).toMatch(/kind/);
    }
  });

  it('bounds hostile input sizes', () => {
    expect(issuesOf(PUBLISHED_SCHEMAS.event!, { ...examples.event, reason: 'x'.repeat(10_000) }).join()).toMatch(/at most 500/);
    expect(issuesOf(PUBLISHED_SCHEMAS.rule!, withField('rule', 'fanStages', Array.from({ length: 50 }, () => ({ outputId: 'f', onAboveC: 1 })))).length).toBeGreaterThan(0);
  });
});
