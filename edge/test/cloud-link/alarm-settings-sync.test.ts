import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_SETTINGS } from '../../src/automation/alarm-conditions.js';
import { AlarmSettingsSync } from '../../src/cloud-link/index.js';
import { buildAutomationConfig, loadAutomationDocuments, saveAutomationDocuments } from '../../src/control/index.js';
import { T0, seedCoop, startTestEdge, type TestEdge } from '../helpers.js';
import { configPassDeps, type ConfigPassFixture } from './support/config-pass-deps.js';

const CLOUD_FARM = 'cloud-farm';
const stamp = (wall: number, node = 'cloud-api') => `${String(wall).padStart(15, '0')}:00000:${node}`;

describe('AlarmSettingsSync', () => {
  let test: TestEdge;
  let docs: ConfigPassFixture['docs'];
  let logged: string[];
  let triggers: () => number;
  let sync: AlarmSettingsSync;
  let checkpoint = 0;

  const stored = () => loadAutomationDocuments(test.edge.repositories.meta).alarms;
  /** A LAN-style edit: the settings stored whole in the automation documents. */
  const editLocally = (changes: Record<string, unknown>) => {
    const meta = test.edge.repositories.meta;
    const current = loadAutomationDocuments(meta);
    saveAutomationDocuments(meta, { ...current, alarms: { ...DEFAULT_ALARM_SETTINGS, ...(current.alarms ?? {}), ...changes } });
  };
  const cloudCopy = () => docs.get('alarm_settings', CLOUD_FARM)!;
  /** What the cloud's pull brings: stored as the master state, with a new checkpoint. */
  const pull = (changes: Record<string, unknown>, wall: number) => {
    checkpoint += 1;
    docs.applyPull('alarm_settings', [{ ...cloudCopy(), ...changes, hlc: stamp(wall), updatedAt: wall, _deleted: false }], { seq: checkpoint, id: CLOUD_FARM });
  };
  const pushAll = () => docs.markPushed('alarm_settings', docs.listDirty('alarm_settings', 10).map((row) => row.newDocumentState));
  const cloudEvents = () =>
    test.edge.events.query({ types: ['config_changed'], limit: 100 }).filter((row) => (row.event as { detail?: { kind?: string; source?: string } }).detail?.source === 'cloud');

  beforeEach(async () => {
    test = await startTestEdge();
    seedCoop(test);
    const pass = configPassDeps(test, CLOUD_FARM);
    ({ docs, logged, exported: triggers } = pass);
    sync = new AlarmSettingsSync(pass.deps);
  });
  afterEach(async () => test.close());

  it('writes the effective settings (the defaults when none were set) once at start, under the cloud farm id', () => {
    expect(stored()).toBeUndefined();
    expect(sync.reconcile()).toEqual({ exported: 1, imported: 0, refused: 0 });
    expect(cloudCopy()).toEqual({ ...DEFAULT_ALARM_SETTINGS, id: CLOUD_FARM, farmId: CLOUD_FARM, hlc: expect.stringMatching(/:edge-/), updatedAt: T0, _deleted: false });
    expect(triggers()).toBe(1);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    pushAll();
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    // Nothing was written on the edge: absent settings still mean the defaults.
    expect(stored()).toBeUndefined();
  });

  it('sends a LAN edit up, stamped by the edge, once', () => {
    sync.reconcile();
    pushAll();
    const before = cloudCopy().hlc as string;
    editLocally({ temperatureHighC: 33, reminderSeconds: 600 });
    expect(sync.reconcile()).toEqual({ exported: 1, imported: 0, refused: 0 });
    expect(cloudCopy()).toMatchObject({ temperatureHighC: 33, reminderSeconds: 600, temperatureLowC: 15 });
    expect((cloudCopy().hlc as string) > before).toBe(true);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    expect(cloudEvents()).toHaveLength(0);
  });

  it('applies a cloud version as a config change by nobody from the cloud, and the automation builds with it', () => {
    sync.reconcile();
    pushAll();
    pull({ temperatureHighC: 31, temperatureDelaySeconds: 0, test: { cron: '0 9 * * 1', durationSeconds: 20 } }, T0 + 60_000);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 1, refused: 0 });
    expect(stored()).toEqual({ ...DEFAULT_ALARM_SETTINGS, temperatureHighC: 31, temperatureDelaySeconds: 0, test: { cron: '0 9 * * 1', durationSeconds: 20 } });
    expect(cloudEvents().map((row) => row.event)).toEqual([
      expect.objectContaining({ type: 'config_changed', actorId: null, coopId: null, summary: 'changed alarm settings from the cloud', detail: { kind: 'alarm_settings', source: 'cloud' } }),
    ]);
    const config = buildAutomationConfig(test.edge.registry, loadAutomationDocuments(test.edge.repositories.meta));
    expect(config.alarms).toMatchObject({ temperatureHighC: 31, temperatureDelaySeconds: 0 });
    // The edge holds exactly the cloud's version: nothing goes back, nothing is announced twice.
    expect(docs.listDirty('alarm_settings', 10)).toEqual([]);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    expect(cloudEvents()).toHaveLength(1);
  });

  it.each([
    ['a limit out of bounds', { temperatureHighC: 80 }],
    ['a low limit above the high one', { temperatureLowC: 37 }],
    ['an alarm test whose cron croner cannot run', { test: { cron: '99 9 * * 1', durationSeconds: 20 } }],
    ['a field this edge does not know', { sirenVolume: 11 }],
  ])('refuses %s, keeps it in the fork store, says so once and keeps its own settings', (_name, changes) => {
    editLocally({ temperatureHighC: 34 });
    sync.reconcile();
    pushAll();
    pull(changes, T0 + 60_000);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 1 });
    expect(stored()).toMatchObject({ temperatureHighC: 34, temperatureLowC: 15, test: null });
    expect(cloudCopy()).toMatchObject(changes);
    expect(logged).toEqual(['cloud link: a configuration edit from the cloud was refused']);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    expect(logged).toHaveLength(1);
    expect(cloudEvents()).toHaveLength(0);
    // The next LAN edit is the later word: it replaces the refused version.
    editLocally({ reminderSeconds: 300 });
    expect(sync.reconcile()).toMatchObject({ exported: 1 });
    expect(cloudCopy()).toMatchObject({ temperatureHighC: 34, reminderSeconds: 300, temperatureLowC: 15 });
  });

  it('keeps the edge’s settings when both sides changed between two passes, and answers a tombstone with them', () => {
    sync.reconcile();
    pushAll();
    editLocally({ temperatureLowC: 12 });
    pull({ reminderSeconds: 60 }, T0 + 60_000);
    expect(sync.reconcile()).toEqual({ exported: 1, imported: 0, refused: 0 });
    expect(cloudCopy()).toMatchObject({ temperatureLowC: 12, reminderSeconds: 900 });
    pushAll();
    checkpoint += 1;
    docs.applyPull('alarm_settings', [{ ...cloudCopy(), hlc: stamp(T0 + 120_000), _deleted: true }], { seq: checkpoint, id: CLOUD_FARM });
    expect(sync.reconcile()).toEqual({ exported: 1, imported: 0, refused: 0 });
    expect(cloudCopy()).toMatchObject({ temperatureLowC: 12, _deleted: false });
  });
  it('ignores keys the engine does not know, and lets a valid cloud version repair damaged stored settings', () => {
    const meta = test.edge.repositories.meta;
    saveAutomationDocuments(meta, { ...loadAutomationDocuments(meta), alarms: { temperatureHighC: 30, sirenVolume: 11 } });
    expect(sync.reconcile()).toMatchObject({ exported: 1 });
    expect(cloudCopy()).toEqual(expect.objectContaining({ temperatureHighC: 30, temperatureLowC: 15 }));
    expect(cloudCopy()).not.toHaveProperty('sirenVolume');
    pushAll();
    // A record the LAN route would never write: nothing goes up, one log line.
    saveAutomationDocuments(meta, { ...loadAutomationDocuments(meta), alarms: { temperatureHighC: 99 } });
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
    expect(logged).toEqual(['cloud link: the stored alarm settings are invalid; not replicated']);
    expect(cloudCopy()).toMatchObject({ temperatureHighC: 30 });
    pull({ temperatureHighC: 32 }, T0 + 60_000);
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 1, refused: 0 });
    expect(stored()).toMatchObject({ temperatureHighC: 32, temperatureLowC: 15 });
    expect(sync.reconcile()).toEqual({ exported: 0, imported: 0, refused: 0 });
  });
});
