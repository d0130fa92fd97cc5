import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hasRole, TokkatotError } from '@tokkatot/shared';
import {
  belongsToFarm,
  decidePush,
  PushRequestSchema,
  rejectionAnswer,
  stripDeleted,
  toWireDoc,
  type CollectionSpec,
  type SyncCheckpoint,
  type WireDoc,
} from '@tokkatot/sync';
import type { SyncDocStore } from '../db/sync-doc-store.js';
import { FARM_HEADER, type Authenticate } from '../http/auth.js';

export interface SyncRoutesDeps {
  store: SyncDocStore;
  collections: Readonly<Record<string, CollectionSpec>>;
  authenticate: Authenticate;
  now: () => number;
}

const ParamsSchema = z.object({ collection: z.string().max(64) });
const PullQuerySchema = z.object({
  seq: z.coerce.number().int().min(0).optional(),
  id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Why a pushed document is refused for good, or undefined when it may be written. */
function refusal(spec: CollectionSpec, collection: string, doc: WireDoc, farmId: string): string | undefined {
  if (spec.pullOnly) return 'the collection is read-only for replicas';
  if (!belongsToFarm(collection, doc, farmId)) return 'the document belongs to another farm';
  const parsed = spec.schema.safeParse(stripDeleted(doc));
  if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  return undefined;
}

/** Pull and push endpoints of RxDB's replication protocol, per collection, scoped to the caller's farm. */
export async function registerSyncRoutes(app: FastifyInstance, deps: SyncRoutesDeps): Promise<void> {
  const specOf = (collection: string): CollectionSpec => {
    const spec = Object.hasOwn(deps.collections, collection) ? deps.collections[collection] : undefined;
    if (!spec) throw new TokkatotError('NOT_FOUND', `There is no collection "${collection}".`);
    return spec;
  };

  app.get('/v1/sync/:collection/pull', async (request, reply) => {
    const principal = await deps.authenticate(request.headers.authorization, request.headers[FARM_HEADER]);
    const { collection } = parseInput(ParamsSchema, request.params, 'path');
    const spec = specOf(collection);
    const query = parseInput(PullQuerySchema, request.query, 'query');
    const farmId = principal.farmId;
    let cursor: SyncCheckpoint = { seq: query.seq ?? 0, id: query.id ?? '' };
    if (cursor.seq > 0 && cursor.seq < (await deps.store.purgedThrough(farmId, collection))) {
      throw new TokkatotError('RESYNC_REQUIRED');
    }
    const documents: WireDoc[] = [];
    // Keep reading past poison rows so a page is full whenever more valid documents exist.
    for (;;) {
      const want = query.limit - documents.length;
      const page = await deps.store.readPage(farmId, collection, cursor, want);
      for (const { doc, seq } of page) {
        cursor = { seq, id: doc.id };
        const parsed = spec.schema.safeParse(stripDeleted(doc));
        if (parsed.success && belongsToFarm(collection, doc, farmId)) documents.push(doc);
        else await deps.store.recordRejection(farmId, collection, doc.id, 'pull', parsed.error?.message ?? 'wrong farm');
      }
      if (page.length < want || documents.length >= query.limit) break;
    }
    void reply.header('x-server-now', String(deps.now()));
    return { documents, checkpoint: cursor };
  });

  app.post('/v1/sync/:collection/push', { bodyLimit: 4 * 1024 * 1024 }, async (request, reply) => {
    const principal = await deps.authenticate(request.headers.authorization, request.headers[FARM_HEADER]);
    // Configuration is edited by managers and owners; workers and viewers only read it.
    if (principal.kind === 'user' && !hasRole(principal.role, 'manager')) throw new TokkatotError('FORBIDDEN', 'Only a manager or owner changes the configuration.');
    const { collection } = parseInput(ParamsSchema, request.params, 'path');
    const spec = specOf(collection);
    const rows = parseInput(PushRequestSchema, request.body, 'push body');
    const farmId = principal.farmId;
    const purged = (await deps.store.purgedThrough(farmId, collection)) > 0;
    const updatedBy = principal.kind === 'edge' ? `edge:${principal.edgeId}` : `user:${principal.userId}`;
    const refused: Array<{ id: string; reason: string }> = [];
    const conflicts = await deps.store.push(
      farmId,
      collection,
      rows.map((row) => row.newDocumentState.id),
      updatedBy,
      (stored) => {
        const answer: WireDoc[] = [];
        const writes: WireDoc[] = [];
        for (const raw of rows) {
          const pushed = toWireDoc(raw.newDocumentState as WireDoc);
          const current = stored.get(pushed.id);
          const reason = refusal(spec, collection, pushed, farmId);
          if (reason !== undefined) {
            refused.push({ id: pushed.id, reason });
            answer.push(rejectionAnswer(current, pushed));
            continue;
          }
          const row = raw.assumedMasterState ? { newDocumentState: pushed, assumedMasterState: toWireDoc(raw.assumedMasterState as WireDoc) } : { newDocumentState: pushed };
          const decision = decidePush(current, row, purged);
          if (decision.action === 'resync') throw new TokkatotError('RESYNC_REQUIRED');
          if (decision.action === 'conflict') answer.push(decision.master);
          else if (decision.action !== 'noop') writes.push(pushed);
        }
        return { writes, result: answer };
      },
    );
    for (const { id, reason } of refused) await deps.store.recordRejection(farmId, collection, id, 'push', reason);
    void reply.header('x-server-now', String(deps.now()));
    return conflicts;
  });
}

/** Parses request input or answers 400 with each bad field named. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const summary = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new TokkatotError('VALIDATION_FAILED', `The ${what} is not valid: ${summary}`.slice(0, 1000));
}
