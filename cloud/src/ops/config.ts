import path from 'node:path';
import { z } from 'zod';
import { ReleasePublicKeySchema } from '@tokkatot/shared';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0–65535').max(65_535, 'must be 0–65535');
const url = (protocols: readonly string[]) =>
  z.url({ message: `must be a URL (${protocols.join(', ')})` }).refine((value) => protocols.includes(new URL(value).protocol), `must start with ${protocols.join(' or ')}`);

/**
 * The cloud's environment (docs/cloud/operations.md). Every variable is optional: without
 * DATABASE_URL the cloud runs on an embedded database in DATA_DIR, without INFLUXDB_URL raw
 * readings stay in memory, without REDIS_URL limits and caches are per process.
 */
export const CloudEnvSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  /** Connections per process when DATABASE_URL is set. */
  DATABASE_POOL_SIZE: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(10),
  /** TLS to Postgres: `require` encrypts (libpq's meaning), `verify-full` also checks the certificate. */
  DATABASE_SSL_MODE: z.enum(['disable', 'require', 'verify-full'], { message: 'must be disable, require or verify-full' }).default('disable'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  INFLUXDB_URL: url(['http:', 'https:']).optional(),
  INFLUXDB_TOKEN: z.string().default(''),
  INFLUXDB_ORG: z.string().min(1, 'must not be empty').default('tokkatot'),
  INFLUXDB_BUCKET: z.string().min(1, 'must not be empty').default('sensor_readings'),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters (64 random characters recommended)').optional(),
  PORT: port.default(8080),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  /** A second listener serving only /metrics (Prometheus scrapes it; the public port does not serve it). */
  METRICS_PORT: port.optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data/cloud'),
  /**
   * The proxies in front of the API whose X-Forwarded-For is believed (comma-separated addresses
   * or CIDRs, or `loopback`/`private`/`uniquelocal` …). Behind the load balancer this must be
   * set, or every client shares the balancer's address and the per-IP rate limit.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^[0-9A-Za-z.:/,_ -]{1,1000}$/, 'must be a comma-separated list of addresses, CIDRs or names like loopback')
    .optional(),
  /** Where the built dashboard is served from (default: cloud/dashboard/dist). */
  DASHBOARD_DIR: z.string().min(1, 'must not be empty').optional(),
  /**
   * The S3-compatible bucket of firmware images and `firmware/versions.json` (DigitalOcean
   * Spaces in production). A host without a scheme is reached over https. The firmware routes
   * that need the bucket answer 503 until endpoint, bucket, key and secret are all set.
   */
  STORAGE_ENDPOINT: z
    .string()
    .transform((value) => (/^[a-z]+:\/\//i.test(value) ? value : `https://${value}`))
    .pipe(url(['http:', 'https:']))
    .optional(),
  STORAGE_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name (3–63 lower-case letters, digits, "." and "-")').optional(),
  STORAGE_KEY: z.string().min(1, 'must not be empty').optional(),
  STORAGE_SECRET: z.string().min(1, 'must not be empty').optional(),
  STORAGE_REGION: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a region name such as us-east-1').default('us-east-1'),
  /** Base64 Ed25519 public keys (comma-separated) whose release signatures the cloud accepts. */
  FIRMWARE_RELEASE_KEYS: z
    .string()
    .transform((value) => value.split(',').map((key) => key.trim()).filter(Boolean))
    .pipe(z.array(ReleasePublicKeySchema))
    .default([]),
});

export type CloudEnv = z.infer<typeof CloudEnvSchema>;

/** The validated configuration main.ts and the jobs start from. */
export interface CloudConfig extends Omit<CloudEnv, 'DATA_DIR'> {
  /** Absolute; relative values are taken from the working directory. */
  DATA_DIR: string;
}

/** Older or deployment-specific names, read when the specification's name is absent. */
const ALIASES: Record<string, keyof CloudEnv> = {
  INFLUX_URL: 'INFLUXDB_URL',
  INFLUX_TOKEN: 'INFLUXDB_TOKEN',
  INFLUX_ORG: 'INFLUXDB_ORG',
  INFLUX_BUCKET: 'INFLUXDB_BUCKET',
  // The deployment specification's .env, the Kubernetes ConfigMap and docker-compose.yml.
  API_PORT: 'PORT',
  API_HOST: 'HOST',
  PG_POOL_SIZE: 'DATABASE_POOL_SIZE',
};

const SECRETS = new Set(['DATABASE_URL', 'REDIS_URL', 'INFLUXDB_TOKEN', 'JWT_SECRET', 'STORAGE_KEY', 'STORAGE_SECRET']);

/** A configuration that cannot start the cloud; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): CloudConfig {
  const input: Record<string, string> = {};
  for (const [alias, name] of Object.entries(ALIASES)) {
    const value = env[alias];
    if (value) input[name] = value;
  }
  for (const name of Object.keys(CloudEnvSchema.shape)) {
    const value = env[name];
    if (value) input[name] = value;
  }
  const parsed = CloudEnvSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        // Never echo a value that may hold a password or a key.
        const shown = SECRETS.has(name) ? '' : ` (got ${JSON.stringify(input[name] ?? '')})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const config = parsed.data;
  if (config.DATABASE_URL && !config.JWT_SECRET) {
    // Replicas must agree on the signing key; only the single-process embedded mode may make its own.
    throw new ConfigError(['JWT_SECRET: must be set when DATABASE_URL is set (every replica must sign with the same key)']);
  }
  return { ...config, DATA_DIR: path.resolve(cwd, config.DATA_DIR) };
}
