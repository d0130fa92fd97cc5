import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, run, type RunResult } from './run.js';

/** A throwaway target system plus a tiny fake edge release to install into it. */
export function makePiRoot(): { base: string; root: string; release: (id: string, extra?: Record<string, string>) => string } {
  const base = mkdtempSync(join(tmpdir(), 'tokkatot-pi-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
  const release = (id: string, extra: Record<string, string> = {}) => {
    const dir = join(base, `release-${id}`);
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    mkdirSync(join(dir, 'edge/src'), { recursive: true });
    writeFileSync(join(dir, 'RELEASE'), `${id}\n`);
    writeFileSync(join(dir, 'edge/src/main.ts'), `console.log('edge ${id}');\n`);
    for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
    return dir;
  };
  return { base, root, release };
}

export function piSetup(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run('bash', [join(REPO, 'scripts/pi-setup.sh'), ...args], { env });
}

export function updateEdge(args: string[]): Promise<RunResult> {
  return run('bash', [join(REPO, 'scripts/pi/update-edge.sh'), ...args]);
}
