import { z } from 'zod';
import { IdSchema } from '../ids.js';
import { HlcStringSchema } from '../hlc.js';
import { LocaleSchema, NameSchema, TimeZoneSchema, TimestampMsSchema } from './common.js';

/** A farm: the unit one Raspberry Pi controls and one owner account holds. */
export const FarmSchema = z.strictObject({
  id: IdSchema,
  hlc: HlcStringSchema,
  updatedAt: TimestampMsSchema,
  name: NameSchema,
  timezone: TimeZoneSchema.default('Asia/Phnom_Penh'),
  locale: LocaleSchema.default('km'),
  location: z
    .strictObject({
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
    })
    .optional(),
});
export type Farm = z.infer<typeof FarmSchema>;
