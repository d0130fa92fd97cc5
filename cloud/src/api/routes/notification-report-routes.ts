import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DateSchema, TokkatotError } from '@tokkatot/shared';
import { countUnread, listNotifications, markNotificationRead, markNotificationsRead } from '../queries/notifications.js';
import { buildFarmReport, type FarmReport } from '../report/morning-report.js';
import { loadFarmStatuses } from '../state/farm-status.js';
import { addDays, formatLocalDate } from '../state/zoned-day.js';
import { parseInput, type FarmApiContext } from './context.js';

const NotificationsQuerySchema = z.strictObject({
  // `?unread` alone (empty value) means true, as does `?unread=true`.
  unread: z.enum(['', 'true', 'false']).optional().transform((value) => value === '' || value === 'true'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const ReportQuerySchema = z.strictObject({ date: DateSchema.optional() });
const NotificationIdSchema = z.string().regex(/^[1-9]\d{0,17}$/, 'must be a notification id');
const ReadManySchema = z.strictObject({ ids: z.array(NotificationIdSchema).min(1, 'must name at least one notification').max(500, 'must name at most 500 notifications') });

/** Notifications across the caller's farms, and the morning exception report. */
export async function registerNotificationReportRoutes(app: FastifyInstance, ctx: FarmApiContext): Promise<void> {
  app.get('/v1/notifications', async (request) => {
    const { userId } = await ctx.farmAccess.account(request);
    const query = parseInput(NotificationsQuerySchema, request.query, 'query');
    const farms = await ctx.farmAccess.farms(request);
    return listNotifications(ctx.pool, userId, farms.map((f) => f.farmId), { now: ctx.now(), unreadOnly: query.unread, limit: query.limit });
  });

  // The bell's number: one count instead of the unread list itself.
  app.get('/v1/notifications/unread-count', async (request) => {
    const { userId } = await ctx.farmAccess.account(request);
    parseInput(z.strictObject({}), request.query, 'query');
    const farms = await ctx.farmAccess.farms(request);
    return { count: await countUnread(ctx.pool, userId, farms.map((f) => f.farmId), ctx.now()) };
  });

  // What an inbox saw in a moment, in one request (a 4G link pays per round trip).
  app.post('/v1/notifications/read', { bodyLimit: 64 * 1024 }, async (request) => {
    const { userId } = await ctx.farmAccess.account(request);
    const { ids } = parseInput(ReadManySchema, request.body, 'notifications');
    const farms = await ctx.farmAccess.farms(request);
    return { read: await markNotificationsRead(ctx.pool, userId, farms.map((f) => f.farmId), [...new Set(ids)], ctx.now()) };
  });

  app.post('/v1/notifications/:id/read', async (request, reply) => {
    const { userId } = await ctx.farmAccess.account(request);
    const { id } = parseInput(z.looseObject({ id: NotificationIdSchema }), request.params, 'path');
    const farms = await ctx.farmAccess.farms(request);
    if (!(await markNotificationRead(ctx.pool, userId, farms.map((f) => f.farmId), id, ctx.now()))) throw new TokkatotError('NOT_FOUND', 'No such notification.');
    return reply.status(204).send();
  });

  // Default date: each farm's yesterday, the last whole day when the owner reads it in the morning.
  app.get('/v1/reports/morning', async (request) => {
    await ctx.farmAccess.account(request);
    const { date } = parseInput(ReportQuerySchema, request.query, 'query');
    const farms = await ctx.farmAccess.farms(request);
    const now = ctx.now();
    const statuses = await loadFarmStatuses(ctx.pool, farms.map((f) => f.farmId), now);
    const reports: FarmReport[] = [];
    for (const status of statuses.values()) {
      reports.push(await buildFarmReport(ctx.pool, status, date ?? addDays(formatLocalDate(now, status.timeZone), -1)));
    }
    reports.sort((a, b) => b.exceptionCount - a.exceptionCount || (a.farmName < b.farmName ? -1 : 1));
    return { farms: reports };
  });
}
