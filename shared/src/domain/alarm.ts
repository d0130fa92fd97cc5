import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { NoteSchema, TimestampMsSchema } from './common.js';

export const AlarmKindSchema = z.enum([
  'temperature_high',
  'temperature_low',
  'humidity_high',
  'water_low',
  'node_offline',
  'sensor_failed',
  'output_unconfirmed',
  'sensor_loss_emergency',
  'alarm_test',
]);
export type AlarmKind = z.infer<typeof AlarmKindSchema>;

export const AlarmSeveritySchema = z.enum(['warning', 'critical']);
export const AlarmStateSchema = z.enum(['raised', 'acknowledged', 'cleared']);
export type AlarmState = z.infer<typeof AlarmStateSchema>;

/** An alarm and where it is in its lifecycle: raised → (reminded…) → acknowledged → cleared. */
export const AlarmSchema = z
  .strictObject({
    id: IdSchema,
    farmId: IdSchema,
    coopId: IdSchema.nullable(),
    kind: AlarmKindSchema,
    severity: AlarmSeveritySchema,
    state: AlarmStateSchema,
    /** What the alarm is about (a sensor, node or output id). */
    subjectId: IdSchema.nullable(),
    message: NoteSchema,
    raisedAt: TimestampMsSchema,
    remindedAt: TimestampMsSchema.nullable(),
    acknowledgedAt: TimestampMsSchema.nullable(),
    acknowledgedBy: IdSchema.nullable(),
    clearedAt: TimestampMsSchema.nullable(),
  })
  .refine((alarm) => (alarm.acknowledgedAt === null) === (alarm.acknowledgedBy === null), {
    message: 'acknowledgedAt and acknowledgedBy are set together',
    path: ['acknowledgedBy'],
  })
  .refine((alarm) => alarm.state !== 'cleared' || alarm.clearedAt !== null, {
    message: 'a cleared alarm has clearedAt',
    path: ['clearedAt'],
  });
export type Alarm = z.infer<typeof AlarmSchema>;
