/**
 * The deployment specification as checks over the resources a program declares. Pure: it reads
 * recorded resources (type token, name, id and inputs), so it runs against Pulumi mocks in tests
 * and could run against a real `pulumi preview --json` the same way.
 */
export interface DeclaredResource {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
}

type Inputs = Record<string, unknown>;

const T = {
  vpc: 'digitalocean:index/vpc:Vpc',
  cluster: 'digitalocean:index/kubernetesCluster:KubernetesCluster',
  database: 'digitalocean:index/databaseCluster:DatabaseCluster',
  pool: 'digitalocean:index/databaseConnectionPool:DatabaseConnectionPool',
  dbFirewall: 'digitalocean:index/databaseFirewall:DatabaseFirewall',
  redisConfig: 'digitalocean:index/databaseRedisConfig:DatabaseRedisConfig',
  bucket: 'digitalocean:index/spacesBucket:SpacesBucket',
  cdn: 'digitalocean:index/cdn:Cdn',
  lb: 'digitalocean:index/loadBalancer:LoadBalancer',
  firewall: 'digitalocean:index/firewall:Firewall',
  dns: 'digitalocean:index/dnsRecord:DnsRecord',
  registry: 'digitalocean:index/containerRegistry:ContainerRegistry',
} as const;

const ANYWHERE = ['0.0.0.0/0', '::/0'];

const asRecord = (value: unknown): Inputs => (value && typeof value === 'object' ? (value as Inputs) : {});
const asList = (value: unknown): Inputs[] => (Array.isArray(value) ? value.map(asRecord) : []);

function minorVersion(version: unknown): number | undefined {
  const match = /^1\.(\d+)/.exec(String(version ?? ''));
  return match ? Number(match[1]) : undefined;
}

function coversAnywhere(addresses: unknown): boolean {
  return Array.isArray(addresses) && ANYWHERE.every((cidr) => addresses.includes(cidr));
}

/** Every way the declared resources fall short of the specification; empty when compliant. */
export function findSpecViolations(resources: DeclaredResource[]): string[] {
  const violations: string[] = [];
  const fail = (message: string) => violations.push(message);
  const ofType = (type: string) => resources.filter((r) => r.type === type);

  const vpcs = ofType(T.vpc);
  if (vpcs.length === 0) fail('no VPC is declared');
  const vpcIds = new Set(vpcs.map((v) => v.id));
  const inVpc = (what: string, value: unknown) => {
    if (!vpcIds.has(String(value))) fail(`${what} is not attached to the VPC`);
  };

  // Kubernetes: DOKS 1.28+, HA control plane, s-2vcpu-4gb nodes, 3 nodes autoscaling 3–10.
  const clusters = ofType(T.cluster);
  if (clusters.length !== 1) fail(`expected one Kubernetes cluster, found ${clusters.length}`);
  for (const cluster of clusters) {
    const i = cluster.inputs;
    const minor = minorVersion(i['version']);
    if (minor === undefined || minor < 28) fail(`Kubernetes version ${String(i['version'])} is older than 1.28`);
    if (i['ha'] !== true) fail('Kubernetes control plane is not highly available (ha)');
    inVpc('Kubernetes cluster', i['vpcUuid']);
    const pool = asRecord(i['nodePool']);
    if (pool['size'] !== 's-2vcpu-4gb') fail(`node size is ${String(pool['size'])}, expected s-2vcpu-4gb`);
    if (Number(pool['nodeCount']) < 3) fail(`node count is ${String(pool['nodeCount'])}, expected at least 3`);
    if (pool['autoScale'] !== true) fail('node pool autoscaling is disabled');
    if (pool['minNodes'] !== 3 || pool['maxNodes'] !== 10) fail(`node pool autoscales ${String(pool['minNodes'])}–${String(pool['maxNodes'])}, expected 3–10`);
  }

  // Managed databases.
  const databases = ofType(T.database);
  const postgres = databases.filter((d) => d.inputs['engine'] === 'pg');
  const redis = databases.filter((d) => d.inputs['engine'] === 'redis');
  if (postgres.length !== 1) fail(`expected one PostgreSQL cluster, found ${postgres.length}`);
  for (const pg of postgres) {
    const i = pg.inputs;
    if (i['version'] !== '15') fail(`PostgreSQL version is ${String(i['version'])}, expected 15`);
    if (i['size'] !== 'db-s-2vcpu-4gb') fail(`PostgreSQL size is ${String(i['size'])}, expected db-s-2vcpu-4gb`);
    if (Number(i['nodeCount']) < 2) fail('PostgreSQL has no standby node (nodeCount < 2)');
    if (Number(i['storageSizeMib']) < 100 * 1024) fail(`PostgreSQL storage is ${String(i['storageSizeMib'])} MiB, expected at least 100 GiB`);
    inVpc('PostgreSQL', i['privateNetworkUuid']);
    const pools = ofType(T.pool).filter((p) => p.inputs['clusterId'] === pg.id);
    if (!pools.some((p) => p.inputs['size'] === 100)) fail('PostgreSQL has no PgBouncer pool of 100 connections');
  }
  if (redis.length !== 1) fail(`expected one Redis cluster, found ${redis.length}`);
  for (const r of redis) {
    if (r.inputs['size'] !== 'db-s-1vcpu-1gb') fail(`Redis size is ${String(r.inputs['size'])}, expected db-s-1vcpu-1gb`);
    if (Number(r.inputs['nodeCount']) < 2) fail('Redis is not highly available (nodeCount < 2)');
    inVpc('Redis', r.inputs['privateNetworkUuid']);
    const config = ofType(T.redisConfig).find((c) => c.inputs['clusterId'] === r.id);
    if (config?.inputs['maxmemoryPolicy'] !== 'allkeys_lru') fail('Redis eviction policy is not allkeys-lru');
  }
  for (const db of databases) {
    const guarded = ofType(T.dbFirewall).some(
      (f) => f.inputs['clusterId'] === db.id && asList(f.inputs['rules']).length > 0 && asList(f.inputs['rules']).every((rule) => rule['type'] === 'k8s'),
    );
    if (!guarded) fail(`database ${db.name} is not restricted to the Kubernetes cluster`);
  }

  // Spaces with versioning, private ACL, and a CDN in front.
  const buckets = ofType(T.bucket);
  if (buckets.length === 0) fail('no Spaces bucket is declared');
  for (const bucket of buckets) {
    if (asRecord(bucket.inputs['versioning'])['enabled'] !== true) fail(`Spaces bucket ${String(bucket.inputs['name'])} has versioning disabled`);
    if (bucket.inputs['acl'] !== 'private') fail(`Spaces bucket ${String(bucket.inputs['name'])} is not private`);
  }
  if (ofType(T.cdn).length === 0) fail('no CDN is declared in front of Spaces');

  // Load balancer: HTTPS with a certificate, HTTP redirected, TCP 8080 health check every 10 s, no sticky sessions.
  const httpsLbs = ofType(T.lb).filter((lb) => asList(lb.inputs['forwardingRules']).some((r) => r['entryProtocol'] === 'https'));
  if (httpsLbs.length === 0) fail('no load balancer terminates HTTPS');
  for (const lb of httpsLbs) {
    const https = asList(lb.inputs['forwardingRules']).find((r) => r['entryProtocol'] === 'https');
    if (https?.['entryPort'] !== 443 || !https['certificateName']) fail('HTTPS forwarding is not on 443 with a certificate');
    if (lb.inputs['redirectHttpToHttps'] !== true) fail('the load balancer does not redirect HTTP to HTTPS');
    const check = asRecord(lb.inputs['healthcheck']);
    if (check['protocol'] !== 'tcp' || check['port'] !== 8080 || check['checkIntervalSeconds'] !== 10) {
      fail('load balancer health check is not TCP 8080 every 10 seconds');
    }
    const sticky = asRecord(lb.inputs['stickySessions'])['type'];
    if (sticky !== undefined && sticky !== 'none') fail('load balancer has sticky sessions enabled');
    inVpc('HTTPS load balancer', lb.inputs['vpcUuid']);
  }

  // Firewall rules of the specification.
  const firewalls = ofType(T.firewall);
  const inbound = firewalls.flatMap((f) => asList(f.inputs['inboundRules']));
  const outbound = firewalls.flatMap((f) => asList(f.inputs['outboundRules']));
  const opens = (port: string, publicly: boolean) =>
    inbound.some((r) => {
      const sources = r['sourceAddresses'];
      if (r['protocol'] !== 'tcp' || r['portRange'] !== port) return false;
      return publicly ? coversAnywhere(sources) : Array.isArray(sources) && sources.length > 0;
    });
  if (!opens('443', true)) fail('firewall does not allow HTTPS (443) from anywhere');
  if (!opens('80', true)) fail('firewall does not allow HTTP (80) from anywhere');
  if (!opens('1883', false)) fail('firewall does not allow MQTT (1883) from farm devices');
  if (!opens('8883', true)) fail('firewall does not allow MQTT over TLS (8883)');
  for (const protocol of ['tcp', 'udp', 'icmp']) {
    if (!outbound.some((r) => r['protocol'] === protocol && coversAnywhere(r['destinationAddresses']))) fail(`firewall does not allow all outbound ${protocol}`);
  }

  // DNS records and registry.
  const records = ofType(T.dns).map((r) => `${String(r.inputs['type'])} ${String(r.inputs['name'])}`);
  for (const expected of ['A @', 'CNAME api', 'A mqtt', 'CNAME cdn']) {
    if (!records.includes(expected)) fail(`DNS record ${expected} is missing`);
  }
  if (ofType(T.registry).length === 0) fail('no container registry is declared');

  return violations;
}
