/**
 * The process measured by rss-50-nodes.ts: an edge with 50 simulated nodes on an accelerated
 * clock, its HTTP server on 127.0.0.1. Prints one JSON line per event on stdout.
 */
import type { Reading } from '@tokkatot/shared';
import { buildApp } from '../../edge/src/http/app.js';
import { createBenchEdge, seedFarm } from './_edge-fixture.js';

const HOURS = Number(process.argv[2] ?? 24);
const STEP_MS = 10_000;
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

const { edge, clock, dispose } = createBenchEdge({ telemetry: { flushIntervalMs: 1000, maxBatch: 5000 } });
const farm = seedFarm(edge, 5, 10);
await edge.auth.setupOwner({ username: 'owner', displayName: 'Owner', password: 'bench password' });
const app = await buildApp(edge);
await edge.start();
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const { accessToken } = await edge.auth.login('owner', 'bench password');
say({ type: 'listening', url, accessToken });
// Wait for the parent to attach its clients.
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.destroy();

const memory = () => {
  const usage = process.memoryUsage();
  return { rssMb: usage.rss / 1048576, heapMb: usage.heapUsed / 1048576, heapTotalMb: usage.heapTotal / 1048576, externalMb: usage.external / 1048576 };
};
say({ type: 'sample', hour: 0, ...memory() });
const steps = (HOURS * 3_600_000) / STEP_MS;
const started = performance.now();
for (let step = 1; step <= steps; step++) {
  clock.advance(STEP_MS);
  const now = clock.now();
  const batch: Reading[] = [];
  farm.nodeIds.forEach((nodeId, index) => {
    edge.deviceSink.nodeHeartbeat(nodeId, now);
    const [t, h, w] = farm.sensorIds[index]!;
    const wave = Math.sin(((now / 3_600_000) * Math.PI * 2) / 24);
    batch.push({ sensorId: t!, ts: now, status: 'ok', value: 28 + 4 * wave + (index % 5) / 10 });
    batch.push({ sensorId: h!, ts: now, status: 'ok', value: 70 - 10 * wave });
    batch.push(step % 500 === index ? { sensorId: w!, ts: now, status: 'failed', failure: 'no_response' } : { sensorId: w!, ts: now, status: 'ok', value: 2000 + index });
  });
  // One commit per 10 s step, as the real flush interval (1 s) gives at this rate.
  const written = edge.deviceSink.readings(batch);
  edge.telemetry.flush();
  await written;
  if (step % 3 === 0) edge.registry.flushLastSeen();
  if (step % 360 === 0) {
    edge.housekeeper.run();
    say({ type: 'sample', hour: step / 360, ...memory() });
  }
  // Yield so HTTP and SSE are served while the clock races.
  await new Promise((resolve) => setImmediate(resolve));
}
say({ type: 'done', seconds: (performance.now() - started) / 1000, steps, readings: steps * 150, rawKept: edge.repositories.readings.rawCount(), dbMb: edge.database.sizeOnDisk() / 1048576 });
await app.close();
await dispose();
process.exit(0);
