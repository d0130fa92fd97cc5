import { z } from 'zod';
import { IdSchema, UlidSchema } from '../ids.js';
import { NoteSchema, TimestampMsSchema } from './common.js';
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
    type: z.enum(['user_action', 'config_changed', 'sync_conflict_resolved', 'telemetry_gap', 'node_fault']),
    summary: NoteSchema,
    /** Structured detail (before/after, counts); small and JSON only. */
    detail: z.record(z.string().max(64), z.json()).optional(),
  }),
]);
export type Event = z.infer<typeof EventSchema>;
export type EventType = Event['type'];
