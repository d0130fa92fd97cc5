import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { issueEdgeCredential, signUserToken } from '../../src/http/auth.js';
import type { ReadingSink } from '../../src/telemetry/reading-sink.js';
import { MemoryReadingSink } from '../../src/telemetry/reading-sink.js';

export const JWT_SECRET = 'test-secret-for-user-tokens-0123456789';
export const T0 = Date.UTC(2026, 0, 1);

/** A farm with an owner token and a paired edge credential. */
export interface FarmFixture {
  farmId: string;
  ownerToken: string;
  edgeId: string;
  edgeToken: string;
}

/** Creates a farm, its clock and a paired edge, straight in the database. */
export async function createFarm(app: FastifyInstance, pool: pg.Pool, farmId: string): Promise<FarmFixture> {
  await app.services.store.ensureFarm(farmId, `Farm ${farmId}`);
  const edgeId = `edge-${farmId}`;
  const { token, tokenHash } = issueEdgeCredential(edgeId);
  await pool.query('INSERT INTO edge (id, farm_id, name, token_hash) VALUES ($1, $2, $3, $4)', [edgeId, farmId, 'Pi', tokenHash]);
  return { farmId, ownerToken: signUserToken(JWT_SECRET, { sub: `owner-${farmId}`, farmId, role: 'owner' }, 3600), edgeId, edgeToken: token };
}

/** Builds the app on a test pool. */
export async function buildTestApp(pool: pg.Pool, extra: Partial<AppDeps> & { readings?: ReadingSink } = {}): Promise<FastifyInstance> {
  const app = await buildApp({ pool, jwtSecret: JWT_SECRET, readings: extra.readings ?? new MemoryReadingSink(), heartbeatMs: 1000, ...extra });
  await app.ready();
  return app;
}

/** A valid coop document. */
export function coopDoc(farmId: string, id: string, name: string, wall = 1, node = 'web-a'): Record<string, unknown> & { id: string; _deleted: boolean } {
  return { id, farmId, hlc: `${String(T0 + wall).padStart(15, '0')}:00000:${node}`, updatedAt: T0 + wall, name, _deleted: false };
}
