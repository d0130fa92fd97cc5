import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokkatotError } from '@tokkatot/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { tempDir } from '../helpers.js';

describe('loadConfig', () => {
  const dirs: { remove: () => void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  const cwd = () => {
    const dir = tempDir();
    dirs.push(dir);
    return dir.dir;
  };
  const failure = (run: () => unknown): TokkatotError => {
    try {
      run();
    } catch (error) {
      return error as TokkatotError;
    }
    throw new Error('expected a failure');
  };

  it('runs on embedded defaults with no file: LAN host, port 8080, ./data', () => {
    const dir = cwd();
    const { config, source } = loadConfig({ cwd: dir, env: {} });
    expect(source).toBeNull();
    expect(config.http).toMatchObject({ host: '0.0.0.0', port: 8080 });
    expect(config.dataDir).toBe(join(dir, 'data'));
    expect(config.auth).toMatchObject({ maxFailedLogins: 5, lockoutMinutes: 15 });
  });

  it('reads tokkatot.json and lets the environment override single fields', () => {
    const dir = cwd();
    writeFileSync(join(dir, 'tokkatot.json'), JSON.stringify({ http: { port: 9000 }, farm: { name: 'Sokha farm' } }));
    const { config, source } = loadConfig({ cwd: dir, env: { TOKKATOT_DATA_DIR: '/var/lib/tokkatot', TOKKATOT_HOST: '127.0.0.1' } });
    expect(source).toBe(join(dir, 'tokkatot.json'));
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 9000 });
    expect(config.farm.name).toBe('Sokha farm');
    expect(config.dataDir).toBe('/var/lib/tokkatot');
  });

  it('names every bad field with the fix', () => {
    const dir = cwd();
    writeFileSync(join(dir, 'tokkatot.json'), JSON.stringify({ http: { port: 70000 }, telemetry: { rawRetentionDays: 0 }, colour: 'red' }));
    const error = failure(() => loadConfig({ cwd: dir, env: {} }));
    expect(error).toBeInstanceOf(TokkatotError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/http\.port: .*65535.*Fix: set "http\.port"/);
    expect(error.message).toContain('TOKKATOT_PORT');
    expect(error.message).toMatch(/telemetry\.rawRetentionDays: /);
    expect(error.message).toMatch(/colour: unknown setting\. Fix: remove it/);
  });

  it('reports malformed JSON, a missing explicit file and a non-numeric environment value', () => {
    const dir = cwd();
    writeFileSync(join(dir, 'tokkatot.json'), '{ "http": ');
    expect(failure(() => loadConfig({ cwd: dir, env: {} })).message).toMatch(/not valid JSON/);
    expect(failure(() => loadConfig({ cwd: dir, env: { TOKKATOT_CONFIG: 'nope.json' } })).message).toMatch(/does not exist/);
    writeFileSync(join(dir, 'tokkatot.json'), '[]');
    expect(failure(() => loadConfig({ cwd: dir, env: {} })).message).toMatch(/JSON object/);
    writeFileSync(join(dir, 'tokkatot.json'), '{}');
    expect(failure(() => loadConfig({ cwd: dir, env: { TOKKATOT_PORT: 'eighty' } })).message).toMatch(/TOKKATOT_PORT="eighty": must be a number/);
  });
});
