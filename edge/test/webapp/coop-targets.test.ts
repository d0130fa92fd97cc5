import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCoopTargets, coopTargetsRoutes } from '../../src/webapp/index.js';
import { makeFlock, makeRule } from '../automation/fixtures.js';
import { T0, signInAllRoles, startTestEdge, type TestEdge } from '../helpers.js';

const ZONE = 'Asia/Phnom_Penh';

describe('computeCoopTargets', () => {
  it('gives a fixed rule’s band as set', () => {
    expect(computeCoopTargets({ climateRules: [makeRule()], flocks: [] }, T0, ZONE)).toEqual([{ coopId: 'coop-1', lowC: 28, highC: 32, targetC: null, growthDay: null }]);
  });

  it('centres a curve rule’s band on the flock’s target for today’s growth day', () => {
    // Placed 14 days before T0: halfway between day 7 (30 °C) and day 21 (25 °C).
    const targets = computeCoopTargets({ climateRules: [makeRule({ target: 'curve' })], flocks: [makeFlock({ placedOn: '2026-05-18' })] }, T0, ZONE);
    expect(targets).toEqual([{ coopId: 'coop-1', lowC: 25.5, highC: 29.5, targetC: 27.5, growthDay: 14 }]);
  });

  it('leaves out coops whose rule is switched off', () => {
    expect(computeCoopTargets({ climateRules: [makeRule({ enabled: false })], flocks: [] }, T0, ZONE)).toEqual([]);
  });
});

describe('coopTargetsRoutes', () => {
  let test: TestEdge;
  let web: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof signInAllRoles>>;

  beforeAll(async () => {
    test = await startTestEdge();
    tokens = await signInAllRoles(test);
    web = Fastify({ logger: false });
    await web.register(coopTargetsRoutes, {
      climate: () => ({ climateRules: [makeRule()], flocks: [] }),
      clock: test.clock,
      timezone: () => ZONE,
      authenticate: (token) => test.edge.auth.authenticate(token),
    });
    await web.ready();
  });
  afterAll(async () => {
    await web.close();
    await test.close();
  });

  it('tells any signed-in user the bands, and nobody else', async () => {
    const response = await web.inject({ url: '/api/coop-targets', headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json().targets).toMatchObject([{ coopId: 'coop-1', lowC: 28, highC: 32 }]);
    expect((await web.inject({ url: '/api/coop-targets' })).statusCode).toBe(401);
  });
});
