/**
 * Edge memory with 50 simulated nodes (5 coops × 10; 2 outputs and 3 sensors each) reporting
 * every 10 s, at accelerated time. The edge runs alone in a child process (_rss-edge-process.ts:
 * a manual clock advances 10 s per step; each node sends a heartbeat and 3 readings; telemetry
 * is committed each step; housekeeping runs hourly). This process plays the phones: two SSE
 * clients on /api/live and a poll of /api/coops every 200 ms. The child's RSS is sampled every
 * simulated hour. Four runs: under tsx (as `npm start` runs today) and as one plain-JS bundle
 * (esbuild: no TypeScript loader thread), each with glibc's default malloc arenas and with
 * MALLOC_ARENA_MAX=2.
 *
 *   npx tsx bench/edge/rss-50-nodes.ts [simulatedHours]
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HOURS = Number(process.argv[2] ?? 24);
const PROCESS = fileURLToPath(new URL('./_rss-edge-process.ts', import.meta.url));

interface Sample {
  hour: number;
  rssMb: number;
  heapMb: number;
}
interface Done {
  seconds: number;
  steps: number;
  readings: number;
  rawKept: number;
  dbMb: number;
}

/** Runs the edge process once with the given Node flags and environment; plays the phones meanwhile. */
async function measure(args: string[], env: Record<string, string>): Promise<{ samples: Sample[]; done: Done; polls: number; sseMb: number; reconnects: number }> {
  const child = spawn(process.execPath, [...args, String(HOURS)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const samples: Sample[] = [];
  const aborts: AbortController[] = [];
  let polls = 0;
  let sseBytes = 0;
  let reconnects = 0;
  let poller: NodeJS.Timeout | undefined;
  let done: Done | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const message = JSON.parse(line) as { type: string } & Record<string, unknown>;
    if (message.type === 'listening') {
      const { url, accessToken } = message as unknown as { url: string; accessToken: string };
      // Two phones on the live stream; like EventSource they reconnect when the edge cuts them off.
      for (let i = 0; i < 2; i++) {
        const controller = new AbortController();
        aborts.push(controller);
        void (async () => {
          while (!controller.signal.aborted) {
            try {
              const response = await fetch(`${url}/api/live?access_token=${accessToken}`, { signal: controller.signal });
              for await (const chunk of response.body!) sseBytes += (chunk as Uint8Array).length;
              reconnects += 1;
            } catch {
              // aborted at the end
            }
          }
        })();
      }
      poller = setInterval(() => {
        void fetch(`${url}/api/coops`, { headers: { authorization: `Bearer ${accessToken}` } })
          .then((response) => response.arrayBuffer())
          .then(() => (polls += 1))
          .catch(() => undefined);
      }, 200);
      child.stdin!.write('go\n');
    } else if (message.type === 'sample') {
      samples.push(message as unknown as Sample);
    } else if (message.type === 'done') {
      done = message as unknown as Done;
      clearInterval(poller);
      for (const controller of aborts) controller.abort();
    }
  }
  if (!done) throw new Error('the edge process ended early');
  return { samples, done, polls, sseMb: sseBytes / 1048576, reconnects };
}

/** Bundles the edge process into one .mjs (native modules stay external), with the migrations beside it. */
async function bundle(): Promise<{ file: string; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tokkatot-bundle-'));
  const file = join(dir, 'edge.mjs');
  await build({
    entryPoints: [PROCESS],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', '@node-rs/argon2'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  cpSync(fileURLToPath(new URL('../../edge/src/db/migrations/', import.meta.url)), join(dir, 'migrations'), { recursive: true });
  // Native modules resolve from the repository's node_modules.
  cpSync(fileURLToPath(new URL('../../node_modules/', import.meta.url)), join(dir, 'node_modules'), { recursive: true, filter: (path) => !path.includes('/.cache/') && (/node_modules\/?$/.test(path) || /node_modules\/(better-sqlite3|bindings|file-uri-to-path|@node-rs)(\/|$)/.test(path)) });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

const bundled = await bundle();
const only = process.env.RSS_RUNS;
const all: { name: string; args: string[]; env: Record<string, string> }[] = [
  { name: 'tsx, Node defaults (npm start today)', args: ['--import', 'tsx', PROCESS], env: {} },
  { name: 'tsx, MALLOC_ARENA_MAX=2', args: ['--import', 'tsx', PROCESS], env: { MALLOC_ARENA_MAX: '2' } },
  { name: 'plain JS bundle (esbuild), Node defaults', args: [bundled.file], env: {} },
  { name: 'plain JS bundle, MALLOC_ARENA_MAX=2 (recommended on the Pi)', args: [bundled.file], env: { MALLOC_ARENA_MAX: '2' } },
];
// RSS_RUNS=3,4 picks runs by number.
const runs = only ? all.filter((_, index) => only.split(',').includes(String(index + 1))) : all;
for (const run of runs) {
  const { samples, done, polls, sseMb, reconnects } = await measure(run.args, run.env);
  const peak = Math.max(...samples.map((sample) => sample.rssMb));
  console.log(`\n${run.name}`);
  console.log(
    `  simulated ${HOURS} h (${done.steps} steps of 10 s) in ${done.seconds.toFixed(1)} s: ${done.readings.toLocaleString('en')} readings, ${done.rawKept.toLocaleString('en')} kept raw, DB ${done.dbMb.toFixed(1)} MiB; ${polls} coop polls, ${sseMb.toFixed(1)} MiB of SSE (${reconnects} reconnects after slow-client cut-offs)`,
  );
  const every = Math.max(1, Math.floor(samples.length / 6));
  console.log(`  RSS by simulated hour: ${samples.filter((_, i) => i % every === 0 || i === samples.length - 1).map((sample) => `h${sample.hour} ${sample.rssMb.toFixed(0)}`).join(', ')} MiB (heap ≤ ${Math.max(...samples.map((sample) => sample.heapMb)).toFixed(0)} MiB)`);
  console.log(`  peak RSS of the edge process ${peak.toFixed(1)} MiB = ${((peak * 1048576) / 1e6).toFixed(0)} MB; target < 150 MB: ${peak * 1048576 < 150e6 ? 'met' : 'NOT met'}`);
}
bundled.dispose();
