import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigImporter } from '../../src/cloud-link/index.js';
import { SqliteForkStore, SqliteOutbox } from '../../src/db/sync/index.js';
import { T0, seedCoop, startTestEdge, type TestEdge } from '../helpers.js';

const stamp = (wall: number, node = 'web-owner') => `${String(wall).padStart(15, '0')}:00000:${node}`;

describe('ConfigImporter', () => {
  let test: TestEdge;
  let docs: SqliteForkStore;
  let logged: string[];
  let importer: ConfigImporter;
  let checkpoint = 0;
  const pull = (collection: string, doc: Record<string, unknown> & { id: string }) => {
    checkpoint += 1;
    docs.applyPull(collection, [{ ...doc, _deleted: false }], { seq: checkpoint, id: doc.id });
  };

  beforeEach(async () => {
    test = await startTestEdge();
    seedCoop(test);
    docs = new SqliteForkStore(test.edge.database.db, new SqliteOutbox(test.edge.database.db), () => test.clock.now());
    logged = [];
    importer = new ConfigImporter({ registry: test.edge.registry, docs, log: (message) => logged.push(message) });
  });
  afterEach(async () => test.close());

  it('applies a newer cloud edit once and ignores one stamped before the edge copy', () => {
    const output = test.edge.registry.getOutput('fan-1');
    pull('outputs', { ...output, farmId: 'cloud-farm', name: 'Old name', hlc: stamp(T0 - 60_000), updatedAt: T0 - 60_000 });
    expect(importer.applyPulled()).toBe(0);
    expect(test.edge.registry.getOutput('fan-1').name).toBe('Fan 1');
    pull('outputs', { ...output, farmId: 'cloud-farm', name: 'Tunnel fan', maxOnSeconds: 1800, hlc: stamp(T0 + 60_000), updatedAt: T0 + 60_000 });
    expect(importer.applyPulled()).toBe(1);
    expect(test.edge.registry.getOutput('fan-1')).toMatchObject({ name: 'Tunnel fan', maxOnSeconds: 1800, farmId: output.farmId });
    expect(importer.applyPulled()).toBe(0);
  });

  it('leaves an edit the registry refuses unapplied and says so, without throwing', () => {
    const sensor = test.edge.registry.getSensor('temp-1');
    pull('sensors', { ...sensor, farmId: 'cloud-farm', nodeId: 'node-404', hlc: stamp(T0 + 60_000), updatedAt: T0 + 60_000 });
    expect(importer.applyPulled()).toBe(0);
    expect(test.edge.registry.getSensor('temp-1').nodeId).toBe('node-1');
    expect(logged).toEqual(['cloud link: a configuration edit from the cloud was refused']);
  });
});
