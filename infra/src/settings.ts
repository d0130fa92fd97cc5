/** What the stack is built from. Defaults are the deployment specification; config may override. */
export interface StackSettings {
  environment: string;
  region: string;
  domain: string;
  vpcIpRange: string;
  kubernetesVersionPrefix: string;
  nodeSize: string;
  nodeCount: number;
  minNodes: number;
  maxNodes: number;
  postgresSize: string;
  postgresNodeCount: number;
  postgresStorageGib: number;
  postgresPoolSize: number;
  redisSize: string;
  redisNodeCount: number;
  bucketName: string;
  bucketVersioning: boolean;
  /** Where farm gateways connect from; plain MQTT (1883) is limited to these. */
  mqttSourceAddresses: string[];
  registryName: string;
}

export const SPEC_DEFAULTS: StackSettings = {
  environment: 'production',
  region: 'sgp1',
  domain: 'tokkatot.farm',
  vpcIpRange: '10.10.0.0/16',
  kubernetesVersionPrefix: '1.31.',
  nodeSize: 's-2vcpu-4gb',
  nodeCount: 3,
  minNodes: 3,
  maxNodes: 10,
  postgresSize: 'db-s-2vcpu-4gb',
  postgresNodeCount: 2,
  postgresStorageGib: 100,
  postgresPoolSize: 100,
  redisSize: 'db-s-1vcpu-1gb',
  redisNodeCount: 2,
  bucketName: 'tokkatot-production',
  bucketVersioning: true,
  mqttSourceAddresses: ['0.0.0.0/0', '::/0'],
  registryName: 'tokkatot',
};

type Kind = 'string' | 'number' | 'boolean' | 'string[]';

function kindOf(value: unknown): Kind | 'other' {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item.length > 0)) return 'string[]';
  return 'other';
}

/**
 * Settings from raw config values (already JSON-parsed), on top of the specification's defaults.
 * Unknown keys and wrong types are rejected by name, so a typo cannot silently fall back to a default.
 */
export function parseSettings(raw: Record<string, unknown>, base: StackSettings = SPEC_DEFAULTS): StackSettings {
  const settings: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!(key in base)) throw new Error(`unknown infra setting "${key}" (known: ${Object.keys(base).join(', ')})`);
    const expected = kindOf(base[key as keyof StackSettings]);
    if (kindOf(value) !== expected) {
      throw new Error(`infra setting "${key}" must be a ${expected === 'number' ? 'non-negative integer' : expected}, got ${JSON.stringify(value)}`);
    }
    if (expected === 'string' && (value as string).trim() === '') throw new Error(`infra setting "${key}" must not be empty`);
    settings[key] = value;
  }
  const parsed = settings as unknown as StackSettings;
  if (parsed.minNodes > parsed.maxNodes) throw new Error(`infra settings: minNodes (${parsed.minNodes}) exceeds maxNodes (${parsed.maxNodes})`);
  return parsed;
}

/**
 * Raw settings from string config values (Pulumi config): strings as they are, everything else
 * as JSON. `get` answers for a key of the `tokkatot` namespace; `region` falls back to
 * `digitalocean:region` through `getRegion`.
 */
export function readRawSettings(get: (key: string) => string | undefined, getRegion: () => string | undefined = () => undefined): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(SPEC_DEFAULTS) as Array<keyof StackSettings>) {
    const text = get(key);
    if (text === undefined) continue;
    if (typeof SPEC_DEFAULTS[key] === 'string') {
      raw[key] = text;
      continue;
    }
    try {
      raw[key] = JSON.parse(text);
    } catch {
      throw new Error(`infra setting "${key}" must be JSON (a number, true/false or a list of strings), got ${JSON.stringify(text)}`);
    }
  }
  const region = getRegion();
  if (raw['region'] === undefined && region) raw['region'] = region;
  return raw;
}
