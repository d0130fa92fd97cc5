import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FirmwareTargetSchema, IdSchema, NodeSchema, TokkatotError, type Role } from '@tokkatot/shared';
import { stripDeleted } from '@tokkatot/sync';
import { audit } from '../accounts/index.js';
import { withTransaction } from '../db/transaction.js';
import type { FarmActor } from '../http/farm-access.js';
import { parseInput } from '../sync/sync-routes.js';
import { readRollouts } from './channel-rollouts.js';
import { FarmFirmwareChangeSchema, readFarmSettings, writeFarmSettings } from './farm-firmware-settings.js';
import type { FirmwareDeps } from './firmware-deps.js';
import { bumpFirmwareGeneration } from './firmware-generation.js';
import { isInStage } from './rollout-stage.js';
import { FIRMWARE_TARGETS, recomputeTargets } from './target-writer.js';

/** A farm's firmware: its settings (owner or manager), the target the edge pulls and its nodes' versions. */
export async function registerFarmFirmwareRoutes(app: FastifyInstance, deps: FirmwareDeps): Promise<void> {
  app.get('/v1/farms/:farmId/firmware', async (request) => {
    const { farmId } = await authorizeFarm(deps, request, 'viewer');
    return farmFirmwareView(deps, farmId);
  });

  app.put('/v1/farms/:farmId/firmware', async (request) => {
    const { farmId, userId } = await authorizeFarm(deps, request, 'manager');
    const change = parseInput(FarmFirmwareChangeSchema, request.body, 'firmware settings');
    await withTransaction(deps.pool, async (client) => {
      const { before, after } = await writeFarmSettings(client, farmId, change);
      await bumpFirmwareGeneration(client);
      await audit(client, { action: 'firmware.settings', farmId, actorId: userId, target: farmId, detail: { from: before, to: after }, ip: request.ip, at: deps.now() });
    });
    await recomputeTargets(deps, [farmId]);
    return farmFirmwareView(deps, farmId);
  });
}

/** The caller's role on the farm in the path; an id that cannot exist is answered like a farm they are not a member of. */
async function authorizeFarm(deps: FirmwareDeps, request: FastifyRequest, minimum: Role): Promise<FarmActor & { farmId: string }> {
  const raw = (request.params as Record<string, unknown>).farmId;
  if (!IdSchema.safeParse(raw).success) {
    await deps.farmAccess.account(request);
    throw new TokkatotError('NOT_FOUND', 'No such farm.');
  }
  const farmId = raw as string;
  return { ...(await deps.farmAccess.authorize(request, farmId, minimum)), farmId };
}

async function farmFirmwareView(deps: FirmwareDeps, farmId: string) {
  const settings = (await readFarmSettings(deps.pool, [farmId])).get(farmId);
  if (!settings) throw new TokkatotError('NOT_FOUND', 'No such farm.');
  const rollout = (await readRollouts(deps.pool)).get(settings.channel);
  const stored = await deps.store.readById(farmId, FIRMWARE_TARGETS, farmId);
  const parsed = stored && !stored._deleted ? FirmwareTargetSchema.safeParse(stripDeleted(stored)) : undefined;
  const target = parsed?.success ? parsed.data : undefined;
  const release = target?.release ?? null;
  const { rows } = await deps.pool.query<{ body: unknown }>("SELECT body FROM sync_doc WHERE farm_id = $1 AND collection = 'nodes' AND NOT deleted ORDER BY id", [farmId]);
  const nodes = rows.flatMap(({ body }) => {
    const node = NodeSchema.safeParse(body);
    if (!node.success) return [];
    const { id, name, coopId, firmwareVersion, hardwareRevision, lastSeenAt } = node.data;
    return [
      {
        id,
        name,
        coopId,
        firmwareVersion,
        hardwareRevision,
        lastSeenAt,
        // null while there is no target; a node below the release's hardware revision is skipped by the edge.
        upToDate: release ? firmwareVersion === release.version : null,
        compatible: release ? hardwareRevision >= release.minHardwareRevision : null,
      },
    ];
  });
  return {
    farmId,
    settings,
    rollout: rollout ? { version: rollout.version, board: rollout.board, percent: rollout.percent, inStage: isInStage(farmId, rollout.version, rollout.percent) } : null,
    target: target ? { release, hlc: target.hlc, updatedAt: target.updatedAt } : null,
    nodes,
  };
}
