import * as pulumi from '@pulumi/pulumi';
import { parseSettings, readRawSettings } from './settings.js';
import { buildStack } from './stack.js';

// The Pulumi program: `pulumi up` in infra/ runs this module (Pulumi.yaml).
const config = new pulumi.Config('tokkatot');
const provider = new pulumi.Config('digitalocean');
const stack = buildStack(parseSettings(readRawSettings((key) => config.get(key), () => provider.get('region'))));

export const clusterName = stack.cluster.name;
export const kubeconfig = pulumi.secret(stack.cluster.kubeConfigs.apply((configs) => configs[0]?.rawConfig));
export const postgresPrivateHost = stack.postgres.privateHost;
export const redisPrivateHost = stack.redis.privateHost;
export const apiLoadBalancerIp = stack.apiLb.ip;
export const mqttLoadBalancerIp = stack.mqttLb.ip;
export const bucketEndpoint = stack.bucket.bucketDomainName;
export const cdnEndpoint = stack.cdn.endpoint;
export const registryEndpoint = stack.registry.endpoint;
