import { existsSync } from 'node:fs';
import { NameSchema, RoleSchema, TokkatotError, UsernameSchema, parseOrThrow, type Role } from '@tokkatot/shared';
import { backupsDir, createBackup, listBackups, restoreBackup } from '../backup/backup-service.js';
import { loadConfig, type EdgeConfig } from '../config/index.js';
import { createEdge, databasePath, type Edge } from '../edge.js';
import { PasswordSchema } from '../http/schemas.js';

/** Where a CLI command writes: stdout for results, a thrown error for failures. */
export interface CliIo {
  out(line: string): void;
  readPassword(prompt: string): Promise<string>;
}

export interface CliContext {
  configFile?: string | undefined;
}

function config(context: CliContext): EdgeConfig {
  return loadConfig(context.configFile ? { file: context.configFile } : {}).config;
}

/** Opens the store and services without starting them (no timers, no HTTP). */
async function withEdge<T>(context: CliContext, run: (edge: Edge) => Promise<T>): Promise<T> {
  const edge = createEdge({ config: config(context) });
  try {
    return await run(edge);
  } finally {
    edge.database.close();
  }
}

async function probe(cfg: EdgeConfig): Promise<string> {
  const host = cfg.http.host === '0.0.0.0' ? '127.0.0.1' : cfg.http.host;
  try {
    const response = await fetch(`http://${host}:${cfg.http.port}/ready`, { signal: AbortSignal.timeout(1000) });
    return response.ok ? `running on port ${cfg.http.port} (ready)` : `running on port ${cfg.http.port} but not ready (${response.status})`;
  } catch {
    return `not answering on port ${cfg.http.port}`;
  }
}

export async function runStatus(context: CliContext, io: CliIo): Promise<void> {
  const cfg = config(context);
  const http = await probe(cfg);
  await withEdge(context, async (edge) => {
    const farm = edge.registry.farm();
    const users = edge.auth.listUsers();
    const nodes = edge.registry.listNodes();
    const backups = listBackups(backupsDir(cfg.dataDir));
    const roles = (['owner', 'manager', 'worker', 'viewer'] as const).map((role) => `${users.filter((item) => item.role === role).length} ${role}`);
    io.out(`farm:      ${farm.name} (${farm.id}, ${farm.timezone})`);
    io.out(`edge:      ${http}`);
    io.out(`database:  ${databasePath(cfg.dataDir)}, schema ${edge.database.schemaVersion()}, ${(edge.database.sizeOnDisk() / 1048576).toFixed(1)} MiB of ${cfg.telemetry.diskBudgetMb} MiB budget`);
    io.out(`integrity: ${edge.database.integrityProblems().length === 0 ? 'ok' : edge.database.integrityProblems().join('; ')}`);
    io.out(`users:     ${users.length === 0 ? 'none — create the owner: tokkatot user add --username NAME --role owner' : roles.join(', ')}`);
    io.out(`nodes:     ${nodes.length} (${nodes.filter((node) => edge.registry.isOnline(node)).length} online, ${nodes.filter((node) => node.coopId === null).length} unassigned)`);
    io.out(`coops:     ${edge.registry.listCoops().length}, outputs ${edge.registry.listOutputs().length}, sensors ${edge.registry.listSensors().length}`);
    io.out(`telemetry: ${edge.repositories.readings.rawCount()} raw readings, ${edge.repositories.readings.rollupCount()} rollups`);
    io.out(`events:    ${edge.repositories.events.count()}`);
    io.out(`backup:    ${backups[0] ? `${backups[0].file} (${new Date(backups[0].modifiedAt).toISOString()})` : 'none yet — tokkatot backup'}`);
  });
}

export interface UserAddOptions {
  username: string;
  role: string;
  displayName?: string;
}

export async function runUserAdd(context: CliContext, options: UserAddOptions, io: CliIo): Promise<void> {
  const username = parseOrThrow(UsernameSchema, options.username, '--username');
  const role = parseRole(options.role);
  const displayName = parseOrThrow(NameSchema, options.displayName ?? username, '--display-name');
  const password = checkPassword(await io.readPassword(`Password for ${username}`));
  await withEdge(context, async (edge) => {
    const user = edge.auth.needsOwner() && role === 'owner'
      ? await edge.auth.setupOwner({ username, displayName, password })
      : await edge.auth.createUser({ username, displayName, password, role }, null);
    io.out(`added ${user.username} (${user.role}, id ${user.id})`);
  });
}

export async function runUserReset(context: CliContext, usernameInput: string, io: CliIo): Promise<void> {
  const username = parseOrThrow(UsernameSchema, usernameInput, 'the user name');
  await withEdge(context, async (edge) => {
    const user = edge.auth.findUserByName(username);
    if (!user) throw new TokkatotError('NOT_FOUND', `No user "${username}".`);
    const password = checkPassword(await io.readPassword(`New password for ${username}`));
    await edge.auth.resetPassword(user.id, password, null);
    io.out(`password of ${username} reset; lockout lifted; every session signed out`);
  });
}

export async function runBackup(context: CliContext, out: string | undefined, io: CliIo): Promise<void> {
  await withEdge(context, async (edge) => {
    const backup = await createBackup(edge.database, out ?? backupsDir(edge.config.dataDir));
    io.out(`backup written: ${backup.file} (${backup.bytes} bytes, schema ${backup.schemaVersion}, integrity ok)`);
  });
}

export async function runRestore(context: CliContext, file: string, options: { force?: boolean }, io: CliIo): Promise<void> {
  const cfg = config(context);
  const state = await probe(cfg);
  if (state.startsWith('running') && !options.force) {
    throw new TokkatotError('CONFLICT', `The edge is ${state}: stop it first (systemctl stop tokkatot), or pass --force.`);
  }
  if (!existsSync(file)) throw new TokkatotError('NOT_FOUND', `No file at ${file}.`);
  const result = restoreBackup(file, databasePath(cfg.dataDir));
  io.out(`restored ${file} into ${result.restored} (schema ${result.schemaVersion}, integrity ok)`);
  if (result.previous) io.out(`the previous database is kept as ${result.previous}`);
}

function parseRole(value: string): Role {
  const parsed = RoleSchema.safeParse(value);
  if (!parsed.success) throw new TokkatotError('VALIDATION_FAILED', `--role must be one of owner, manager, worker, viewer (got "${value}").`);
  return parsed.data;
}

function checkPassword(password: string): string {
  const parsed = PasswordSchema.safeParse(password);
  if (!parsed.success) throw new TokkatotError('VALIDATION_FAILED', `password ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  return parsed.data;
}
