import { z } from 'zod';
import { HlcStringSchema } from '../hlc.js';
import { IdSchema } from '../ids.js';

/** Milliseconds since the epoch, UTC. Bounded so a clock reset to 1970 or a typo year is caught. */
export const TimestampMsSchema = z
  .number()
  .int('must be whole milliseconds')
  .min(Date.UTC(2020, 0, 1), 'must be after 2020-01-01 (is the clock set?)')
  .max(Date.UTC(2100, 0, 1), 'must be before 2100-01-01');

/** A human-given name: trimmed, 1–80 characters, no control characters. Khmer script allowed. */
export const NameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

/** Free text such as a note or a reason: up to 500 characters, no control characters but newlines. */
export const NoteSchema = z
  .string()
  .max(500, 'must be at most 500 characters')
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u0009\u000b-\u001f\u007f]*$/, 'must not contain control characters');

/** A local time of day on the farm's clock, "HH:MM" (24 h). */
export const TimeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day "HH:MM" from 00:00 to 23:59');

/** A calendar date "YYYY-MM-DD" that exists. */
export const DateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date "YYYY-MM-DD"')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'must be a real calendar date');

/** An IANA time zone this runtime knows, e.g. "Asia/Phnom_Penh". */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as "Asia/Phnom_Penh"');

/** Days of the week a schedule runs, 0 = Sunday … 6 = Saturday; at least one, no repeats. */
export const WeekdaysSchema = z
  .array(z.number().int().min(0, 'weekday must be 0 (Sunday) to 6 (Saturday)').max(6, 'weekday must be 0 (Sunday) to 6 (Saturday)'))
  .min(1, 'must name at least one weekday')
  .max(7)
  .refine((days) => new Set(days).size === days.length, 'must not repeat a weekday');

export const LocaleSchema = z.enum(['km', 'en']);
export type Locale = z.infer<typeof LocaleSchema>;

/**
 * Fields every replicated configuration document carries. `hlc` stamps the last edit (it decides
 * field conflicts); `updatedAt` is for people.
 */
export const DocumentMetaShape = {
  id: IdSchema,
  farmId: IdSchema,
  hlc: HlcStringSchema,
  updatedAt: TimestampMsSchema,
};
