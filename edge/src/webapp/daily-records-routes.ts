import { TokkatotError } from '@tokkatot/shared';
import type { FastifyPluginAsync } from 'fastify';
import { validatorCompiler, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Clock } from '../clock.js';
import type { DailyRecord, DailyRecordsRepository } from '../db/daily/index.js';
import type { EventLog } from '../events/event-log.js';
import { errorHandler } from '../http/error-handler.js';
import { DailyRecordBodySchema, DailyRecordParamsSchema, DailyRecordsQuerySchema } from './daily-record-schemas.js';
import { formatFarmDate } from './farm-date.js';
import { requireRole, type Authenticate } from './route-auth.js';

export interface DailyRecordsOptions {
  records: DailyRecordsRepository;
  /** Runs the store write and its event in one transaction (EdgeDatabase.transaction). */
  transaction: <T>(fn: () => T) => T;
  events: Pick<EventLog, 'append'>;
  clock: Clock;
  /** The farm's time zone: "today" is the farm's day, not the server's. */
  timezone: () => string;
  /** Throws NOT_FOUND for an unknown coop (RegistryService.getCoop). */
  getCoop: (coopId: string) => { id: string; name: string };
  authenticate: Authenticate;
}

/**
 * The daily checklist: GET /api/daily-records (viewer+), GET/PUT /api/daily-records/:coopId/:date
 * (worker+ to write). A record may be written only on its own farm-local day; each save appends a
 * `user_action` event (the audit line) and a `daily_record` event (the figures), so both reach the
 * cloud through the outbox like every other event.
 */
export const dailyRecordsRoutes: FastifyPluginAsync<DailyRecordsOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  const today = () => formatFarmDate(options.clock.now(), options.timezone());

  app.get(
    '/api/daily-records',
    { config: { access: 'viewer' }, schema: { tags: ['daily'], summary: 'Daily records of a date range (default: the farm’s today)', querystring: DailyRecordsQuerySchema } },
    async (request) => {
      requireRole(request, options.authenticate, 'viewer');
      const day = today();
      const { from = day, to = day, coopId } = request.query;
      return { today: day, records: options.records.list({ from, to, ...(coopId ? { coopId } : {}) }) };
    },
  );

  app.get(
    '/api/daily-records/:coopId/:date',
    { config: { access: 'viewer' }, schema: { tags: ['daily'], summary: 'One coop’s record of one day', params: DailyRecordParamsSchema } },
    async (request) => {
      requireRole(request, options.authenticate, 'viewer');
      options.getCoop(request.params.coopId);
      const record = options.records.get(request.params.coopId, request.params.date);
      if (!record) throw new TokkatotError('NOT_FOUND', `No daily record for ${request.params.coopId} on ${request.params.date}.`);
      return { today: today(), record };
    },
  );

  app.put(
    '/api/daily-records/:coopId/:date',
    {
      config: { access: 'worker' },
      schema: { tags: ['daily'], summary: 'Save the day’s record (only on that day)', params: DailyRecordParamsSchema, body: DailyRecordBodySchema },
    },
    async (request) => {
      const actor = requireRole(request, options.authenticate, 'worker');
      const { coopId, date } = request.params;
      options.getCoop(coopId);
      const now = options.clock.now();
      if (date !== today()) throw new TokkatotError('CONFLICT', `Only today's record (${today()}) can be saved; ${date} is closed.`);
      const saved = options.transaction(() => {
        const before = options.records.get(coopId, date);
        const record: DailyRecord = { coopId, date, ...request.body, recordedBy: actor.userId, createdAt: before?.createdAt ?? now, updatedAt: now };
        const stored = options.records.upsert(record);
        options.events.append({
          type: 'user_action',
          coopId,
          actorId: actor.userId,
          summary: `${before ? 'updated' : 'recorded'} the daily checklist of ${date}`,
          detail: { kind: 'daily_record', date, mortality: stored.mortality, culls: stored.culls, feedBags: stored.feedBags, waterMeter: stored.waterMeter, note: stored.note },
        });
        // The figures themselves, typed: what the cloud's reports read (the line above is the audit trail).
        options.events.append({
          type: 'daily_record',
          coopId,
          actorId: actor.userId,
          date,
          mortality: stored.mortality,
          culls: stored.culls,
          feedBags: stored.feedBags,
          waterMeter: stored.waterMeter,
          note: stored.note,
        });
        return stored;
      });
      return { today: date, record: saved };
    },
  );
};
