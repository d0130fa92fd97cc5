import type { Resource } from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeclaredResource } from '../src/spec-checks.js';
import { installDigitalOceanMocks, settled } from './pulumi-mocks.js';

type Check = typeof import('../src/spec-checks.js').findSpecViolations;

let declared: DeclaredResource[];
let findSpecViolations: Check;
let compliant: DeclaredResource[];
let overridden: DeclaredResource[];

beforeAll(async () => {
  declared = await installDigitalOceanMocks();
  const { buildStack } = await import('../src/stack.js');
  const { parseSettings } = await import('../src/settings.js');
  ({ findSpecViolations } = await import('../src/spec-checks.js'));

  await settled(Object.values(buildStack(parseSettings({}))).flat() as Resource[]);
  compliant = declared.splice(0);
  // A staging stack whose config drops the standby, caps autoscaling and disables versioning.
  const weakened = parseSettings({ environment: 'weakened', postgresNodeCount: 1, maxNodes: 5, bucketVersioning: false, nodeSize: 's-1vcpu-2gb' });
  await settled(Object.values(buildStack(weakened)).flat() as Resource[]);
  overridden = declared.splice(0);
});

/** A deep copy of the compliant stack with one change applied. */
function mutated(change: (resources: DeclaredResource[]) => void): DeclaredResource[] {
  const copy = structuredClone(compliant);
  change(copy);
  return copy;
}

const byName = (resources: DeclaredResource[], name: string) => resources.find((r) => r.name === name)!;
const inbound = (resources: DeclaredResource[]) => byName(resources, 'node-firewall').inputs['inboundRules'] as Array<Record<string, unknown>>;

describe('findSpecViolations', () => {
  it('accepts the stack built from the specification defaults', () => {
    expect(compliant.length).toBeGreaterThan(15);
    expect(findSpecViolations(compliant)).toEqual([]);
  });

  it('reports each setting a config override weakens', () => {
    expect(findSpecViolations(overridden)).toEqual(
      expect.arrayContaining([
        'PostgreSQL has no standby node (nodeCount < 2)',
        'node pool autoscales 3–5, expected 3–10',
        'Spaces bucket tokkatot-production has versioning disabled',
        'node size is s-1vcpu-2gb, expected s-2vcpu-4gb',
      ]),
    );
  });

  const removals: Array<[string, (r: DeclaredResource[]) => void, string]> = [
    ['the MQTT over TLS rule', (r) => void inbound(r).splice(inbound(r).findIndex((rule) => rule['portRange'] === '8883'), 1), 'firewall does not allow MQTT over TLS (8883)'],
    ['the plain MQTT rule', (r) => void inbound(r).splice(inbound(r).findIndex((rule) => rule['portRange'] === '1883'), 1), 'firewall does not allow MQTT (1883) from farm devices'],
    ['HTTPS from anywhere', (r) => void (inbound(r).find((rule) => rule['portRange'] === '443')!['sourceAddresses'] = ['10.0.0.0/8']), 'firewall does not allow HTTPS (443) from anywhere'],
    ['outbound UDP', (r) => {
      const rules = byName(r, 'node-firewall').inputs['outboundRules'] as Array<Record<string, unknown>>;
      rules.splice(rules.findIndex((rule) => rule['protocol'] === 'udp'), 1);
    }, 'firewall does not allow all outbound udp'],
    ['the HA control plane', (r) => void (byName(r, 'cluster').inputs['ha'] = false), 'Kubernetes control plane is not highly available (ha)'],
    ['a current Kubernetes version', (r) => void (byName(r, 'cluster').inputs['version'] = '1.27.9-do.0'), 'Kubernetes version 1.27.9-do.0 is older than 1.28'],
    ['autoscaling', (r) => void ((byName(r, 'cluster').inputs['nodePool'] as Record<string, unknown>)['autoScale'] = false), 'node pool autoscaling is disabled'],
    ['the VPC', (r) => void r.splice(r.findIndex((x) => x.name === 'vpc'), 1), 'no VPC is declared'],
    ['the Redis replica', (r) => void (byName(r, 'redis').inputs['nodeCount'] = 1), 'Redis is not highly available (nodeCount < 2)'],
    ['the Redis eviction policy', (r) => void r.splice(r.findIndex((x) => x.name === 'redis-config'), 1), 'Redis eviction policy is not allkeys-lru'],
    ['the connection pool', (r) => void r.splice(r.findIndex((x) => x.name === 'postgres-pool'), 1), 'PostgreSQL has no PgBouncer pool of 100 connections'],
    ['the database firewall', (r) => void r.splice(r.findIndex((x) => x.name === 'postgres-firewall'), 1), 'database postgres is not restricted to the Kubernetes cluster'],
    ['the CDN', (r) => void r.splice(r.findIndex((x) => x.name === 'cdn'), 1), 'no CDN is declared in front of Spaces'],
    ['the HTTP redirect', (r) => void (byName(r, 'api-lb').inputs['redirectHttpToHttps'] = false), 'the load balancer does not redirect HTTP to HTTPS'],
    ['the 10 s health check', (r) => void ((byName(r, 'api-lb').inputs['healthcheck'] as Record<string, unknown>)['checkIntervalSeconds'] = 30), 'load balancer health check is not TCP 8080 every 10 seconds'],
    ['the cdn DNS record', (r) => void r.splice(r.findIndex((x) => x.name === 'dns-cdn'), 1), 'DNS record CNAME cdn is missing'],
    ['the registry', (r) => void r.splice(r.findIndex((x) => x.name === 'registry'), 1), 'no container registry is declared'],
  ];

  it.each(removals)('fails when %s is removed', (_what, change, expected) => {
    expect(findSpecViolations(mutated(change))).toContain(expected);
  });
});
