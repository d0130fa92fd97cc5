import { en, type MessageKey } from './en.js';
import { km } from './km.js';

export type Locale = 'km' | 'en';
export const CATALOGUES = { km, en } as const;
const STORAGE_KEY = 'tokkatot.locale';

/** The remembered language; Khmer unless the person chose English on this phone. */
export function loadLocale(storage: Pick<Storage, 'getItem'> | undefined): Locale {
  return storage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'km';
}

export function saveLocale(storage: Pick<Storage, 'setItem'> | undefined, locale: Locale): void {
  storage?.setItem(STORAGE_KEY, locale);
}

/** The translation function of one language. */
export type Translate = (key: MessageKey) => string;

export function translator(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  return (key) => catalogue[key];
}

const KHMER_DIGITS = '០១២៣៤៥៦៧៨៩';

/**
 * Western digits as Khmer numerals. Done by hand: phone browsers' ICU data often lacks the
 * Khmer numbering system and silently falls back to Western digits.
 */
export function toKhmerDigits(text: string): string {
  return text.replace(/[0-9]/g, (digit) => KHMER_DIGITS[Number(digit)]!);
}

/** A number with a fixed number of decimals ("33.1"), in the language's digits. */
export function formatNumber(locale: Locale, value: number, decimals = 0): string {
  const text = value.toFixed(decimals);
  return locale === 'km' ? toKhmerDigits(text) : text;
}

/** A clock time "HH:MM" on the farm's clock, in the language's digits. */
export function formatTime(locale: Locale, ms: number, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);
  return locale === 'km' ? toKhmerDigits(text) : text;
}

/** A message with `{name}` placeholders filled in (values already formatted for the language). */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
