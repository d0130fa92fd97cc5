import type { AutomationSyncDeps } from '../../../src/cloud-link/index.js';
import { SqliteForkStore, SqliteOutbox, SyncStateStore } from '../../../src/db/sync/index.js';
import type { TestEdge } from '../../helpers.js';

/**
 * What the configuration sync passes (automation documents, alarm settings) run on in their
 * tests: the test edge's own database, registry, bus and clocks, a fork store on the same
 * database, and counters of what the pass exported and logged.
 */
export interface ConfigPassFixture {
  deps: AutomationSyncDeps;
  docs: SqliteForkStore;
  logged: string[];
  /** How many times the pass said it wrote something for the cloud. */
  exported: () => number;
}

export function configPassDeps(test: TestEdge, cloudFarmId: string): ConfigPassFixture {
  const { edge } = test;
  const docs = new SqliteForkStore(edge.database.db, new SqliteOutbox(edge.database.db), () => test.clock.now());
  const logged: string[] = [];
  let exported = 0;
  const deps: AutomationSyncDeps = {
    database: edge.database,
    meta: edge.repositories.meta,
    registry: edge.registry,
    events: edge.events,
    bus: edge.bus,
    docs,
    state: new SyncStateStore(edge.database.db),
    hlc: edge.hlc,
    clock: edge.clock,
    cloudFarmId,
    onExported: () => (exported += 1),
    log: (message) => logged.push(message),
  };
  return { deps, docs, logged, exported: () => exported };
}
