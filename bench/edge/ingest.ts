/**
 * Sustained telemetry ingest on the edge store (WAL, synchronous=FULL): the batched path the edge
 * uses (TelemetryService: validation, raw rows, minute/hour/day rollups, one transaction per
 * batch) against a naive row-per-transaction insert measured in the same run.
 *
 *   npx tsx bench/edge/ingest.ts [totalReadings]
 */
import type { Reading } from '@tokkatot/shared';
import { createBenchEdge, seedFarm } from './_edge-fixture.js';

const TOTAL = Number(process.argv[2] ?? 500_000);
const NAIVE = Math.min(5_000, TOTAL);
const BATCH = 5_000;

function makeReadings(sensors: string[], count: number, start: number): Reading[] {
  const readings: Reading[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const sensorId = sensors[i % sensors.length]!;
    readings[i] = { sensorId, ts: start + Math.floor(i / sensors.length) * 10_000, status: 'ok', value: 20 + ((i * 7) % 100) / 10 };
  }
  return readings;
}

async function main(): Promise<void> {
  // Baseline: every reading its own transaction (what a naive "insert on arrival" does).
  const naive = createBenchEdge();
  const naiveSensors = seedFarm(naive.edge, 5, 10).sensorIds.flat();
  const naiveReadings = makeReadings(naiveSensors, NAIVE, Date.now() - 86_400_000);
  const repository = naive.edge.repositories.readings;
  let started = performance.now();
  for (const reading of naiveReadings) {
    repository.writeBatch([reading], [
      { sensorId: reading.sensorId, resolution: 'minute', bucketStart: reading.ts - (reading.ts % 60_000), min: (reading as { value: number }).value, max: (reading as { value: number }).value, sum: (reading as { value: number }).value, count: 1, failedCount: 0 },
    ]);
  }
  const naiveRate = NAIVE / ((performance.now() - started) / 1000);
  await naive.dispose();

  // The edge's path: batches through TelemetryService.ingest, awaited (acknowledged = committed).
  const batched = createBenchEdge({ telemetry: { maxBatch: BATCH, flushIntervalMs: 1000 } });
  const sensors = seedFarm(batched.edge, 5, 10).sensorIds.flat();
  const readings = makeReadings(sensors, TOTAL, Date.now() - 20 * 86_400_000);
  started = performance.now();
  for (let offset = 0; offset < readings.length; offset += BATCH) {
    await batched.edge.telemetry.ingest(readings.slice(offset, offset + BATCH));
  }
  const seconds = (performance.now() - started) / 1000;
  const rate = TOTAL / seconds;
  const stored = batched.edge.repositories.readings.rawCount();
  const sizeMb = batched.edge.database.sizeOnDisk() / 1048576;
  await batched.dispose();
  if (stored !== TOTAL) throw new Error(`stored ${stored} of ${TOTAL}`);

  console.log(`naive row-per-transaction : ${NAIVE.toLocaleString('en')} readings, ${Math.round(naiveRate).toLocaleString('en')} readings/s`);
  console.log(`batched (edge ingest path): ${TOTAL.toLocaleString('en')} readings in ${seconds.toFixed(2)} s, ${Math.round(rate).toLocaleString('en')} readings/s (${sizeMb.toFixed(1)} MiB on disk)`);
  console.log(`speed-up ×${(rate / naiveRate).toFixed(0)}; target ≥ 50,000 readings/s: ${rate >= 50_000 ? 'met' : 'NOT met'}`);
}

await main();
