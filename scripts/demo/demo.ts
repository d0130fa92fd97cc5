/**
 * The whole product on one machine, on embedded defaults: the cloud on its embedded database
 * (no DATABASE_URL: PGlite), two farms each with its own edge controller and simulated coops,
 * both edges paired to the cloud through the real claim-code flow, and one owner account that
 * signs in to the dashboard and to both farms' LAN apps. `npm run demo` runs it
 * (scripts/demo/run-demo.ts); the end-to-end test starts it on free ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEMO_FARMS = ['Sokha farm', 'Dara farm'] as const;

export interface DemoOptions {
  /** Everything the demo keeps: the cloud's database, each farm's edge data, the owner's password. */
  dataDir: string;
  cloudPort: number;
  edgePorts: readonly [number, number];
  /** How often each edge uploads new readings (the dashboard's live values lag by this). */
  readingsIntervalSeconds?: number;
  /** Where the processes' output goes (prefixed with their name). */
  log?: (line: string) => void;
}

export interface Demo {
  cloudUrl: string;
  edges: Array<{ name: string; url: string; farmId: string; dataDir: string }>;
  owner: { email: string; password: string; edgeUsername: string };
  stop(): Promise<void>;
}

/** Starts (or restarts, reusing `dataDir`) the cloud and both farms, paired; resolves once all are up. */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
  };
  try {
    mkdirSync(options.dataDir, { recursive: true });
    const owner = credentials(options.dataDir);
    const cloudUrl = `http://127.0.0.1:${options.cloudPort}`;
    children.push(
      await start('cloud', ['--import', 'tsx', 'cloud/src/main.ts'], { PORT: String(options.cloudPort), HOST: '127.0.0.1', DATA_DIR: join(options.dataDir, 'cloud'), LOG_LEVEL: 'warn', DATABASE_URL: '' }, /cloud listening on/, log),
    );
    const token = await signInToCloud(cloudUrl, owner);
    const farmIds = await ensureFarms(cloudUrl, token);
    const edges: Demo['edges'] = [];
    for (const [i, name] of DEMO_FARMS.entries()) {
      const dataDir = join(options.dataDir, `farm-${i + 1}`);
      mkdirSync(dataDir, { recursive: true });
      const configFile = join(dataDir, 'tokkatot.json');
      writeFileSync(configFile, JSON.stringify({ cloud: { url: cloudUrl, readingsIntervalSeconds: options.readingsIntervalSeconds ?? 15 } }, null, 2));
      const url = `http://127.0.0.1:${options.edgePorts[i]}`;
      const env = { TOKKATOT_DATA_DIR: dataDir, TOKKATOT_CONFIG: configFile, TOKKATOT_HOST: '127.0.0.1', TOKKATOT_PORT: String(options.edgePorts[i]), TOKKATOT_LOG_LEVEL: 'warn' };
      children.push(await start(`edge ${i + 1}`, ['--import', 'tsx', 'edge/src/main.ts'], env, /listening on/, log));
      await ensureEdgeOwner(url, owner);
      await pair({ ...env, TOKKATOT_CLOUD_URL: cloudUrl }, `${name} Pi`, cloudUrl, token, farmIds[i]!, log);
      edges.push({ name, url, farmId: farmIds[i]!, dataDir });
    }
    return { cloudUrl, edges, owner: { ...owner, edgeUsername: 'owner' }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** SIGTERM, then SIGKILL if the process is still there 10 s later; resolves once it has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Starts a process and resolves once its output matches `ready`; its output is logged with a prefix. */
export function start(name: string, args: string[], env: Record<string, string>, ready: RegExp, log: (line: string) => void): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveStart, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split('\n').filter(Boolean)) log(`[${name}] ${line}`);
      seen += text;
      if (ready.test(seen)) resolveStart(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${seen.slice(-800)}`)));
  });
}

export async function call<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The demo owner: created once with a random password kept in the data folder (never a default password). */
function credentials(dataDir: string): { email: string; password: string } {
  const file = join(dataDir, 'owner.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string };
  const created = { email: 'owner@demo.tokkatot.test', password: randomBytes(9).toString('base64url') };
  writeFileSync(file, JSON.stringify(created), { mode: 0o600 });
  return created;
}

export async function signInToCloud(cloud: string, owner: { email: string; password: string }): Promise<string> {
  try {
    await call('POST', `${cloud}/v1/auth/register`, { name: 'Demo owner', email: owner.email, password: owner.password, locale: 'km' });
  } catch (error) {
    if (!/409|CONFLICT/.test(String(error))) throw error;
  }
  return (await call<{ accessToken: string }>('POST', `${cloud}/v1/auth/login`, { login: owner.email, password: owner.password })).accessToken;
}

async function ensureFarms(cloud: string, token: string): Promise<string[]> {
  const auth = { authorization: `Bearer ${token}` };
  const me = await call<{ memberships: Array<{ farmId: string; farmName: string }> }>('GET', `${cloud}/v1/me`, undefined, auth);
  const ids: string[] = [];
  for (const name of DEMO_FARMS) {
    const existing = me.memberships.find((m) => m.farmName === name);
    ids.push(existing?.farmId ?? (await call<{ farm: { id: string } }>('POST', `${cloud}/v1/farms`, { name, timeZone: 'Asia/Phnom_Penh' }, auth)).farm.id);
  }
  return ids;
}

/** Pairs an edge exactly as an installer does: `tokkatot pair` shows a code, the owner claims it. */
export async function pair(env: Record<string, string>, name: string, cloud: string, token: string, farmId: string, log: (line: string) => void): Promise<void> {
  const cli = spawn(process.execPath, [join(ROOT, 'edge/bin/tokkatot.mjs'), 'pair', '--name', name, '--poll-seconds', '0.5', '--timeout', '60'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number>((resolveExit) => cli.once('exit', (code) => resolveExit(code ?? 1)));
  let out = '';
  const code = await new Promise<string | undefined>((resolveCode) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /claim code: (\S+)/.exec(out);
      if (match) resolveCode(match[1]);
    };
    cli.stdout!.on('data', onData);
    cli.stderr!.on('data', onData);
    void exit.then(() => resolveCode(undefined));
  });
  if (code) await call('POST', `${cloud}/v1/pairing/claim`, { claimCode: code }, { authorization: `Bearer ${token}`, 'x-tokkatot-farm': farmId });
  if ((await exit) !== 0) throw new Error(`pairing ${name} failed: ${out}`);
  log(`[demo] ${out.trim().split('\n').at(-1) ?? ''}`);
}

export async function ensureEdgeOwner(edge: string, owner: { password: string }): Promise<void> {
  const { needsOwner } = await call<{ needsOwner: boolean }>('GET', `${edge}/api/setup`);
  if (needsOwner) await call('POST', `${edge}/api/setup/owner`, { username: 'owner', displayName: 'Demo owner', password: owner.password });
}
