import * as digitalocean from '@pulumi/digitalocean';
import type { StackSettings } from './settings.js';

export interface Databases {
  postgres: digitalocean.DatabaseCluster;
  postgresDb: digitalocean.DatabaseDb;
  postgresPool: digitalocean.DatabaseConnectionPool;
  redis: digitalocean.DatabaseCluster;
}

/**
 * Managed PostgreSQL 15 (primary + standby) and Redis 7 (primary + replica), both on the private
 * network and reachable only from the Kubernetes cluster.
 */
export function createDatabases(s: StackSettings, vpc: digitalocean.Vpc, cluster: digitalocean.KubernetesCluster): Databases {
  const postgres = new digitalocean.DatabaseCluster('postgres', {
    name: `tokkatot-${s.environment}-postgres`,
    engine: 'pg',
    version: '15',
    size: s.postgresSize,
    nodeCount: s.postgresNodeCount,
    storageSizeMib: String(s.postgresStorageGib * 1024),
    region: s.region,
    privateNetworkUuid: vpc.id,
    maintenanceWindows: [{ day: 'sunday', hour: '20:00:00' }],
  });
  const postgresDb = new digitalocean.DatabaseDb('postgres-db', { clusterId: postgres.id, name: 'tokkatot' });
  const postgresPool = new digitalocean.DatabaseConnectionPool('postgres-pool', {
    clusterId: postgres.id,
    name: 'tokkatot-api',
    dbName: postgresDb.name,
    mode: 'transaction',
    size: s.postgresPoolSize,
    user: 'doadmin',
  });
  new digitalocean.DatabaseFirewall('postgres-firewall', {
    clusterId: postgres.id,
    rules: [{ type: 'k8s', value: cluster.id }],
  });

  const redis = new digitalocean.DatabaseCluster('redis', {
    name: `tokkatot-${s.environment}-redis`,
    engine: 'redis',
    version: '7',
    size: s.redisSize,
    nodeCount: s.redisNodeCount,
    region: s.region,
    privateNetworkUuid: vpc.id,
  });
  new digitalocean.DatabaseRedisConfig('redis-config', {
    clusterId: redis.id,
    maxmemoryPolicy: 'allkeys_lru',
    ssl: true,
  });
  new digitalocean.DatabaseFirewall('redis-firewall', {
    clusterId: redis.id,
    rules: [{ type: 'k8s', value: cluster.id }],
  });
  return { postgres, postgresDb, postgresPool, redis };
}
