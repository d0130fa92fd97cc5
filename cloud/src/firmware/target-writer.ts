import type pg from 'pg';
import { equalCanonical, FirmwareTargetSchema, type FirmwareRelease } from '@tokkatot/shared';
import { stripDeleted, type WireDoc } from '@tokkatot/sync';
import { nextStamp } from '../api/queries/config-edit.js';
import type { SyncDocStore } from '../db/sync-doc-store.js';
import { readRollouts } from './channel-rollouts.js';
import { readFarmSettings } from './farm-firmware-settings.js';
import { readFirmwareGeneration } from './firmware-generation.js';
import { listReleases, releaseKey } from './release-catalogue.js';
import { computeTarget, type TargetBody } from './target-computation.js';

/** The pull-only collection the edge learns its firmware target from. */
export const FIRMWARE_TARGETS = 'firmware_targets';

/** Who the sync store records as the writer of target documents. */
const WRITER = 'cloud:firmware';

// A recomputation raced by changes this many times in a row gives up; the next change retries.
const MAX_PASSES = 5;

export interface TargetWriterDeps {
  pool: pg.Pool;
  store: SyncDocStore;
  now: () => number;
}

/**
 * Recomputes the `firmware_targets` documents of the given farms (every farm when absent) and
 * writes those that changed, stamped by the cloud's clock, through the sync store (which
 * announces them to the edges' streams). Runs again when a firmware change committed while it
 * read its inputs, so the last recomputation after any change sees every change.
 */
export async function recomputeTargets(deps: TargetWriterDeps, farmIds?: readonly string[]): Promise<{ farms: number; changed: string[] }> {
  const changed = new Set<string>();
  let farms = 0;
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const generation = await readFirmwareGeneration(deps.pool);
    const settings = await readFarmSettings(deps.pool, farmIds);
    const rollouts = await readRollouts(deps.pool);
    const catalogue = new Map((await listReleases(deps.pool)).map(({ release }) => [releaseKey(release), release]));
    farms = settings.size;
    for (const [farmId, farmSettings] of settings) {
      const wrote = await deps.store.push(farmId, FIRMWARE_TARGETS, [farmId], WRITER, (stored) => {
        const current = liveTarget(stored.get(farmId));
        const body = computeTarget({ farmId, settings: farmSettings, rollout: rollouts.get(farmSettings.channel), catalogue, previous: current?.release });
        // No document until there is something to install: an edge without one updates nothing.
        if (!current && body.release === null) return { writes: [], result: false };
        if (current && equalCanonical(current.body, body)) return { writes: [], result: false };
        const now = deps.now();
        const doc = FirmwareTargetSchema.parse({ id: farmId, farmId, hlc: nextStamp(current?.hlc, now), updatedAt: Math.max(now, current?.updatedAt ?? 0), ...body });
        return { writes: [{ ...doc, _deleted: false } as WireDoc], result: true };
      });
      if (wrote) changed.add(farmId);
    }
    if ((await readFirmwareGeneration(deps.pool)) === generation) break;
  }
  return { farms, changed: [...changed].sort() };
}

function liveTarget(stored: WireDoc | undefined): { hlc: string; updatedAt: number; release: FirmwareRelease | null; body: TargetBody } | undefined {
  if (!stored || stored._deleted) return undefined;
  const parsed = FirmwareTargetSchema.safeParse(stripDeleted(stored));
  // A stored document the schema refuses is replaced as if there were none.
  if (!parsed.success) return undefined;
  const { hlc, updatedAt, channel, release, window, paused } = parsed.data;
  return { hlc, updatedAt, release, body: { channel, release, window, paused } };
}

