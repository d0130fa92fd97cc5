import * as digitalocean from '@pulumi/digitalocean';
import type { StackSettings } from './settings.js';

/** Backup retention of the specification, enforced by the bucket itself (days). */
export const BACKUP_RETENTION_DAYS: Record<string, number> = {
  'backups/postgres/daily/': 7,
  'backups/postgres/weekly/': 28,
  'backups/postgres/wal/': 8,
  'backups/redis/': 14,
  'backups/influxdb/': 30,
  'backups/edge/': 30,
};

/** The Spaces bucket (versioned, private) for firmware, backups and configs, and the CDN in front of it. */
export function createStorage(s: StackSettings): { bucket: digitalocean.SpacesBucket; cdn: digitalocean.Cdn; certificate: digitalocean.Certificate } {
  const bucket = new digitalocean.SpacesBucket('bucket', {
    name: s.bucketName,
    region: s.region as digitalocean.Region,
    acl: 'private',
    versioning: { enabled: s.bucketVersioning },
    corsRules: [
      { allowedMethods: ['GET', 'HEAD'], allowedOrigins: [`https://${s.domain}`, `https://api.${s.domain}`], allowedHeaders: ['*'], maxAgeSeconds: 3600 },
    ],
    lifecycleRules: Object.entries(BACKUP_RETENTION_DAYS).map(([prefix, days]) => ({
      prefix,
      enabled: true,
      expiration: { days },
      noncurrentVersionExpiration: { days },
    })),
  });
  const certificate = new digitalocean.Certificate('certificate', {
    name: `tokkatot-${s.environment}-le`,
    type: 'lets_encrypt',
    domains: [s.domain, `api.${s.domain}`, `cdn.${s.domain}`],
  });
  const cdn = new digitalocean.Cdn('cdn', {
    origin: bucket.bucketDomainName,
    customDomain: `cdn.${s.domain}`,
    certificateName: certificate.name,
    ttl: 3600,
  });
  return { bucket, cdn, certificate };
}
