import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const globalSetup = fileURLToPath(new URL('./vitest.global-setup.ts', import.meta.url));

const workspace = (name: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, root: `./${name}`, include: ['test/**/*.test.ts'], ...extra },
});

export default defineConfig({
  test: {
    globalSetup: [globalSetup],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      workspace('shared'),
      workspace('sync'),
      workspace('edge'),
      workspace('cloud'),
      workspace('infra'),
      // Repository-wide checks: service harness, dependency boundaries, generated files.
      { extends: true as const, test: { name: 'repo', root: '.', include: ['test/**/*.test.ts'] } },
    ],
  },
});
