import { FirmwareReleaseSchema, type FirmwareBoard, type FirmwareChannel, type FirmwareRelease } from '@tokkatot/shared';
import type { Queryable } from '../accounts/index.js';

/** A release as the catalogue keeps it: the signed entry plus when it was imported. */
export interface CatalogueRelease {
  release: FirmwareRelease;
  keyId: string;
  importedAt: number;
  updatedAt: number;
}

interface ReleaseRow {
  body: unknown;
  key_id: string;
  imported_at: Date;
  updated_at: Date;
}

/** The catalogue key of a release: one image per version and board. */
export function releaseKey(release: Pick<FirmwareRelease, 'version' | 'board'>): string {
  return `${release.version}/${release.board}`;
}

/** Releases, newest published first, of one channel when given. */
export async function listReleases(db: Queryable, channel?: FirmwareChannel): Promise<CatalogueRelease[]> {
  const { rows } = await db.query<ReleaseRow>(
    `SELECT body, key_id, imported_at, updated_at FROM firmware_release
      WHERE $1::text IS NULL OR channel = $1 ORDER BY published_at DESC, version DESC, board`,
    [channel ?? null],
  );
  return rows.map(toCatalogueRelease);
}

/** One release, or undefined. */
export async function findRelease(db: Queryable, version: string, board: FirmwareBoard): Promise<CatalogueRelease | undefined> {
  const { rows } = await db.query<ReleaseRow>('SELECT body, key_id, imported_at, updated_at FROM firmware_release WHERE version = $1 AND board = $2', [version, board]);
  return rows[0] ? toCatalogueRelease(rows[0]) : undefined;
}

/** Inserts or replaces a release (the caller has checked its signature and that its image did not change). */
export async function storeRelease(db: Queryable, release: FirmwareRelease, keyId: string): Promise<void> {
  await db.query(
    `INSERT INTO firmware_release (version, board, channel, body, key_id, published_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (version, board) DO UPDATE
       SET channel = excluded.channel, body = excluded.body, key_id = excluded.key_id, published_at = excluded.published_at, updated_at = now()`,
    [release.version, release.board, release.channel, JSON.stringify(release), keyId, release.publishedAt],
  );
}

function toCatalogueRelease(row: ReleaseRow): CatalogueRelease {
  return { release: FirmwareReleaseSchema.parse(row.body), keyId: row.key_id, importedAt: row.imported_at.getTime(), updatedAt: row.updated_at.getTime() };
}
