import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from './json-schema.js';

// Regenerates shared/schemas/*.json from the zod schemas. CI fails when the result differs from
// what is committed (shared/test/json-schemas.test.ts), so run this after changing a schema.
const outDir = fileURLToPath(new URL('../schemas/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const files = renderJsonSchemas();
for (const stale of readdirSync(outDir)) if (!files.has(stale)) rmSync(join(outDir, stale));
for (const [name, text] of files) writeFileSync(join(outDir, name), text);
console.log(`wrote ${files.size} JSON Schema files to shared/schemas/`);
