/**
 * Catch-up after an outage: readings waiting in the edge's SQLite outbox are uploaded by the real
 * OutboxUploader (priority batches, gzip) to the real cloud (Fastify + Postgres rollups +
 * VictoriaMetrics through the InfluxDB write API), against a naive baseline in the same run:
 * one reading per request as plain JSON.
 *
 *   npx tsx bench/sync/outbox-catch-up.ts [--readings 200000] [--naive 3000]
 *
 * Uses DATABASE_URL / PG_ADMIN_URL / INFLUX_URL when set; otherwise starts the test services
 * itself (scripts/test-services.sh) and stops them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { encodeReadingBatch } from '@tokkatot/sync';
import { buildApp } from '../../cloud/src/http/app.js';
import { issueEdgeCredential } from '../../cloud/src/http/auth.js';
import { migrate } from '../../cloud/src/db/migrate.js';
import { InfluxReadingSink } from '../../cloud/src/telemetry/influx-reading-sink.js';
import { openSyncDatabase } from '../../edge/src/db/sync/open-sync-database.js';
import { SqliteOutbox } from '../../edge/src/db/sync/sqlite-outbox.js';
import { HttpTransport } from '../../edge/src/sync/http-transport.js';
import { OutboxUploader } from '../../edge/src/sync/outbox-uploader.js';
import { ServerTimeTracker } from '../../edge/src/sync/server-time.js';
import { useTestServices } from '../lib/test-services.js';

const { values } = parseArgs({ options: { readings: { type: 'string', default: '200000' }, naive: { type: 'string', default: '3000' } } });
const TOTAL = Number(values.readings);
const NAIVE = Number(values.naive);
const SENSORS = 20;
const PER_RECORD = 500;
const T0 = Date.UTC(2026, 0, 1);

/** Seeded PRNG (mulberry32), so every run uploads the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A temperature random walk at 10 s with 0.01 °C resolution (DS18B20-class sensors report this
 * finely) and ±50 ms jitter on the capture time: what a coop sensor actually reports.
 */
function* sensorReadings(sensor: number, count: number) {
  const next = random(sensor + 1);
  let value = 28 + sensor / 10;
  for (let i = 0; i < count; i += 1) {
    value = Math.round((value + (next() - 0.5) * 0.2) * 100) / 100;
    yield { sensorId: `temp-${sensor}`, ts: T0 + i * 10_000 + Math.floor(next() * 100) - 50, status: 'ok' as const, value };
  }
}

const svc = useTestServices(['PG_ADMIN_URL', 'INFLUX_URL']);
const adminUrl = svc.env.PG_ADMIN_URL!;
const name = `bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
pool.on('error', () => undefined);
const dir = mkdtempSync(join(tmpdir(), 'tokkatot-bench-'));
const sink = new InfluxReadingSink({ url: svc.env.INFLUX_URL!, token: 'unused', org: 'tokkatot', bucket: 'bench' });
try {
  await migrate(pool);
  const app = await buildApp({ pool, jwtSecret: 'bench-secret-0123456789', readings: sink, commandExpiryIntervalMs: 3_600_000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await app.services.store.ensureFarm('farm-b', 'Bench farm');
  const edges = ['edge-ours', 'edge-naive'].map((id) => ({ id, ...issueEdgeCredential(id) }));
  for (const edge of edges) await pool.query('INSERT INTO edge (id, farm_id, name, token_hash) VALUES ($1, $2, $3, $4)', [edge.id, 'farm-b', edge.id, edge.tokenHash]);

  // Ours: fill the outbox as the edge would during an outage, then time the catch-up.
  const db = openSyncDatabase(join(dir, 'edge.db'));
  const outbox = new SqliteOutbox(db);
  const perSensor = Math.ceil(TOTAL / SENSORS);
  db.transaction(() => {
    for (let s = 0; s < SENSORS; s += 1) {
      const all = [...sensorReadings(s, perSensor)];
      for (let i = 0; i < all.length; i += PER_RECORD) outbox.append('readings', all[i]!.ts, encodeReadingBatch(`temp-${s}`, all.slice(i, i + PER_RECORD)));
    }
  })();
  const readingsQueued = perSensor * SENSORS;
  let wireBytes = 0;
  const transport = new HttpTransport({ baseUrl, token: () => edges[0]!.token, serverTime: new ServerTimeTracker(() => performance.now()) });
  const counting = { ingest: async (batch: Parameters<HttpTransport['ingest']>[0]) => {
    const result = await transport.ingest(batch);
    wireBytes += result.bytes;
    return result;
  } };
  const uploader = new OutboxUploader({ outbox, transport: counting, limits: { maxRecords: 40, maxBytes: 4_000_000 }, now: Date.now, sleep: async () => undefined });
  const started = performance.now();
  const drained = await uploader.drain();
  const oursSeconds = (performance.now() - started) / 1000;
  const landed = Number((await pool.query(`SELECT sum(count) AS n FROM telemetry_rollup WHERE resolution = 'day'`)).rows[0].n);
  if (landed !== readingsQueued || outbox.depth().records !== 0) throw new Error(`lost readings: queued ${readingsQueued}, rolled up ${landed}`);
  db.close();

  // Naive baseline: one reading per request, plain JSON, no compression.
  let naiveBytes = 0;
  const sample = [...sensorReadings(0, NAIVE)];
  const naiveStart = performance.now();
  for (let i = 0; i < sample.length; i += 1) {
    const body = JSON.stringify({ epoch: 'naive-epoch-1', records: [{ stream: 'readings', seq: i + 1, ts: sample[i]!.ts, payload: encodeReadingBatch('naive-0', [sample[i]!]) }] });
    naiveBytes += Buffer.byteLength(body);
    const response = await fetch(`${baseUrl}/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${edges[1]!.token}`, 'content-type': 'application/vnd.tokkatot.outbox+json' }, body });
    if (!response.ok) throw new Error(`naive upload failed: ${response.status}`);
    await response.arrayBuffer();
  }
  const naiveSeconds = (performance.now() - naiveStart) / 1000;
  await app.close();

  const ours = { rate: readingsQueued / oursSeconds, bytes: wireBytes / readingsQueued };
  const naive = { rate: NAIVE / naiveSeconds, bytes: naiveBytes / NAIVE };
  console.log(`catch-up: ${readingsQueued} readings (${SENSORS} sensors, ${PER_RECORD}/record, ${drained.batches} batches) into Postgres rollups + VictoriaMetrics`);
  console.log('| upload | readings | seconds | readings/s | body bytes/reading |');
  console.log('|---|---|---|---|---|');
  console.log(`| outbox batches, gzip (ours) | ${readingsQueued} | ${oursSeconds.toFixed(2)} | ${Math.round(ours.rate)} | ${ours.bytes.toFixed(2)} |`);
  console.log(`| one reading per request, JSON (baseline) | ${NAIVE} | ${naiveSeconds.toFixed(2)} | ${Math.round(naive.rate)} | ${naive.bytes.toFixed(2)} |`);
  console.log(`ratio: ${(ours.rate / naive.rate).toFixed(1)}× the readings/s, ${(naive.bytes / ours.bytes).toFixed(1)}× fewer body bytes per reading`);
  console.log(`targets: ≥ 50,000 readings/s → ${ours.rate >= 50_000 ? 'met' : 'NOT met'}; ≤ 8 bytes/reading → ${ours.bytes <= 8 ? 'met' : 'NOT met'}`);
} finally {
  await sink.close().catch(() => undefined);
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
  svc.stop();
}
