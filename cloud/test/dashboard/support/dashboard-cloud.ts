import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import type { AppDeps } from '../../../src/http/app.js';
import { TEST_PASSWORD, type TestAccount } from '../../support/accounts.js';
import { buildTestApp, createFarm } from '../../support/cloud-fixture.js';
import { createTestDatabase } from '../../support/test-database.js';
import { launchChromium } from './browser.js';
import { ARTIFACTS, buildDashboardInto } from './build-dashboard.js';
import { loadCatalogues } from './catalogues.js';
import type { EdgeLink } from './seed-farms.js';

/**
 * What every dashboard browser test starts from: the real cloud app on a throwaway database,
 * serving a dashboard built for this file alone on 127.0.0.1, and Debian's Chromium.
 */
export interface DashboardCloud {
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  app: FastifyInstance;
  baseUrl: string;
  browser: Browser;
  catalogues: Awaited<ReturnType<typeof loadCatalogues>>;
  /** What the dashboard's build script printed (sizes against the first-screen budget). */
  buildReport: string;
  /** A farm and its edge's credential, as the edge would hold it after pairing. */
  addFarm(farmId: string): Promise<EdgeLink>;
  /** Signs in through the login form and waits for `ready` (the farms list by default). */
  signIn(page: Page, account: TestAccount, ready?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDashboardCloud(deps: Partial<AppDeps> = {}): Promise<DashboardCloud> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const catalogues = await loadCatalogues();
  const db = await createTestDatabase();
  const built = buildDashboardInto();
  let app: FastifyInstance | undefined;
  let browser: Browser;
  let baseUrl: string;
  try {
    app = await buildTestApp(db.pool, { dashboard: { root: built.root }, ...deps });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  } catch (error) {
    await app?.close();
    await db.drop();
    built.remove();
    throw error;
  }
  const ready = app;
  return {
    db,
    app: ready,
    baseUrl,
    browser,
    catalogues,
    buildReport: built.report,
    async addFarm(farmId) {
      const farm = await createFarm(ready, db.pool, farmId);
      return { baseUrl, farmId: farm.farmId, edgeToken: farm.edgeToken };
    },
    async signIn(page, account, ready = '[data-testid=farm-card]') {
      await page.goto(baseUrl);
      await page.fill('#login', account.email);
      await page.fill('#password', TEST_PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForSelector(ready);
    },
    async close() {
      await browser.close();
      await ready.close();
      await db.drop();
      built.remove();
    },
  };
}
