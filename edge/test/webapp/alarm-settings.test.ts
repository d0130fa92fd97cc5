import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_SETTINGS } from '../../src/automation/alarm-conditions.js';
import { loadAutomationDocuments } from '../../src/control/index.js';
import { signInAllRoles } from '../helpers.js';
import { seedFarm } from '../ui/support/seed-farm.js';
import { serveEdge, type ServedEdge } from './support/serve-edge.js';

const SETTINGS = { ...DEFAULT_ALARM_SETTINGS, temperatureHighC: 34, aboveTargetC: 3, test: { cron: '0 9 * * 1', durationSeconds: 30 } };

describe('alarmSettingsRoutes', () => {
  let served: ServedEdge;
  let tokens: Awaited<ReturnType<typeof signInAllRoles>>;
  const put = (token: string, payload: unknown) => served.web.inject({ method: 'PUT', url: '/api/alarm-settings', payload: payload as object, headers: { authorization: `Bearer ${token}` } });
  const stored = () => loadAutomationDocuments(served.test.edge.repositories.meta).alarms;

  beforeAll(async () => {
    served = await serveEdge({ automation: true });
    tokens = await signInAllRoles(served.test);
    await seedFarm(served);
  });
  afterAll(async () => {
    await served.close();
  });

  it('answers the defaults before anything is stored', async () => {
    const response = await served.web.inject({ url: '/api/alarm-settings', headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(response.json()).toEqual({ settings: DEFAULT_ALARM_SETTINGS, defaults: DEFAULT_ALARM_SETTINGS });
  });

  it('stores a manager’s settings, logs the change, and serves them back', async () => {
    expect((await put(tokens.manager, SETTINGS)).statusCode).toBe(200);
    expect(stored()).toEqual(SETTINGS);
    expect(served.test.edge.events.query({ types: ['config_changed'] })[0]?.event).toMatchObject({ summary: 'changed the alarm settings', detail: { kind: 'alarm_settings' } });
    const response = await served.web.inject({ url: '/api/alarm-settings', headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(response.json().settings).toEqual(SETTINGS);
  });

  it('refuses workers and settings that make no sense, keeping what was stored', async () => {
    expect((await put(tokens.worker, SETTINGS)).statusCode).toBe(403);
    const bad: Array<[unknown, number, string]> = [
      [{ ...SETTINGS, temperatureLowC: 35 }, 400, 'temperatureLowC'],
      [{ ...SETTINGS, temperatureHighC: 80 }, 400, 'temperatureHighC'],
      [{ ...SETTINGS, aboveTargetC: 0 }, 400, 'aboveTargetC'],
      [{ ...SETTINGS, waterDelaySeconds: -1 }, 400, 'waterDelaySeconds'],
      [{ ...SETTINGS, extra: 1 }, 400, '(root)'],
      [{ ...SETTINGS, test: { cron: '99 99 * * *', durationSeconds: 30 } }, 422, 'test.cron'],
    ];
    for (const [payload, status, path] of bad) {
      const response = await put(tokens.manager, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json().error.details.map((detail: { path: string }) => detail.path)).toContain(path);
    }
    expect(stored()).toEqual(SETTINGS);
  });
});
