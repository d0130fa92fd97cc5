import { z } from 'zod';
import { DailyRecordFiguresSchema, DateSchema, IdSchema } from '@tokkatot/shared';

/** The daily checklist as it travels in an event: the shared figures, for a coop and a farm-local date. */
export const DailyRecordFieldsSchema = z.object({ coopId: IdSchema, date: DateSchema, ...DailyRecordFiguresSchema.shape });
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
