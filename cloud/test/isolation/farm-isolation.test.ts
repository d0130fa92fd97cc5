import type { FastifyInstance, HTTPMethods, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_COLLECTIONS } from '@tokkatot/sync';
import { createAdmin, createMember, farmHeaders, type TestAccount } from '../support/accounts.js';
import { buildTestApp, coopDoc, createFarm, type FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';

/**
 * Farm isolation across the whole API, whichever module registered the route: every route is
 * collected as it is registered, and every one naming a farm in its path is called by a member
 * of farm A with farm B's id. Routes added later are covered without touching this file.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
const routes: Array<{ method: string; url: string }> = [];
let edgeA: FarmFixture;
let edgeB: FarmFixture;
let ownerA: TestAccount;
let ownerB: TestAccount;
let admin: TestAccount;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildTestApp(db.pool, {
    dashboard: false,
    onRoute: (route: RouteOptions) => {
      for (const method of ([] as HTTPMethods[]).concat(route.method)) routes.push({ method, url: route.url });
    },
  });
  edgeA = await createFarm(app, db.pool, 'farm-a');
  edgeB = await createFarm(app, db.pool, 'farm-b');
  ownerA = await createMember(app, db.pool, 'farm-a', 'owner');
  ownerB = await createMember(app, db.pool, 'farm-b', 'owner');
  admin = await createAdmin(app, db.pool);
  // Each farm's edge replicates a few coops, so farm B has data to leak.
  for (const [farm, ids] of [
    [edgeA, ['a1', 'a2']],
    [edgeB, ['b1', 'b2', 'b3']],
  ] as const) {
    const rows = ids.map((id) => ({ newDocumentState: coopDoc(farm.farmId, id, `Coop ${id}`) }));
    const res = await app.inject({ method: 'POST', url: '/v1/sync/coops/push', headers: { authorization: `Bearer ${farm.edgeToken}` }, payload: rows });
    expect(res.json()).toEqual([]);
  }
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

/** Calls a route and reads its answer; a live stream is cut as soon as its status is known. */
async function hit(method: string, url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const controller = new AbortController();
  const withBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method);
  const res = await app.inject({ method: method as HTTPMethods, url, headers, payloadAsStream: true, signal: controller.signal, ...(withBody ? { payload: {} } : {}) });
  if (String(res.headers['content-type']).startsWith('text/event-stream')) {
    controller.abort();
    return { status: res.statusCode, body: '(stream)' };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of res.stream()) chunks.push(chunk as Buffer);
  return { status: res.statusCode, body: Buffer.concat(chunks).toString() };
}

/** The route's path with farmId filled in and every other parameter given a plausible id. */
const fill = (url: string, farmId: string) => url.replace(':farmId', farmId).replace(/:[A-Za-z]+/g, 'probe-1');
const bearer = (account: TestAccount) => ({ authorization: `Bearer ${account.accessToken}` });
const farmRoutes = () => routes.filter((route) => route.url.includes(':farmId') && route.method !== 'OPTIONS');

describe('farm isolation on every farm route', () => {
  it('collects the farm routes of every module', () => {
    const urls = new Set(farmRoutes().map((route) => `${route.method} ${route.url}`));
    for (const known of ['GET /v1/farms/:farmId/members', 'POST /v1/farms/:farmId/invitations', 'PATCH /v1/farms/:farmId/members/:userId', 'DELETE /v1/farms/:farmId/members/:userId', 'GET /v1/farms/:farmId/audit']) {
      expect(urls).toContain(known);
    }
  });

  it("refuses a member of farm A on farm B's id with 403 or 404, never 2xx", async () => {
    const leaks: string[] = [];
    for (const route of farmRoutes()) {
      const { status, body } = await hit(route.method, fill(route.url, 'farm-b'), bearer(ownerA));
      if (status !== 403 && status !== 404) leaks.push(`${route.method} ${route.url} → ${status} ${body.slice(0, 200)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('answers a member differently from an outsider on the same farm (the check is keyed on the path)', async () => {
    const blind: string[] = [];
    // HEAD answers carry no body to tell a missing coop from a hidden farm; its GET is checked.
    for (const route of farmRoutes().filter((r) => r.method !== 'HEAD')) {
      const url = fill(route.url, 'farm-a');
      const member = await hit(route.method, url, bearer(ownerA));
      const outsider = await hit(route.method, url, bearer(ownerB));
      if (member.status === 401 || member.status === 403) blind.push(`${route.method} ${route.url}: the owner got ${member.status}`);
      if (outsider.status !== 403 && outsider.status !== 404) blind.push(`${route.method} ${route.url}: an outsider got ${outsider.status}`);
      if (member.status === outsider.status && member.body === outsider.body) blind.push(`${route.method} ${route.url}: same answer for owner and outsider`);
    }
    expect(blind).toEqual([]);
  });

  it('lets a platform admin change nothing on a farm he is not a member of', async () => {
    const writes: string[] = [];
    for (const route of farmRoutes().filter((r) => !['GET', 'HEAD'].includes(r.method))) {
      const { status } = await hit(route.method, fill(route.url, 'farm-b'), bearer(admin));
      if (status !== 403 && status !== 404) writes.push(`${route.method} ${route.url} → ${status}`);
    }
    expect(writes).toEqual([]);
  });

  it('refuses requests without a token or with an edge credential on every farm route', async () => {
    const open: string[] = [];
    for (const route of farmRoutes()) {
      for (const headers of [{}, { authorization: `Bearer ${edgeA.edgeToken}` }] as Array<Record<string, string>>) {
        const { status } = await hit(route.method, fill(route.url, 'farm-a'), headers);
        if (status !== 401) open.push(`${route.method} ${route.url} → ${status}`);
      }
    }
    expect(open).toEqual([]);
  });
});

describe('farm isolation on the sync endpoints', () => {
  const SYNC_CALLS = [
    ['GET', '/v1/sync/coops/pull'],
    ['POST', '/v1/sync/coops/push'],
    ['GET', '/v1/sync/stream'],
    ['POST', '/v1/commands'],
    ['POST', '/v1/pairing/claim'],
  ] as const;

  it("refuses an account token naming farm B for a member of farm A only", async () => {
    for (const [method, url] of SYNC_CALLS) {
      const { status } = await hit(method, url, farmHeaders(ownerA, 'farm-b'));
      expect([403, 404], `${method} ${url}`).toContain(status);
    }
  });

  it("never returns farm B's documents to a pull naming farm A", async () => {
    const seen: Array<{ id: string; farmId?: unknown }> = [];
    for (const collection of Object.keys(SYNC_COLLECTIONS)) {
      const res = await app.inject({ method: 'GET', url: `/v1/sync/${collection}/pull?limit=1000`, headers: farmHeaders(ownerA, 'farm-a') });
      expect(res.statusCode, collection).toBe(200);
      seen.push(...res.json().documents);
    }
    expect(seen.map((doc) => doc.id).sort()).toEqual(['a1', 'a2']);
    expect(seen.every((doc) => doc.farmId === 'farm-a')).toBe(true);
    const b = await app.inject({ method: 'GET', url: '/v1/sync/coops/pull', headers: farmHeaders(ownerB, 'farm-b') });
    expect(b.json().documents.map((doc: { id: string }) => doc.id)).toEqual(['b1', 'b2', 'b3']);
  });

  it('refuses a push naming farm A that carries farm B documents', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sync/coops/push', headers: farmHeaders(ownerA, 'farm-a'), payload: [{ newDocumentState: coopDoc('farm-b', 'b9', 'Planted') }] });
    expect(res.statusCode).toBe(200);
    const b = await app.inject({ method: 'GET', url: '/v1/sync/coops/pull', headers: farmHeaders(ownerB, 'farm-b') });
    expect(b.json().documents.map((doc: { id: string }) => doc.id)).not.toContain('b9');
  });

  it('ignores the farm header for edge credentials: an edge acts on its own farm only', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/sync/coops/pull', headers: { authorization: `Bearer ${edgeA.edgeToken}`, 'x-tokkatot-farm': 'farm-b' } });
    expect(res.json().documents.map((doc: { id: string }) => doc.id)).toEqual(['a1', 'a2']);
  });
});
