import type { AlarmState, EventType } from '@tokkatot/shared';
import { structureAlarmMessage } from '../../automation/reason-structure.js';
import type { Edge } from '../../edge.js';
import { AlarmsQuerySchema, EventsQuerySchema, IdParamsSchema } from '../schemas.js';
import { actorOf, type ZodApp } from './types.js';

/** The event log (newest first, paged by seq) and alarms with acknowledgement. */
export function registerEventRoutes(app: ZodApp, edge: Edge): void {
  app.get('/api/events', { config: { access: 'viewer' }, schema: { tags: ['events'], summary: 'Query the event log', querystring: EventsQuerySchema } }, async (request) => {
    const { type, coopId, from, to, before, after, limit } = request.query;
    const events = edge.events.query({
      ...(type ? { types: type.split(',') as EventType[] } : {}),
      ...(coopId === undefined ? {} : { coopId }),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(before === undefined ? {} : { beforeSeq: before }),
      ...(after === undefined ? {} : { afterSeq: after }),
      limit,
    });
    return { events: events.map((stored) => ({ seq: stored.seq, ...stored.event })), next: events.length === limit ? events.at(-1)!.seq : null };
  });

  app.get('/api/alarms', { config: { access: 'viewer' }, schema: { tags: ['alarms'], summary: 'Alarms, newest first', querystring: AlarmsQuerySchema } }, async (request) => {
    const { state, coopId, limit } = request.query;
    return {
      // `why`: the message's structured form, for the app to say in the worker's language.
      alarms: edge.alarms
        .list({ ...(state ? { states: state.split(',') as AlarmState[] } : {}), ...(coopId === undefined ? {} : { coopId }), limit })
        .map((alarm) => ({ ...alarm, why: structureAlarmMessage(alarm.message) })),
    };
  });

  app.post(
    '/api/alarms/:id/acknowledge',
    { config: { access: 'worker' }, schema: { tags: ['alarms'], summary: 'Acknowledge a raised alarm', params: IdParamsSchema } },
    async (request) => ({ alarm: edge.alarms.acknowledge(request.params.id, actorOf(request).userId) }),
  );
}
