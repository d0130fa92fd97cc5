import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Builds the dashboard for real (the same script as `npm run build:dashboard`) into a folder of
 * its own, so test files running in parallel never rebuild under each other's feet.
 */
export function buildDashboardInto(): { root: string; report: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tokkatot-dashboard-'));
  const root = join(dir, 'dist');
  const report = execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'cloud/dashboard/scripts/build.ts'), '--out', root], { cwd: REPO, encoding: 'utf8' });
  return { root, report, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Where the tests leave screenshots (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
