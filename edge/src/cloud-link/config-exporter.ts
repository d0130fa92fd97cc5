import { equalCanonical } from '@tokkatot/shared';
import { SYNC_COLLECTIONS } from '@tokkatot/sync';
import type { EdgeDatabase } from '../db/index.js';
import type { SqliteForkStore } from '../db/sync/index.js';
import type { EdgeBus } from '../events/edge-bus.js';
import type { RegistryService } from '../registry/registry-service.js';

/**
 * Replicates the registry's configuration (coops, nodes, outputs, sensors) to the cloud: after
 * every `config_changed` event, and once at start, each document whose content differs from the
 * fork store's copy is written with `writeLocal`, keeping the HLC stamp the registry gave it
 * (node "edge-…", so the edge owns the safety-critical fields). A sweep compares everything, so
 * it is idempotent and nothing is missed across a crash; the registry is small (tens of rows).
 *
 * The registry has no deletions, so no tombstone is ever needed here. Documents arriving from the
 * cloud are applied by ConfigImporter; climate rules, schedules and flocks replicate through
 * AutomationSync.
 */
export class ConfigExporter {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: {
      database: EdgeDatabase;
      registry: RegistryService;
      bus: EdgeBus;
      docs: SqliteForkStore;
      cloudFarmId: string;
      onExported: () => void;
      log?: (message: string, detail?: unknown) => void;
    },
  ) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.deps.bus.on('eventAppended', ({ event }) => {
      if (event.type === 'config_changed') this.exportChanged();
    });
    this.exportChanged();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Writes every registry document that differs from the fork store; returns how many. */
  exportChanged(): number {
    const { database, registry, docs, cloudFarmId } = this.deps;
    if (!database.db.open) return 0;
    const sources: Record<string, () => readonly object[]> = {
      coops: () => registry.listCoops(),
      // Local-only fields (capabilities, firstSeenAt) stay on the Pi.
      nodes: () => registry.listNodes().map(({ capabilities: _capabilities, firstSeenAt: _firstSeenAt, ...node }) => node),
      outputs: () => registry.listOutputs(),
      sensors: () => registry.listSensors(),
    };
    let written = 0;
    database.transaction(() => {
      for (const [collection, list] of Object.entries(sources)) {
        const schema = SYNC_COLLECTIONS[collection]!.schema;
        for (const item of list()) {
          // The cloud names the farm; the local farm id only matters on this Pi.
          const parsed = schema.safeParse({ ...item, farmId: cloudFarmId });
          if (!parsed.success) {
            this.deps.log?.('cloud link: a registry document does not fit the sync schema; not replicated', { collection, id: (item as { id?: string }).id, error: parsed.error.message });
            continue;
          }
          const doc = parsed.data as Record<string, unknown> & { id: string };
          const stored = docs.get(collection, doc.id);
          if (stored && !stored._deleted && equalCanonical(comparable(collection, stored), comparable(collection, doc))) continue;
          docs.writeLocal(collection, doc);
          written += 1;
        }
      }
    });
    if (written > 0) this.deps.onExported();
    return written;
  }
}

/**
 * What must differ for a document to be written again. A node's lastSeenAt moves with every
 * heartbeat without a new HLC stamp; it travels along with the next real change instead of
 * making each heartbeat a replicated edit.
 */
function comparable(collection: string, doc: Record<string, unknown>): Record<string, unknown> {
  const { _deleted: _ignored, ...rest } = doc;
  if (collection === 'nodes') delete rest.lastSeenAt;
  return rest;
}
