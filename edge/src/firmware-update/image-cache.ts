import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const PART = '.part';
const IMAGE = '.bin';

/**
 * The folder of downloaded images, named by their SHA-256: `<sha256>.part` while it grows,
 * `<sha256>.bin` once size, hash and signature are checked. A name is its content, so a file
 * left by a killed process is resumed, never mistaken for another release.
 */
export class FirmwareImageCache {
  constructor(readonly dir: string) {}

  partPath(sha256: string): string {
    return join(this.dir, `${sha256}${PART}`);
  }

  imagePath(sha256: string): string {
    return join(this.dir, `${sha256}${IMAGE}`);
  }

  /** Creates the folder (at start and before each download: someone may have removed it). */
  ensure(): void {
    mkdirSync(this.dir, { recursive: true });
  }

  /** Bytes of a partial download kept so far (0 when none). */
  partialBytes(sha256: string): number {
    const path = this.partPath(sha256);
    return existsSync(path) ? statSync(path).size : 0;
  }

  /** The checked image's bytes, or null when it is not (or no longer) cached. */
  async readImage(sha256: string): Promise<Uint8Array | null> {
    const path = this.imagePath(sha256);
    return existsSync(path) ? new Uint8Array(await readFile(path)) : null;
  }

  /** Promotes a verified partial file to the image, durably (rename, then the folder synced). */
  promote(sha256: string): void {
    renameSync(this.partPath(sha256), this.imagePath(sha256));
    this.syncFolder();
  }

  /** Removes both files of a release (a corrupted or wrongly signed download). */
  discard(sha256: string): void {
    rmSync(this.partPath(sha256), { force: true });
    rmSync(this.imagePath(sha256), { force: true });
  }

  /** Deletes every cached image and partial file except those of the given hashes. */
  keepOnly(sha256s: readonly string[]): string[] {
    if (!existsSync(this.dir)) return [];
    const keep = new Set(sha256s);
    const removed: string[] = [];
    for (const name of readdirSync(this.dir)) {
      const match = /^([0-9a-f]{64})\.(part|bin)$/.exec(name);
      if (!match || keep.has(match[1] as string)) continue;
      rmSync(join(this.dir, name), { force: true });
      removed.push(name);
    }
    return removed;
  }

  private syncFolder(): void {
    // A rename is durable only once the folder's entry is on disk (ext4 after a power cut).
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } catch {
      // Some file systems refuse fsync on a folder; the rename itself still happened.
    } finally {
      closeSync(fd);
    }
  }
}
