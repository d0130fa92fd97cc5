import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, run, type RunResult } from './support/run.js';

// Offline validation with Debian's docker-compose (no Docker engine needed for `config`).
const work = mkdtempSync(join(tmpdir(), 'tokkatot-compose-'));
const envFile = join(work, 'test.env');
const PASSWORDS = ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'INFLUXDB_PASSWORD', 'INFLUXDB_TOKEN', 'JWT_SECRET', 'MQTT_EDGE_PASSWORD', 'MQTT_NODE_PASSWORD'];
let resolved: Record<string, any>;

function compose(file: string, args: string[], env = envFile): Promise<RunResult> {
  return run('docker-compose', ['--project-directory', REPO, '--env-file', env, '-f', file, 'config', ...args]);
}

beforeAll(async () => {
  writeFileSync(envFile, PASSWORDS.map((name) => `${name}=test-${name.toLowerCase()}`).join('\n'));
  const result = await compose(join(REPO, 'docker-compose.yml'), []);
  if (result.code !== 0) throw new Error(`docker-compose config failed: ${result.stderr}`);
  resolved = parse(result.stdout) as Record<string, any>;
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('docker-compose.yml', () => {
  it('passes docker-compose config -q', async () => {
    const result = await compose(join(REPO, 'docker-compose.yml'), ['-q']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('runs the specification images plus the cloud, an edge and a simulated farm', () => {
    const services = resolved['services'] as Record<string, any>;
    expect(Object.keys(services).sort()).toEqual(['cloud', 'edge', 'farm-sim', 'influxdb', 'mosquitto', 'postgres', 'redis']);
    expect(services['postgres'].image).toBe('postgres:15');
    expect(services['redis'].image).toBe('redis:7-alpine');
    expect(services['influxdb'].image).toBe('influxdb:2.7');
    expect(services['mosquitto'].image).toBe('eclipse-mosquitto:2.0');
    for (const name of ['cloud', 'edge', 'farm-sim']) expect(services[name].build.dockerfile).toBe(`deploy/${name}.Dockerfile`);
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const ports = Object.values(resolved['services'] as Record<string, any>).flatMap((service) => service.ports ?? []);
    expect(ports.length).toBeGreaterThan(5);
    // docker-compose 1.29 prints short syntax ("127.0.0.1:8080:8080/tcp"); newer ones objects.
    for (const port of ports) {
      const hostIp = typeof port === 'string' ? port.split(':')[0] : port.host_ip;
      expect(hostIp, JSON.stringify(port)).toBe('127.0.0.1');
    }
  });

  it('starts the cloud and the edge only after their dependencies are healthy', () => {
    const services = resolved['services'] as Record<string, any>;
    expect(services['cloud'].depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' }, influxdb: { condition: 'service_healthy' } });
    expect(services['edge'].depends_on.mosquitto.condition).toBe('service_healthy');
    for (const name of ['postgres', 'redis', 'influxdb', 'mosquitto']) expect(services[name].healthcheck?.test, name).toBeDefined();
  });

  it('has no password of its own: it refuses to run until every one is set', async () => {
    const empty = join(work, 'empty.env');
    writeFileSync(empty, '');
    const result = await compose(join(REPO, 'docker-compose.yml'), ['-q'], empty);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/set [A-Z_]+_(PASSWORD|TOKEN|SECRET) in \.env/);
  });

  it('would be rejected by the validator if it were broken, so the checks above can fail', async () => {
    const broken = join(work, 'broken.yml');
    writeFileSync(broken, readFileSync(join(REPO, 'docker-compose.yml'), 'utf8').replace('condition: service_healthy', 'condition: when_it_feels_like_it'));
    const result = await compose(broken, ['-q']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('when_it_feels_like_it');
  });

  it('mounts the broker files that exist in deploy/mosquitto', () => {
    const mounts = (resolved['services'] as Record<string, any>)['mosquitto'].volumes.filter((v: any) => v.type === 'bind').map((v: any) => v.source);
    for (const source of mounts) expect(() => readFileSync(source)).not.toThrow();
    expect(readFileSync(join(REPO, 'deploy/mosquitto/acl'), 'utf8')).toContain('pattern readwrite tokkatot/+/node/%u/#');
  });
});
