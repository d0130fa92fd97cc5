/**
 * The firmware section's pure pieces: its route, and its sentences in both catalogues (the
 * same placeholders in each, so "{version}" is never shown raw nor lost in one language).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogues } from './support/catalogues.js';

const SRC = fileURLToPath(new URL('../../dashboard/src/', import.meta.url));

let parseRoute: (path: string) => unknown;
let km: Record<string, string>;
let en: Record<string, string>;

beforeAll(async () => {
  ({ parseRoute } = (await import(pathToFileURL(`${SRC}routes.ts`).href)) as { parseRoute: (path: string) => unknown });
  ({ km, en } = await loadCatalogues());
});

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('firmware section', () => {
  it('has its own tab route under a farm, and nothing deeper', () => {
    expect(parseRoute('/farms/farm-a/firmware')).toEqual({ kind: 'farm', farmId: 'farm-a', tab: 'firmware' });
    expect(parseRoute('/farms/farm-a/firmware/node-1')).toEqual({ kind: 'missing' });
  });

  it('names every firmware string in Khmer, with the placeholders of the English sentence', () => {
    const keys = Object.keys(en).filter((key) => /^(fw|channel|firmware|navFirmware)/.test(key));
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) {
      expect(km[key], key).toMatch(/[\u1780-\u17FF]/);
      expect(placeholders(km[key]!), key).toEqual(placeholders(en[key]!));
    }
    expect(placeholders(en.fwRolloutOutside!)).toEqual(['percent', 'version']);
  });
});
