import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../scripts/json-schema.js';

const dir = new URL('../schemas/', import.meta.url);

describe('committed JSON Schemas', () => {
  it('match what the zod schemas generate (run `npm run schemas` after changing a schema)', () => {
    const generated = renderJsonSchemas();
    expect(readdirSync(dir).sort()).toEqual([...generated.keys()].sort());
    for (const [name, text] of generated) expect(readFileSync(new URL(name, dir), 'utf8'), name).toBe(text);
  });
});
