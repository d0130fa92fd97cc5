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
});
