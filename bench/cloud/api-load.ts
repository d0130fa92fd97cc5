/**
 * Load on the owners' API: 100 farms of data and 1000 concurrent signed-in users asking for
 * the farms overview and a coop's 24-hour history, against the real cloud process
 * (`cloud/src/main.ts`) on PostgreSQL with Redis (rate-limit store and overview cache). The
 * baseline, measured in the same run on the same server and connections, is `/health` (no
 * database, no auth): the floor this machine and Fastify set.
 *
 *   npx tsx bench/cloud/api-load.ts [--farms 100] [--users 1000] [--seconds 20] [--cpu-prof <dir>]
 *
 * Uses PG_ADMIN_URL and REDIS_URL when set; otherwise starts the test services itself
 * (scripts/test-services.sh) and stops them afterwards. The load generator (autocannon) and the
 * server share this machine's cores, so the figures are a floor for a dedicated server.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type pg from 'pg';
import { buildTestApp, JWT_SECRET } from '../../cloud/test/support/cloud-fixture.js';
import { createMember } from '../../cloud/test/support/accounts.js';
import { CloudProcess, freePort } from '../../cloud/test/support/cloud-process.js';
import { buildApiApp, configureFarm, DAY0, minuteReadings, OutboxWriter, postBatch } from '../../cloud/test/api/support/farm-api-fixture.js';
import { createThrowawayDatabase } from '../../cloud/test/support/throwaway-database.js';
import { useTestServices } from '../lib/test-services.js';

const { values } = parseArgs({
  options: { farms: { type: 'string', default: '100' }, users: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '20' }, also: { type: 'string', default: '100' }, 'cpu-prof': { type: 'string' } },
});
const FARMS = Number(values.farms);
const USERS = Number(values.users);
const SECONDS = Number(values.seconds);
/** A second, smaller number of concurrent users, measured in the same run for comparison. */
const ALSO = Number(values.also);
const HOUR = 3_600_000;
const farmIds = Array.from({ length: FARMS }, (_, i) => `farm-${String(i).padStart(3, '0')}`);

/** A temperature that drifts over the day: 24 h of one reading a minute. */
function dayOfTemperatures(seed: number): number[] {
  return Array.from({ length: 24 * 60 }, (_, minute) => Math.round((28 + 3 * Math.sin((minute / 1440) * 2 * Math.PI + seed)) * 100) / 100);
}

/** Farms configured as their edges replicate them, a day of minute readings each, and the users. */
async function seed(pool: pg.Pool): Promise<string[]> {
  const clock = { now: DAY0 };
  const app = await buildApiApp(pool, clock, { dashboard: false });
  try {
    for (const [i, farmId] of farmIds.entries()) {
      const farm = await configureFarm(app, pool, farmId);
      const outbox = new OutboxWriter(farmId);
      const from = DAY0 - 24 * HOUR;
      const batch = outbox.batch([
        outbox.readings('temp-1', minuteReadings(from, dayOfTemperatures(i))),
        outbox.readings('hum-1', minuteReadings(from, dayOfTemperatures(i + 1).map((t) => t * 2))),
        outbox.readings('temp-2', minuteReadings(from, dayOfTemperatures(i + 2))),
      ]);
      await postBatch(app, farm, batch);
    }
  } finally {
    await app.close();
  }
  // Accounts on the real clock: their access tokens must be valid while the load runs.
  const accounts = await buildTestApp(pool, { dashboard: false });
  try {
    // Each user belongs to one farm; every tenth also to two more (an owner of several farms).
    const tokens: string[] = [];
    for (let u = 0; u < USERS; u += 1) {
      const farmId = farmIds[u % FARMS]!;
      const member = await createMember(accounts, pool, farmId, u % 10 === 0 ? 'owner' : 'viewer');
      if (u % 10 === 0) {
        for (const extra of [1, 2]) await pool.query('INSERT INTO membership (farm_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [farmIds[(u + extra) % FARMS], member.userId, 'manager']);
      }
      tokens.push(member.accessToken);
    }
    return tokens;
  } finally {
    await accounts.close();
  }
}

interface Figures {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  statuses: string;
}

/** Each user behind the load balancer has its own address, as on the internet (TRUST_PROXY=loopback). */
function clientAddress(user: number): string {
  return `10.${(user >> 16) & 255}.${(user >> 8) & 255}.${user & 255}`;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs autocannon with one user per connection; p95 from every response time (autocannon's own table has no p95). */
async function load(name: string, url: string, tokens: readonly string[], path: (user: number) => string): Promise<Figures> {
  const times: number[] = [];
  const statuses = new Map<number, number>();
  const warmed = new WeakSet<object>();
  let next = 0;
  const options: autocannon.Options = {
    url,
    connections: tokens.length,
    duration: SECONDS,
    timeout: 30,
    requests: [
      {
        setupRequest: (request: autocannon.Request, context: object) => {
          const state = context as { user?: number };
          state.user ??= next++ % tokens.length;
          return { ...request, method: 'GET', path: path(state.user), headers: { authorization: `Bearer ${tokens[state.user]}`, 'x-forwarded-for': clientAddress(state.user) } };
        },
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', (client, status, _bytes, responseTime) => {
    // A connection's first answer also timed its TCP connect (1000 at once): count steady state only.
    if (!warmed.has(client)) {
      warmed.add(client);
      return;
    }
    times.push(responseTime);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  });
  times.sort((a, b) => a - b);
  return {
    name,
    requests: result.requests.total,
    rps: result.requests.total / SECONDS,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    non2xx: result.non2xx,
    statuses: [...statuses].map(([status, n]) => `${status}×${n}`).join(' '),
  };
}

async function main(): Promise<void> {
  const svc = useTestServices(['PG_ADMIN_URL', 'REDIS_URL']);
  const adminUrl = svc.env.PG_ADMIN_URL ?? svc.env.DATABASE_URL;
  if (!adminUrl || !svc.env.REDIS_URL) throw new Error(`PostgreSQL and Redis are needed: ${svc.env.PG_ERROR ?? ''} ${svc.env.REDIS_ERROR ?? ''}`);
  const database = await createThrowawayDatabase(adminUrl, 8);
  const pool = database.pool;
  let cloud: CloudProcess | undefined;
  try {
    const seeding = performance.now();
    const tokens = await seed(pool);
    console.log(`seeded ${FARMS} farms (3 sensors × 1,440 minute readings each) and ${tokens.length} users in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    const port = await freePort();
    cloud = new CloudProcess(port, { DATABASE_URL: database.url, REDIS_URL: svc.env.REDIS_URL, JWT_SECRET, DATABASE_POOL_SIZE: '20', TRUST_PROXY: 'loopback' }, values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : []);
    await cloud.start();
    const url = `http://127.0.0.1:${port}`;
    const from = DAY0 - 24 * HOUR;
    const rows: Figures[] = [];
    const history = (user: number) => `/v1/farms/${farmIds[user % FARMS]}/history?sensorId=temp-1&from=${from}&to=${DAY0}`;
    for (const [name, path] of [['overview (an owner of 3 farms)', '/v1/farms'], ['history', history(0)]] as const) {
      const answer = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${tokens[0]}`, 'x-forwarded-for': clientAddress(0) } });
      console.log(`${name}: ${answer.status}, ${(await answer.arrayBuffer()).byteLength} bytes of JSON`);
    }
    // Closed loop: every user sends the next request as soon as the answer arrives (saturation).
    for (const users of [tokens, tokens.slice(0, ALSO)]) {
      rows.push(await load(`baseline: GET /health, ${users.length} users`, url, users, () => '/health'));
      rows.push(await load(`GET /v1/farms (overview), ${users.length} users`, url, users, () => '/v1/farms'));
      rows.push(await load(`GET /v1/farms/:farmId/history (24 h, hourly), ${users.length} users`, url, users, history));
    }
    const metrics = await (await fetch(`${url}/metrics`)).text().catch(() => '');
    const hitRatio = /^cache_hit_ratio(?:\{[^}]*\})? ([\d.eE+-]+)$/m.exec(metrics)?.[1];

    console.log(`\nclosed loop, one connection per user, ${SECONDS} s per row, one cloud process with Redis; steady-state answers (each connection's first, which also timed its connect, left out)`);
    console.log('| request | requests | req/s | p50 ms | p95 ms | p99 ms | non-2xx | p95 vs baseline |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [i, row] of rows.entries()) {
      const base = rows[i - (i % 3)]!;
      console.log(`| ${row.name} | ${row.requests} | ${row.rps.toFixed(0)} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.non2xx} | ${row === base ? 'baseline' : `${(row.p95 / Math.max(base.p95, 1)).toFixed(1)}×`} |`);
    }
    for (const row of rows) if (row.non2xx > 0) console.log(`statuses of "${row.name}": ${row.statuses}`);
    console.log(`overview cache hit ratio (cache_hit_ratio): ${hitRatio ?? 'not exported'}`);
    const verdict = (row: Figures) => `${row.name}: p95 ${row.p95.toFixed(0)} ms ${row.p95 < 200 ? 'meets' : 'misses'} the 200 ms target`;
    for (const row of rows) if (!row.name.startsWith('baseline')) console.log(verdict(row));
  } finally {
    await cloud?.stop();
    await database.drop();
    svc.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
