import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { describeAutoUpdateSetting } from '../../src/firmware-update/index.js';
import { makeTempDir } from '../devices/support.js';
import { makeReleaseKey } from './support/releases.js';

function load(env: Record<string, string>, file?: string) {
  const temp = makeTempDir('tokkatot-fw-config-');
  try {
    return loadConfig({ cwd: temp.dir, env, ...(file ? { file } : {}) }).config;
  } finally {
    temp.remove();
  }
}

describe('firmware configuration', () => {
  it('is off by default, saying why', () => {
    const config = load({});
    expect(config.firmware).toEqual({ releaseKeys: [], healthTimeoutS: 90, cacheDir: 'firmware-cache' });
    expect(describeAutoUpdateSetting(config.firmware, true)).toEqual({ enabled: false, reason: expect.stringMatching(/no release key/) });
  });

  it('turns on with trusted keys from the environment (comma-separated) and a cloud, unless autoUpdate is false', () => {
    const keys = [makeReleaseKey().publicKey, makeReleaseKey().publicKey];
    const config = load({ TOKKATOT_FIRMWARE_RELEASE_KEYS: keys.join(', ') });
    expect(config.firmware.releaseKeys).toEqual(keys);
    expect(describeAutoUpdateSetting(config.firmware, true).enabled).toBe(true);
    expect(describeAutoUpdateSetting(config.firmware, false)).toMatchObject({ enabled: false, reason: expect.stringMatching(/offline/) });
    expect(describeAutoUpdateSetting({ ...config.firmware, autoUpdate: false }, true)).toMatchObject({ enabled: false, reason: 'firmware.autoUpdate is false' });
  });

  it('refuses a key that is not a base64 Ed25519 public key, naming the field', () => {
    expect(() => load({ TOKKATOT_FIRMWARE_RELEASE_KEYS: 'not-a-key' })).toThrow(/firmware\.releaseKeys\.0: must be a base64 Ed25519 public key/);
  });

  it('looks at the target every minute unless firmware.checkIntervalSeconds says otherwise (1 to 3600 s)', () => {
    const temp = makeTempDir('tokkatot-fw-config-');
    try {
      const withInterval = (checkIntervalSeconds: unknown) => {
        writeFileSync(join(temp.dir, 'tokkatot.json'), JSON.stringify({ firmware: { checkIntervalSeconds } }));
        return loadConfig({ cwd: temp.dir, env: {} }).config.firmware.checkIntervalSeconds;
      };
      expect(load({}).firmware.checkIntervalSeconds).toBeUndefined();
      expect(withInterval(5)).toBe(5);
      expect(() => withInterval(0)).toThrow(/firmware\.checkIntervalSeconds/);
      expect(() => withInterval(1.5)).toThrow(/firmware\.checkIntervalSeconds/);
    } finally {
      temp.remove();
    }
  });

  it('takes a Wi-Fi pull image server address with a default port, and refuses a bad one', () => {
    const temp = makeTempDir('tokkatot-fw-config-');
    try {
      const withServer = (imageServer: unknown) => {
        writeFileSync(join(temp.dir, 'tokkatot.json'), JSON.stringify({ firmware: { imageServer } }));
        return loadConfig({ cwd: temp.dir, env: {} }).config.firmware.imageServer;
      };
      expect(withServer({ host: '192.168.4.1' })).toEqual({ host: '192.168.4.1', port: 8090 });
      expect(withServer({ host: '0.0.0.0', port: 9000, advertisedHost: 'tokkatot.local' })).toEqual({ host: '0.0.0.0', port: 9000, advertisedHost: 'tokkatot.local' });
      expect(() => withServer({ host: '192.168.4.1', port: 70_000 })).toThrow(/firmware\.imageServer\.port/);
      expect(() => withServer({ port: 8090 })).toThrow(/firmware\.imageServer\.host/);
    } finally {
      temp.remove();
    }
  });
});
