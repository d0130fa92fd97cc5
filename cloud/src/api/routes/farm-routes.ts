import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EventSchema, IdSchema, TimestampMsSchema, TokkatotError, type EventType } from '@tokkatot/shared';
import { EventCursorSchema, readEvents } from '../queries/events.js';
import { historyRange, readHistory } from '../queries/history.js';
import { loadCoopStates, summarizeCoop } from '../state/coop-state.js';
import { loadFarmStatuses } from '../state/farm-status.js';
import { authorizeFarm, farmStatus, parseInput, type FarmApiContext } from './context.js';

// Every event type the shared schema knows, read from it so a new type is filterable at once.
const EVENT_TYPES = EventSchema.options.flatMap((option) => {
  const type = option.shape.type;
  return 'options' in type ? type.options : [...type.values];
}) as [EventType, ...EventType[]];

const HistoryQuerySchema = z
  .strictObject({
    sensorId: IdSchema,
    from: z.coerce.number().pipe(TimestampMsSchema),
    to: z.coerce.number().pipe(TimestampMsSchema),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] })
  .refine((q) => q.to - q.from <= 10 * 366 * 86_400_000, { message: 'the range may span at most 10 years', path: ['from'] });

const EventsQuerySchema = z.strictObject({
  before: EventCursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  type: z.enum(EVENT_TYPES).optional(),
});

/** Overview, farm page, coop state, history charts and the event log. */
export async function registerFarmRoutes(app: FastifyInstance, ctx: FarmApiContext): Promise<void> {
  app.get('/v1/farms', async (request) => {
    // Memberships are read fresh on every request; only each farm's own entry is cached.
    const memberships = await ctx.farmAccess.farms(request);
    const farms = [];
    for (const { farmId, role } of memberships) {
      const entry = await ctx.cache.getOrLoad(farmId, async () => {
        const now = ctx.now();
        const status = (await loadFarmStatuses(ctx.pool, [farmId], now)).get(farmId);
        if (!status) return null;
        const coops = await loadCoopStates(ctx.pool, farmId, { now, timeZone: status.timeZone });
        return { id: farmId, name: status.name, online: status.online, lastSyncAt: status.lastSyncAt, openAlarms: status.openAlarms, coops: coops.map(summarizeCoop) };
      });
      if (entry) farms.push({ ...entry, role });
    }
    return farms;
  });

  app.get('/v1/farms/:farmId', async (request) => {
    const { farmId } = await authorizeFarm(ctx, request, 'viewer');
    const status = await farmStatus(ctx, farmId);
    const coops = await loadCoopStates(ctx.pool, farmId, { now: ctx.now(), timeZone: status.timeZone });
    return { ...status, coops: coops.map(summarizeCoop) };
  });

  app.get('/v1/farms/:farmId/coops/:coopId', async (request) => {
    const { farmId } = await authorizeFarm(ctx, request, 'viewer');
    const { coopId } = parseInput(z.looseObject({ coopId: IdSchema }), request.params, 'path');
    const status = await farmStatus(ctx, farmId);
    const [coop] = await loadCoopStates(ctx.pool, farmId, { now: ctx.now(), timeZone: status.timeZone, coopId });
    if (!coop) throw new TokkatotError('NOT_FOUND', `This farm has no coop "${coopId}".`);
    return coop;
  });

  app.get('/v1/farms/:farmId/history', async (request) => {
    const { farmId } = await authorizeFarm(ctx, request, 'viewer');
    const query = parseInput(HistoryQuerySchema, request.query, 'query');
    const range = historyRange(query.from, query.to);
    // Keyed by the buckets read, not the raw times: every "last 24 h up to now" within one bucket shares an answer.
    const key = `${farmId}\n${query.sensorId}\n${range.resolution}\n${range.firstBucket}\n${range.endBucket}`;
    return ctx.history.get(key, () => readHistory(ctx.pool, farmId, query.sensorId, range));
  });

  app.get('/v1/farms/:farmId/events', async (request) => {
    const { farmId } = await authorizeFarm(ctx, request, 'viewer');
    const query = parseInput(EventsQuerySchema, request.query, 'query');
    return readEvents(ctx.pool, farmId, query);
  });
}
