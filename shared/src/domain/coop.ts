import { z } from 'zod';
import { DocumentMetaShape, NameSchema } from './common.js';

/** A poultry house. All automation (climate, schedules, alarms) is per coop. */
export const CoopSchema = z.strictObject({
  ...DocumentMetaShape,
  name: NameSchema,
  capacityBirds: z.number().int().min(0).max(1_000_000).optional(),
});
export type Coop = z.infer<typeof CoopSchema>;
