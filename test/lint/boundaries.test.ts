import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const depcruise = join(root, 'node_modules/.bin/depcruise');

/** Writes a throwaway source file inside the real tree, lints it with the project's rules, removes it. */
async function lintProbe(relativePath: string, source: string): Promise<{ code: number; output: string }> {
  const file = join(root, relativePath);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  try {
    await run(depcruise, ['--config', '.dependency-cruiser.cjs', relativePath], { cwd: root });
    return { code: 0, output: '' };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  } finally {
    rmSync(file, { force: true });
  }
}

const probe = (name: string) => `__boundary_probe_${name}_${process.pid}.ts`;

describe('dependency boundaries (npm run lint)', () => {
  const forbidden: Array<[string, string, string, string]> = [
    ['edge importing cloud', `edge/src/${probe('a')}`, "import * as c from '../../cloud/src/index.js'; export const x = c;", 'edge-not-cloud'],
    ['cloud importing edge', `cloud/src/${probe('b')}`, "import * as e from '../../edge/src/index.js'; export const x = e;", 'cloud-not-edge'],
    ['sync importing a database driver', `sync/src/${probe('c')}`, "import pg from 'pg'; export const x = pg;", 'sync-no-driver-packages'],
    ['sync importing node:fs', `sync/src/${probe('d')}`, "import fs from 'node:fs'; export const x = fs;", 'sync-no-drivers'],
    ['shared importing fastify', `shared/src/${probe('e')}`, "import f from 'fastify'; export const x = f;", 'shared-imports-only-zod'],
    ['shared importing a node builtin', `shared/src/${probe('f')}`, "import os from 'node:os'; export const x = os;", 'shared-src-no-node-builtins'],
    ['edge code outside src/db importing SQLite', `edge/src/${probe('g')}`, "import D from 'better-sqlite3'; export const x = D;", 'only-edge-db-touches-sqlite'],
    ['a web UI importing server code', `edge/ui/${probe('h')}`, "import * as e from '../src/index.js'; export const x = e;", 'uis-import-only-shared'],
    ['an import that resolves to nothing', `sync/src/${probe('i')}`, "import { y } from './does-not-exist.js'; export const x = y;", 'not-to-unresolvable'],
  ];

  it.each(forbidden)('fails on %s', async (_label, path, source, rule) => {
    const result = await lintProbe(path, source);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(rule);
  });

  it('accepts imports that follow the direction', async () => {
    const result = await lintProbe(`edge/src/${probe('ok')}`, "import { newId } from '@tokkatot/shared'; import { z } from 'zod'; export const x = [newId, z];");
    expect(result).toEqual({ code: 0, output: '' });
  });
});
