import type { ClimateRule } from '@tokkatot/shared';
import { createMergePolicy, resolveConflict, type WireDoc } from '@tokkatot/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AutomationSync } from '../../src/cloud-link/index.js';
import { loadAutomationDocuments, saveAutomationDocuments, type AutomationDocuments } from '../../src/control/index.js';
import { feederSchedule, makeFlock, makeRule } from '../automation/fixtures.js';
import { T0, seedCoop, startTestEdge, type TestEdge } from '../helpers.js';
import { configPassDeps, type ConfigPassFixture } from './support/config-pass-deps.js';

const CLOUD_FARM = 'cloud-farm';
const stamp = (wall: number, node = 'web-owner') => `${String(wall).padStart(15, '0')}:00000:${node}`;

describe('AutomationSync', () => {
  let test: TestEdge;
  let docs: ConfigPassFixture['docs'];
  let logged: string[];
  let triggers: () => number;
  let sync: AutomationSync;
  let checkpoint = 0;
  let localFarm: string;

  const documents = () => loadAutomationDocuments(test.edge.repositories.meta);
  /** A LAN-style edit: stamped by the edge's clock, stored whole. */
  const editLocally = (change: (current: AutomationDocuments) => AutomationDocuments) => saveAutomationDocuments(test.edge.repositories.meta, change(documents()));
  const rule = (fields: Record<string, unknown> = {}): ClimateRule =>
    makeRule({ farmId: localFarm, heaterStages: [], fanStages: [{ outputId: 'fan-1', onAboveC: 0 }], hlc: test.edge.hlc.tick(), updatedAt: test.clock.now(), ...fields });
  /** What the cloud's pull brings: stored as the master state, with a new checkpoint. */
  const pull = (collection: string, doc: Record<string, unknown> & { id: string }, deleted = false) => {
    checkpoint += 1;
    docs.applyPull(collection, [{ ...doc, farmId: CLOUD_FARM, _deleted: deleted }], { seq: checkpoint, id: doc.id });
  };
  /** The cloud accepts every pending local write, as a successful push does. */
  const pushAll = () => {
    for (const collection of ['rules', 'schedules', 'flocks']) docs.markPushed(collection, docs.listDirty(collection, 1000).map((row) => row.newDocumentState));
  };
  const cloudEvents = () => test.edge.events.query({ types: ['config_changed'], limit: 100 }).filter((stored) => (stored.event as { detail?: { source?: string } }).detail?.source === 'cloud');

  beforeEach(async () => {
    test = await startTestEdge();
    seedCoop(test);
    localFarm = test.edge.registry.farm().id;
    const pass = configPassDeps(test, CLOUD_FARM);
    ({ docs, logged, exported: triggers } = pass);
    sync = new AutomationSync(pass.deps);
  });
  afterEach(async () => test.close());

  it('exports rules, schedules and flocks under the cloud farm id with the stamp the edit got, each edit once', () => {
    const original = rule();
    const schedule = feederSchedule({ farmId: localFarm, outputId: 'fan-1', hlc: test.edge.hlc.tick() });
    const flock = makeFlock({ farmId: localFarm, hlc: test.edge.hlc.tick() });
    editLocally((current) => ({ ...current, climateRules: [original], schedules: [schedule], flocks: [flock] }));
    expect(sync.reconcile()).toEqual({ exported: 3, imported: 0, refused: 0 });
    expect(docs.get('rules', 'rule-1')).toMatchObject({ farmId: CLOUD_FARM, hlc: original.hlc, bandHighC: 32, _deleted: false });
    expect(docs.get('schedules', 'sched-1')).toMatchObject({ farmId: CLOUD_FARM, hlc: schedule.hlc });
    expect(docs.get('flocks', 'flock-1')).toMatchObject({ farmId: CLOUD_FARM, hlc: flock.hlc });
    expect(triggers()).toBe(1);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    pushAll();
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });

    const edited = { ...original, bandHighC: 30, hlc: test.edge.hlc.tick() };
    editLocally((current) => ({ ...current, climateRules: [edited] }));
    expect(sync.reconcile()).toMatchObject({ exported: 1, imported: 0 });
    expect(docs.get('rules', 'rule-1')).toMatchObject({ bandHighC: 30, hlc: edited.hlc });
    expect(cloudEvents()).toHaveLength(0);
  });

  it('applies a cloud edit stamped later, keeping its stamp and recording it as a config change by nobody from the cloud', async () => {
    const original = rule();
    editLocally((current) => ({ ...current, climateRules: [original] }));
    sync.reconcile();
    pushAll();
    const later = stamp(T0 + 60_000);
    pull('rules', { ...original, bandLowC: 24, bandHighC: 27, hlc: later, updatedAt: T0 + 60_000 });
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 1, refused: 0 });
    expect(documents().climateRules[0]).toMatchObject({ bandLowC: 24, bandHighC: 27, hlc: later, farmId: localFarm });
    expect(cloudEvents().map((stored) => stored.event)).toEqual([
      expect.objectContaining({ type: 'config_changed', actorId: null, coopId: 'coop-1', summary: 'changed climate rule "cooling" from the cloud', detail: { kind: 'climate_rule', ruleId: 'rule-1', source: 'cloud' } }),
    ]);
    // Nothing to push back: the edge holds exactly the cloud's version.
    expect(docs.listDirty('rules', 10)).toEqual([]);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });

    // A later edit on the edge goes up even though its stamp sorts before the dashboard's.
    const lagging = { ...documents().climateRules[0]!, bandHighC: 29, hlc: test.edge.hlc.tick() };
    expect(lagging.hlc < later).toBe(true);
    editLocally((current) => ({ ...current, climateRules: [lagging] }));
    expect(sync.reconcile()).toMatchObject({ exported: 1, imported: 0 });
    expect(docs.get('rules', 'rule-1')).toMatchObject({ bandHighC: 29 });
    expect(documents().climateRules[0]).toMatchObject({ bandHighC: 29 });
  });

  it('keeps the edge copy when the cloud version is stamped before it, and skips a version equal to it', () => {
    const original = rule();
    editLocally((current) => ({ ...current, climateRules: [original] }));
    sync.reconcile();
    pushAll();
    // Same configuration, other stamps: nothing to apply, nothing to announce.
    pull('rules', { ...original, hlc: stamp(T0 + 60_000), updatedAt: T0 + 60_000 });
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    // An older stamp: the edge's copy is the later word and goes back up.
    pull('rules', { ...original, bandHighC: 35, hlc: stamp(T0 - 60_000), updatedAt: T0 - 60_000 });
    expect(sync.reconcile()).toEqual({ exported: 1, imported: 0, refused: 0 });
    expect(documents().climateRules[0]).toMatchObject({ bandHighC: 32, hlc: original.hlc });
    expect(docs.get('rules', 'rule-1')).toMatchObject({ bandHighC: 32, hlc: original.hlc });
    expect(cloudEvents()).toHaveLength(0);
  });

  it('adds a schedule created in the cloud and removes one the cloud deleted', () => {
    const kept = feederSchedule({ farmId: localFarm, outputId: 'fan-1', hlc: test.edge.hlc.tick() });
    editLocally((current) => ({ ...current, schedules: [kept] }));
    sync.reconcile();
    pushAll();
    const created = feederSchedule({ id: 'sched-cloud', name: 'Evening fan', outputId: 'fan-1', startTime: '18:00', hlc: stamp(T0 + 1000), updatedAt: T0 + 1000 });
    pull('schedules', created);
    expect(sync.reconcile()).toMatchObject({ imported: 1, refused: 0 });
    expect(documents().schedules.map((schedule) => schedule.id)).toEqual(['sched-1', 'sched-cloud']);
    expect(documents().schedules[1]).toMatchObject({ farmId: localFarm, startTime: '18:00' });

    pull('schedules', { ...docs.get('schedules', 'sched-1')!, hlc: stamp(T0 + 2000) }, true);
    expect(sync.reconcile()).toMatchObject({ imported: 1, exported: 0 });
    expect(documents().schedules.map((schedule) => schedule.id)).toEqual(['sched-cloud']);
    expect(cloudEvents().map((stored) => (stored.event as { summary: string }).summary)).toEqual([
      'removed schedule "Feeder" from the cloud',
      'added schedule "Evening fan" from the cloud',
    ]);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
  });

  it('writes a tombstone for a document removed on the edge, stamped by the edge', () => {
    const flock = makeFlock({ farmId: localFarm, hlc: test.edge.hlc.tick() });
    editLocally((current) => ({ ...current, flocks: [flock] }));
    sync.reconcile();
    pushAll();
    editLocally((current) => ({ ...current, flocks: [] }));
    expect(sync.reconcile()).toMatchObject({ exported: 1, imported: 0 });
    expect(docs.get('flocks', 'flock-1')).toMatchObject({ _deleted: true, farmId: CLOUD_FARM });
    expect(docs.get('flocks', 'flock-1')!.hlc).toMatch(/:edge-/);
    pushAll();
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    expect(documents().flocks).toEqual([]);
  });

  it('refuses a cloud version the automation would not run, keeps it in the fork store and says so once', () => {
    const schedule = feederSchedule({ farmId: localFarm, outputId: 'fan-1', hlc: test.edge.hlc.tick() });
    editLocally((current) => ({ ...current, schedules: [schedule] }));
    sync.reconcile();
    pushAll();
    // A schedule for an output this edge does not have, and an edit moving one to an unknown output.
    pull('schedules', feederSchedule({ id: 'sched-bad', outputId: 'fan-404', hlc: stamp(T0 + 1000), updatedAt: T0 + 1000 }));
    pull('schedules', { ...schedule, outputId: 'fan-404', hlc: stamp(T0 + 2000), updatedAt: T0 + 2000 });
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 2 });
    expect(documents().schedules).toEqual([schedule]);
    expect(docs.get('schedules', 'sched-bad')).toMatchObject({ outputId: 'fan-404', _deleted: false });
    expect(docs.get('schedules', 'sched-1')).toMatchObject({ outputId: 'fan-404' });
    expect(logged).toEqual(['cloud link: a configuration edit from the cloud was refused', 'cloud link: a configuration edit from the cloud was refused']);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    expect(logged).toHaveLength(2);
    expect(cloudEvents()).toHaveLength(0);

    // The next edit on the edge is the later word: it replaces the refused version.
    editLocally((current) => ({ ...current, schedules: [{ ...schedule, name: 'Morning fan', hlc: test.edge.hlc.tick() }] }));
    expect(sync.reconcile()).toMatchObject({ exported: 1 });
    expect(docs.get('schedules', 'sched-1')).toMatchObject({ outputId: 'fan-1', name: 'Morning fan' });
    // A cloud creation the edge never had is not mistaken for a removal on the edge.
    expect(docs.get('schedules', 'sched-bad')).toMatchObject({ _deleted: false });
  });

  it('applies what the merge decided when the edge and the cloud changed the same rule: the edge keeps its band', () => {
    const original = rule();
    editLocally((current) => ({ ...current, climateRules: [original] }));
    sync.reconcile();
    pushAll();
    const base = docs.get('rules', 'rule-1')!;
    // The edge changes the band; meanwhile the dashboard changes the band and the name, stamped later.
    const local = { ...original, bandHighC: 30, hlc: test.edge.hlc.tick() };
    editLocally((current) => ({ ...current, climateRules: [local] }));
    sync.reconcile();
    const remote: WireDoc = { ...base, bandHighC: 34, name: 'Summer', hlc: stamp(T0 + 60_000), updatedAt: T0 + 60_000, _deleted: false };
    // What the sync client does with the master's conflict answer.
    docs.applyConflict('rules', remote, (args) => {
      const merged = resolveConflict({ collection: 'rules', ...(args.base ? { base: args.base } : {}), local: args.local, remote }, createMergePolicy());
      return { doc: merged.doc };
    });
    pushAll();
    expect(sync.reconcile()).toMatchObject({ imported: 1 });
    expect(documents().climateRules[0]).toMatchObject({ bandHighC: 30, name: 'Summer' });
  });
});
