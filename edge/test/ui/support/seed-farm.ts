import type { ServedEdge } from '../../webapp/support/serve-edge.js';
import { T0, seedCoop } from '../../helpers.js';

/**
 * A small working farm on the served edge: coop 1 with its node, fan and temperature sensor
 * (the core's test seed), a heater, a feeder, a second coop, an unassigned node, readings over the last
 * day and one raised alarm.
 */
export async function seedFarm(served: ServedEdge): Promise<{ alarmId: string }> {
  const { edge } = served.test;
  seedCoop(served.test);
  edge.registry.createOutput(
    { id: 'heater-1', coopId: 'coop-1', nodeId: 'node-1', channel: 2, kind: 'heater', name: 'Heater 1', activeLow: true, failSafeState: 'off', maxOnSeconds: 3600, dimmable: false, installed: true },
    null,
  );
  edge.registry.createOutput(
    { id: 'feeder-1', coopId: 'coop-1', nodeId: 'node-1', channel: 3, kind: 'feeder', name: 'Feeder 1', activeLow: true, failSafeState: 'off', maxOnSeconds: 3600, dimmable: false, installed: true },
    null,
  );
  edge.registry.createCoop({ id: 'coop-2', name: 'Coop 2' }, null);
  edge.registry.recordHello({ nodeId: 'node-2', transport: 'mqtt', firmwareVersion: '1.0.0', hardwareRevision: 1 });
  const readings = Array.from({ length: 48 }, (_, i) => ({ sensorId: 'temp-1', ts: T0 - (47 - i) * 30 * 60_000, status: 'ok' as const, value: 29 + 3 * Math.sin(i / 6) }));
  await edge.telemetry.ingest(readings);
  const alarm = edge.alarms.raise({ kind: 'temperature_high', severity: 'critical', coopId: 'coop-1', subjectId: 'temp-1', message: 'Coop 1 at 33.1 °C, above 32.0 °C for 5 min' });
  return { alarmId: alarm.id };
}
