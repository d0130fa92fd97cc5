import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerWebapp } from '../../../src/webapp/index.js';
import { startTestEdge, type TestEdge } from '../../helpers.js';
import { startAutomation } from './automation-harness.js';

/** A siren that remembers being silenced, standing in for the Pi's GPIO relay. */
export class RecordingSiren {
  sounding = true;
  silenced = 0;
  async silence(): Promise<void> {
    this.silenced += 1;
    this.sounding = false;
  }
}

export interface ServedEdge {
  test: TestEdge;
  web: FastifyInstance;
  siren: RecordingSiren;
  /** The automation engine on the manual clock, when asked for. */
  automation: ReturnType<typeof startAutomation> | null;
  url: string;
  close: () => Promise<void>;
}

const OURS = ['/api/daily-records', '/api/siren', '/api/schedules', '/api/coop-targets', '/api/climate', '/api/flocks', '/api/alarm-settings'];

/**
 * The real core app and the web-app plugins behind one 127.0.0.1 port, as the lead will register
 * them in one app (the core's buildApp is already booted, so the plugins get their own instance
 * and requests are dispatched by path to the core's router or to ours).
 */
export async function serveEdge(options: { root?: string; overrides?: Record<string, unknown>; automation?: boolean } = {}): Promise<ServedEdge> {
  const test = await startTestEdge(options.overrides ?? {});
  const siren = new RecordingSiren();
  const web = Fastify({ logger: false, forceCloseConnections: true, exposeHeadRoutes: false });
  const automation = options.automation ? startAutomation(test.edge, test.clock) : null;
  await registerWebapp(web, test.edge, { siren, ...(options.root ? { root: options.root } : {}), ...(automation ? { schedules: automation.schedules, climate: automation.climate, climateStore: automation.climateStore } : {}) });
  await web.ready();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const core = !OURS.some((prefix) => path.startsWith(prefix)) && (path.startsWith('/api/') || ['/health', '/ready', '/metrics'].includes(path));
    (core ? test.app : web).routing(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    test,
    web,
    siren,
    automation,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await web.close();
      automation?.stop();
      await test.close();
    },
  };
}
