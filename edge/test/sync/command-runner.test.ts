import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '@tokkatot/sync';
import { CommandLedger } from '../../src/db/sync/command-ledger.js';
import { openSyncDatabase } from '../../src/db/sync/open-sync-database.js';
import { SqliteForkStore } from '../../src/db/sync/sqlite-fork-store.js';
import { SqliteOutbox } from '../../src/db/sync/sqlite-outbox.js';
import { CommandRunner } from '../../src/sync/command-runner.js';
import { ServerTimeTracker } from '../../src/sync/server-time.js';

const T0 = Date.UTC(2026, 0, 1);
let dir: string;
let db: Database.Database;
let store: SqliteForkStore;
let outbox: SqliteOutbox;
let ledger: CommandLedger;
let monotonic = 0;
let serverTime: ServerTimeTracker;
const executed: string[] = [];

const command = (id: string, expiresIn: number, over: Partial<Command> = {}): Command => ({
  id,
  farmId: 'farm-1',
  type: 'output_on',
  targetId: 'fan-1',
  durationSeconds: 60,
  issuedBy: 'owner',
  issuedAt: T0,
  notBefore: T0,
  expiresAt: T0 + expiresIn,
  ...over,
});

function runner(execute = (c: Command) => (executed.push(c.id), { outcome: 'executed' as const, detail: 'ok' })) {
  return new CommandRunner({ store, ledger, outbox, serverTime, executeCommand: execute, farmId: 'farm-1', now: () => T0, monotonic: () => monotonic, maxFixAgeMs: 60_000 });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokkatot-cmd-'));
  db = openSyncDatabase(join(dir, 'edge.db'));
  outbox = new SqliteOutbox(db);
  store = new SqliteForkStore(db, outbox, () => T0);
  ledger = new CommandLedger(db);
  monotonic = 1000;
  serverTime = new ServerTimeTracker(() => monotonic);
  executed.length = 0;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const pull = (...commands: Command[]) => store.applyPull('commands', commands.map((c) => ({ ...c, _deleted: false })), { seq: 1, id: 'x' });

describe('CommandRunner', () => {
  it('runs a command inside its window once, and reports the result as a critical event', () => {
    serverTime.observe(String(T0 + 1000));
    pull(command('k1', 60_000));
    expect(runner().runPending()).toEqual([{ id: 'k1', outcome: 'executed' }]);
    expect(runner().runPending()).toEqual([]);
    expect(executed).toEqual(['k1']);
    expect(outbox.pending(10)[0]).toMatchObject({ stream: 'critical', payload: { type: 'command_result', commandId: 'k1', outcome: 'executed' } });
  });

  it('never runs an expired command, even when the local wall clock is wrong', () => {
    serverTime.observe(String(T0 + 120_000));
    pull(command('k2', 60_000));
    expect(runner().runPending()).toEqual([{ id: 'k2', outcome: 'expired' }]);
    expect(executed).toEqual([]);
  });

  it('waits while server time is unknown or stale, then decides', () => {
    pull(command('k3', 600_000));
    expect(runner().runPending()).toEqual([]);
    serverTime.observe(String(T0 + 10_000));
    monotonic += 61_000;
    expect(runner().runPending()).toEqual([]);
    serverTime.observe(String(T0 + 71_000));
    expect(runner().runPending()).toEqual([{ id: 'k3', outcome: 'executed' }]);
  });

  it('ignores tombstoned commands and records a throwing executor as failed, once', () => {
    serverTime.observe(String(T0 + 1000));
    store.applyPull('commands', [{ ...command('k4', 60_000), _deleted: true }], { seq: 2, id: 'k4' });
    pull(command('k5', 60_000));
    const failing = runner(() => {
      throw new Error('relay did not answer');
    });
    expect(failing.runPending()).toEqual([{ id: 'k5', outcome: 'failed' }]);
    expect(runner().runPending()).toEqual([]);
    expect(ledger.list().map((e) => e.id)).toEqual(['k5']);
  });

  it('rejects a command document that does not parse', () => {
    serverTime.observe(String(T0 + 1000));
    store.applyPull('commands', [{ id: 'bad', farmId: 'farm-1', _deleted: false }], { seq: 3, id: 'bad' });
    expect(runner().runPending()).toEqual([{ id: 'bad', outcome: 'rejected' }]);
  });
});
