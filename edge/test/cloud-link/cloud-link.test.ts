import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ALARM_SETTINGS } from '../../src/automation/alarm-conditions.js';
import { AutomationEngine } from '../../src/automation/automation-engine.js';
import { systemClock } from '../../src/clock.js';
import { CloudLink } from '../../src/cloud-link/index.js';
import { FakeOutputDriver } from '../../src/commands/output-driver.js';
import { AutomationBridge, createSystemControllerClock, loadAutomationDocuments, saveAutomationDocuments } from '../../src/control/index.js';
import { SqliteAutomationStore } from '../../src/db/automation/sqlite-automation-store.js';
import { createEdge } from '../../src/edge.js';
import { buildApp } from '../../src/http/app.js';
import { webappOptionsFor } from '../../src/webapp-wiring.js';
import { makeRule } from '../automation/fixtures.js';
import { seedCoop, signInAllRoles, tempDir, testConfig, type TestEdge } from '../helpers.js';
import { startCloudChild, type CloudChild } from './support/cloud-child.js';

const FARM = 'farm-cloud-1';

/** An edge on the real clock (commands are checked against the cloud's time) with a cloud link. */
async function startLinkedEdge(cloudUrl: string, dir = tempDir()): Promise<TestEdge & { link: CloudLink }> {
  const driver = new FakeOutputDriver();
  const edge = createEdge({ config: testConfig(dir.dir), clock: systemClock, driver, passwordCost: { memoryCost: 4096, timeCost: 1 } });
  const link = new CloudLink(edge, { url: cloudUrl, readingsIntervalMs: 50, periodicSyncMs: 200, pairingPollMs: 50, configImportMs: 50 });
  // The LAN web app's routes as on a Pi, for reading the automation documents through the edge API.
  const app = await buildApp(edge, { cloudLink: link, webapp: webappOptionsFor(edge, () => null) });
  await edge.start();
  link.start();
  return {
    edge,
    app,
    link,
    clock: undefined as never,
    driver,
    dir: dir.dir,
    close: async () => {
      await app.close();
      await link.stop();
      await edge.stop();
      dir.remove();
    },
  };
}

describe('CloudLink against the real cloud', () => {
  let cloud: CloudChild;
  let ownerToken: string;
  let test: TestEdge & { link: CloudLink };
  let tokens: Awaited<ReturnType<typeof signInAllRoles>>;

  beforeAll(async () => {
    cloud = await startCloudChild();
    ownerToken = await cloud.createFarm(FARM);
    test = await startLinkedEdge(cloud.url);
    tokens = await signInAllRoles(test);
  }, 30_000);

  afterAll(async () => {
    await test?.close();
    await cloud?.close();
  });

  const cloudCount = async (sql: string, params: unknown[]): Promise<number> => Number((await cloud.pool.query<{ n: string }>(sql, params)).rows[0]!.n);

  it('pairs through the LAN API: claim code, the owner enters it in the cloud, the credential is stored once and sync starts', async () => {
    const before = await test.app.inject({ method: 'GET', url: '/api/sync/status', headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(before.json()).toMatchObject({ state: 'not_paired', pairing: { state: 'idle' } });
    const forbidden = await test.app.inject({ method: 'POST', url: '/api/pairing/claim', headers: { authorization: `Bearer ${tokens.manager}` }, payload: {} });
    expect(forbidden.statusCode).toBe(403);

    const claim = await test.app.inject({ method: 'POST', url: '/api/pairing/claim', headers: { authorization: `Bearer ${tokens.owner}` }, payload: { edgeName: 'Barn Pi' } });
    expect(claim.statusCode).toBe(200);
    const { claimCode } = claim.json<{ state: string; claimCode: string }>();
    expect(claim.json()).toMatchObject({ state: 'waiting' });
    const again = await test.app.inject({ method: 'POST', url: '/api/pairing/claim', headers: { authorization: `Bearer ${tokens.owner}` } });
    expect(again.json()).toMatchObject({ state: 'waiting', claimCode });

    const claimed = await fetch(`${cloud.url}/v1/pairing/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` },
      body: JSON.stringify({ claimCode }),
    });
    expect(claimed.status).toBe(200);

    await vi.waitFor(() => expect(test.link.pairingState()).toMatchObject({ state: 'paired', farmId: FARM }), { timeout: 10_000, interval: 50 });
    const credential = test.link.pairing.credential()!;
    expect(await cloudCount("SELECT count(*) AS n FROM edge WHERE farm_id = $1 AND name = 'Barn Pi'", [FARM])).toBe(1);
    // Collected once: a further poll answers from the stored credential, the cloud has nothing left to hand out.
    expect(await test.link.pollPairing()).toMatchObject({ state: 'paired', edgeId: credential.edgeId });
    expect(await cloudCount('SELECT count(*) AS n FROM edge_pairing WHERE credential IS NOT NULL', [])).toBe(0);

    const pairing = await test.app.inject({ method: 'GET', url: '/api/pairing', headers: { authorization: `Bearer ${tokens.owner}` } });
    expect(pairing.json()).toEqual({ state: 'paired', farmId: FARM, edgeId: credential.edgeId });
    await vi.waitFor(
      async () => {
        const status = await test.app.inject({ method: 'GET', url: '/api/sync/status', headers: { authorization: `Bearer ${tokens.viewer}` } });
        expect(status.json()).toMatchObject({ state: 'idle', farmId: FARM, currentError: null, queueDepth: 0 });
        expect(status.json<{ lastSuccessAt: number | null }>().lastSuccessAt).not.toBeNull();
      },
      { timeout: 10_000, interval: 50 },
    );
  });

  it('uploads events and raw readings made on the edge exactly once, also after the link restarts', async () => {
    const { sensorId } = seedCoop(test);
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    // 3 minutes of 10-second readings = 18 readings, one failed.
    const readings = Array.from({ length: 18 }, (_, index) =>
      index === 5 ? { sensorId, ts: base + index * 10_000, status: 'failed', failure: 'no_response' } : { sensorId, ts: base + index * 10_000, status: 'ok', value: 20 + index / 10 },
    );
    await test.edge.telemetry.ingest(readings);
    test.edge.telemetry.flush();
    const localEvents = test.edge.events.query({ limit: 1000 }).map((stored) => stored.event.id);
    expect(localEvents.length).toBeGreaterThan(0);

    const expectCloudHasAll = async () => {
      expect(await cloudCount('SELECT count(*) AS n FROM farm_event WHERE farm_id = $1 AND id = ANY($2)', [FARM, localEvents])).toBe(localEvents.length);
      expect(await cloudCount("SELECT COALESCE(sum(count + failed_count), 0) AS n FROM telemetry_rollup WHERE farm_id = $1 AND sensor_id = $2 AND resolution = 'minute'", [FARM, sensorId])).toBe(18);
    };
    await vi.waitFor(expectCloudHasAll, { timeout: 15_000, interval: 100 });
    // One record per sensor per minute, not one per reading.
    expect(await cloudCount("SELECT count(*) AS n FROM ingest_record WHERE farm_id = $1 AND stream = 'readings'", [FARM])).toBe(3);

    // A restarted link resumes from its cursors: nothing is queued or counted a second time.
    await test.link.stop();
    const restarted = new CloudLink(test.edge, { url: cloud.url, readingsIntervalMs: 50, periodicSyncMs: 200 });
    restarted.start();
    try {
      await restarted.client()!.syncNow();
      expect(restarted.status()).toMatchObject({ queueDepth: 0 });
      await expectCloudHasAll();
      expect(await cloudCount("SELECT count(*) AS n FROM ingest_record WHERE farm_id = $1 AND stream = 'readings'", [FARM])).toBe(3);
    } finally {
      await restarted.stop();
      test.link.start();
    }
  });

  it('replicates registry configuration edited on the edge to the cloud under the cloud farm id', async () => {
    const cloudDoc = async (collection: string, id: string) =>
      (await cloud.pool.query<{ body: Record<string, unknown> }>('SELECT body FROM sync_doc WHERE farm_id = $1 AND collection = $2 AND id = $3 AND NOT deleted', [FARM, collection, id])).rows[0]?.body;
    await vi.waitFor(
      async () => {
        expect(await cloudDoc('coops', 'coop-1')).toMatchObject({ name: 'Coop 1', farmId: FARM });
        expect(await cloudDoc('outputs', 'fan-1')).toMatchObject({ name: 'Fan 1', maxOnSeconds: 3600, farmId: FARM });
        expect(await cloudDoc('sensors', 'temp-1')).toMatchObject({ name: 'Temp 1', farmId: FARM });
        expect(await cloudDoc('nodes', 'node-1')).toMatchObject({ id: 'node-1', coopId: 'coop-1', farmId: FARM });
      },
      { timeout: 10_000, interval: 100 },
    );
    test.edge.registry.updateOutput('fan-1', { name: 'Tunnel fan' }, null);
    await vi.waitFor(async () => expect(await cloudDoc('outputs', 'fan-1')).toMatchObject({ name: 'Tunnel fan', hlc: test.edge.registry.getOutput('fan-1').hlc }), { timeout: 10_000, interval: 100 });
    await test.link.client()!.syncNow();
    expect(test.link.status()).toMatchObject({ unpushedDocs: 0 });
  });

  it('applies a configuration edit made in the cloud to the registry, audited, and converges', async () => {
    const current = (await cloud.pool.query<{ body: Record<string, unknown> }>("SELECT body FROM sync_doc WHERE farm_id = $1 AND collection = 'coops' AND id = 'coop-1'", [FARM])).rows[0]!.body;
    const wall = Date.now() + 1000;
    const edited = { ...current, name: 'Coop North', hlc: `${String(wall).padStart(15, '0')}:00000:web-owner`, updatedAt: wall, _deleted: false };
    const pushed = await fetch(`${cloud.url}/v1/sync/coops/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` },
      body: JSON.stringify([{ newDocumentState: edited, assumedMasterState: { ...current, _deleted: false } }]),
    });
    expect(pushed.status).toBe(200);
    expect(await pushed.json()).toEqual([]);
    await vi.waitFor(() => expect(test.edge.registry.getCoop('coop-1').name).toBe('Coop North'), { timeout: 10_000, interval: 50 });
    const audit = test.edge.events.query({ types: ['config_changed'], coopId: 'coop-1', limit: 1 })[0];
    expect(audit?.event).toMatchObject({ type: 'config_changed', summary: 'coop "Coop North" changed' });
    // The edge's restamped copy goes back once; then both sides hold the same document.
    await vi.waitFor(
      async () => {
        await test.link.client()!.syncNow();
        const body = (await cloud.pool.query<{ body: Record<string, unknown> }>("SELECT body FROM sync_doc WHERE farm_id = $1 AND collection = 'coops' AND id = 'coop-1'", [FARM])).rows[0]!.body;
        expect(body).toMatchObject({ name: 'Coop North', hlc: test.edge.registry.getCoop('coop-1').hlc });
        expect(test.link.status()).toMatchObject({ unpushedDocs: 0 });
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('applies a climate rule whose band was changed in the cloud to the automation, which then runs the new band', async () => {
    const { edge } = test;
    const meta = edge.repositories.meta;
    // The controller's automation over this edge, without devices (main.ts starts it the same way).
    const bridge = new AutomationBridge({ edge, documents: () => loadAutomationDocuments(meta) });
    const engine = new AutomationEngine(bridge.buildConfig(), createSystemControllerClock(), new SqliteAutomationStore(edge.database.db), { set: () => undefined }, bridge.listeners);
    engine.start();
    bridge.start(engine);
    try {
      // An installer's rule on the edge: band 28–32 °C, fan 1 as the first stage.
      edge.database.transaction(() => {
        const rule = makeRule({ farmId: edge.registry.farm().id, heaterStages: [], fanStages: [{ outputId: 'fan-1', onAboveC: 0 }], minOnSeconds: 0, minOffSeconds: 0, hlc: edge.hlc.tick(), updatedAt: Date.now() });
        saveAutomationDocuments(meta, { ...loadAutomationDocuments(meta), climateRules: [rule] });
        edge.events.append({ type: 'config_changed', coopId: 'coop-1', actorId: null, summary: 'installed climate rule "cooling"', detail: { kind: 'climate_rule', ruleId: rule.id } });
      });
      const cloudRule = async () =>
        (await cloud.pool.query<{ body: Record<string, unknown> }>("SELECT body FROM sync_doc WHERE farm_id = $1 AND collection = 'rules' AND id = 'rule-1'", [FARM])).rows[0]?.body;
      await vi.waitFor(async () => expect(await cloudRule()).toMatchObject({ farmId: FARM, bandLowC: 28, bandHighC: 32 }), { timeout: 10_000, interval: 100 });

      const feel = (celsius: number) => {
        engine.reportNodeSeen('node-1', Date.now());
        engine.ingestReading({ sensorId: 'temp-1', ts: Date.now(), status: 'ok', value: celsius });
      };
      feel(30);
      await vi.waitFor(() => expect(engine.explain('fan-1')).toMatchObject({ state: 'off', source: 'climate' }), { timeout: 5_000, interval: 50 });

      // The owner lowers the band in the dashboard: a push to the cloud, as RxDB does it.
      const current = (await cloudRule())!;
      const wall = Date.now() + 1000;
      const edited = { ...current, bandLowC: 24, bandHighC: 27, hlc: `${String(wall).padStart(15, '0')}:00000:web-owner`, updatedAt: wall, _deleted: false };
      const pushed = await fetch(`${cloud.url}/v1/sync/rules/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` },
        body: JSON.stringify([{ newDocumentState: edited, assumedMasterState: { ...current, _deleted: false } }]),
      });
      expect(pushed.status).toBe(200);
      expect(await pushed.json()).toEqual([]);

      // The edge pulls it, applies it through the automation's checks, and the engine rebuilds with it.
      await vi.waitFor(
        async () => {
          const climate = await test.app.inject({ method: 'GET', url: '/api/climate', headers: { authorization: `Bearer ${tokens.viewer}` } });
          expect(climate.json<{ climateRules: unknown[] }>().climateRules).toEqual([expect.objectContaining({ id: 'rule-1', bandLowC: 24, bandHighC: 27, hlc: edited.hlc })]);
        },
        { timeout: 10_000, interval: 50 },
      );
      const audit = edge.events.query({ types: ['config_changed'], coopId: 'coop-1', limit: 1 })[0];
      expect(audit?.event).toMatchObject({ actorId: null, summary: 'changed climate rule "cooling" from the cloud' });
      feel(30);
      await vi.waitFor(() => expect(engine.explain('fan-1')).toMatchObject({ state: 'on', source: 'climate' }), { timeout: 5_000, interval: 50 });
      expect(engine.explain('fan-1')?.reason).toContain('27');

      // Both sides hold the same rule; nothing is pushed back.
      await test.link.client()!.syncNow();
      expect(await cloudRule()).toEqual(expect.objectContaining({ bandLowC: 24, bandHighC: 27, hlc: edited.hlc }));
      expect(test.link.status()).toMatchObject({ unpushedDocs: 0 });
    } finally {
      bridge.stop();
      engine.stop();
    }
  }, 30_000);

  it('replicates the alarm settings both ways: a LAN edit goes up, a change in the cloud applies and the alarms use its limit', async () => {
    const { edge } = test;
    const meta = edge.repositories.meta;
    const bridge = new AutomationBridge({ edge, documents: () => loadAutomationDocuments(meta) });
    const engine = new AutomationEngine(bridge.buildConfig(), createSystemControllerClock(), new SqliteAutomationStore(edge.database.db), { set: () => undefined }, bridge.listeners);
    engine.start();
    bridge.start(engine);
    try {
      const cloudSettings = async () =>
        (await cloud.pool.query<{ body: Record<string, unknown> }>("SELECT body FROM sync_doc WHERE farm_id = $1 AND collection = 'alarm_settings' AND id = $1 AND NOT deleted", [FARM])).rows[0]?.body;
      // Written once at start: the defaults the edge runs with, so the dashboard can show them.
      await vi.waitFor(async () => expect(await cloudSettings()).toMatchObject({ ...DEFAULT_ALARM_SETTINGS, farmId: FARM }), { timeout: 10_000, interval: 100 });

      // A manager on the LAN removes the temperature delay.
      const lan = await test.app.inject({ method: 'PUT', url: '/api/alarm-settings', headers: { authorization: `Bearer ${tokens.manager}` }, payload: { ...DEFAULT_ALARM_SETTINGS, temperatureDelaySeconds: 0 } });
      expect(lan.statusCode, lan.body).toBe(200);
      await vi.waitFor(async () => expect(await cloudSettings()).toMatchObject({ temperatureDelaySeconds: 0, temperatureHighC: 36, hlc: expect.stringMatching(/:edge-/) }), { timeout: 10_000, interval: 100 });

      const feel = (celsius: number) => {
        engine.reportNodeSeen('node-1', Date.now());
        engine.ingestReading({ sensorId: 'temp-1', ts: Date.now(), status: 'ok', value: celsius });
      };
      const hot = () => engine.getActiveAlarms().filter((track) => track.kind === 'temperature_high' && track.coopId === 'coop-1');
      feel(22);
      await vi.waitFor(() => expect(engine.getCoopEvaluation('coop-1')).toBeDefined(), { timeout: 5_000, interval: 50 });
      expect(hot()).toEqual([]);

      // A manager of the farm's cloud account lowers the high limit in the dashboard.
      const post = async (path: string, body: unknown) =>
        fetch(`${cloud.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const email = 'manager@alarm-settings.test';
      expect((await post('/v1/auth/register', { name: 'manager', email, password: 'alarm-settings-pass', locale: 'en' })).ok).toBe(true);
      // Memberships come from invitations; the row is written directly to keep this test about sync.
      await cloud.pool.query("INSERT INTO membership (farm_id, user_id, role) SELECT $1, id, 'manager' FROM app_user WHERE email = $2", [FARM, email]);
      const { accessToken } = (await (await post('/v1/auth/login', { login: email, password: 'alarm-settings-pass' })).json()) as { accessToken: string };
      const patched = await fetch(`${cloud.url}/v1/farms/${FARM}/alarm-settings`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ temperatureHighC: 20 }),
      });
      expect(patched.status, await patched.clone().text()).toBe(200);
      await vi.waitFor(
        async () => {
          const settings = await test.app.inject({ method: 'GET', url: '/api/alarm-settings', headers: { authorization: `Bearer ${tokens.viewer}` } });
          expect(settings.json<{ settings: Record<string, unknown> }>().settings).toMatchObject({ temperatureHighC: 20, temperatureDelaySeconds: 0 });
        },
        { timeout: 10_000, interval: 50 },
      );
      const audit = edge.events.query({ types: ['config_changed'], limit: 1 })[0];
      expect(audit?.event).toMatchObject({ actorId: null, summary: 'changed alarm settings from the cloud', detail: { kind: 'alarm_settings', source: 'cloud' } });
      await vi.waitFor(
        () => {
          feel(22);
          expect(hot()).toEqual([expect.objectContaining({ alarm: expect.objectContaining({ message: expect.stringContaining('> 20.0 °C') }) })]);
        },
        { timeout: 5_000, interval: 100 },
      );
      // Both sides hold the same settings; nothing is pushed back.
      await test.link.client()!.syncNow();
      expect(test.link.status()).toMatchObject({ unpushedDocs: 0 });
      expect(await cloudSettings()).toMatchObject({ temperatureHighC: 20, hlc: expect.stringMatching(/:cloud-api$/) });
    } finally {
      bridge.stop();
      engine.stop();
    }
  }, 30_000);

  it('acknowledges an alarm on a command from the cloud, once, as the person who sent it', async () => {
    const alarm = test.edge.alarms.raise({ kind: 'temperature_high', severity: 'critical', coopId: 'coop-1', subjectId: null, message: 'Coop 1 at 35 °C' });
    const response = await fetch(`${cloud.url}/v1/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` },
      body: JSON.stringify({ type: 'acknowledge_alarm', targetId: alarm.id, ttlSeconds: 120 }),
    });
    expect(response.status).toBe(201);
    const command = (await response.json()) as { id: string; issuedBy: string };
    await vi.waitFor(() => expect(test.edge.alarms.get(alarm.id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: command.issuedBy }), { timeout: 10_000, interval: 50 });
    await vi.waitFor(
      async () =>
        expect(await cloudCount("SELECT count(*) AS n FROM farm_event WHERE farm_id = $1 AND type = 'command_result' AND body->>'commandId' = $2 AND body->>'outcome' = 'executed'", [FARM, command.id])).toBe(1),
      { timeout: 10_000, interval: 100 },
    );
    // Pulled again on the next passes, decided once: one acknowledgement, one result.
    await test.link.client()!.syncNow();
    await test.link.client()!.syncNow();
    const acknowledged = test.edge.events.query({ types: ['alarm_acknowledged'], limit: 100 }).filter((stored) => (stored.event as { alarmId: string }).alarmId === alarm.id);
    expect(acknowledged.map((stored) => stored.event.actorId)).toEqual([command.issuedBy]);
    expect(await cloudCount("SELECT count(*) AS n FROM farm_event WHERE farm_id = $1 AND type = 'command_result' AND body->>'commandId' = $2", [FARM, command.id])).toBe(1);
  });

  it('runs a cloud command once through the arbiter as a manual override, and never one that expired', async () => {
    const send = async (body: Record<string, unknown>) => {
      const response = await fetch(`${cloud.url}/v1/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string };
    };
    const command = await send({ type: 'output_on', targetId: 'fan-1', durationSeconds: 600, ttlSeconds: 120 });
    await vi.waitFor(() => expect(test.edge.arbiter.decisionOf('fan-1')).toMatchObject({ state: 'on', source: 'manual' }), { timeout: 10_000, interval: 50 });
    const manual = test.edge.arbiter.inputsOf('fan-1').find((item) => item.source === 'manual');
    expect(manual?.input.until).toBeGreaterThan(Date.now() + 500_000);
    await vi.waitFor(
      async () =>
        expect(await cloudCount("SELECT count(*) AS n FROM farm_event WHERE farm_id = $1 AND type = 'command_result' AND body->>'commandId' = $2 AND body->>'outcome' = 'executed'", [FARM, command.id])).toBe(1),
      { timeout: 10_000, interval: 100 },
    );
    // Pulled again on every pass, decided once: still exactly one audit record of it on the edge.
    await test.link.client()!.syncNow();
    const audits = test.edge.events.query({ types: ['user_action'], limit: 1000 }).filter((stored) => (stored.event as { detail?: { cloudCommandId?: string } }).detail?.cloudCommandId === command.id);
    expect(audits).toHaveLength(1);

    // While the link is down, a 5-second command runs out; when the link is back it is reported, never run.
    await test.link.stop();
    const releaseFirst = await send({ type: 'output_auto', targetId: 'fan-1', ttlSeconds: 5 });
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    test.link.start();
    await test.link.client()!.syncNow();
    expect(test.edge.arbiter.decisionOf('fan-1')).toMatchObject({ state: 'on', source: 'manual' });
    const decided = test.edge.database.db.prepare('SELECT outcome FROM sync_command_ledger WHERE id = ?').get(releaseFirst.id) as { outcome: string } | undefined;
    const stored = test.edge.database.db.prepare("SELECT deleted FROM sync_doc WHERE collection = 'commands' AND id = ?").get(releaseFirst.id) as { deleted: number } | undefined;
    // Either the cloud tombstoned it first (never decided) or the edge saw it and reported it expired.
    expect(decided?.outcome === 'expired' || stored?.deleted === 1).toBe(true);
    expect(decided?.outcome).not.toBe('executed');
  }, 30_000);
});
