import type { ClimateRule, Flock, Schedule } from '@tokkatot/shared';
import type { FastifyInstance } from 'fastify';
import { DailyRecordsRepository } from '../db/daily/index.js';
import type { Edge } from '../edge.js';
import { alarmSettingsRoutes } from './alarm-settings-routes.js';
import { climateRoutes, type ClimateStore } from './climate-routes.js';
import { coopTargetsRoutes } from './coop-targets-routes.js';
import { dailyRecordsRoutes } from './daily-records-routes.js';
import { schedulesRoutes, type SchedulesStore } from './schedules-routes.js';
import { sirenRoutes } from './siren-routes.js';
import { webappPlugin } from './webapp-plugin.js';

export interface RegisterWebappOptions {
  /** The built app's folder (default edge/ui/dist). */
  root?: string;
  /** The local siren; without one, silencing answers with the state unknown and does nothing. */
  siren?: { silence(): Promise<void>; readonly sounding: boolean };
  /** The automation's schedules (the controller's documents); without it, no schedule routes. */
  schedules?: SchedulesStore & { check?: (schedules: Schedule[]) => string[] };
  /** The automation's climate rules and flocks, for the coops' targets; without it, no target route. */
  climate?: () => { climateRules: ClimateRule[]; flocks: Flock[] };
  /** Editing of the rules, flocks and alarm settings; without it, no climate or alarm-settings routes. */
  climateStore?: ClimateStore;
}

/** Registers the web app, the daily checklist and siren silence on an app, wired to an edge's services. */
export async function registerWebapp(app: FastifyInstance, edge: Edge, options: RegisterWebappOptions = {}): Promise<void> {
  const authenticate = (token: string) => edge.auth.authenticate(token);
  await app.register(dailyRecordsRoutes, {
    records: new DailyRecordsRepository(edge.database.db),
    transaction: (fn) => edge.database.transaction(fn),
    events: edge.events,
    clock: edge.clock,
    timezone: () => edge.registry.farm().timezone,
    getCoop: (coopId) => edge.registry.getCoop(coopId),
    authenticate,
  });
  const siren = options.siren;
  await app.register(sirenRoutes, {
    silenceSiren: siren ? () => siren.silence() : async () => {},
    ...(siren ? { isSounding: () => siren.sounding } : {}),
    events: edge.events,
    authenticate,
  });
  if (options.schedules) {
    await app.register(schedulesRoutes, {
      store: options.schedules,
      transaction: (fn) => edge.database.transaction(fn),
      events: edge.events,
      clock: edge.clock,
      stamp: () => edge.hlc.tick(),
      farmId: () => edge.registry.farm().id,
      getOutput: (outputId) => edge.registry.getOutput(outputId),
      authenticate,
      ...(options.schedules.check ? { check: options.schedules.check } : {}),
    });
  }
  if (options.climate) {
    await app.register(coopTargetsRoutes, { climate: options.climate, clock: edge.clock, timezone: () => edge.registry.farm().timezone, authenticate });
  }
  if (options.climateStore) {
    await app.register(climateRoutes, {
      store: options.climateStore,
      transaction: (fn) => edge.database.transaction(fn),
      events: edge.events,
      clock: edge.clock,
      stamp: () => edge.hlc.tick(),
      farmId: () => edge.registry.farm().id,
      getCoop: (coopId) => edge.registry.getCoop(coopId),
      listOutputs: () => edge.registry.listOutputs(),
      authenticate,
    });
    await app.register(alarmSettingsRoutes, {
      store: options.climateStore,
      transaction: (fn) => edge.database.transaction(fn),
      events: edge.events,
      timezone: () => edge.registry.farm().timezone,
      authenticate,
    });
  }
  await app.register(webappPlugin, options.root ? { root: options.root } : {});
}
