import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

/** How long a browser may keep a file: hashed assets forever, the shell and the worker never without asking. */
export function cacheControlFor(relativePath: string): string {
  if (relativePath.startsWith('assets/')) return 'public, max-age=31536000, immutable';
  if (relativePath === 'index.html' || relativePath === 'sw.js' || relativePath.endsWith('.webmanifest')) return 'no-cache';
  return 'public, max-age=86400';
}

export type Resolved = { kind: 'file'; relativePath: string } | { kind: 'app' } | { kind: 'missing' };

/**
 * Maps a URL path to a file of the built dashboard: an existing file, the app shell for client
 * routes (no extension), or missing. Paths leaving the root are missing.
 */
export function resolveStatic(root: string, urlPath: string): Resolved {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'missing' };
  }
  if (decoded.includes('\0')) return { kind: 'missing' };
  const relativePath = normalize(decoded).replace(/^[/\\]+/, '');
  if (relativePath.split(sep).includes('..')) return { kind: 'missing' };
  if (relativePath === '' || relativePath === 'index.html') return { kind: 'app' };
  const full = join(root, relativePath);
  if (existsSync(full) && statSync(full).isFile()) return { kind: 'file', relativePath: relativePath.split(sep).join('/') };
  return extname(relativePath) === '' && !relativePath.startsWith('assets') ? { kind: 'app' } : { kind: 'missing' };
}

/** Paths that belong to the API and operations: never answered with the dashboard. */
export function isApiPath(path: string): boolean {
  return /^\/(v1|health|ready|metrics)(\/|$)/.test(path);
}
