import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { TokkatotError } from '@tokkatot/shared';
import type { z } from 'zod';
import { EdgeConfigSchema, type EdgeConfig } from './config-schema.js';

export interface LoadConfigOptions {
  /** Explicit file; otherwise TOKKATOT_CONFIG, otherwise ./tokkatot.json when it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedConfig {
  config: EdgeConfig;
  /** The file read, or null when running on embedded defaults. */
  source: string | null;
}

/** Environment variables that override single fields (handy for systemd units and tests). */
const ENV_OVERRIDES: { name: string; path: string[]; type: 'string' | 'number' | 'list' }[] = [
  { name: 'TOKKATOT_DATA_DIR', path: ['dataDir'], type: 'string' },
  { name: 'TOKKATOT_HOST', path: ['http', 'host'], type: 'string' },
  { name: 'TOKKATOT_PORT', path: ['http', 'port'], type: 'number' },
  { name: 'TOKKATOT_LOG_LEVEL', path: ['log', 'level'], type: 'string' },
  { name: 'TOKKATOT_DISK_BUDGET_MB', path: ['telemetry', 'diskBudgetMb'], type: 'number' },
  { name: 'TOKKATOT_SIMULATED_COOPS', path: ['devices', 'simulatedCoops'], type: 'number' },
  { name: 'TOKKATOT_CLOUD_URL', path: ['cloud', 'url'], type: 'string' },
  /** Comma-separated base64 keys. */
  { name: 'TOKKATOT_FIRMWARE_RELEASE_KEYS', path: ['firmware', 'releaseKeys'], type: 'list' },
];

/**
 * Reads, merges and validates the configuration. Every problem is reported at once, each naming
 * the field, what is wrong and how to fix it; the error's code is CONFIG_INVALID.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env.TOKKATOT_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, 'tokkatot.json');
  let raw: Record<string, unknown> = {};
  let source: string | null = null;
  if (existsSync(file)) {
    source = file;
    const text = readFileSync(file, 'utf8');
    try {
      const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('the top level must be a JSON object { ... }');
      }
      raw = parsed as Record<string, unknown>;
    } catch (error) {
      throw new TokkatotError('CONFIG_INVALID', `${file} is not valid JSON: ${(error as Error).message}. Fix: correct the file or delete it to run on defaults.`, [
        { path: '(file)', message: (error as Error).message },
      ]);
    }
  } else if (explicit) {
    throw new TokkatotError('CONFIG_INVALID', `The configuration file ${file} does not exist. Fix: create it (an empty {} runs on defaults) or unset TOKKATOT_CONFIG.`);
  }

  const envProblems: string[] = [];
  for (const override of ENV_OVERRIDES) {
    const value = env[override.name];
    if (value === undefined || value === '') continue;
    const converted =
      override.type === 'number' ? Number(value) : override.type === 'list' ? value.split(',').map((item) => item.trim()).filter((item) => item !== '') : value;
    if (override.type === 'number' && !Number.isFinite(converted)) {
      envProblems.push(`${override.name}="${value}": must be a number. Fix: set ${override.name} to a number or unset it.`);
      continue;
    }
    setPath(raw, override.path, converted);
  }
  if (envProblems.length > 0) throw new TokkatotError('CONFIG_INVALID', `Invalid environment: ${envProblems.join(' ')}`);

  const result = EdgeConfigSchema.safeParse(raw);
  if (!result.success) {
    const where = source ?? 'the environment';
    const lines = result.error.issues.map((issue) => describeIssue(issue, where));
    throw new TokkatotError('CONFIG_INVALID', `The configuration (${where}) is not valid:\n${lines.map((line) => `  - ${line}`).join('\n')}`, lines);
  }
  const config = result.data;
  config.dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(cwd, config.dataDir);
  return { config, source };
}

function describeIssue(issue: z.core.$ZodIssue, where: string): string {
  const field = issue.path.map(String).join('.') || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => (field === '(root)' ? key : `${field}.${key}`));
    return `${keys.join(', ')}: unknown setting. Fix: remove it from ${where} or check its spelling.`;
  }
  const envName = ENV_OVERRIDES.find((override) => override.path.join('.') === field)?.name;
  const fix = `Fix: set "${field}" in ${where}${envName ? ` (or ${envName})` : ''} to a valid value, or remove it to use the default.`;
  return `${field}: ${issue.message}. ${fix}`;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}
