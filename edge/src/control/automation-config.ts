import type { Output, Sensor } from '@tokkatot/shared';
import { DEFAULT_ALARM_SETTINGS } from '../automation/alarm-conditions.js';
import type { FarmAutomationConfig } from '../automation/farm-config.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { AutomationDocuments } from './automation-documents.js';

/** Farm-wide automation tunables that are not documents. */
export interface AutomationTunables {
  catchUpGraceSeconds: number;
  sensorMaxDeviationC: number;
  defaultSensorStaleSeconds: number;
}

export const DEFAULT_TUNABLES: AutomationTunables = { catchUpGraceSeconds: 1800, sensorMaxDeviationC: 3, defaultSensorStaleSeconds: 120 };

/**
 * The engine's FarmAutomationConfig from the registry (coops, outputs, sensors, nodes) and the
 * automation documents (rules, schedules, flocks). Rules and schedules of disabled or missing
 * parts are dropped here so one stale document never makes the engine refuse the whole farm.
 */
export function buildAutomationConfig(registry: RegistryService, documents: AutomationDocuments, tunables: AutomationTunables = DEFAULT_TUNABLES): FarmAutomationConfig {
  const farm = registry.farm();
  const coops = registry.listCoops();
  const outputs = registry.listOutputs();
  const sensors = registry.listSensors();
  const outputIds = new Set(outputs.map((o) => o.id));
  const sensorsOf = (coopId: string, kind: Sensor['kind']) =>
    sensors.filter((s) => s.coopId === coopId && s.kind === kind && s.installed).map((s) => ({ id: s.id, name: s.name }));
  const ruleDrivesKnownOutputs = (ids: string[]) => ids.every((id) => outputIds.has(id));
  return {
    farmId: farm.id,
    zone: farm.timezone,
    coops: coops.map((coop) => {
      const rule = documents.climateRules.find((r) => r.coopId === coop.id && r.enabled) ?? null;
      const ruleOutputs = rule ? [...rule.heaterStages.map((s) => s.outputId), ...rule.fanStages.map((s) => s.outputId), ...(rule.minimumVentilation?.outputIds ?? [])] : [];
      const water = sensors.find((s) => s.coopId === coop.id && s.kind === 'water_level' && s.installed && s.calibration.halfFullRaw !== undefined);
      return {
        id: coop.id,
        name: coop.name,
        flock: documents.flocks.find((f) => f.coopId === coop.id) ?? null,
        climate: rule && ruleDrivesKnownOutputs(ruleOutputs) ? rule : null,
        temperatureSensors: sensorsOf(coop.id, 'temperature'),
        humiditySensors: sensorsOf(coop.id, 'humidity'),
        water: water ? { sensorId: water.id, name: water.name, halfFullRaw: water.calibration.halfFullRaw as number } : null,
      };
    }),
    outputs: outputs.map((o: Output) => ({ id: o.id, name: o.name, kind: o.kind, coopId: o.coopId })),
    schedules: documents.schedules.filter((s) => outputIds.has(s.outputId)),
    nodes: registry.listNodes().map((n) => ({ nodeId: n.id, name: n.name, coopId: n.coopId })),
    alarms: { ...DEFAULT_ALARM_SETTINGS, ...(documents.alarms ?? {}) },
    ...tunables,
  };
}
