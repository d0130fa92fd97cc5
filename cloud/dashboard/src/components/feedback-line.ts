import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { localDigits, type Locale } from '../i18n/i18n.js';
import { Icon } from './icons.js';
import { useT } from './use-t.js';

/** The outcome of an action: a sentence in the person's language, and the server's English message as detail. */
export type Feedback = { kind: 'ok' | 'error'; key: MessageKey; detail?: string; values?: Record<string, string | number> };

/**
 * "{version}" and "{percent}" in a catalogue sentence. Numbers take the language's digits;
 * strings (versions, board names) are shown as written, since they are identifiers.
 */
export function fill(text: string, values: Record<string, string | number>, locale: Locale): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? localDigits(locale, String(value)) : value;
  });
}

/** One feedback line: an icon and words (never a colour alone); errors are announced. */
export function FeedbackLine({ feedback, testId }: { feedback: Feedback | null; testId: string }) {
  const { t, locale } = useT();
  if (!feedback) return null;
  return html`<p class=${`feedback ${feedback.kind}`} role=${feedback.kind === 'error' ? 'alert' : 'status'} data-testid=${testId}>
    <${Icon} name=${feedback.kind === 'ok' ? 'check' : 'warning'} /> <span>${feedback.values ? fill(t(feedback.key), feedback.values, locale) : t(feedback.key)}${feedback.detail ? html` <span lang="en">(${feedback.detail})</span>` : null}</span>
  </p>`;
}
