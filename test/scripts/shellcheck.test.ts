import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run } from './support/run.js';

const SCRIPTS = [
  'scripts/pi-setup.sh',
  ...['lib.sh', 'release.sh', 'update-edge.sh', 'edge-supervise.sh'].map((f) => `scripts/pi/${f}`),
  ...readdirSync(join(REPO, 'scripts/backup')).filter((f) => f.endsWith('.sh')).map((f) => `scripts/backup/${f}`),
  'deploy/cloud-entrypoint.sh',
  'deploy/mosquitto/entrypoint.sh',
];

describe('shellcheck', () => {
  it.each(SCRIPTS)('finds nothing in %s', async (script) => {
    const result = await run('shellcheck', ['-x', '--severity=style', script]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('reports a real problem, so the checks above can fail', async () => {
    const result = await run('bash', ['-c', 'printf \'#!/bin/sh\\nrm -rf $1/*\\n\' | shellcheck -']);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('SC2115');
  });
});
