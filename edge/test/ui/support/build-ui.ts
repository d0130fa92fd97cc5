import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Builds the web app for real (the same script as `npm run build:ui`) into a folder of its own,
 * so test files running in parallel never rebuild under each other's feet.
 */
export function buildUiInto(): { root: string; report: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tokkatot-ui-'));
  const root = join(dir, 'dist');
  const report = execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'edge/ui/scripts/build.ts'), '--out', root], { cwd: REPO, encoding: 'utf8' });
  return { root, report, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
