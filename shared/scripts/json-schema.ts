import { z } from 'zod';
import { PUBLISHED_SCHEMAS } from '../src/json-schemas.js';

/** Renders each published zod schema as a JSON Schema document (draft 2020-12), keyed by file name. */
export function renderJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
    // io 'input' documents what a producer may send (defaults make fields optional there).
    const document = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    const withId = { $id: `urn:tokkatot:schema:${name}`, title: name, ...document };
    files.set(`${name}.json`, `${JSON.stringify(withId, null, 2)}\n`);
  }
  return files;
}
