import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The dashboard's message catalogues, loaded at run time (the dashboard is its own TypeScript
 * project with DOM types, so the test reads them by path rather than importing them).
 */
export async function loadCatalogues(): Promise<{ km: Record<string, string>; en: Record<string, string> }> {
  const dir = fileURLToPath(new URL('../../../dashboard/src/i18n/', import.meta.url));
  const { km } = (await import(pathToFileURL(`${dir}km.ts`).href)) as { km: Record<string, string> };
  const { en } = (await import(pathToFileURL(`${dir}en.ts`).href)) as { en: Record<string, string> };
  return { km, en };
}

/** Strings of `other` that would betray a missed translation when shown in the current language. */
export function foreignStrings(current: Record<string, string>, other: Record<string, string>): Set<string> {
  const own = new Set(Object.values(current));
  return new Set(Object.values(other).filter((text) => !own.has(text) && text.length > 1));
}
