import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAutomationDocuments, saveAutomationDocuments } from '../../src/control/index.js';
import { makeRule } from '../automation/fixtures.js';
import { signInAllRoles } from '../helpers.js';
import { seedFarm } from '../ui/support/seed-farm.js';
import { serveEdge, type ServedEdge } from './support/serve-edge.js';

const FLOCK = { coopId: 'coop-1', name: 'Batch 8', placedOn: '2026-05-18', birdsPlaced: 2000, breed: 'Ross 308', houseMode: 'growing', targetCurve: [{ day: 0, temperatureC: 33 }, { day: 21, temperatureC: 25 }] };

describe('climateRoutes', () => {
  let served: ServedEdge;
  let tokens: Awaited<ReturnType<typeof signInAllRoles>>;
  const send = (method: 'PATCH' | 'PUT', url: string, token: string, payload: unknown) =>
    served.web.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });
  const documents = () => loadAutomationDocuments(served.test.edge.repositories.meta);

  beforeAll(async () => {
    served = await serveEdge({ automation: true });
    tokens = await signInAllRoles(served.test);
    await seedFarm(served);
    const meta = served.test.edge.repositories.meta;
    saveAutomationDocuments(meta, { ...loadAutomationDocuments(meta), climateRules: [makeRule({ fanStages: [{ outputId: 'fan-1', onAboveC: 0 }] })] });
  });
  afterAll(async () => {
    await served.close();
  });

  it('changes a rule’s band for a manager and logs the change', async () => {
    const response = await send('PATCH', '/api/climate-rules/rule-1', tokens.manager, { bandLowC: 26, bandHighC: 30 });
    expect(response.statusCode).toBe(200);
    expect(documents().climateRules[0]).toMatchObject({ bandLowC: 26, bandHighC: 30, fanStages: [{ outputId: 'fan-1' }] });
    expect(served.test.edge.events.query({ types: ['config_changed'] })[0]?.event).toMatchObject({ summary: 'changed climate rule "cooling"' });
    const targets = await served.web.inject({ url: '/api/coop-targets', headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(targets.json().targets).toMatchObject([{ coopId: 'coop-1', lowC: 26, highC: 30 }]);
  });

  it('places a flock, which a curve rule then follows', async () => {
    expect((await send('PUT', '/api/flocks/batch-8', tokens.manager, FLOCK)).statusCode).toBe(200);
    expect((await send('PATCH', '/api/climate-rules/rule-1', tokens.manager, { target: 'curve' })).statusCode).toBe(200);
    expect(documents().flocks).toMatchObject([{ id: 'batch-8', coopId: 'coop-1' }]);
    const targets = await served.web.inject({ url: '/api/coop-targets', headers: { authorization: `Bearer ${tokens.worker}` } });
    // Day 14 of a 33 → 25 °C curve over 21 days, with the rule's 4 °C band around it.
    expect(targets.json().targets[0]).toMatchObject({ growthDay: 14 });
    expect(targets.json().targets[0].highC - targets.json().targets[0].lowC).toBeCloseTo(4);
  });

  it('refuses workers, and bands or flocks that make no sense, keeping what was stored', async () => {
    expect((await send('PATCH', '/api/climate-rules/rule-1', tokens.worker, { bandLowC: 20 })).statusCode).toBe(403);
    const bad: Array<[string, string, unknown, number]> = [
      ['PATCH', '/api/climate-rules/rule-1', { bandLowC: 31, bandHighC: 29 }, 400],
      ['PATCH', '/api/climate-rules/rule-1', { bandLowC: 99 }, 400],
      ['PATCH', '/api/climate-rules/rule-1', { name: 'renamed' }, 400],
      ['PATCH', '/api/climate-rules/rule-1', {}, 400],
      ['PATCH', '/api/climate-rules/nope', { bandLowC: 20 }, 404],
      ['PUT', '/api/flocks/batch-9', { ...FLOCK, placedOn: '2026-02-30' }, 400],
      ['PUT', '/api/flocks/batch-9', { ...FLOCK, birdsPlaced: 0 }, 400],
      ['PUT', '/api/flocks/batch-9', { ...FLOCK, coopId: 'coop-9' }, 404],
      ['PUT', '/api/flocks/batch-9', { ...FLOCK, id: 'x' }, 400],
    ];
    for (const [method, url, payload, status] of bad) expect((await send(method as 'PUT', url, tokens.manager, payload)).statusCode, `${url} ${JSON.stringify(payload)}`).toBe(status);
    expect(documents().climateRules[0]).toMatchObject({ bandLowC: 26, bandHighC: 30 });
    expect(documents().flocks).toHaveLength(1);
  });

  it('changes stages, minimum ventilation and the humidity limit, refusing outputs that cannot do the job', async () => {
    const patch = {
      fanStages: [{ outputId: 'fan-1', onAboveC: 1.5 }],
      heaterStages: [{ outputId: 'heater-1', onBelowC: 0.5 }],
      minimumVentilation: { outputIds: ['fan-1'], cycleSeconds: 300, minOnPercent: 10, maxOnPercent: 50, rampSpanC: 3 },
      humidityMaxPercent: 80,
    };
    expect((await send('PATCH', '/api/climate-rules/rule-1', tokens.manager, patch)).statusCode).toBe(200);
    expect(documents().climateRules[0]).toMatchObject(patch);
    const refused: Array<[unknown, number, string]> = [
      [{ fanStages: [{ outputId: 'feeder-1', onAboveC: 1 }] }, 422, 'AUTOMATION_CONFIG_INVALID'],
      [{ heaterStages: [{ outputId: 'ghost', onBelowC: 1 }] }, 422, 'AUTOMATION_CONFIG_INVALID'],
      [{ fanStages: [{ outputId: 'fan-1', onAboveC: 1 }, { outputId: 'fan-1', onAboveC: 2 }] }, 422, 'AUTOMATION_CONFIG_INVALID'],
      [{ minimumVentilation: { ...patch.minimumVentilation, minOnPercent: 60 } }, 400, 'VALIDATION_FAILED'],
      [{ fanStages: [{ outputId: 'fan-1', onAboveC: 25 }] }, 400, 'VALIDATION_FAILED'],
      [{ humidityMaxPercent: 10 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of refused) {
      const response = await send('PATCH', '/api/climate-rules/rule-1', tokens.manager, payload);
      expect([response.statusCode, response.json().error.code], JSON.stringify(payload)).toEqual([status, code]);
    }
    expect(documents().climateRules[0]).toMatchObject(patch);
  });

  it('moves the bend points of a flock’s curve and refuses a curve out of order', async () => {
    const curve = [{ day: -1, temperatureC: 34 }, { day: 0, temperatureC: 33 }, { day: 10, temperatureC: 29 }, { day: 28, temperatureC: 22 }];
    expect((await send('PUT', '/api/flocks/batch-8', tokens.manager, { ...FLOCK, targetCurve: curve })).statusCode).toBe(200);
    expect(documents().flocks[0]!.targetCurve).toEqual(curve);
    const unordered = await send('PUT', '/api/flocks/batch-8', tokens.manager, { ...FLOCK, targetCurve: [{ day: 5, temperatureC: 30 }, { day: 5, temperatureC: 29 }] });
    expect(unordered.statusCode).toBe(400);
    expect(unordered.json().error.details).toEqual([expect.objectContaining({ path: 'targetCurve' })]);
    expect(documents().flocks[0]!.targetCurve).toEqual(curve);
  });
});
