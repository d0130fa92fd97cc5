import { z } from 'zod';
import { IdSchema, UlidSchema } from '../ids.js';
import { DateSchema, NoteSchema, TimestampMsSchema } from './common.js';
import { AlarmKindSchema, AlarmSeveritySchema } from './alarm.js';

/** Why an output is in its state, in arbitration priority order. */
export const OutputReasonSourceSchema = z.enum(['fail_safe', 'interlock', 'manual', 'climate', 'schedule', 'default', 'max_on_cut', 'local']);
export type OutputReasonSource = z.infer<typeof OutputReasonSourceSchema>;

const EventBaseShape = {
  /** ULID: sortable, unique across the farm's lifetime. */
  id: UlidSchema,
  farmId: IdSchema,
  ts: TimestampMsSchema,
  coopId: IdSchema.nullable(),
  /** The user who caused it, when a person did. */
  actorId: IdSchema.nullable(),
};

const Count = z.number().int('must be a whole number').min(0, 'must not be negative').max(100_000, 'must be at most 100000');

/**
 * A coop's daily checklist as a worker fills it in: deaths by cause, culls, feed and water. Every
 * field is bounded so a typo cannot store nonsense. The edge's route validates its body with it
 * and the `daily_record` event carries it, so the cloud reads the same figures.
 */
export const DailyRecordFiguresSchema = z.strictObject({
  mortality: z.strictObject({ heat: Count, sick: Count, injured: Count, unknown: Count }),
  culls: Count,
  /** Bags of feed put out; half bags happen. */
  feedBags: z.number().min(0, 'must not be negative').max(10_000, 'must be at most 10000').multipleOf(0.5, 'must be whole or half bags'),
  /** The water meter's reading (its own unit), null when the coop has no meter. */
  waterMeter: z.number().min(0, 'must not be negative').max(1e9, 'must be at most 1000000000').nullable(),
  note: NoteSchema,
});
export type DailyRecordFigures = z.infer<typeof DailyRecordFiguresSchema>;

/** Append-only record of everything that happened on a farm. Never edited, never dropped. */
export const EventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...EventBaseShape,
    type: z.literal('output_changed'),
    outputId: IdSchema,
    state: z.enum(['on', 'off']),
    level: z.number().int().min(0).max(100).nullable(),
    source: OutputReasonSourceSchema,
    /** The human sentence: "fan 2 on: coop 1 at 33.1 °C > 32.0 °C, rule 'cooling'". */
    reason: NoteSchema,
  }),
  z.strictObject({
    ...EventBaseShape,
    type: z.enum(['alarm_raised', 'alarm_reminded', 'alarm_acknowledged', 'alarm_cleared']),
    alarmId: IdSchema,
    kind: AlarmKindSchema,
    severity: AlarmSeveritySchema,
    message: NoteSchema,
  }),
  z.strictObject({
    ...EventBaseShape,
    type: z.literal('command_result'),
    commandId: IdSchema,
    outcome: z.enum(['executed', 'expired', 'rejected', 'failed']),
    detail: NoteSchema,
  }),
  z.strictObject({
    ...EventBaseShape,
    /** A coop's daily checklist, saved or changed (the latest event of a coop and date is the record). */
    type: z.literal('daily_record'),
    coopId: IdSchema,
    /** The farm-local day the record is about. */
    date: DateSchema,
    ...DailyRecordFiguresSchema.shape,
  }),
  z.strictObject({
    ...EventBaseShape,
    type: z.enum(['user_action', 'config_changed', 'sync_conflict_resolved', 'telemetry_gap', 'node_fault']),
    summary: NoteSchema,
    /** Structured detail (before/after, counts); small and JSON only. */
    detail: z.record(z.string().max(64), z.json()).optional(),
  }),
]);
export type Event = z.infer<typeof EventSchema>;
export type EventType = Event['type'];
