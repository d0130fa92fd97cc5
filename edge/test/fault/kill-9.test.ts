import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdge, databasePath } from '../../src/edge.js';
import { openDatabase } from '../../src/db/index.js';
import { testConfig, tempDir } from '../helpers.js';
import { killHard, spawnEdge, type EdgeProcess } from './edge-process.js';

const ROUNDS = 5;
// Recent timestamps (inside raw retention), 1 ms apart, unique across rounds.
let nextTs = Date.now() - 5 * 86_400_000;
const PASSWORD = 'power cut survivor';

interface Acked {
  readingTs: number[];
  commandIds: string[];
  coopNames: string[];
}

/** Hammers the edge with telemetry, manual commands and configuration changes until it dies. */
async function hammer(url: string, token: string, round: number, acked: Acked, stop: { now: boolean }): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (path: string, method: string, body: unknown): Promise<Response | null> => {
    try {
      return await fetch(`${url}${path}`, { method, headers, body: JSON.stringify(body) });
    } catch {
      return null; // the process died under this request: not acknowledged
    }
  };
  const telemetry = async () => {
    while (!stop.now) {
      const readings = Array.from({ length: 500 }, (_, i) => ({ sensorId: 'temp-1', ts: nextTs++, status: 'ok', value: 20 + (i % 10) }));
      const response = await call('/api/readings', 'POST', { readings });
      if (response?.status === 202) acked.readingTs.push(...readings.map((reading) => reading.ts));
      else if (response) throw new Error(`ingest answered ${response.status}`);
    }
  };
  let commandNo = 0;
  const commands = async () => {
    while (!stop.now) {
      const n = commandNo++;
      const response = await call('/api/outputs/fan-1/manual', 'POST', { state: n % 2 ? 'on' : 'off', reason: `round ${round} command ${n}`, durationSeconds: 600 });
      if (response?.status === 201) acked.commandIds.push(((await response.json()) as { command: { id: string } }).command.id);
      else if (response) throw new Error(`manual answered ${response.status}: ${await response.text()}`);
    }
  };
  let renameNo = 0;
  const config = async () => {
    while (!stop.now) {
      const name = `Coop r${round} n${renameNo++}`;
      const response = await call('/api/coops/coop-1', 'PATCH', { name });
      if (response?.status === 200) acked.coopNames.push(name);
      else if (response) throw new Error(`rename answered ${response.status}`);
    }
  };
  await Promise.all([telemetry(), telemetry(), telemetry(), telemetry(), commands(), config()]);
}

describe('power cut (kill -9 during heavy writes)', () => {
  const dir = tempDir('tokkatot-kill9-');
  let edge: EdgeProcess | undefined;
  beforeAll(async () => {
    // Seed the registry: one coop, one node heard from recently, a fan and a sensor.
    writeFileSync(join(dir.dir, 'tokkatot.json'), JSON.stringify({ nodes: { offlineAfterSeconds: 86_400 }, telemetry: { flushIntervalMs: 25 } }));
    const seed = createEdge({ config: testConfig(dir.dir, { nodes: { offlineAfterSeconds: 86_400 } }), passwordCost: { memoryCost: 4096, timeCost: 1 } });
    seed.registry.createCoop({ id: 'coop-1', name: 'Coop 1' }, null);
    seed.registry.recordHello({ nodeId: 'node-1', transport: 'serial', firmwareVersion: '1.0.0', hardwareRevision: 1 });
    seed.registry.updateNode('node-1', { coopId: 'coop-1' }, null);
    seed.registry.createOutput({ id: 'fan-1', coopId: 'coop-1', nodeId: 'node-1', channel: 0, kind: 'fan', name: 'Fan', activeLow: true, failSafeState: 'on', maxOnSeconds: 3600, dimmable: false, installed: true }, null);
    seed.registry.createSensor({ id: 'temp-1', coopId: 'coop-1', nodeId: 'node-1', channel: 1, kind: 'temperature', unit: 'degC', name: 'T', calibration: { offset: 0, scale: 1 }, samplePeriodSeconds: 10, installed: true }, null);
    await seed.auth.setupOwner({ username: 'owner', displayName: 'Owner', password: PASSWORD });
    seed.database.close();
  });
  afterAll(async () => {
    if (edge) await killHard(edge);
    dir.remove();
  });

  it('keeps the database sound and every acknowledged write, restart after restart', async () => {
    const acked: Acked = { readingTs: [], commandIds: [], coopNames: [] };
    let token = '';
    for (let round = 0; round < ROUNDS; round++) {
      edge = await spawnEdge(dir.dir, { TOKKATOT_CONFIG: join(dir.dir, 'tokkatot.json') });
      if (!token) {
        const login = await fetch(`${edge.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'owner', password: PASSWORD }) });
        token = ((await login.json()) as { accessToken: string }).accessToken;
      }
      const stop = { now: false };
      const load = hammer(edge.url, token, round, acked, stop);
      // Let writes pile up, then cut the power at a different moment each round.
      await new Promise((resolve) => setTimeout(resolve, 600 + round * 300));
      await killHard(edge);
      stop.now = true;
      await load;

      const database = openDatabase(databasePath(dir.dir));
      try {
        expect(database.integrityProblems()).toEqual([]);
        const stored = new Set((database.db.prepare("SELECT ts FROM readings WHERE sensor_id = 'temp-1'").all() as { ts: number }[]).map((row) => row.ts));
        expect(acked.readingTs.filter((ts) => !stored.has(ts))).toEqual([]);
        const commands = new Set((database.db.prepare('SELECT id FROM commands').all() as { id: string }[]).map((row) => row.id));
        expect(acked.commandIds.filter((id) => !commands.has(id))).toEqual([]);
        const summaries = new Set((database.db.prepare("SELECT json_extract(body_json, '$.summary') AS s FROM events WHERE type = 'config_changed'").all() as { s: string }[]).map((row) => row.s));
        expect(acked.coopNames.filter((name) => !summaries.has(`coop "${name}" changed`))).toEqual([]);
        const rollupCount = (database.db.prepare("SELECT COALESCE(SUM(count), 0) AS n FROM rollups WHERE resolution = 'minute'").get() as { n: number }).n;
        expect(rollupCount).toBe(stored.size);
      } finally {
        database.close();
      }
    }
    // The run must really have been heavy, or it proves nothing.
    expect(acked.readingTs.length).toBeGreaterThan(ROUNDS * 1000);
    expect(acked.commandIds.length).toBeGreaterThan(ROUNDS * 5);
    expect(acked.coopNames.length).toBeGreaterThan(ROUNDS * 5);
  }, 120_000);
});
