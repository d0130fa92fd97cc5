/**
 * Edge memory with 50 simulated nodes (5 coops × 10; 2 outputs and 3 sensors each) reporting
 * every 10 s, at accelerated time. The edge runs alone in a child process (_rss-edge-process.ts:
 * a manual clock advances 10 s per step; each node sends a heartbeat and 3 readings; telemetry
 * is committed each step; housekeeping runs hourly). This process plays the phones: two SSE
 * clients on /api/live and a poll of /api/coops every 200 ms. The child's RSS is sampled every
 * simulated hour. Two runs: Node's defaults under tsx (as `npm start` runs today), and the
 * settings recommended for the Pi (--max-semi-space-size=2, MALLOC_ARENA_MAX=2).
 *
 *   npx tsx bench/edge/rss-50-nodes.ts [simulatedHours]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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
async function measure(nodeFlags: string[], env: Record<string, string>): Promise<{ samples: Sample[]; done: Done; polls: number; sseMb: number }> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', PROCESS, String(HOURS)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const samples: Sample[] = [];
  const aborts: AbortController[] = [];
  let polls = 0;
  let sseBytes = 0;
  let poller: NodeJS.Timeout | undefined;
  let done: Done | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const message = JSON.parse(line) as { type: string } & Record<string, unknown>;
    if (message.type === 'listening') {
      const { url, accessToken } = message as unknown as { url: string; accessToken: string };
      for (let i = 0; i < 2; i++) {
        const controller = new AbortController();
        aborts.push(controller);
        const response = await fetch(`${url}/api/live?access_token=${accessToken}`, { signal: controller.signal });
        void (async () => {
          try {
            for await (const chunk of response.body!) sseBytes += (chunk as Uint8Array).length;
          } catch {
            // aborted at the end
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
  return { samples, done, polls, sseMb: sseBytes / 1048576 };
}

const runs: { name: string; flags: string[]; env: Record<string, string> }[] = [
  { name: 'tsx, Node defaults', flags: [], env: {} },
  { name: 'tsx, --max-semi-space-size=2, MALLOC_ARENA_MAX=2', flags: ['--max-semi-space-size=2'], env: { MALLOC_ARENA_MAX: '2' } },
];
for (const run of runs) {
  const { samples, done, polls, sseMb } = await measure(run.flags, run.env);
  const peak = Math.max(...samples.map((sample) => sample.rssMb));
  console.log(`\n${run.name}`);
  console.log(
    `  simulated ${HOURS} h (${done.steps} steps of 10 s) in ${done.seconds.toFixed(1)} s: ${done.readings.toLocaleString('en')} readings, ${done.rawKept.toLocaleString('en')} kept raw, DB ${done.dbMb.toFixed(1)} MiB; ${polls} coop polls, ${sseMb.toFixed(1)} MiB of SSE`,
  );
  const every = Math.max(1, Math.floor(samples.length / 6));
  console.log(`  RSS by simulated hour: ${samples.filter((_, i) => i % every === 0 || i === samples.length - 1).map((sample) => `h${sample.hour} ${sample.rssMb.toFixed(0)}`).join(', ')} MiB (heap ≤ ${Math.max(...samples.map((sample) => sample.heapMb)).toFixed(0)} MiB)`);
  console.log(`  peak RSS of the edge process ${peak.toFixed(1)} MiB = ${((peak * 1048576) / 1e6).toFixed(0)} MB; target < 150 MB: ${peak * 1048576 < 150e6 ? 'met' : 'NOT met'}`);
}
