/**
 * A whole edge (core + cloud link) in its own process, so a test can SIGKILL it mid-upload.
 * Environment: DATA_DIR, CLOUD_URL, GENERATE (batches to make: 50 readings and one event each),
 * UPLOAD_BPS (optional cap). IPC: sends { generated } once done, answers 'status' with the link status.
 */
import { systemClock } from '../../../src/clock.js';
import { CloudLink } from '../../../src/cloud-link/index.js';
import { createEdge } from '../../../src/edge.js';
import { seedCoop, testConfig, type TestEdge } from '../../helpers.js';

const edge = createEdge({ config: testConfig(process.env.DATA_DIR!), clock: systemClock, passwordCost: { memoryCost: 4096, timeCost: 1 } });
await edge.start();
const bps = Number(process.env.UPLOAD_BPS ?? '0');
// New records and the live stream trigger passes; the periodic pass is only a fallback. Every pass
// pulls each collection, so a short period alone would spend the cloud's 1000 requests a minute.
const link = new CloudLink(edge, { url: process.env.CLOUD_URL!, readingsIntervalMs: 20, periodicSyncMs: 1000, ...(bps ? { uploadBytesPerSecond: bps } : {}) });
link.start();

const batches = Number(process.env.GENERATE ?? '0');
if (batches > 0) {
  if (!edge.registry.listSensors().some((sensor) => sensor.id === 'temp-1')) seedCoop({ edge } as TestEdge);
  const base = Date.now() - 3_600_000;
  for (let batch = 0; batch < batches; batch += 1) {
    const done = edge.telemetry.ingest(Array.from({ length: 50 }, (_, index) => ({ sensorId: 'temp-1', ts: base + (batch * 50 + index) * 1000, status: 'ok', value: 20 + index / 10 })));
    edge.telemetry.flush();
    await done;
    edge.events.append({ type: 'user_action', coopId: null, actorId: null, summary: `batch ${batch}`, detail: {} });
    await new Promise((resolve) => setImmediate(resolve));
  }
}
process.send!({ generated: batches });

process.on('message', (message) => {
  if (message === 'status') process.send!({ status: link.status() });
  if (message === 'stop') {
    void (async () => {
      await link.stop();
      await edge.stop();
      process.exit(0);
    })();
  }
});
