import { z } from 'zod';
import { DateSchema, IdSchema } from '@tokkatot/shared';

const CountSchema = z.number().int().min(0).max(1_000_000);

/** The daily checklist as it travels in an event (a `daily_record` event or a `user_action` detail). */
export const DailyRecordFieldsSchema = z.object({
  coopId: IdSchema,
  date: DateSchema,
  mortality: z.object({ heat: CountSchema, sick: CountSchema, injured: CountSchema, unknown: CountSchema }),
  culls: CountSchema,
  feedBags: z.number().min(0).max(100_000).nullable(),
  waterMeter: z.number().min(0).max(1e12).nullable(),
  note: z.string().max(500).default(''),
});
export type DailyRecordFields = z.infer<typeof DailyRecordFieldsSchema>;

/**
 * Reads a daily record out of an event body: the `daily_record` event type, or the edge's earlier
 * form, a `user_action` whose detail says `kind: 'daily_record'`. Anything else is not one.
 */
export function readDailyRecord(event: Record<string, unknown>): DailyRecordFields | undefined {
  let candidate: unknown;
  if (event.type === 'daily_record') candidate = event;
  else if (event.type === 'user_action') {
    const detail = event.detail as Record<string, unknown> | undefined;
    if (detail?.kind !== 'daily_record') return undefined;
    candidate = { ...detail, coopId: event.coopId };
  } else return undefined;
  const parsed = DailyRecordFieldsSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}
