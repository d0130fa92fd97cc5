import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FirmwareBoardSchema, FirmwareChannelSchema, FirmwareVersionSchema, TokkatotError } from '@tokkatot/shared';
import { audit } from '../accounts/index.js';
import { withTransaction } from '../db/transaction.js';
import { parseInput } from '../sync/sync-routes.js';
import { readRollouts, writeRollout } from './channel-rollouts.js';
import { farmsOnChannel } from './farm-firmware-settings.js';
import { requireAdmin, requireStorage, type FirmwareDeps } from './firmware-deps.js';
import { bumpFirmwareGeneration } from './firmware-generation.js';
import { importFirmwareReleases } from './import-releases.js';
import { findRelease, listReleases } from './release-catalogue.js';
import { isInStage } from './rollout-stage.js';
import { recomputeTargets } from './target-writer.js';

const ReleaseQuerySchema = z.strictObject({ channel: FirmwareChannelSchema.optional() });
const ChannelParamsSchema = z.strictObject({ channel: FirmwareChannelSchema });
const RolloutChangeSchema = z.strictObject({
  version: FirmwareVersionSchema,
  board: FirmwareBoardSchema.default('tokkatot-node-esp32'),
  percent: z.number().int('must be a whole percentage').min(0, 'must be 0–100').max(100, 'must be 0–100'),
});

/** The catalogue for signed-in people; import and channel rollouts for platform administrators. */
export async function registerReleaseRoutes(app: FastifyInstance, deps: FirmwareDeps): Promise<void> {
  app.get('/v1/firmware/releases', async (request) => {
    await deps.farmAccess.account(request);
    const { channel } = parseInput(ReleaseQuerySchema, request.query, 'query');
    return (await listReleases(deps.pool, channel)).map(({ release, importedAt }) => ({ ...release, importedAt }));
  });

  app.post('/v1/admin/firmware/import', async (request) => {
    const userId = await requireAdmin(deps, request);
    const storage = requireStorage(deps);
    return importFirmwareReleases({ ...deps, storage, trustedKeys: deps.trustedKeys ?? [] }, { userId, ip: request.ip });
  });

  app.get('/v1/admin/firmware/channels', async (request) => {
    await requireAdmin(deps, request);
    const rollouts = await readRollouts(deps.pool);
    const answer = [];
    for (const channel of FirmwareChannelSchema.options) {
      const rollout = rollouts.get(channel);
      const farms = await farmsOnChannel(deps.pool, channel);
      answer.push({ channel, rollout: rollout ?? null, farms: farms.length, inStage: rollout ? farms.filter((farmId) => isInStage(farmId, rollout.version, rollout.percent)).length : 0 });
    }
    return answer;
  });

  app.put('/v1/admin/firmware/channels/:channel', async (request) => {
    const userId = await requireAdmin(deps, request);
    const { channel } = parseInput(ChannelParamsSchema, request.params, 'path');
    const change = parseInput(RolloutChangeSchema, request.body, 'rollout');
    const entry = await findRelease(deps.pool, change.version, change.board);
    if (!entry) throw new TokkatotError('NOT_FOUND', `The catalogue has no release ${change.version} for ${change.board}; import it first.`);
    // Stable farms take only releases promoted to stable; beta farms may take either.
    if (channel === 'stable' && entry.release.channel !== 'stable') {
      throw new TokkatotError('FIRMWARE_CHANNEL_MISMATCH', `Release ${change.version} is published on ${entry.release.channel}; promote it to stable in versions.json and import first.`);
    }
    const previous = await withTransaction(deps.pool, async (client) => {
      const replaced = await writeRollout(client, { channel, ...change, updatedBy: userId });
      await bumpFirmwareGeneration(client);
      await audit(client, {
        action: 'firmware.rollout',
        actorId: userId,
        target: channel,
        detail: { from: replaced ? { version: replaced.version, board: replaced.board, percent: replaced.percent } : null, to: change },
        ip: request.ip,
        at: deps.now(),
      });
      return replaced;
    });
    const farms = await farmsOnChannel(deps.pool, channel);
    const { changed } = await recomputeTargets(deps, farms);
    const rollout = (await readRollouts(deps.pool)).get(channel)!;
    return {
      rollout,
      previous: previous ?? null,
      farms: farms.length,
      inStage: farms.filter((farmId) => isInStage(farmId, change.version, change.percent)).length,
      retargetedFarms: changed,
    };
  });
}
