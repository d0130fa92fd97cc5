import type { Event } from '@tokkatot/shared';
import type { MergeResult } from './merge.js';

export interface ConflictAuditInput {
  /** A fresh ULID for the event. */
  id: string;
  farmId: string;
  ts: number;
  collection: string;
  docId: string;
  /** Which replica resolved it ("edge-farm1", "web-…"). */
  resolvedBy: string;
  result: MergeResult;
}

/**
 * The audit event every conflict resolution produces, carrying each decided field with both
 * values, so an edit that lost is still visible to the owner.
 */
export function buildConflictAudit(input: ConflictAuditInput): Event {
  const { result } = input;
  const parts = result.resolutions.map((r) => `${r.field}: kept ${r.chosen} (${r.rule})`);
  const what = result.rejected ? 'edit refused by the cloud' : parts.length === 0 ? 'edits on both sides merged' : parts.join(', ');
  const summary = `${input.collection}/${input.docId}: ${what}`.slice(0, 500);
  return {
    id: input.id,
    farmId: input.farmId,
    ts: input.ts,
    coopId: null,
    actorId: null,
    type: 'sync_conflict_resolved',
    summary,
    detail: {
      collection: input.collection,
      docId: input.docId,
      resolvedBy: input.resolvedBy,
      rejected: result.rejected,
      fields: result.resolutions.map((r) => ({
        field: r.field,
        chosen: r.chosen,
        rule: r.rule,
        base: toJson(r.base),
        local: toJson(r.local),
        remote: toJson(r.remote),
      })),
    },
  };
}

// Absent values travel as null: audit detail must be plain JSON.
function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
