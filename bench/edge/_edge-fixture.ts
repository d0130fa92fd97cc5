import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../edge/src/clock.js';
import { EdgeConfigSchema } from '../../edge/src/config/index.js';
import { createEdge, type Edge } from '../../edge/src/edge.js';

/** A fresh edge over a temp folder (removed by dispose), for benchmarks. */
export function createBenchEdge(overrides: Record<string, unknown> = {}, clock = new ManualClock(Date.now())): { edge: Edge; clock: ManualClock; dispose: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'tokkatot-bench-'));
  const config = EdgeConfigSchema.parse({ dataDir: dir, http: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' }, ...overrides });
  const edge = createEdge({ config, clock, passwordCost: { memoryCost: 4096, timeCost: 1 } });
  return {
    edge,
    clock,
    dispose: async () => {
      await edge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Registers nodes×(outputs, sensors) across coops the way an installer would. */
export function seedFarm(edge: Edge, coops: number, nodesPerCoop: number): { nodeIds: string[]; sensorIds: string[][] } {
  const nodeIds: string[] = [];
  const sensorIds: string[][] = [];
  for (let c = 0; c < coops; c++) {
    const coop = edge.registry.createCoop({ id: `coop-${c}`, name: `Coop ${c + 1}` }, null);
    for (let n = 0; n < nodesPerCoop; n++) {
      const nodeId = `node-${c}-${n}`;
      edge.registry.recordHello({ nodeId, transport: n % 2 ? 'mqtt' : 'serial', firmwareVersion: '1.0.0', hardwareRevision: 1 });
      edge.registry.updateNode(nodeId, { coopId: coop.id }, null);
      edge.registry.createOutput({ id: `${nodeId}-fan`, coopId: coop.id, nodeId, channel: 0, kind: 'fan', name: `Fan ${nodeId}`, activeLow: true, failSafeState: 'on', maxOnSeconds: 3600, dimmable: false, installed: true }, null);
      edge.registry.createOutput({ id: `${nodeId}-heat`, coopId: coop.id, nodeId, channel: 1, kind: 'heater', name: `Heater ${nodeId}`, activeLow: true, failSafeState: 'off', maxOnSeconds: 3600, dimmable: false, installed: true }, null);
      const sensors = [
        edge.registry.createSensor({ id: `${nodeId}-t`, coopId: coop.id, nodeId, channel: 2, kind: 'temperature', unit: 'degC', name: `T ${nodeId}`, calibration: { offset: 0, scale: 1 }, samplePeriodSeconds: 10, installed: true }, null),
        edge.registry.createSensor({ id: `${nodeId}-h`, coopId: coop.id, nodeId, channel: 2, kind: 'humidity', unit: 'percentRH', name: `H ${nodeId}`, calibration: { offset: 0, scale: 1 }, samplePeriodSeconds: 10, installed: true }, null),
        edge.registry.createSensor({ id: `${nodeId}-w`, coopId: coop.id, nodeId, channel: 3, kind: 'water_level', unit: 'raw', name: `W ${nodeId}`, calibration: { offset: 0, scale: 1 }, samplePeriodSeconds: 10, installed: true }, null),
      ];
      nodeIds.push(nodeId);
      sensorIds.push(sensors.map((sensor) => sensor.id));
    }
  }
  return { nodeIds, sensorIds };
}
