import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_SETTINGS } from '../../src/automation/alarm-conditions.js';
import { AutomationEngine } from '../../src/automation/automation-engine.js';
import type { AutomationState } from '../../src/automation/automation-store.js';
import { SqliteAutomationStore } from '../../src/db/automation/sqlite-automation-store.js';
import { FakeClock, feederSchedule, pp } from './fixtures.js';
import { makeTempDir, openAutomationDb, readAutomationMigrations } from './support/automation-db.js';

let temp: ReturnType<typeof makeTempDir>;
let db: Database.Database;
beforeEach(() => {
  temp = makeTempDir();
  db = openAutomationDb(join(temp.dir, 'farm.db'));
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

const sample: AutomationState = {
  climate: { 'coop-1': { humid: true, outputs: { 'heater-1': { on: true, changedAt: 1_773_000_000_000, cutUntil: null, demand: true }, 'fan-1': { on: false, changedAt: Number.NEGATIVE_INFINITY, cutUntil: 1_773_000_060_000, demand: false } } } },
  schedules: { 's1': { lastRunStartAt: 1_773_000_000_000, lastReplayedStart: null, replay: { start: 1_773_000_100_000, end: 1_773_000_580_000, reason: "schedule 'Feeder' late run" } } },
  alarms: {
    'water_low:w1': {
      key: 'water_low:w1',
      kind: 'water_low',
      coopId: 'coop-1',
      subjectId: 'w1',
      activeSince: 1_773_000_000_000,
      alarm: { id: 'a1', state: 'acknowledged', severity: 'warning', message: 'water low', siren: true, raisedAt: 1_773_000_060_000, remindedAt: null, acknowledgedAt: 1_773_000_070_000, acknowledgedBy: 'sokha' },
    },
    'node_offline:n1': { key: 'node_offline:n1', kind: 'node_offline', coopId: null, subjectId: 'n1', activeSince: 1_773_000_000_000, alarm: null },
  },
  overrides: { 'fan-2': { state: 'on', until: 1_773_003_600_000, setAt: 1_773_000_000_000, by: 'sokha', note: 'hot afternoon' }, 'fan-3': { state: 'off', until: 1_773_003_600_000, setAt: 1_773_000_000_000, by: null } },
  silence: { at: 1_773_000_000_000, until: 1_773_000_060_000 },
};

function saveAll(store: SqliteAutomationStore, state: AutomationState): void {
  for (const [coop, m] of Object.entries(state.climate)) store.saveClimateMemory(coop, m);
  for (const [id, b] of Object.entries(state.schedules)) store.saveScheduleBookkeeping(id, b);
  for (const t of Object.values(state.alarms)) store.saveAlarmTrack(t);
  for (const [id, o] of Object.entries(state.overrides)) store.saveOverride(id, o);
  store.saveSilence(state.silence);
}

describe('SqliteAutomationStore', () => {
  it('gives back exactly what was saved, across a reopen of the file', () => {
    saveAll(new SqliteAutomationStore(db), sample);
    db.close();
    db = openAutomationDb(join(temp.dir, 'farm.db'));
    expect(new SqliteAutomationStore(db).load()).toEqual(sample);
  });

  it('deletes what is lifted: an override, an alarm track, the silence', () => {
    const store = new SqliteAutomationStore(db);
    saveAll(store, sample);
    store.saveOverride('fan-2', null);
    store.deleteAlarmTrack('water_low:w1');
    store.saveSilence(null);
    const state = store.load();
    expect(Object.keys(state.overrides)).toEqual(['fan-3']);
    expect(Object.keys(state.alarms)).toEqual(['node_offline:n1']);
    expect(state.silence).toBeNull();
  });

  it('can apply its migrations twice without harm and refuses impossible rows', () => {
    for (const sql of readAutomationMigrations()) db.exec(sql);
    expect(() => db.prepare("INSERT INTO automation_manual_override (output_id, state, until_at, set_at) VALUES ('x', 'maybe', 1, 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO automation_manual_override (output_id, state, until_at, set_at) VALUES ('x', 'on', 'soon', 1)").run()).toThrow();
    expect(() => db.prepare("INSERT INTO automation_siren_silence (id, silenced_at, silenced_until) VALUES (2, 1, 2)").run()).toThrow(/CHECK/);
    expect(new SqliteAutomationStore(db).load().overrides).toEqual({});
  });

  it('keeps state through a kill -9 of the controller: the override and the catch-up bookkeeping survive', async () => {
    db.close();
    const path = join(temp.dir, 'farm.db');
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/crash-child.ts', import.meta.url)), path, String(pp('2026-03-10T05:59:59'))], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child never switched the feeder on: ${err}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('on\n')) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));
    db = openAutomationDb(path);
    const store = new SqliteAutomationStore(db);
    expect(store.load().schedules['sched-1']?.lastRunStartAt).toBe(pp('2026-03-10T06:00:00'));
    // Back at 10:20: the 10:08 run was missed within the grace window and is replayed late.
    const clock = new FakeClock(pp('2026-03-10T10:20:00'));
    const engine = new AutomationEngine(
      {
        farmId: 'farm-1',
        zone: 'Asia/Phnom_Penh',
        coops: [{ id: 'coop-1', name: 'coop 1', flock: null, climate: null, temperatureSensors: [], humiditySensors: [], water: null }],
        outputs: [
          { id: 'feeder-1', name: 'feeder', kind: 'feeder', coopId: 'coop-1' },
          { id: 'fan-2', name: 'fan 2', kind: 'fan', coopId: 'coop-1' },
        ],
        schedules: [feederSchedule()],
        nodes: [],
        alarms: DEFAULT_ALARM_SETTINGS,
        catchUpGraceSeconds: 1800,
        sensorMaxDeviationC: 3,
        defaultSensorStaleSeconds: 120,
      },
      clock,
      store,
      { set: () => {} },
    );
    engine.start();
    try {
      expect(engine.explain('feeder-1')).toMatchObject({ state: 'on', until: pp('2026-03-10T10:28:00') });
      expect(engine.explain('fan-2')).toMatchObject({ state: 'on', source: 'manual' });
    } finally {
      engine.stop();
    }
  });
});
