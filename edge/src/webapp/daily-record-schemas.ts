import { DailyRecordFiguresSchema, DateSchema, IdSchema, NoteSchema } from '@tokkatot/shared';
import { z } from 'zod';

/**
 * The checklist as a worker fills it in: the figures the `daily_record` event carries (shared, so
 * the cloud reads the same bounds), with the note optional.
 */
export const DailyRecordBodySchema = DailyRecordFiguresSchema.extend({ note: NoteSchema.default('') });
export type DailyRecordBody = z.infer<typeof DailyRecordBodySchema>;

export const DailyRecordParamsSchema = z.strictObject({ coopId: IdSchema, date: DateSchema });

/** A date range; without one, the farm's today. */
export const DailyRecordsQuerySchema = z
  .strictObject({ from: DateSchema.optional(), to: DateSchema.optional(), coopId: IdSchema.optional() })
  .refine((query) => (query.from === undefined) === (query.to === undefined), { message: 'give both from and to, or neither', path: ['to'] })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { message: 'from must not be after to', path: ['to'] });
