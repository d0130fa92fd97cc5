import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { DocumentMetaShape, NameSchema, TimeOfDaySchema, WeekdaysSchema } from './common.js';

const SecondsSchema = z.number().int().min(1, 'must be at least 1 second').max(86_400, 'must be at most 86400 seconds (24 h)');

/**
 * A cron expression of 5 fields (minute hour day-of-month month day-of-week), checked here for
 * shape only; the edge parses it fully with croner before accepting it.
 */
export const CronExpressionSchema = z
  .string()
  .trim()
  .max(120)
  .regex(/^(\S+\s+){4}\S+$/, 'must be a cron expression of 5 fields: minute hour day-of-month month day-of-week')
  .regex(/^[0-9*,/\-\sA-Za-z?LW#]+$/, 'contains characters a cron expression cannot have');

/** One step of an ON/OFF sequence. */
export const ScheduleStepSchema = z.strictObject({
  state: z.enum(['on', 'off']),
  seconds: SecondsSchema,
});

const ScheduleBaseShape = {
  ...DocumentMetaShape,
  coopId: IdSchema,
  outputId: IdSchema,
  name: NameSchema,
  enabled: z.boolean(),
  weekdays: WeekdaysSchema,
};

/** Feeder-style: start at a time, run, rest, repeat (feeder 06:00, 8 min on, 4 h off, ×3). */
export const CycleScheduleSchema = z.strictObject({
  ...ScheduleBaseShape,
  type: z.literal('cycle'),
  startTime: TimeOfDaySchema,
  runSeconds: SecondsSchema,
  offSeconds: SecondsSchema,
  repeat: z.number().int().min(1).max(96),
});

/** Cron-triggered: either switch on for a fixed time, or play an ON/OFF sequence that ends OFF. */
export const CronScheduleSchema = z.strictObject({
  ...ScheduleBaseShape,
  type: z.literal('cron'),
  cron: CronExpressionSchema,
  action: z.union([
    z.strictObject({ autoOffSeconds: SecondsSchema }),
    z.strictObject({
      steps: z
        .array(ScheduleStepSchema)
        .min(1)
        .max(32)
        .refine((steps) => steps.at(-1)?.state === 'off', 'a step sequence must end with an OFF step'),
    }),
  ]),
});

/** Duty cycle inside a daily window (ON x, OFF y between start and end), optionally counted. */
export const DutyScheduleSchema = z
  .strictObject({
    ...ScheduleBaseShape,
    type: z.literal('duty'),
    windowStart: TimeOfDaySchema,
    windowEnd: TimeOfDaySchema,
    onSeconds: SecondsSchema,
    offSeconds: SecondsSchema,
    repeat: z.number().int().min(1).max(10_000).nullable(),
  })
  .refine((schedule) => schedule.windowStart !== schedule.windowEnd, {
    message: 'the window must not start and end at the same time',
    path: ['windowEnd'],
  });

export const ScheduleSchema = z.discriminatedUnion('type', [CycleScheduleSchema, CronScheduleSchema, DutyScheduleSchema]);
export type Schedule = z.infer<typeof ScheduleSchema>;
