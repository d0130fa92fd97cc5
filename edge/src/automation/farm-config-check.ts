import type { FarmAutomationConfig } from './farm-config.js';
import { checkSchedule } from './schedule.js';

/** Error code for a configuration the engine refuses (to be merged into shared/src/errors.ts). */
export const AUTOMATION_CONFIG_INVALID = 'AUTOMATION_CONFIG_INVALID';

/**
 * Cross-checks a farm configuration beyond its zod schemas: the zone exists, every cron parses,
 * every schedule and rule names outputs and sensors the farm has, and no output is driven by two
 * climate rules. Returns readable problems; empty when the engine can run it.
 */
export function checkFarmConfig(config: FarmAutomationConfig): string[] {
  const problems: string[] = [];
  const outputs = new Map(config.outputs.map((o) => [o.id, o]));
  const coops = new Set(config.coops.map((c) => c.id));
  for (const output of config.outputs) if (!coops.has(output.coopId)) problems.push(`output ${output.id} belongs to unknown coop ${output.coopId}`);
  for (const schedule of config.schedules) {
    const invalid = checkSchedule(schedule, config.zone);
    if (invalid) problems.push(`schedule ${schedule.id}: ${invalid}`);
    if (!outputs.has(schedule.outputId)) problems.push(`schedule ${schedule.id} drives unknown output ${schedule.outputId}`);
  }
  const driven = new Map<string, string>();
  for (const coop of config.coops) {
    const rule = coop.climate;
    if (!rule) continue;
    const ids = [...rule.heaterStages.map((s) => s.outputId), ...rule.fanStages.map((s) => s.outputId), ...(rule.minimumVentilation?.outputIds ?? [])];
    for (const id of new Set(ids)) {
      const output = outputs.get(id);
      if (!output) problems.push(`climate rule of ${coop.id} drives unknown output ${id}`);
      else if (output.coopId !== coop.id) problems.push(`climate rule of ${coop.id} drives output ${id} of ${output.coopId}`);
      if (driven.has(id)) problems.push(`output ${id} is driven by the climate rules of ${driven.get(id)} and ${coop.id}`);
      driven.set(id, coop.id);
    }
    for (const stage of rule.heaterStages) {
      if (outputs.get(stage.outputId) && outputs.get(stage.outputId)!.kind !== 'heater') problems.push(`heater stage ${stage.outputId} is not a heater`);
    }
  }
  return problems;
}
