/**
 * Two cloud processes (`cloud/src/main.ts`, as the three replicas run) on different ports,
 * sharing one PostgreSQL database and one Redis: live changes cross instances through Postgres
 * NOTIFY, and the per-IP rate limit is one counter in Redis, not one per replica.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, TEST_PASSWORD, type TestAccount } from '../support/accounts.js';
import { buildTestApp, createFarm, JWT_SECRET } from '../support/cloud-fixture.js';
import { CloudProcess, freePort } from '../support/cloud-process.js';
import { createTestDatabase, services } from '../support/test-database.js';
import { launchChromium, newPage, PHONE } from '../dashboard/support/browser.js';
import { buildDashboardInto } from '../dashboard/support/build-dashboard.js';
import { configureFarm, EdgeOutbox, type EdgeLink } from '../dashboard/support/seed-farms.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let built: ReturnType<typeof buildDashboardInto>;
let one: CloudProcess;
let two: CloudProcess;
let browser: Browser;
let owner: TestAccount;
let viaTwo: EdgeLink;

const url = (instance: CloudProcess) => `http://127.0.0.1:${instance.port}`;

beforeAll(async () => {
  const redisUrl = services().REDIS_URL;
  if (!redisUrl) throw new Error(`redis is unavailable for this test: ${services().REDIS_ERROR ?? 'not started'}`);
  db = await createTestDatabase();
  built = buildDashboardInto();
  // Accounts and the farm are made through an in-process app on the same database and key.
  const seeder = await buildTestApp(db.pool, { dashboard: false });
  const farm = await createFarm(seeder, db.pool, 'farm-x');
  owner = await createMember(seeder, db.pool, 'farm-x', 'owner', { name: 'Sokha' });
  await seeder.close();
  // The test clients come through loopback "proxies" so each test can use its own client address.
  const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, JWT_SECRET, DASHBOARD_DIR: built.root, TRUST_PROXY: 'loopback' };
  one = new CloudProcess(await freePort(), env);
  two = new CloudProcess(await freePort(), env);
  await Promise.all([one.start(), two.start()]);
  viaTwo = { baseUrl: url(two), farmId: farm.farmId, edgeToken: farm.edgeToken };
  await configureFarm(viaTwo, { coop1: 'Coop X1', coop2: 'Coop X2' });
  await new EdgeOutbox(viaTwo).readings('temp-1', [{ ts: Date.now() - 60_000, value: 29.1 }]);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([one?.stop(), two?.stop()]);
  await db?.drop();
  built?.remove();
});

describe('two cloud instances sharing one Postgres and Redis', () => {
  let context: BrowserContext;
  let page: Page;

  afterAll(async () => {
    await context?.close();
  });

  it('shows a browser connected to one instance a reading ingested through the other', async () => {
    ({ context, page } = await newPage(browser, PHONE));
    await page.goto(url(one));
    await page.fill('#login', owner.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.click('button[type=submit]');
    await page.click('[data-testid=farm-card] a');
    await page.click('[data-testid=coop-card]:has-text("Coop X1") a');
    await expect.poll(() => page.textContent('[data-testid=coop-temperature]'), { timeout: 15_000 }).toMatch(/២៩\.១|29\.1/);
    // Instance one never sees this request: only the NOTIFY on commit can tell its browser.
    await new EdgeOutbox(viaTwo).readings('temp-1', [{ ts: Date.now(), value: 34.7 }]);
    await expect.poll(() => page.textContent('[data-testid=coop-temperature]'), { timeout: 15_000 }).toMatch(/៣៤\.៧|34\.7/);
  });

  it('holds one per-IP limit of 1000 requests a minute across both instances', async () => {
    const address = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    const get = (instance: CloudProcess) => fetch(`${url(instance)}/v1/me`, { headers: { 'x-forwarded-for': address } }).then(async (response) => ({ status: response.status, body: await response.text() }));
    const statuses: number[] = [];
    // 1000 requests split evenly, ten at a time; each instance alone would allow all of them.
    for (let i = 0; i < 1000; i += 10) {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, j) => get((i + j) % 2 === 0 ? one : two)));
      statuses.push(...answers.map((answer) => answer.status));
    }
    expect(statuses.filter((status) => status === 429)).toHaveLength(0);
    const [past1, past2] = [await get(one), await get(two)];
    expect(past1.status).toBe(429);
    expect(past2.status).toBe(429);
    expect(JSON.parse(past2.body)).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // Another address is not affected.
    const other = await fetch(`${url(one)}/v1/me`, { headers: { 'x-forwarded-for': '192.0.2.77' } });
    expect(other.status).toBe(401);
  });
});
