import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '@tokkatot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackup, restoreBackup } from '../../src/backup/backup-service.js';
import { checkDatabaseFile, openDatabase } from '../../src/db/index.js';
import { databasePath } from '../../src/edge.js';
import { T0, seedCoop, startTestEdge, tempDir, type TestEdge } from '../helpers.js';

describe('backup and restore', () => {
  let test: TestEdge;
  let spare: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    test = await startTestEdge();
    spare = tempDir();
  });
  afterEach(async () => {
    await test.close();
    spare.remove();
  });

  it('takes an online backup while telemetry keeps being written, and the copy passes integrity_check', async () => {
    const { sensorId } = seedCoop(test);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      const batch: Reading[] = Array.from({ length: 2000 }, (_, j) => ({ sensorId, ts: T0 + (i * 2000 + j) * 1000, status: 'ok', value: j % 30 }));
      writes.push(test.edge.telemetry.ingest(batch));
    }
    const backup = createBackup(test.edge.database, join(spare.dir, 'copy.db'));
    await Promise.all(writes);
    const info = await backup;
    expect(info.schemaVersion).toBe(test.edge.database.schemaVersion());
    expect(checkDatabaseFile(info.file)).toMatchObject({ ok: true, problems: [] });
    const copy = openDatabase(info.file, { readonly: true });
    expect((copy.db.prepare("SELECT COUNT(*) AS n FROM coops").get() as { n: number }).n).toBe(1);
    copy.close();
  });

  it('restores a backup into a stopped edge, keeping the replaced database beside it', async () => {
    test.edge.registry.createCoop({ id: 'before', name: 'Before backup' }, null);
    const info = await createBackup(test.edge.database, join(spare.dir, 'b.db'));
    test.edge.registry.createCoop({ id: 'after', name: 'After backup' }, null);
    await test.app.close();
    await test.edge.stop();
    const result = restoreBackup(info.file, databasePath(test.dir));
    expect(result.previous).toMatch(/before-restore/);
    const restored = openDatabase(databasePath(test.dir));
    const coops = (restored.db.prepare('SELECT id FROM coops ORDER BY id').all() as { id: string }[]).map((row) => row.id);
    expect(coops).toEqual(['before']);
    restored.close();
    const dir = test.dir;
    test = await startTestEdge({}, { dir, remove: () => rmSync(dir, { recursive: true, force: true }) });
    expect(test.edge.registry.listCoops().map((coop) => coop.id)).toEqual(['before']);
  });

  it('refuses to restore a corrupt or foreign file and leaves the current database untouched', async () => {
    const path = databasePath(test.dir);
    const garbage = join(spare.dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database at all');
    expect(() => restoreBackup(garbage, path)).toThrow(/not a sound backup/);
    const info = await createBackup(test.edge.database, join(spare.dir, 'c.db'));
    const bytes = readFileSync(info.file);
    bytes.fill(0x41, 4096, 8192); // smash a page
    const damaged = join(spare.dir, 'damaged.db');
    writeFileSync(damaged, bytes);
    expect(checkDatabaseFile(damaged).ok).toBe(false);
    expect(() => restoreBackup(damaged, path)).toThrow(/not a sound backup/);
    expect(test.edge.database.integrityProblems()).toEqual([]);
  });

  it('takes a backup through the API for the owner', async () => {
    const setup = await test.app.inject({ method: 'POST', url: '/api/setup/owner', payload: { username: 'owner', displayName: 'Owner', password: 'long enough pass' } });
    expect(setup.statusCode).toBe(201);
    const login = (await test.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'owner', password: 'long enough pass' } })).json();
    const response = await test.app.inject({ method: 'POST', url: '/api/backups', headers: { authorization: `Bearer ${login.accessToken}` } });
    expect(response.statusCode).toBe(201);
    expect(checkDatabaseFile(response.json().backup.file).ok).toBe(true);
    const list = await test.app.inject({ method: 'GET', url: '/api/backups', headers: { authorization: `Bearer ${login.accessToken}` } });
    expect(list.json().backups).toHaveLength(1);
  });
});
