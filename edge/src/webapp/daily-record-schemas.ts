import { DateSchema, IdSchema, NoteSchema } from '@tokkatot/shared';
import { z } from 'zod';

const Count = z.number().int('must be a whole number').min(0, 'must not be negative').max(100_000, 'must be at most 100000');

/** The checklist as a worker fills it in; every field bounded so a typo cannot store nonsense. */
export const DailyRecordBodySchema = z.strictObject({
  mortality: z.strictObject({ heat: Count, sick: Count, injured: Count, unknown: Count }),
  culls: Count,
  /** Bags of feed put out; half bags happen. */
  feedBags: z.number().min(0, 'must not be negative').max(10_000, 'must be at most 10000').multipleOf(0.5, 'must be whole or half bags'),
  /** The water meter's reading (its own unit), null when the coop has no meter. */
  waterMeter: z.number().min(0, 'must not be negative').max(1e9, 'must be at most 1000000000').nullable(),
  note: NoteSchema.default(''),
});
export type DailyRecordBody = z.infer<typeof DailyRecordBodySchema>;

export const DailyRecordParamsSchema = z.strictObject({ coopId: IdSchema, date: DateSchema });

/** A date range; without one, the farm's today. */
export const DailyRecordsQuerySchema = z
  .strictObject({ from: DateSchema.optional(), to: DateSchema.optional(), coopId: IdSchema.optional() })
  .refine((query) => (query.from === undefined) === (query.to === undefined), { message: 'give both from and to, or neither', path: ['to'] })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { message: 'from must not be after to', path: ['to'] });
