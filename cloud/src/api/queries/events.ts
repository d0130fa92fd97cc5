import type pg from 'pg';
import { z } from 'zod';

/** "Older than this": the `next` of a previous page (`<ts>.<id>`), or a plain time in ms. */
export const EventCursorSchema = z
  .string()
  .max(100)
  .regex(/^\d{1,15}(\.[A-Za-z0-9_-]{1,64})?$/, 'must be the "next" value of a previous page, or a time in milliseconds')
  .transform((value) => {
    const [ts, id] = value.split('.');
    // A bare time: every event at that millisecond is "after" it, so start below all ids there.
    return { ts: Number(ts), id: id ?? '' };
  });
export type EventCursor = z.infer<typeof EventCursorSchema>;

/** One page of a farm's events, newest first, with the cursor of the next (older) page or null. */
export async function readEvents(
  db: pg.Pool,
  farmId: string,
  query: { before?: EventCursor; limit: number; type?: string },
): Promise<{ events: unknown[]; next: string | null }> {
  const { rows } = await db.query<{ id: string; ts: string; body: unknown }>(
    `SELECT id, ts, body FROM farm_event
      WHERE farm_id = $1 AND ($2::text IS NULL OR type = $2)
        AND ($3::bigint IS NULL OR (ts, id) < ($3::bigint, $4::text COLLATE "C"))
      ORDER BY ts DESC, id DESC LIMIT $5`,
    [farmId, query.type ?? null, query.before?.ts ?? null, query.before?.id ?? '', query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { events: page.map((row) => row.body), next: rows.length > query.limit && last ? `${last.ts}.${last.id}` : null };
}
