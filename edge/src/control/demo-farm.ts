import { ClimateRuleSchema, ScheduleSchema, type ClimateRule, type HelloMessage, type OutputKind, type Schedule } from '@tokkatot/shared';
import type { Edge } from '../edge.js';
import type { AutomationDocuments } from './automation-documents.js';
import { KIND_DEFAULTS } from './node-config.js';

/** Climate settings of the demo coops; the benchmark overrides some of them. */
export type DemoClimate = Partial<Pick<ClimateRule, 'bandLowC' | 'bandHighC' | 'hysteresisC' | 'minOnSeconds' | 'minOffSeconds' | 'sensorStaleSeconds' | 'humidityMaxPercent' | 'minimumVentilation'>>;

const NAMES: Record<OutputKind, string> = {
  fan: 'Fan',
  heater: 'Heater',
  feeder: 'Feeder',
  conveyor: 'Manure conveyor',
  light: 'Light',
  water_pump: 'Water pump',
  siren: 'Siren',
  relay: 'Relay',
};

/**
 * Lays out a demo coop for a node that just said hello: a coop named after it, the node assigned,
 * every output and sensor it announces (fail-safe and max-ON by kind), a climate rule (heater,
 * fan stages, minimum ventilation) and the product's feeder and conveyor schedules (feeder 06:00,
 * 8 min on, 4 h off, ×3; conveyor 08:00, 10 min on, 2 h off, ×4). Returns the documents to store.
 */
export function addDemoCoop(edge: Pick<Edge, 'registry' | 'hlc' | 'clock'>, hello: HelloMessage, index: number, documents: AutomationDocuments, climate: DemoClimate = {}): AutomationDocuments {
  const { registry } = edge;
  const coopId = `coop-${index}`;
  const coop = registry.createCoop({ id: coopId, name: `Coop ${index}`, capacityBirds: 1000 }, null);
  registry.updateNode(hello.nodeId, { coopId: coop.id, name: `${coop.name} board` }, null);
  const counts = new Map<OutputKind, number>();
  const ids = new Map<string, string>();
  for (const o of hello.outputs) {
    const n = (counts.get(o.kind) ?? 0) + 1;
    counts.set(o.kind, n);
    const id = `${coopId}-${o.kind.replace('_', '-')}-${n}`;
    ids.set(`${o.kind}-${n}`, id);
    registry.createOutput(
      {
        id,
        coopId,
        nodeId: hello.nodeId,
        channel: o.channel,
        kind: o.kind,
        name: n === 1 ? NAMES[o.kind] : `${NAMES[o.kind]} ${n}${o.kind === 'fan' ? ' (cooling pad)' : ''}`,
        activeLow: o.activeLow,
        failSafeState: KIND_DEFAULTS[o.kind].failSafe,
        maxOnSeconds: KIND_DEFAULTS[o.kind].maxOnS,
        dimmable: o.dimmable,
        installed: true,
      },
      null,
    );
  }
  for (const s of hello.sensors) {
    const unit = ({ temperature: 'degC', humidity: 'percentRH', water_level: 'raw', ammonia: 'ppm', power: 'W' } as const)[s.kind];
    registry.createSensor(
      {
        id: `${coopId}-${s.kind.replace('_', '-')}-${s.channel}`,
        coopId,
        nodeId: hello.nodeId,
        channel: s.channel,
        kind: s.kind,
        unit,
        name: `${s.kind === 'water_level' ? 'Drinker tank' : s.kind === 'temperature' ? 'Temperature' : 'Humidity'}`,
        // The float valve refills below ~1300 counts: 1200 is "below half" only when the supply fails.
        calibration: s.kind === 'water_level' ? { offset: 0, scale: 1, halfFullRaw: 1200 } : { offset: 0, scale: 1 },
        samplePeriodSeconds: 10,
        installed: true,
      },
      null,
    );
  }
  const meta = () => ({ farmId: registry.farm().id, hlc: edge.hlc.tick(), updatedAt: edge.clock.now() });
  const heaters = [...ids].filter(([key]) => key.startsWith('heater-')).map(([, id]) => id);
  const fans = [...ids].filter(([key]) => key.startsWith('fan-')).map(([, id]) => id);
  const rules: ClimateRule[] = [];
  if (heaters.length > 0 || fans.length > 0) {
    rules.push(
      ClimateRuleSchema.parse({
        ...meta(),
        id: `${coopId}-climate`,
        coopId,
        name: 'climate',
        enabled: true,
        target: 'fixed',
        bandLowC: 28.5,
        bandHighC: 31.5,
        hysteresisC: 0.5,
        minOnSeconds: 120,
        minOffSeconds: 120,
        maxRunSeconds: null,
        heaterStages: heaters.map((outputId, i) => ({ outputId, onBelowC: i })),
        // Both fan stages at the band's top: the pad stage is what holds a 36 °C afternoon inside the band.
        fanStages: fans.map((outputId) => ({ outputId, onAboveC: 0 })),
        minimumVentilation: fans[0] ? { outputIds: [fans[0]], cycleSeconds: 600, minOnPercent: 3, maxOnPercent: 30, rampSpanC: 3 } : null,
        humidityMaxPercent: null,
        sensorStaleSeconds: 120,
        ...climate,
      }),
    );
  }
  const schedules: Schedule[] = [];
  const feeder = ids.get('feeder-1');
  const conveyor = ids.get('conveyor-1');
  const weekdays = [0, 1, 2, 3, 4, 5, 6];
  if (feeder) {
    schedules.push(ScheduleSchema.parse({ ...meta(), id: `${coopId}-feeder`, coopId, outputId: feeder, name: 'Feeder', enabled: true, weekdays, type: 'cycle', startTime: '06:00', runSeconds: 480, offSeconds: 14_400, repeat: 3 }));
  }
  if (conveyor) {
    schedules.push(ScheduleSchema.parse({ ...meta(), id: `${coopId}-conveyor`, coopId, outputId: conveyor, name: 'Manure conveyor', enabled: true, weekdays, type: 'cycle', startTime: '08:00', runSeconds: 600, offSeconds: 7200, repeat: 4 }));
  }
  return {
    ...documents,
    climateRules: [...documents.climateRules.filter((r) => r.coopId !== coopId), ...rules],
    schedules: [...documents.schedules.filter((s) => s.coopId !== coopId), ...schedules],
  };
}
