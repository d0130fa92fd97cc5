import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, startRecovered, takeBaseBackup, type Cluster } from './support/pg-cluster.js';
import { REPO } from './support/run.js';

// A real PostgreSQL 15 server with the settings of scripts/backup/postgresql-wal-archiving.conf
// and wal-archive.sh as its archive_command, archiving into a local folder.
const archive = mkdtempSync(join(tmpdir(), 'tokkatot-wal-'));
const WAL_ARCHIVE = join(REPO, 'scripts/backup/wal-archive.sh');
const WAL_RESTORE = join(REPO, 'scripts/backup/wal-restore.sh');
let cluster: Cluster;
let client: pg.Client;
let restoredCluster: Cluster | undefined;

beforeAll(async () => {
  chmodSync(archive, 0o777);
  mkdirSync(join(archive, 'wal'), { mode: 0o777 });
  chmodSync(join(archive, 'wal'), 0o777);
  cluster = await startCluster(
    { wal_level: 'replica', archive_mode: 'on', archive_timeout: '300', archive_command: `'${WAL_ARCHIVE} %p %f'` },
    { WAL_ARCHIVE_DESTINATION: `file://${archive}/wal` },
  );
  client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
});

afterAll(async () => {
  await restoredCluster?.stop();
  await client?.end();
  await cluster?.stop();
  rmSync(archive, { recursive: true, force: true });
});

/** Closes the current WAL segment and waits until the archiver has shipped it; returns its stats. */
async function switchAndArchive(): Promise<{ segment: string; failed: string }> {
  const { rows } = await client.query<{ walfile: string }>('select pg_walfile_name(pg_switch_wal()) as walfile');
  const segment = rows[0]!.walfile;
  for (let attempt = 0; attempt < 200; attempt++) {
    const stats = (await client.query('select failed_count::text as failed, last_archived_wal from pg_stat_archiver')).rows[0];
    if (stats.last_archived_wal >= segment) return { segment, failed: stats.failed };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`segment ${segment} was not archived`);
}

describe('WAL archiving with wal-archive.sh and wal-restore.sh', () => {
  it('archives every finished segment, compressed, without a failure', async () => {
    await client.query('create table events (id serial primary key, note text); insert into events (note) select md5(g::text) from generate_series(1, 2000) g');
    const { segment, failed } = await switchAndArchive();
    expect(failed).toBe('0');
    expect(readdirSync(join(archive, 'wal'))).toContain(`${segment}.gz`);
  });

  it('recovers rows written after the base backup from the archive alone (point-in-time recovery)', async () => {
    const backup = await takeBaseBackup(cluster);
    // These rows exist only in WAL written after the backup: recovery must fetch them from the archive.
    await client.query("insert into events (note) select 'after the base backup' from generate_series(1, 500)");
    await switchAndArchive();
    restoredCluster = await startRecovered(
      backup,
      { restore_command: `'${WAL_RESTORE} %f %p'`, recovery_target_action: 'promote' },
      { WAL_ARCHIVE_DESTINATION: `file://${archive}/wal` },
    );
    const restored = new pg.Client({ connectionString: restoredCluster.url });
    await restored.connect();
    try {
      let inRecovery = true;
      for (let attempt = 0; attempt < 200 && inRecovery; attempt++) {
        inRecovery = (await restored.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]!.r;
        if (inRecovery) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(inRecovery).toBe(false);
      const { rows } = await restored.query<{ total: string; late: string }>("select count(*)::text as total, count(*) filter (where note = 'after the base backup')::text as late from events");
      expect(rows[0]).toEqual({ total: '2500', late: '500' });
    } finally {
      await restored.end();
    }
  });
});
