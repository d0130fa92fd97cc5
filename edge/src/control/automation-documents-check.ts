import { checkFarmConfig } from '../automation/farm-config-check.js';
import type { RegistryService } from '../registry/registry-service.js';
import { buildAutomationConfig } from './automation-config.js';
import { AutomationDocumentsSchema, type AutomationDocuments } from './automation-documents.js';

/**
 * Every reason the automation would refuse a candidate set of documents, as readable sentences;
 * empty when it can run them. The same checks the LAN routes make (the shared schemas, a
 * schedule's output in the schedule's coop, a flock's and a rule's coop known here) followed by
 * the engine's own check of the configuration it would build. For edits that do not come
 * through the LAN routes, such as configuration pulled from the cloud.
 */
export function checkAutomationDocuments(registry: RegistryService, documents: AutomationDocuments): string[] {
  const parsed = AutomationDocumentsSchema.safeParse(documents);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join('.') || 'documents'}: ${issue.message}`);
  const problems: string[] = [];
  const coops = new Set(registry.listCoops().map((coop) => coop.id));
  const outputs = new Map(registry.listOutputs().map((output) => [output.id, output]));
  for (const schedule of documents.schedules) {
    const output = outputs.get(schedule.outputId);
    if (!output) problems.push(`schedule ${schedule.id} drives unknown output ${schedule.outputId}`);
    else if (output.coopId !== schedule.coopId) problems.push(`schedule ${schedule.id}: output ${output.id} is not in coop ${schedule.coopId}`);
  }
  for (const flock of documents.flocks) if (!coops.has(flock.coopId)) problems.push(`flock ${flock.id} is in unknown coop ${flock.coopId}`);
  for (const rule of documents.climateRules) if (!coops.has(rule.coopId)) problems.push(`climate rule ${rule.id} is for unknown coop ${rule.coopId}`);
  if (problems.length > 0) return problems;
  return checkFarmConfig(buildAutomationConfig(registry, documents));
}
