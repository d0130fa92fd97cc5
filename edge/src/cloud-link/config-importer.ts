import { compareHlc, equalCanonical } from '@tokkatot/shared';
import type { SqliteForkStore } from '../db/sync/index.js';
import type { RegistryService } from '../registry/registry-service.js';

/** Fields that identify or stamp a document; everything else is configuration. */
const META = new Set(['id', 'farmId', 'hlc', 'updatedAt', '_deleted']);

type Applier = {
  get(id: string): Record<string, unknown> | undefined;
  update(id: string, patch: Record<string, unknown>): void;
  /** Fields the registry lets this path change (others stay as the edge has them). */
  fields?: readonly string[];
};

/**
 * Applies configuration edited in the cloud to the registry: for coops, nodes, outputs and
 * sensors the edge already has, a pulled document stamped later than the registry's copy and
 * differing from it becomes a registry update (validated and audited there as a
 * `config_changed` event). The registry restamps it, so the config exporter pushes the same
 * content back once with the edge's stamp; the next sweep then finds nothing to do.
 *
 * Not done: documents the edge does not have yet (creations) and tombstones (deletions) are left
 * in the fork store for now; nodes only take `name` and `coopId` (the rest is what the node reports).
 */
export class ConfigImporter {
  constructor(
    private readonly deps: {
      registry: RegistryService;
      docs: SqliteForkStore;
      log?: (message: string, detail?: unknown) => void;
    },
  ) {}

  /** Applies every newer cloud edit; returns how many registry documents changed. */
  applyPulled(): number {
    const { registry } = this.deps;
    const find = <T extends { id: string }>(items: readonly T[], id: string) => items.find((item) => item.id === id) as unknown as Record<string, unknown> | undefined;
    const appliers: Record<string, Applier> = {
      coops: { get: (id) => find(registry.listCoops(), id), update: (id, patch) => registry.updateCoop(id, patch, null), fields: ['name', 'capacityBirds'] },
      nodes: { get: (id) => find(registry.listNodes(), id), update: (id, patch) => registry.updateNode(id, patch, null), fields: ['name', 'coopId'] },
      outputs: { get: (id) => find(registry.listOutputs(), id), update: (id, patch) => registry.updateOutput(id, patch, null) },
      sensors: { get: (id) => find(registry.listSensors(), id), update: (id, patch) => registry.updateSensor(id, patch, null) },
    };
    let applied = 0;
    for (const [collection, applier] of Object.entries(appliers)) {
      for (const doc of this.deps.docs.list(collection)) {
        if (doc._deleted) continue;
        const local = applier.get(doc.id);
        if (!local || typeof doc.hlc !== 'string' || typeof local.hlc !== 'string') continue;
        if (compareHlc(doc.hlc, local.hlc) <= 0) continue;
        const patch: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(doc)) {
          if (META.has(key) || (applier.fields && !applier.fields.includes(key))) continue;
          if (!equalCanonical(local[key], value)) patch[key] = value;
        }
        if (Object.keys(patch).length === 0) continue;
        try {
          applier.update(doc.id, patch);
          applied += 1;
        } catch (error) {
          // A cloud edit the edge refuses (unknown node, out-of-range value) stays unapplied and visible in the log.
          this.deps.log?.('cloud link: a configuration edit from the cloud was refused', { collection, id: doc.id, error: (error as Error).message });
        }
      }
    }
    return applied;
  }
}
