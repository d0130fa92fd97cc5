import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService, services } from '../support/services.js';
import { startFakeS3 } from './support/fake-s3.js';
import { REPO, run, type RunResult } from './support/run.js';

// A real PostgreSQL 15 round trip: seed a database, back it up with pg-backup.sh, restore it
// into a fresh cluster with restore-drill.sh and compare row counts.
const work = mkdtempSync(join(tmpdir(), 'tokkatot-drill-'));
const database = `drill_src_${process.pid}`;
let sourceUrl: string;
let backup: RunResult;
let dumpPath: string;

async function admin<T>(action: (client: pg.Client) => Promise<T>): Promise<T> {
  requireService('postgres');
  const client = new pg.Client({ connectionString: services()['PG_ADMIN_URL'] });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

const script = (name: string) => join(REPO, 'scripts/backup', name);

beforeAll(async () => {
  await admin((c) => c.query(`drop database if exists ${database}`).then(() => c.query(`create database ${database}`)));
  sourceUrl = new URL(database, `${services()['PG_ADMIN_URL']!.replace(/\/[^/]*$/, '')}/`).toString();
  const source = new pg.Client({ connectionString: sourceUrl });
  await source.connect();
  await source.query(`
    create table farms (id int primary key, name text not null);
    create table devices (id int primary key, farm_id int not null references farms(id), kind text not null);
    create schema telemetry;
    create table telemetry.readings (device_id int not null references devices(id), ts timestamptz not null, value double precision not null);
    create table "Empty Table" (id int);
    insert into farms select g, 'farm ' || g from generate_series(1, 3) g;
    insert into devices select g, 1 + g % 3, 'fan' from generate_series(1, 12) g;
    insert into telemetry.readings select 1 + g % 12, now() - g * interval '1 minute', g / 10.0 from generate_series(1, 5000) g;
  `);
  await source.end();
  backup = await run('bash', [script('pg-backup.sh')], {
    env: { DATABASE_URL: sourceUrl, BACKUP_DESTINATION: `file://${work}/bucket/backups/postgres`, BACKUP_STAMP: '2026-02-01T020000Z' },
  });
  dumpPath = backup.stdout.trim();
});

afterAll(async () => {
  await admin((c) => c.query(`drop database if exists ${database}`));
  rmSync(work, { recursive: true, force: true });
});

describe('pg-backup.sh', () => {
  it('uploads the dump, its row counts and checksums under daily/ and, on a Sunday, weekly/', () => {
    expect(backup.code, backup.stderr).toBe(0);
    expect(dumpPath).toBe(`file://${work}/bucket/backups/postgres/daily/2026-02-01/tokkatot-2026-02-01T020000Z.dump`);
    for (const folder of ['daily', 'weekly']) {
      expect(readdirSync(join(work, `bucket/backups/postgres/${folder}/2026-02-01`)).sort()).toEqual(
        ['tokkatot-2026-02-01T020000Z.counts', 'tokkatot-2026-02-01T020000Z.dump', 'tokkatot-2026-02-01T020000Z.sha256'],
      );
    }
  });

  it('records the exact row count of every table, quoted names included', () => {
    const counts = readFileSync(dumpPath.replace('file://', '').replace(/\.dump$/, '.counts'), 'utf8');
    expect(counts).toBe('public."Empty Table"\t0\npublic.devices\t12\npublic.farms\t3\ntelemetry.readings\t5000\n');
  });

  it('refuses a malformed stamp before touching the database', async () => {
    const result = await run('bash', [script('pg-backup.sh')], { env: { DATABASE_URL: 'postgres://nowhere.invalid/x', BACKUP_DESTINATION: `file://${work}/x`, BACKUP_STAMP: 'yesterday' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("BACKUP_STAMP must look like 2026-02-01T020000Z, got 'yesterday'");
  });
});

describe('restore-drill.sh', () => {
  it('restores the dump into a fresh PostgreSQL 15 cluster and finds every row', async () => {
    const result = await run('bash', [script('restore-drill.sh'), '--dump', dumpPath]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('restore drill passed: 4 tables, 5015 rows, counts match\n');
    expect(result.stderr).toContain('creating a fresh PostgreSQL 15 cluster');
  });

  it('fails and shows the difference when a table lost rows', async () => {
    const counts = join(work, 'tampered.counts');
    writeFileSync(counts, readFileSync(dumpPath.replace('file://', '').replace(/\.dump$/, '.counts'), 'utf8').replace('readings\t5000', 'readings\t5001'));
    const result = await run('bash', [script('restore-drill.sh'), '--dump', dumpPath, '--counts', counts]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('restore drill FAILED: row counts differ');
    expect(result.stderr).toContain('-telemetry.readings\t5001\n+telemetry.readings\t5000');
  });

  it('rejects a file that is not a dump without starting a cluster', async () => {
    const bogus = join(work, 'bogus.dump');
    writeFileSync(bogus, 'not a dump');
    writeFileSync(join(work, 'bogus.counts'), '');
    const result = await run('bash', [script('restore-drill.sh'), '--dump', bogus]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bogus} is not a readable pg_dump archive`);
    expect(result.stderr).not.toContain('creating a fresh');
  });

  it('round-trips through S3-compatible storage: backup uploads, the drill downloads and restores', async () => {
    const s3 = await startFakeS3();
    try {
      const env = { S3_ENDPOINT: s3.url, S3_REGION: 'sgp1', S3_ACCESS_KEY_ID: 'drill-key', S3_SECRET_ACCESS_KEY: 'drill-secret', S3_RETRIES: '0' };
      const uploaded = await run('bash', [script('pg-backup.sh')], { env: { ...env, DATABASE_URL: sourceUrl, BACKUP_DESTINATION: 's3://tokkatot-production/backups/postgres', BACKUP_STAMP: '2026-02-03T020000Z' } });
      expect(uploaded.code, uploaded.stderr).toBe(0);
      expect(uploaded.stdout.trim()).toBe('s3://tokkatot-production/backups/postgres/daily/2026-02-03/tokkatot-2026-02-03T020000Z.dump');
      expect(s3.uploads.filter((u) => u.method === 'PUT')).toHaveLength(3);
      const drill = await run('bash', [script('restore-drill.sh'), '--dump', uploaded.stdout.trim()], { env });
      expect(drill.code, drill.stderr).toBe(0);
      expect(drill.stdout).toBe('restore drill passed: 4 tables, 5015 rows, counts match\n');
      expect(s3.uploads.filter((u) => u.method === 'GET').map((u) => u.path)).toEqual([
        '/tokkatot-production/backups/postgres/daily/2026-02-03/tokkatot-2026-02-03T020000Z.dump',
        '/tokkatot-production/backups/postgres/daily/2026-02-03/tokkatot-2026-02-03T020000Z.counts',
      ]);
    } finally {
      await s3.close();
    }
  });

  it('leaves no cluster folder behind', () => {
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('restore-drill.'))).toEqual([]);
  });
});
