/**
 * A controller process for the kill -9 test: runs the engine on a SQLite file with a clock that
 * starts at the given instant and moves in real time, sets a manual override, and prints "on"
 * when the feeder switches on. The parent kills it there with SIGKILL.
 */
import { DEFAULT_ALARM_SETTINGS } from '../../../src/automation/alarm-conditions.js';
import { AutomationEngine } from '../../../src/automation/automation-engine.js';
import { SqliteAutomationStore } from '../../../src/db/automation/sqlite-automation-store.js';
import { feederSchedule } from '../fixtures.js';
import { openAutomationDb } from './automation-db.js';

const [path, startAt] = process.argv.slice(2);
const offset = Number(startAt) - Date.now();
const db = openAutomationDb(path!);
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
  { now: () => Date.now() + offset, setTimer: (cb, ms) => setTimeout(cb, ms), clearTimer: (h) => clearTimeout(h as NodeJS.Timeout) },
  new SqliteAutomationStore(db),
  { set: () => {} },
  {
    outputDecided: (d) => {
      if (d.outputId === 'feeder-1' && d.state === 'on') process.stdout.write('on\n');
    },
  },
);
engine.start();
engine.setManualOverride('fan-2', { state: 'on', until: Number(startAt) + 6 * 3_600_000, setAt: Number(startAt), by: 'sokha' });
process.stdout.write('ready\n');
