import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/run.js';

interface Stage {
  from: string;
  name?: string;
  instructions: string[];
}

/** The build stages of a Dockerfile with their instructions (continuation lines joined). */
function stagesOf(text: string): Stage[] {
  const lines = text.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, ...(from[2] ? { name: from[2] } : {}), instructions: [] });
    else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

describe.each(['cloud', 'edge', 'farm-sim'])('deploy/%s.Dockerfile', (image) => {
  const text = readFileSync(join(REPO, `deploy/${image}.Dockerfile`), 'utf8');
  const stages = stagesOf(text);
  const runtime = stages.at(-1)!;

  it('builds in one stage and ships a separate runtime stage that copies from it', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.instructions.some((i) => /^COPY --from=build\b/.test(i))).toBe(true);
  });

  it('runs as a non-root user', () => {
    const users = runtime.instructions.filter((i) => i.startsWith('USER '));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|$)/);
  });

  it('pins its base images and fetches nothing with ADD', () => {
    for (const stage of stages) expect(stage.from).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
    for (const stage of stages) expect(stage.from).not.toMatch(/:latest$/);
    expect(text).not.toMatch(/^ADD\s+https?:/m);
  });

  it('has a .dockerignore that keeps node_modules and secrets out of the build context', () => {
    const ignore = readFileSync(join(REPO, `deploy/${image}.Dockerfile.dockerignore`), 'utf8');
    expect(ignore).toContain('**/node_modules');
    expect(ignore).toContain('.env');
  });
});
