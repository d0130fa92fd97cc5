import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/ops/config.js';

describe('loadConfig', () => {
  it('runs with no variables at all: embedded database in ./data/cloud, port 8080 on loopback', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: path.resolve('/srv/app', 'data/cloud'), DATABASE_POOL_SIZE: 10 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.JWT_SECRET).toBeUndefined();
  });

  it("reads the deployment's names (API_PORT, API_HOST, DATABASE_POOL_SIZE) and the older INFLUX_* names, the specification's names winning", () => {
    const config = loadConfig({ API_PORT: '9000', API_HOST: '0.0.0.0', INFLUX_URL: 'http://old:8086', INFLUX_BUCKET: 'old', INFLUXDB_BUCKET: 'new', PG_POOL_SIZE: '7' });
    expect(config).toMatchObject({ PORT: 9000, HOST: '0.0.0.0', INFLUXDB_URL: 'http://old:8086', INFLUXDB_BUCKET: 'new', DATABASE_POOL_SIZE: 7 });
    expect(loadConfig({ API_PORT: '9000', PORT: '9100' }).PORT).toBe(9100);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '', DATA_DIR: '' }, '/x')).toMatchObject({ PORT: 8080, DATA_DIR: '/x/data/cloud' });
  });

  it('lists every bad variable in one error', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: '70000', METRICS_PORT: '1.5', DATABASE_URL: 'mysql://x', DATABASE_SSL_MODE: 'maybe' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((problem) => problem.split(':')[0])).toEqual(['DATABASE_URL', 'DATABASE_SSL_MODE', 'PORT', 'METRICS_PORT']);
  });

  it('demands JWT_SECRET with DATABASE_URL: replicas must share the signing key', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@db/x' })).toThrow(/JWT_SECRET: must be set when DATABASE_URL is set/);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db/x', JWT_SECRET: 'a-long-enough-secret' }).DATABASE_URL).toBe('postgres://u@db/x');
  });

  it('takes the trusted proxies as addresses, CIDRs or names, and refuses anything else', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).TRUST_PROXY).toBe('10.0.0.0/8, loopback');
    expect(() => loadConfig({ TRUST_PROXY: 'true; rm -rf /' })).toThrow(/TRUST_PROXY: must be a comma-separated list/);
  });
});
