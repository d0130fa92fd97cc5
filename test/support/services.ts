import { inject } from 'vitest';

export type ServiceName = 'mqtt' | 'postgres' | 'influx' | 'redis' | 's3';

const KEYS: Record<ServiceName, { url: string; error: string }> = {
  mqtt: { url: 'MQTT_URL', error: 'MQTT_ERROR' },
  postgres: { url: 'DATABASE_URL', error: 'PG_ERROR' },
  influx: { url: 'INFLUX_URL', error: 'INFLUX_ERROR' },
  redis: { url: 'REDIS_URL', error: 'REDIS_ERROR' },
  /** s3rver; access key and secret are both "S3RVER". */
  s3: { url: 'S3_URL', error: 'S3_ERROR' },
};

/** Everything scripts/test-services.sh recorded (URLs, PIDs, folders). */
export function services(): Record<string, string> {
  return inject('services');
}

/**
 * The URL of a real service, or a thrown error naming why it is unavailable: a test that needs a
 * service fails by name instead of being skipped.
 */
export function requireService(name: ServiceName): string {
  const env = services();
  const url = env[KEYS[name].url];
  if (!url) throw new Error(`${name} is unavailable for this test: ${env[KEYS[name].error] ?? 'not started by scripts/test-services.sh'}`);
  return url;
}
