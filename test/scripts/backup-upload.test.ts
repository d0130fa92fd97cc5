import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3 } from './support/fake-s3.js';
import { REPO, run } from './support/run.js';

const work = mkdtempSync(join(tmpdir(), 'tokkatot-backup-'));
const database = join(work, 'data/tokkatot.db');
let s3: Awaited<ReturnType<typeof startFakeS3>>;
let env: NodeJS.ProcessEnv;

const script = (name: string) => join(REPO, 'scripts/backup', name);
const sqlite = (file: string, sql: string) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  s3 = await startFakeS3();
  mkdirSync(join(work, 'data'), { recursive: true });
  sqlite(database, "pragma journal_mode=wal; create table readings (id integer primary key, value real); with recursive n(i) as (select 1 union all select i + 1 from n where i < 500) insert into readings select i, i / 2.0 from n;");
  env = { S3_ENDPOINT: s3.url, S3_REGION: 'sgp1', S3_ACCESS_KEY_ID: 'test-access-key', S3_SECRET_ACCESS_KEY: 'test-secret-key', S3_RETRIES: '0' };
});

afterAll(async () => {
  await s3.close();
  rmSync(work, { recursive: true, force: true });
});

describe('edge-sqlite-backup.sh', () => {
  it('uploads a consistent, compressed copy of the edge database signed with SigV4', async () => {
    s3.uploads.length = 0;
    const result = await run('bash', [script('edge-sqlite-backup.sh')], { env: { ...env, EDGE_DB: database, EDGE_BACKUP_DESTINATION: 's3://tokkatot-production/backups/edge/farm-1' } });
    expect(result.code, result.stderr).toBe(0);
    expect(s3.uploads).toHaveLength(1);
    const upload = s3.uploads[0]!;
    expect(upload.method).toBe('PUT');
    expect(upload.path).toMatch(/^\/tokkatot-production\/backups\/edge\/farm-1\/edge-\d{4}-\d{2}-\d{2}T\d{6}Z\.db\.gz$/);
    expect(upload.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=test-access-key\/\d{8}\/sgp1\/s3\/aws4_request, SignedHeaders=[^,]*x-amz-content-sha256[^,]*, Signature=[0-9a-f]{64}$/);
    expect(upload.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(upload.body).digest('hex'));
    expect(JSON.stringify(upload.headers)).not.toContain('test-secret-key');

    const restored = join(work, 'restored.db');
    writeFileSync(restored, gunzipSync(upload.body));
    expect(sqlite(restored, 'pragma integrity_check; select count(*), sum(value) from readings;')).toBe('ok\n500|62625.0');
    expect(result.stdout.trim()).toBe(`s3://tokkatot-production${upload.path.replace('/tokkatot-production', '')}`);
  });

  it('fails with the reason when the storage refuses the upload', async () => {
    s3.setStatus(403);
    try {
      const result = await run('bash', [script('edge-sqlite-backup.sh')], { env: { ...env, EDGE_DB: database, EDGE_BACKUP_DESTINATION: 's3://tokkatot-production/backups/edge/farm-1' } });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/upload of .*edge-.*\.db\.gz to s3:\/\/tokkatot-production\/backups\/edge\/farm-1\/.* failed/);
    } finally {
      s3.setStatus(200);
    }
  });

  it('refuses to run without a destination or a database', async () => {
    const noDestination = await run('bash', [script('edge-sqlite-backup.sh')], { env: { ...env, EDGE_DB: database, EDGE_BACKUP_DESTINATION: '' } });
    expect(noDestination.code).not.toBe(0);
    expect(noDestination.stderr).toContain('EDGE_BACKUP_DESTINATION is not set');
    const noDatabase = await run('bash', [script('edge-sqlite-backup.sh')], { env: { ...env, EDGE_DB: join(work, 'missing.db'), EDGE_BACKUP_DESTINATION: 's3://b/k' } });
    expect(noDatabase.stderr).toContain('does not exist');
  });

  it('keeps only the newest verified local copy, even after a failed upload', () => {
    expect(readdirSync(join(work, 'data/backups/uploaded')).filter((f) => f.endsWith('.db.gz'))).toHaveLength(1);
  });
});

describe('wal-archive.sh', () => {
  it('archives a WAL segment compressed under its own name', async () => {
    const segment = join(work, '000000010000000000000003');
    writeFileSync(segment, Buffer.alloc(4096, 7));
    const result = await run('bash', [script('wal-archive.sh'), segment, '000000010000000000000003'], { env: { WAL_ARCHIVE_DESTINATION: `file://${work}/wal` } });
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(join(work, 'wal'))).toEqual(['000000010000000000000003.gz']);
  });

  it('restores an archived segment byte for byte, and reports a missing one as absent', async () => {
    const restored = join(work, 'pg_wal_RECOVERYXLOG');
    const environment = { WAL_ARCHIVE_DESTINATION: `file://${work}/wal` };
    const result = await run('bash', [script('wal-restore.sh'), '000000010000000000000003', restored], { env: environment });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(restored)).toEqual(Buffer.alloc(4096, 7));
    const missing = await run('bash', [script('wal-restore.sh'), '000000010000000000000009', restored], { env: environment });
    expect(missing.code).toBe(1);
  });

  it.each([['../../etc/passwd'], ['00000001000000000000000G'], ['backup; rm -rf /']])('rejects the file name %j so PostgreSQL retries', async (name) => {
    const result = await run('bash', [script('wal-archive.sh'), join(work, 'x'), name], { env: { WAL_ARCHIVE_DESTINATION: `file://${work}/wal` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unexpected WAL file name');
  });
});

describe('archive-upload.sh', () => {
  it('packs a backup folder into one archive under a timestamped name', async () => {
    const folder = join(work, 'influx-backup');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'shard-1.tar.gz'), 'shard');
    writeFileSync(join(folder, 'manifest.json'), '{}');
    const result = await run('bash', [script('archive-upload.sh'), folder, `file://${work}/influx`]);
    expect(result.code, result.stderr).toBe(0);
    const [archive] = readdirSync(join(work, 'influx'));
    expect(archive).toMatch(/^\d{4}-\d{2}-\d{2}T\d{6}Z\.tar\.gz$/);
    expect(execFileSync('tar', ['-tzf', join(work, 'influx', archive!)], { encoding: 'utf8' }).split('\n').sort()).toEqual(['', './', './manifest.json', './shard-1.tar.gz']);
  });

  it('refuses an empty folder, since an empty backup is a failed backup', async () => {
    const empty = join(work, 'empty-backup');
    mkdirSync(empty, { recursive: true });
    const result = await run('bash', [script('archive-upload.sh'), empty, `file://${work}/influx`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is empty: the backup produced nothing');
  });
});
