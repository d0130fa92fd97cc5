import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs every benchmark entry point (bench/<area>/<name>.ts, not helpers under lib/ or files
// starting with "_") one after another, so they never compete for the two cores.
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const root = join(benchDir, '..');
const only = process.argv[2];

const entries = readdirSync(benchDir)
  .filter((area) => statSync(join(benchDir, area)).isDirectory() && area !== 'lib')
  .flatMap((area) =>
    readdirSync(join(benchDir, area))
      .filter((file) => file.endsWith('.ts') && !file.startsWith('_') && !file.endsWith('.test.ts'))
      .map((file) => join(benchDir, area, file)),
  )
  .filter((file) => !only || file.includes(only))
  .sort();

let failures = 0;
for (const file of entries) {
  console.log(`\n=== ${relative(root, file)} ===`);
  const result = spawnSync(join(root, 'node_modules/.bin/tsx'), [file], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failures += 1;
}
console.log(`\n${entries.length - failures} benchmarks ran, ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
