import { html } from '../html.js';
import { formatNumber } from '../i18n/i18n.js';
import { useT } from './use-t.js';

/** "31.5 °C", or a dash with words for screen readers when there is no reading. */
export function Celsius({ value, testId }: { value: number | null | undefined; testId?: string }) {
  const { t, locale } = useT();
  if (value === null || value === undefined) return html`<span class="value" data-testid=${testId}>— <span class="sr-only">${t('status_unknown')}</span></span>`;
  return html`<span class="value" data-testid=${testId}>${formatNumber(locale, value, 1)} °C</span>`;
}

export function Band({ low, high }: { low: number | null | undefined; high: number | null | undefined }) {
  const { t, locale } = useT();
  if (low === null || low === undefined || high === null || high === undefined) return html`<span class="muted">${t('noTarget')}</span>`;
  return html`<span>${t('target')}: ${formatNumber(locale, low, 1)}–${formatNumber(locale, high, 1)} °C</span>`;
}
