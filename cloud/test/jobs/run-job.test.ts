import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.js';

const RUN_JOB = fileURLToPath(new URL('../../src/jobs/run-job.ts', import.meta.url));
let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

/** `job NAME` as the image runs it (deploy/cloud-entrypoint.sh). */
async function job(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN_JOB, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('job runner', () => {
  it('runs archive-data and execute-schedules against DATABASE_URL and prints their counts as one JSON line', async () => {
    const env = { DATABASE_URL: db.url, JWT_SECRET: 'job-runner-test-secret-0123' };
    await db.pool.query("INSERT INTO telemetry_rollup (farm_id, sensor_id, resolution, bucket_start) VALUES ('f', 's', 'minute', 0)");
    const archive = await job(['archive-data'], env);
    expect(archive.code).toBe(0);
    expect(JSON.parse(archive.stdout)).toMatchObject({ job: 'archive-data', deleted: { 'telemetry_rollup.minute': 1 } });
    const schedules = await job(['execute-schedules'], env);
    expect(schedules.code).toBe(0);
    expect(JSON.parse(schedules.stdout)).toMatchObject({ job: 'execute-schedules', expiredCommands: 0, silentFarms: [] });
  }, 60_000);

  it('refuses an unknown job, and any job without DATABASE_URL', async () => {
    const unknown = await job(['drop-everything'], { DATABASE_URL: db.url, JWT_SECRET: 'job-runner-test-secret-0123' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown job "drop-everything"; one of archive-data, execute-schedules/);
    const embedded = await job(['archive-data'], {});
    expect(embedded.code).not.toBe(0);
    expect(embedded.stderr).toMatch(/DATABASE_URL: must be set to run a job/);
  }, 60_000);
});
