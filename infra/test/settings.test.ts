import { describe, expect, it } from 'vitest';
import { parseSettings, SPEC_DEFAULTS } from '../src/settings.js';

describe('parseSettings', () => {
  it('defaults to the deployment specification', () => {
    expect(parseSettings({})).toEqual(SPEC_DEFAULTS);
  });

  it('applies overrides of the right type', () => {
    expect(parseSettings({ region: 'nyc3', maxNodes: 12, mqttSourceAddresses: ['198.51.100.0/24'] })).toMatchObject({
      region: 'nyc3',
      maxNodes: 12,
      mqttSourceAddresses: ['198.51.100.0/24'],
    });
  });

  it.each([
    [{ maxNode: 4 }, /unknown infra setting "maxNode"/],
    [{ maxNodes: '10' }, /"maxNodes" must be a non-negative integer, got "10"/],
    [{ maxNodes: -1 }, /"maxNodes" must be a non-negative integer/],
    [{ nodeCount: 2.5 }, /"nodeCount" must be a non-negative integer/],
    [{ bucketVersioning: 'yes' }, /"bucketVersioning" must be a boolean/],
    [{ mqttSourceAddresses: '0.0.0.0/0' }, /"mqttSourceAddresses" must be a string\[\]/],
    [{ mqttSourceAddresses: [''] }, /"mqttSourceAddresses" must be a string\[\]/],
    [{ domain: '  ' }, /"domain" must not be empty/],
    [{ minNodes: 5, maxNodes: 4 }, /minNodes \(5\) exceeds maxNodes \(4\)/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseSettings(raw)).toThrow(message);
  });
});
