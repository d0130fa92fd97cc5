import { z } from 'zod';
import { encodeHlc, decodeHlc, TokkatotError } from '@tokkatot/shared';
import { stripDeleted, type CollectionSpec, type WireDoc } from '@tokkatot/sync';
import type { SyncDocStore } from '../../db/sync-doc-store.js';

/** HLC node name of edits made through the farm API: not an edge name, so the edge owns its fields on conflict. */
export const CLOUD_HLC_NODE = 'cloud-api';

/** The rule fields an owner may change remotely. */
export const RulePatchSchema = z
  .strictObject({
    bandLowC: z.number().optional(),
    bandHighC: z.number().optional(),
    enabled: z.boolean().optional(),
    target: z.enum(['fixed', 'curve']).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');

const anyValue = z.unknown().optional();
/** The schedule fields an owner may change remotely; the merged document is checked by the schedule schema. */
export const SchedulePatchSchema = z
  .strictObject({
    name: anyValue,
    enabled: anyValue,
    weekdays: anyValue,
    outputId: anyValue,
    startTime: anyValue,
    runSeconds: anyValue,
    offSeconds: anyValue,
    repeat: anyValue,
    cron: anyValue,
    action: anyValue,
    windowStart: anyValue,
    windowEnd: anyValue,
    onSeconds: anyValue,
  })
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');

/** A stamp later than `previous` by this clock: the wall time if ahead, else one counter step. */
export function nextStamp(previous: unknown, now: number): string {
  let last = { wallMs: 0, counter: 0 };
  try {
    if (typeof previous === 'string') last = decodeHlc(previous);
  } catch {
    // An unreadable stamp cannot be valid on a stored document; start from the wall clock.
  }
  if (now > last.wallMs) return encodeHlc({ wallMs: now, counter: 0, node: CLOUD_HLC_NODE });
  if (last.counter >= 99_999) return encodeHlc({ wallMs: last.wallMs + 1, counter: 0, node: CLOUD_HLC_NODE });
  return encodeHlc({ wallMs: last.wallMs, counter: last.counter + 1, node: CLOUD_HLC_NODE });
}

/**
 * Applies a patch to a stored configuration document under its row lock, validates the whole
 * result against the collection's schema, stamps it and writes it as a new sync document. The
 * edge pulls it like any other master change; on a concurrent edit of a field the edge owns
 * (`ownedFields`), the edge's value wins there, as merge.ts decides for every replica.
 */
export async function patchDocument(
  store: SyncDocStore,
  spec: CollectionSpec,
  target: { farmId: string; collection: string; id: string },
  patch: Record<string, unknown>,
  actor: { userId: string; now: number },
  check?: (doc: Record<string, unknown>) => void,
): Promise<{ before: Record<string, unknown>; after: Record<string, unknown> }> {
  return store.push(target.farmId, target.collection, [target.id], `user:${actor.userId}`, (stored) => {
    const current = stored.get(target.id);
    if (!current || current._deleted || current.farmId !== target.farmId) throw new TokkatotError('NOT_FOUND', `This farm has no ${target.collection.replace(/s$/, '')} "${target.id}".`);
    const before = stripDeleted(current);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const after = { ...before, ...defined, hlc: nextStamp(before.hlc, actor.now), updatedAt: Math.max(actor.now, Number(before.updatedAt) || 0) };
    const parsed = spec.schema.safeParse(after);
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      throw new TokkatotError('VALIDATION_FAILED', details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; '), details);
    }
    check?.(after);
    const doc: WireDoc = { ...after, id: target.id, _deleted: false };
    return { writes: [doc], result: { before, after } };
  });
}
