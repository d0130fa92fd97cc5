import { en, type MessageKey } from './en.js';
import { km } from './km.js';

export type Locale = 'km' | 'en';
export type { MessageKey };
export const CATALOGUES = { km, en } as const;
const STORAGE_KEY = 'tokkatot.dashboard.locale';

/** The remembered language; Khmer unless the person chose English on this device. */
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

/** A key built from server data (`kind_fan`), or the fallback when the catalogue lacks it. */
export function keyOr(prefix: string, value: string, fallback: MessageKey): MessageKey {
  const key = `${prefix}${value}`;
  return Object.hasOwn(en, key) ? (key as MessageKey) : fallback;
}

const KHMER_DIGITS = '០១២៣៤៥៦៧៨៩';

/**
 * Western digits as Khmer numerals. Done by hand: phone browsers' ICU data often lacks the
 * Khmer numbering system and silently falls back to Western digits.
 */
export function toKhmerDigits(text: string): string {
  return text.replace(/[0-9]/g, (digit) => KHMER_DIGITS[Number(digit)]!);
}

export function localDigits(locale: Locale, text: string): string {
  return locale === 'km' ? toKhmerDigits(text) : text;
}

/** A number with a fixed number of decimals ("33.1"), in the language's digits. */
export function formatNumber(locale: Locale, value: number, decimals = 0): string {
  return localDigits(locale, value.toFixed(decimals));
}

/** "HH:MM" when `ms` is today on `timeZone`, else "DD/MM HH:MM", in the language's digits. */
export function formatWhen(locale: Locale, ms: number, timeZone: string | undefined, now = Date.now()): string {
  const zone = timeZone ? { timeZone } : {};
  const day = new Intl.DateTimeFormat('en-GB', { ...zone, day: '2-digit', month: '2-digit', year: 'numeric' });
  const time = new Intl.DateTimeFormat('en-GB', { ...zone, hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);
  const sameDay = day.format(ms) === day.format(now);
  const text = sameDay ? time : `${new Intl.DateTimeFormat('en-GB', { ...zone, day: '2-digit', month: '2-digit' }).format(ms)} ${time}`;
  return localDigits(locale, text);
}
