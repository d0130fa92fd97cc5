import type { Resource } from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeclaredResource } from '../src/spec-checks.js';
import { installDigitalOceanMocks, settled } from './pulumi-mocks.js';

let declared: DeclaredResource[];
let violations: string[];
let outputs: Record<string, unknown>;

function output<T>(value: { apply: (f: (v: T) => unknown) => unknown }): Promise<T> {
  return new Promise((resolve) => value.apply((v) => resolve(v)));
}

const ofType = (suffix: string) => declared.filter((r) => r.type.endsWith(suffix));
const one = (suffix: string, name?: string) => {
  const found = ofType(suffix).filter((r) => name === undefined || r.name === name);
  expect(found, `${suffix} ${name ?? ''}`).toHaveLength(1);
  return found[0]!.inputs as Record<string, any>;
};

beforeAll(async () => {
  declared = await installDigitalOceanMocks();
  // The stack module may only be loaded once the mocks are installed.
  const { buildStack } = await import('../src/stack.js');
  const { SPEC_DEFAULTS } = await import('../src/settings.js');
  const { findSpecViolations } = await import('../src/spec-checks.js');
  const stack = buildStack(SPEC_DEFAULTS);
  const all: Resource[] = Object.values(stack).flat();
  await settled(all);
  violations = findSpecViolations(declared);
  outputs = {
    lbIp: await output(stack.apiLb.ip),
    apex: await output(stack.dns[0]!.value),
    cdnTarget: await output(stack.dns[3]!.value),
  };
});

describe('the production stack', () => {
  it('meets every check of the deployment specification', () => {
    expect(violations).toEqual([]);
  });

  it('runs DOKS 1.28 or newer with an HA control plane and 3 s-2vcpu-4gb nodes autoscaling 3–10', () => {
    const cluster = one('KubernetesCluster');
    expect(cluster.name).toBe('tokkatot-prod');
    expect(cluster.version).toBe('1.31.9-do.2');
    expect(cluster.ha).toBe(true);
    expect(cluster.nodePool).toMatchObject({ size: 's-2vcpu-4gb', nodeCount: 3, autoScale: true, minNodes: 3, maxNodes: 10 });
    expect(cluster.vpcUuid).toBe('vpc-id');
    expect(cluster.registryIntegration).toBe(true);
  });

  it('runs PostgreSQL 15 on db-s-2vcpu-4gb with a standby, 100 GiB and a 100-connection PgBouncer pool', () => {
    const pg = declared.find((r) => r.type.endsWith('DatabaseCluster') && r.inputs['engine'] === 'pg')!.inputs;
    expect(pg).toMatchObject({ version: '15', size: 'db-s-2vcpu-4gb', nodeCount: 2, storageSizeMib: '102400', privateNetworkUuid: 'vpc-id' });
    expect(one('DatabaseConnectionPool')).toMatchObject({ size: 100, mode: 'transaction', clusterId: 'postgres-id' });
    expect(one('DatabaseFirewall', 'postgres-firewall').rules).toEqual([{ type: 'k8s', value: 'cluster-id' }]);
  });

  it('runs Redis on db-s-1vcpu-1gb with a replica and allkeys-lru eviction', () => {
    const redis = declared.find((r) => r.type.endsWith('DatabaseCluster') && r.inputs['engine'] === 'redis')!.inputs;
    expect(redis).toMatchObject({ size: 'db-s-1vcpu-1gb', nodeCount: 2, privateNetworkUuid: 'vpc-id' });
    expect(one('DatabaseRedisConfig')).toMatchObject({ clusterId: 'redis-id', maxmemoryPolicy: 'allkeys_lru' });
  });

  it('opens 443, 80, 1883 and 8883 inbound and everything outbound', () => {
    const firewall = one('/firewall:Firewall');
    const ports = (firewall.inboundRules as Array<{ portRange: string; protocol: string }>).filter((r) => r.protocol === 'tcp').map((r) => r.portRange);
    expect(ports).toEqual(expect.arrayContaining(['443', '80', '1883', '8883']));
    expect((firewall.outboundRules as Array<{ protocol: string }>).map((r) => r.protocol).sort()).toEqual(['icmp', 'tcp', 'udp']);
  });

  it('keeps a private, versioned Spaces bucket with backup retention and a CDN in front of it', () => {
    const bucket = one('SpacesBucket');
    expect(bucket).toMatchObject({ name: 'tokkatot-production', acl: 'private', versioning: { enabled: true } });
    const rules = bucket.lifecycleRules as Array<{ prefix: string; expiration: { days: number } }>;
    expect(rules.find((r) => r.prefix === 'backups/postgres/daily/')?.expiration.days).toBe(7);
    expect(one('Cdn')).toMatchObject({ origin: 'tokkatot-production.sgp1.digitaloceanspaces.com', customDomain: 'cdn.tokkatot.farm' });
  });

  it('terminates HTTPS at the load balancer and health-checks TCP 8080 every 10 seconds', () => {
    const lb = one('LoadBalancer', 'api-lb');
    expect(lb.redirectHttpToHttps).toBe(true);
    expect(lb.forwardingRules[0]).toMatchObject({ entryProtocol: 'https', entryPort: 443, certificateName: 'tokkatot-production-le' });
    expect(lb.healthcheck).toMatchObject({ protocol: 'tcp', port: 8080, checkIntervalSeconds: 10 });
  });

  it('points the apex at the load balancer and cdn at the Spaces CDN', () => {
    expect(outputs['apex']).toBe(outputs['lbIp']);
    expect(outputs['cdnTarget']).toBe('cdn.cdn.digitaloceanspaces.com.');
    expect(ofType('DnsRecord').map((r) => `${String(r.inputs['type'])} ${String(r.inputs['name'])}`).sort()).toEqual(['A @', 'A mqtt', 'CNAME api', 'CNAME cdn']);
  });

  it('declares a container registry', () => {
    expect(one('ContainerRegistry')).toMatchObject({ name: 'tokkatot' });
  });
});
