import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { run } from './run.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Runs a PostgreSQL server binary as user postgres when this process is root (initdb refuses root). */
function asOwner(args: string[], env: Record<string, string>) {
  const assignments = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return userInfo().uid === 0 ? run('runuser', ['-u', 'postgres', '--', 'env', ...assignments, ...args]) : run('env', [...assignments, ...args]);
}

export interface Cluster {
  dir: string;
  url: string;
  stop: () => Promise<void>;
}

/**
 * A throwaway PostgreSQL 15 cluster on 127.0.0.1 in a temp folder, with extra server settings and
 * environment (for archive_command). `stop` shuts it down and deletes the folder.
 */
export async function startCluster(settings: Record<string, string>, env: Record<string, string> = {}): Promise<Cluster> {
  const { dir, data } = await makeDataDir();
  const init = await asOwner([`${PG_BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'], {});
  if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  return start(dir, data, settings, env);
}

/** A temp folder the postgres user can enter, with an empty data folder it owns. */
async function makeDataDir(): Promise<{ dir: string; data: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tokkatot-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (userInfo().uid === 0) {
    const uid = await run('id', ['-u', 'postgres']);
    const gid = await run('id', ['-g', 'postgres']);
    chownSync(data, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
  }
  return { dir, data };
}

export interface BaseBackup {
  dir: string;
  data: string;
}

/** A base backup of `source` with pg_basebackup; its WAL is left to the archive (-X none). */
export async function takeBaseBackup(source: Cluster): Promise<BaseBackup> {
  const { dir, data } = await makeDataDir();
  const backup = await asOwner([`${PG_BIN}/pg_basebackup`, '-d', source.url, '-D', data, '-X', 'none', '--no-sync', '--checkpoint=fast'], {});
  if (backup.code !== 0) throw new Error(`pg_basebackup failed: ${backup.stderr}`);
  return { dir, data };
}

/** Starts a base backup in recovery (recovery.signal): it replays WAL through restore_command, then opens. */
export async function startRecovered(backup: BaseBackup, settings: Record<string, string>, env: Record<string, string>): Promise<Cluster> {
  const touch = await asOwner(['touch', join(backup.data, 'recovery.signal')], {});
  if (touch.code !== 0) throw new Error(`could not create recovery.signal: ${touch.stderr}`);
  return start(backup.dir, backup.data, settings, env);
}

async function start(dir: string, data: string, settings: Record<string, string>, env: Record<string, string>): Promise<Cluster> {
  const port = await freePort();
  const options = [`-c listen_addresses=127.0.0.1 -p ${port} -k ${data} -c fsync=off`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const start = await asOwner([`${PG_BIN}/pg_ctl`, '-D', data, '-l', join(data, 'server.log'), '-w', '-t', '30', '-o', options, 'start'], env);
  if (start.code !== 0) throw new Error(`pg_ctl start failed: ${start.stderr}${start.stdout}`);
  return {
    dir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await asOwner([`${PG_BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', 'stop'], {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
