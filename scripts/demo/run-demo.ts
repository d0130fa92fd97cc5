/**
 * The whole product on one machine, on embedded defaults: the cloud on its embedded database
 * (no DATABASE_URL: PGlite in data/demo/cloud), two farms each with its own edge controller and
 * simulated coops, both edges paired to the cloud through the real claim-code flow, and one
 * owner account that signs in to the dashboard and to both farms' LAN apps.
 *
 *   npm run demo            # builds the web apps, then runs until Ctrl-C
 *
 * Re-running reuses data/demo: the account, the farms and the pairings are kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DATA = join(ROOT, 'data/demo');
const CLOUD_PORT = Number(process.env.DEMO_CLOUD_PORT ?? 8090);
const EDGE_PORTS = [Number(process.env.DEMO_EDGE_PORT ?? 8081), Number(process.env.DEMO_EDGE_PORT ?? 8081) + 1];
const FARMS = ['Sokha farm', 'Dara farm'];
const children: ChildProcess[] = [];

interface Credentials {
  email: string;
  password: string;
}

/** Starts a process and resolves once a line matches (its URL); its output is prefixed. */
function start(name: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    const onLine = (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split('\n').filter(Boolean)) process.stdout.write(`[${name}] ${line}\n`);
      seen += text;
      if (ready.test(seen)) resolvePromise(child);
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', onLine);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

async function call<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The demo owner: created once with a random password kept in data/demo (never a default password). */
function credentials(): Credentials {
  const file = join(DATA, 'owner.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const created = { email: 'owner@demo.tokkatot.test', password: randomBytes(9).toString('base64url') };
  writeFileSync(file, JSON.stringify(created), { mode: 0o600 });
  return created;
}

async function signInToCloud(cloud: string, owner: Credentials): Promise<string> {
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
  for (const name of FARMS) {
    const existing = me.memberships.find((m) => m.farmName === name);
    ids.push(existing?.farmId ?? (await call<{ farm: { id: string } }>('POST', `${cloud}/v1/farms`, { name, timeZone: 'Asia/Phnom_Penh' }, auth)).farm.id);
  }
  return ids;
}

/** Pairs an edge exactly as an installer does: `tokkatot pair` shows a code, the owner claims it. */
async function pair(dataDir: string, name: string, cloud: string, token: string, farmId: string): Promise<void> {
  const env = { ...process.env, TOKKATOT_DATA_DIR: dataDir, TOKKATOT_CONFIG: '', TOKKATOT_CLOUD_URL: cloud };
  const cli = spawn(process.execPath, [join(ROOT, 'edge/bin/tokkatot.mjs'), 'pair', '--name', name, '--poll-seconds', '0.5', '--timeout', '60'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exit = new Promise<number>((resolveExit) => cli.once('exit', (code) => resolveExit(code ?? 1)));
  let out = '';
  const code = await new Promise<string | undefined>((resolveCode) => {
    cli.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /claim code: (\S+)/.exec(out);
      if (match) resolveCode(match[1]);
      if (/already paired/.test(out)) resolveCode(undefined);
    });
    void exit.then(() => resolveCode(undefined));
  });
  if (code) await call('POST', `${cloud}/v1/pairing/claim`, { claimCode: code }, { authorization: `Bearer ${token}`, 'x-tokkatot-farm': farmId });
  if ((await exit) !== 0) throw new Error(`pairing ${name} failed: ${out}`);
  process.stdout.write(`[demo] ${out.trim().split('\n').at(-1)}\n`);
}

async function ensureEdgeOwner(edge: string, owner: Credentials): Promise<void> {
  const { needsOwner } = await call<{ needsOwner: boolean }>('GET', `${edge}/api/setup`);
  if (needsOwner) await call('POST', `${edge}/api/setup/owner`, { username: 'owner', displayName: 'Demo owner', password: owner.password });
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const owner = credentials();
  const cloud = `http://127.0.0.1:${CLOUD_PORT}`;
  await start('cloud', ['--import', 'tsx', 'cloud/src/main.ts'], { PORT: String(CLOUD_PORT), HOST: '127.0.0.1', DATA_DIR: join(DATA, 'cloud'), LOG_LEVEL: 'warn', DATABASE_URL: '' }, /cloud listening on/);
  const token = await signInToCloud(cloud, owner);
  const farmIds = await ensureFarms(cloud, token);
  const edges: string[] = [];
  for (const [i, name] of FARMS.entries()) {
    const dataDir = join(DATA, `farm-${i + 1}`);
    const edge = `http://127.0.0.1:${EDGE_PORTS[i]}`;
    await start(`edge ${i + 1}`, ['--import', 'tsx', 'edge/src/main.ts'], { TOKKATOT_DATA_DIR: dataDir, TOKKATOT_CONFIG: '', TOKKATOT_HOST: '127.0.0.1', TOKKATOT_PORT: String(EDGE_PORTS[i]), TOKKATOT_CLOUD_URL: cloud, TOKKATOT_LOG_LEVEL: 'warn' }, /listening on/);
    await ensureEdgeOwner(edge, owner);
    await pair(dataDir, `${name} Pi`, cloud, token, farmIds[i]!);
    edges.push(edge);
  }
  process.stdout.write(
    [
      '',
      'Tokkatot demo is running (Ctrl-C stops everything; data in data/demo).',
      `  Owners' dashboard: ${cloud}   sign in as ${owner.email} / ${owner.password}`,
      ...edges.map((edge, i) => `  ${FARMS[i]} LAN app: ${edge}   sign in as owner / ${owner.password}`),
      '',
    ].join('\n'),
  );
}

function stopAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

process.once('SIGINT', stopAll);
process.once('SIGTERM', stopAll);
main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  stopAll();
  process.exitCode = 1;
});
