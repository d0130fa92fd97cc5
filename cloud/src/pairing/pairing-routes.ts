import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { hasRole, NameSchema, newId, TokkatotError } from '@tokkatot/shared';
import { audit } from '../accounts/audit.js';
import { withTransaction } from '../db/transaction.js';
import { FARM_HEADER, hashSecret, issueEdgeCredential, type Authenticate } from '../http/auth.js';
import { parseInput } from '../sync/sync-routes.js';
import { generateClaimCode, normaliseClaimCode } from './claim-code.js';

const CLAIM_TTL_MS = 15 * 60 * 1000;

/**
 * Pairing in three steps: the edge starts a pairing and shows the claim code; the owner enters
 * the code in the cloud; the edge collects its credential, which is handed out exactly once.
 */
export async function registerPairingRoutes(
  app: FastifyInstance,
  deps: { pool: pg.Pool; authenticate: Authenticate; now: () => number },
): Promise<void> {
  // Unauthenticated and code-guessing endpoints: a few tries per minute per address is plenty for a person.
  const limited = { config: { rateLimit: { max: 10, timeWindow: 60_000 } } };

  app.post('/v1/pairing/start', limited, async (request, reply) => {
    const { edgeName } = parseInput(z.strictObject({ edgeName: NameSchema }), request.body, 'pairing request');
    const pairingId = newId(deps.now());
    const claimCode = generateClaimCode();
    const pollSecret = randomBytes(24).toString('base64url');
    const expiresAt = deps.now() + CLAIM_TTL_MS;
    await deps.pool.query(
      'INSERT INTO edge_pairing (id, code_hash, poll_secret_hash, edge_name, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [pairingId, hashSecret(claimCode), hashSecret(pollSecret), edgeName, new Date(expiresAt)],
    );
    return reply.status(201).send({ pairingId, claimCode, pollSecret, expiresAt });
  });

  // Claims are limited per signed-in user, so one owner guessing cannot lock others out.
  const perUser = { config: { rateLimit: { max: 10, timeWindow: 60_000, keyGenerator: (request: { headers: { authorization?: string }; ip: string }) => request.headers.authorization ?? request.ip } } };

  app.post('/v1/pairing/claim', perUser, async (request) => {
    const principal = await deps.authenticate(request.headers.authorization, request.headers[FARM_HEADER]);
    if (principal.kind !== 'user' || !hasRole(principal.role, 'owner')) throw new TokkatotError('FORBIDDEN', 'Only the farm owner pairs an edge.');
    const { claimCode } = parseInput(z.strictObject({ claimCode: z.string().max(20) }), request.body, 'claim');
    const code = normaliseClaimCode(claimCode);
    if (!code) throw new TokkatotError('VALIDATION_FAILED', 'A claim code has 8 letters and digits, like "7K2Q-9XMD".');
    return withTransaction(deps.pool, async (client) => {
      const { rows } = await client.query<{ id: string; edge_name: string }>(
        `SELECT id, edge_name FROM edge_pairing WHERE code_hash = $1 AND claimed_at IS NULL AND expires_at > $2 FOR UPDATE`,
        [hashSecret(code), new Date(deps.now())],
      );
      const pairing = rows[0];
      if (!pairing) throw new TokkatotError('NOT_FOUND', 'No edge is waiting with this code; check it or start pairing again on the edge.');
      const edgeId = `edge-${newId(deps.now()).toLowerCase()}`;
      const { token, tokenHash } = issueEdgeCredential(edgeId);
      await client.query('INSERT INTO edge (id, farm_id, name, token_hash) VALUES ($1, $2, $3, $4)', [edgeId, principal.farmId, pairing.edge_name, tokenHash]);
      await client.query('UPDATE edge_pairing SET claimed_at = now(), farm_id = $2, edge_id = $3, credential = $4 WHERE id = $1', [
        pairing.id,
        principal.farmId,
        edgeId,
        token,
      ]);
      await audit(client, { action: 'edge.paired', farmId: principal.farmId, actorId: principal.userId, target: edgeId, detail: { edgeName: pairing.edge_name }, ip: request.ip, at: deps.now() });
      return { edgeId, edgeName: pairing.edge_name };
    });
  });

  app.post('/v1/pairing/:pairingId/credential', { config: { rateLimit: { max: 60, timeWindow: 60_000 } } }, async (request, reply) => {
    const { pairingId } = parseInput(z.object({ pairingId: z.string().max(64) }), request.params, 'path');
    const { pollSecret } = parseInput(z.strictObject({ pollSecret: z.string().max(200) }), request.body, 'poll');
    return withTransaction(deps.pool, async (client) => {
      const { rows } = await client.query<{ poll_secret_hash: string; farm_id: string | null; edge_id: string | null; credential: string | null; delivered_at: Date | null; expires_at: Date }>(
        'SELECT poll_secret_hash, farm_id, edge_id, credential, delivered_at, expires_at FROM edge_pairing WHERE id = $1 FOR UPDATE',
        [pairingId],
      );
      const row = rows[0];
      if (!row || row.poll_secret_hash !== hashSecret(pollSecret)) throw new TokkatotError('NOT_FOUND', 'Unknown pairing.');
      if (row.delivered_at) throw new TokkatotError('CONFLICT', 'The credential was already delivered; pair again to get a new one.');
      if (!row.credential) {
        if (row.expires_at.getTime() <= deps.now()) throw new TokkatotError('NOT_FOUND', 'The claim code expired; start pairing again.');
        return reply.status(202).send({ status: 'pending' });
      }
      await client.query('UPDATE edge_pairing SET delivered_at = now(), credential = NULL WHERE id = $1', [pairingId]);
      return { status: 'paired', edgeId: row.edge_id, farmId: row.farm_id, token: row.credential };
    });
  });
}
