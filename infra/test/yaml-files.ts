import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

export const INFRA = new URL('../', import.meta.url);

/** Every document of a YAML file; a syntax error or duplicate key fails with the file name. */
export function readYamlDocuments(url: URL): Array<Record<string, any>> {
  const docs = parseAllDocuments(readFileSync(url, 'utf8'), { uniqueKeys: true, prettyErrors: true });
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${url.pathname}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as Record<string, any>;
  }).filter((doc) => doc !== null);
}

/** Names of the files in a folder of infra/ with the given extension, sorted. */
export function filesIn(folder: string, extension: string): string[] {
  return readdirSync(new URL(folder, INFRA)).filter((name) => name.endsWith(extension)).sort();
}
