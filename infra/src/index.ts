import * as pulumi from '@pulumi/pulumi';
import { parseSettings, SPEC_DEFAULTS } from './settings.js';
import { buildStack } from './stack.js';

/** Raw `tokkatot:*` config values; structured values (lists, numbers, booleans) are read as JSON. */
function readConfig(): Record<string, unknown> {
  const config = new pulumi.Config('tokkatot');
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(SPEC_DEFAULTS)) {
    const text = config.get(key);
    if (text === undefined) continue;
    raw[key] = typeof SPEC_DEFAULTS[key as keyof typeof SPEC_DEFAULTS] === 'string' ? text : JSON.parse(text);
  }
  const region = new pulumi.Config('digitalocean').get('region');
  if (region) raw['region'] = region;
  return raw;
}

const stack = buildStack(parseSettings(readConfig()));

export const clusterName = stack.cluster.name;
export const kubeconfig = pulumi.secret(stack.cluster.kubeConfigs.apply((configs) => configs[0]?.rawConfig));
export const postgresPrivateHost = stack.postgres.privateHost;
export const redisPrivateHost = stack.redis.privateHost;
export const apiLoadBalancerIp = stack.apiLb.ip;
export const mqttLoadBalancerIp = stack.mqttLb.ip;
export const bucketEndpoint = stack.bucket.bucketDomainName;
export const cdnEndpoint = stack.cdn.endpoint;
export const registryEndpoint = stack.registry.endpoint;
