import { checkFarmConfig } from './automation/farm-config-check.js';
import { buildAutomationConfig, loadAutomationDocuments, saveAutomationDocuments, type Controller } from './control/index.js';
import type { Edge } from './edge.js';
import type { ClimateDocuments, RegisterWebappOptions } from './webapp/index.js';

/**
 * The web app's view of the controller: schedules and climate documents are the automation's own
 * (stored in the edge's meta table and re-read by the engine on every config change), each edit
 * checked by the automation before it is stored; the siren is the controller's relay.
 */
export function webappOptionsFor(
  edge: Edge,
  controller: () => Controller | null,
): RegisterWebappOptions & Required<Pick<RegisterWebappOptions, 'schedules' | 'climate' | 'climateStore'>> {
  const meta = edge.repositories.meta;
  const documents = () => loadAutomationDocuments(meta);
  const checkWith = (next: Partial<ReturnType<typeof documents>>) => checkFarmConfig(buildAutomationConfig(edge.registry, { ...documents(), ...next }));
  return {
    siren: {
      silence: async () => controller()?.siren.silence(),
      get sounding() {
        return controller()?.siren.sounding ?? false;
      },
    },
    schedules: {
      list: () => documents().schedules,
      save: (schedules) => saveAutomationDocuments(meta, { ...documents(), schedules }),
      check: (schedules) => checkWith({ schedules }),
    },
    climate: documents,
    climateStore: {
      load: documents,
      save: (next: ClimateDocuments) => saveAutomationDocuments(meta, { ...documents(), ...next }),
      check: (next: ClimateDocuments) => checkWith(next),
    },
  };
}
