import { z } from 'zod';
import { equalCanonical, FirmwareReleaseSchema, TimestampMsSchema, TokkatotError, verifyReleaseSignature, type FirmwareRelease } from '@tokkatot/shared';
import { audit } from '../accounts/index.js';
import { withTransaction } from '../db/transaction.js';
import { bumpFirmwareGeneration } from './firmware-generation.js';
import { VERSIONS_INDEX_KEY, type FirmwareStorage } from './firmware-storage.js';
import { listReleases, releaseKey, storeRelease } from './release-catalogue.js';
import { recomputeTargets, type TargetWriterDeps } from './target-writer.js';

export interface ImportDeps extends TargetWriterDeps {
  storage: FirmwareStorage;
  trustedKeys: readonly string[];
}

/** An entry of the index the catalogue did not take, and why. */
export interface RefusedRelease {
  /** Position in the index's `releases`. */
  index: number;
  version: string | null;
  board: string | null;
  reason: string;
}

export interface ImportReport {
  /** Releases new to the catalogue, as `version/board`. */
  added: string[];
  /** Releases whose channel, notes or signature changed (a promotion, for one). */
  updated: string[];
  unchanged: number;
  refused: RefusedRelease[];
  /** Farms whose target document was rewritten because of the import. */
  retargetedFarms: string[];
}

// The index's envelope is checked whole; its entries one by one, so one bad entry refuses only itself.
const IndexEnvelopeSchema = z.strictObject({
  schemaVersion: z.literal(1),
  updatedAt: TimestampMsSchema,
  releases: z.array(z.unknown()).max(1000),
});

/**
 * Imports `firmware/versions.json` into the catalogue: every entry is validated, its signature
 * checked against the trusted release keys and its image looked up in the bucket; valid entries
 * are stored (new ones added, a promotion or new notes applied), the others reported with a
 * reason. Nothing is ever deleted, and a version whose image differs from the one already
 * imported is refused: a version names one image forever. Every farm's target is recomputed after.
 */
export async function importFirmwareReleases(deps: ImportDeps, actor: { userId: string | null; ip?: string | null } = { userId: null }): Promise<ImportReport> {
  const text = await deps.storage.readIndex();
  if (text === undefined) throw new TokkatotError('FIRMWARE_INDEX_INVALID', `The bucket has no ${VERSIONS_INDEX_KEY}.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokkatotError('FIRMWARE_INDEX_INVALID', `${VERSIONS_INDEX_KEY} is not JSON: ${(error as Error).message}`.slice(0, 500));
  }
  const envelope = IndexEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const details = envelope.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new TokkatotError('FIRMWARE_INDEX_INVALID', `${VERSIONS_INDEX_KEY} is not a versions index: ${details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; ')}`.slice(0, 1000), details);
  }

  const known = new Map((await listReleases(deps.pool)).map((entry) => [releaseKey(entry.release), entry.release]));
  const report: ImportReport = { added: [], updated: [], unchanged: 0, refused: [], retargetedFarms: [] };
  const accepted: Array<{ release: FirmwareRelease; keyId: string; isNew: boolean }> = [];
  const seen = new Set<string>();
  for (const [index, raw] of envelope.data.releases.entries()) {
    const refuse = (reason: string) => report.refused.push({ index, version: fieldOf(raw, 'version'), board: fieldOf(raw, 'board'), reason });
    const parsed = FirmwareReleaseSchema.safeParse(raw);
    if (!parsed.success) {
      refuse(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ').slice(0, 500));
      continue;
    }
    const release = parsed.data;
    const key = releaseKey(release);
    if (seen.has(key)) {
      refuse('the index lists this version and board more than once');
      continue;
    }
    seen.add(key);
    if (release.objectKey !== `firmware/v${release.version}/${release.board}.bin`) {
      refuse(`objectKey must be firmware/v${release.version}/${release.board}.bin`);
      continue;
    }
    const verdict = verifyReleaseSignature(release, deps.trustedKeys);
    if (!verdict.ok) {
      refuse(verdict.reason === 'unknown_key' ? `signed by key ${release.signature.keyId}, which this cloud does not trust` : 'the signature does not match the release');
      continue;
    }
    const stored = known.get(key);
    if (stored && !sameImage(stored, release)) {
      refuse('this version was imported with a different image; publish the new image under a new version');
      continue;
    }
    if (stored && equalCanonical(stored, release)) {
      report.unchanged += 1;
      continue;
    }
    if (!stored) {
      // The image must be in the bucket as listed before any farm can be sent to fetch it.
      const size = await deps.storage.objectSize(release.objectKey);
      if (size === undefined) {
        refuse(`the bucket has no ${release.objectKey}`);
        continue;
      }
      if (size !== release.size) {
        refuse(`${release.objectKey} is ${size} bytes, the release says ${release.size}`);
        continue;
      }
    }
    accepted.push({ release, keyId: verdict.keyId, isNew: !stored });
  }

  if (accepted.length > 0) {
    await withTransaction(deps.pool, async (client) => {
      for (const { release, keyId } of accepted) await storeRelease(client, release, keyId);
      await bumpFirmwareGeneration(client);
    });
  }
  for (const { release, isNew } of accepted) (isNew ? report.added : report.updated).push(releaseKey(release));
  await audit(deps.pool, {
    action: 'firmware.import',
    actorId: actor.userId,
    ip: actor.ip ?? null,
    detail: { added: report.added, updated: report.updated, unchanged: report.unchanged, refused: report.refused.length },
    at: deps.now(),
  });
  // Always, not only after a change: this also repairs targets a change left stale when its
  // process stopped between committing and recomputing (nothing is written where nothing moved).
  report.retargetedFarms = (await recomputeTargets(deps)).changed;
  return report;
}

/** Same image and same hardware requirement: everything the signature binds, and where the image lives. */
function sameImage(a: FirmwareRelease, b: FirmwareRelease): boolean {
  return a.size === b.size && a.sha256 === b.sha256 && a.minHardwareRevision === b.minHardwareRevision && a.objectKey === b.objectKey;
}

function fieldOf(raw: unknown, field: string): string | null {
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' ? value.slice(0, 64) : null;
}
