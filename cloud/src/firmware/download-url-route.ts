import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FirmwareBoardSchema, FirmwareTargetSchema, FirmwareVersionSchema, TokkatotError } from '@tokkatot/shared';
import { stripDeleted } from '@tokkatot/sync';
import { FARM_HEADER } from '../http/auth.js';
import { parseInput } from '../sync/sync-routes.js';
import { requireStorage, type FirmwareDeps } from './firmware-deps.js';
import { FIRMWARE_TARGETS } from './target-writer.js';

/** How long a download URL works: enough to start a slow transfer, too short to pass around. */
export const DOWNLOAD_URL_SECONDS = 15 * 60;

const DownloadRequestSchema = z.strictObject({ version: FirmwareVersionSchema, board: FirmwareBoardSchema });

/**
 * `POST /v1/sync/firmware/download-url`: a farm's edge asks for a short-lived signed GET of the
 * image its target names, and only that one; the edge then checks size, hash and signature itself.
 */
export async function registerDownloadUrlRoute(app: FastifyInstance, deps: FirmwareDeps): Promise<void> {
  app.post('/v1/sync/firmware/download-url', async (request) => {
    const principal = await deps.authenticate(request.headers.authorization, request.headers[FARM_HEADER]);
    if (principal.kind !== 'edge') throw new TokkatotError('FORBIDDEN', "Only the farm's paired edge downloads firmware images.");
    const storage = requireStorage(deps);
    const wanted = parseInput(DownloadRequestSchema, request.body, 'download request');
    const stored = await deps.store.readById(principal.farmId, FIRMWARE_TARGETS, principal.farmId);
    const parsed = stored && !stored._deleted ? FirmwareTargetSchema.safeParse(stripDeleted(stored)) : undefined;
    const release = parsed?.success ? parsed.data.release : null;
    if (!release || release.version !== wanted.version || release.board !== wanted.board) {
      throw new TokkatotError('FIRMWARE_NOT_TARGETED', release ? `This farm's target is ${release.version} for ${release.board}.` : 'This farm has no firmware target.');
    }
    const signedAt = deps.now();
    const url = await storage.signDownload(release.objectKey, signedAt, DOWNLOAD_URL_SECONDS);
    return { url, expiresAt: signedAt + DOWNLOAD_URL_SECONDS * 1000, release };
  });
}
