import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

// The edge as it runs on the Pi: our own TypeScript (edge, shared, sync) compiled into one plain
// ESM file, so no TypeScript loader thread (a second V8 isolate, ~33 MiB) runs beside the
// controller on a 1 GB Pi. npm dependencies stay external and load from node_modules as usual.
//
// The file sits two folders below edge/ (edge/build/bundle/) — the same depth as the modules that
// locate files from import.meta.url (src/db, src/webapp, src/devices) — so './migrations/',
// '../../ui/dist/' and '../../../firmware/' resolve exactly as they do from source.
const edgeDir = fileURLToPath(new URL('../', import.meta.url));
const outDir = `${edgeDir}build/bundle/`;

const keepDependenciesExternal: Plugin = {
  name: 'external-dependencies',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@tokkatot/') ? undefined : { path: args.path, external: true }));
  },
};

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
await build({
  entryPoints: [`${edgeDir}src/main.ts`],
  outfile: `${outDir}tokkatot-edge.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  plugins: [keepDependenciesExternal],
  logLevel: 'warning',
});
cpSync(`${edgeDir}src/db/migrations/`, `${outDir}migrations/`, { recursive: true });
console.log(`edge bundle written to edge/build/bundle/tokkatot-edge.mjs (run: MALLOC_ARENA_MAX=2 node edge/build/bundle/tokkatot-edge.mjs)`);
