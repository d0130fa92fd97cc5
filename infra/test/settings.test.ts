import { describe, expect, it } from 'vitest';
import { parseSettings, readRawSettings, SPEC_DEFAULTS } from '../src/settings.js';

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

describe('readRawSettings', () => {
  const from = (values: Record<string, string>) => (key: string) => values[key];

  it('keeps strings and parses numbers, booleans and lists as JSON', () => {
    expect(readRawSettings(from({ domain: 'example.farm', maxNodes: '12', bucketVersioning: 'false', mqttSourceAddresses: '["198.51.100.0/24"]' }))).toEqual({
      domain: 'example.farm',
      maxNodes: 12,
      bucketVersioning: false,
      mqttSourceAddresses: ['198.51.100.0/24'],
    });
  });

  it('takes the region from digitalocean:region unless tokkatot:region is set', () => {
    expect(readRawSettings(from({}), () => 'nyc3')).toEqual({ region: 'nyc3' });
    expect(readRawSettings(from({ region: 'fra1' }), () => 'nyc3')).toEqual({ region: 'fra1' });
  });

  it('names the key of a value that is not JSON', () => {
    expect(() => readRawSettings(from({ maxNodes: 'ten' }))).toThrow('infra setting "maxNodes" must be JSON (a number, true/false or a list of strings), got "ten"');
  });
});
