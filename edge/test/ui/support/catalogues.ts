import { fileURLToPath, pathToFileURL } from 'node:url';

/** One language's messages: look a key up (an unknown key fails the test) or list every value. */
export interface Messages {
  (key: string): string;
  values: string[];
}

function messagesOf(catalogue: Record<string, string>, name: string): Messages {
  const lookup = (key: string) => {
    const value = catalogue[key];
    if (value === undefined) throw new Error(`no message "${key}" in the ${name} catalogue`);
    return value;
  };
  return Object.assign(lookup, { values: Object.values(catalogue) });
}

/**
 * The app's message catalogues, loaded at run time (the UI is its own TypeScript project, so the
 * test reads them by path rather than importing them into the edge project).
 */
export async function loadCatalogues(): Promise<{ km: Messages; en: Messages }> {
  const dir = fileURLToPath(new URL('../../../ui/src/i18n/', import.meta.url));
  const km = (await import(pathToFileURL(`${dir}km.ts`).href)) as { km: Record<string, string> };
  const en = (await import(pathToFileURL(`${dir}en.ts`).href)) as { en: Record<string, string> };
  return { km: messagesOf(km.km, 'Khmer'), en: messagesOf(en.en, 'English') };
}

/** Strings of `other` that would betray a missed translation when shown in the current language. */
export function foreignStrings(current: Messages, other: Messages): Set<string> {
  const own = new Set(current.values);
  return new Set(other.values.filter((text) => !own.has(text) && text.length > 1));
}
