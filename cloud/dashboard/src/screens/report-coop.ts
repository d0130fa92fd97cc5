import type { Comparison, CoopReport } from '../api/report-types.js';
import { fill } from '../components/feedback-line.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { keyOr, localDigits } from '../i18n/i18n.js';
import { describeException, formatAmount, formatChange } from '../report/report-logic.js';

/** Water or feed: the day's amount, then against the day before and against the flock. */
function ComparisonRow({ label, unit, comparison, testId }: { label: MessageKey; unit: MessageKey; comparison: Comparison; testId: string }) {
  const { t, locale } = useT();
  const amount = (value: number) => fill(t(unit), { value: formatAmount(locale, value) }, locale);
  return html`<div class="report-row" data-testid=${testId}>
    <dt>${t(label)}</dt>
    <dd>
      <strong>${comparison.value === null ? t('repNoValue') : amount(comparison.value)}</strong>
      <span class="muted small">
        ${t('repVsYesterday')}: ${comparison.vsYesterdayPercent === null ? t('repNoValue') : formatChange(locale, comparison.vsYesterdayPercent)}
        ${comparison.yesterday === null ? null : html` (${amount(comparison.yesterday)})`}
      </span>
      <span class="muted small">
        ${t('repVsFlock')}: ${comparison.vsExpectedPercent === null ? t('repNoValue') : formatChange(locale, comparison.vsExpectedPercent)}
        ${comparison.expected === null ? null : html` (${t('repExpected')} ${amount(comparison.expected)})`}
      </span>
    </dd>
  </div>`;
}

/**
 * One coop's day: exceptions first (in the person's language, from the figures), then the figures.
 * Without a daily record there are no figures to show, and the exception already says so.
 */
export function ReportCoop({ coop }: { coop: CoopReport }) {
  const { t, locale } = useT();
  const n = (value: number) => localDigits(locale, String(value));
  return html`<li class=${`card report-coop ${coop.exceptions.length > 0 ? 'has-exceptions' : ''}`} data-testid="report-coop" data-coop=${coop.coopId}>
    <h3 class="row-title"><span>${coop.coopName}</span>
      <span class=${`verdict verdict-${coop.exceptions.length > 0 ? 'too_hot' : 'good'}`} data-testid="report-coop-verdict">
        <${Icon} name=${coop.exceptions.length > 0 ? 'warning' : 'check'} size=${18} />
        ${coop.exceptions.length > 0 ? fill(t('repFarmExceptions'), { count: coop.exceptions.length }, locale) : t('repCoopNone')}
      </span>
    </h3>
    ${coop.exceptions.length > 0
      ? html`<ul class="exceptions" aria-label=${t('repExceptions')} data-testid="report-exceptions">
          ${coop.exceptions.map((exception) => {
            const sentence = describeException(coop, exception);
            return html`<li class="exception" data-testid="report-exception" data-kind=${exception.kind}><${Icon} name="warning" size=${18} /> <span>${fill(t(sentence.key), sentence.values, locale)}</span></li>`;
          })}
        </ul>`
      : null}
    ${coop.flock
      ? html`<p class="small" data-testid="report-flock">${fill(t('repFlock'), { name: coop.flock.name, day: coop.flock.growthDay, birds: coop.flock.birds }, locale)}
          <span class="muted"> · ${t(keyOr('repBasis_', coop.flock.basis, 'repBasis_other'))}</span></p>`
      : null}
    <dl class="report-facts">
      ${coop.recorded
        ? html`<${ComparisonRow} label="repWater" unit="repLitres" comparison=${coop.water} testId="report-water" />
            <${ComparisonRow} label="repFeed" unit="repBags" comparison=${coop.feedBags} testId="report-feed" />
            <div class="report-row">
              <dt>${t('repDeaths')}</dt>
              <dd><strong>${coop.mortality === null ? t('repNoValue') : n(coop.mortality)}</strong> <span class="muted small">${t('repCulls')}: ${coop.culls === null ? t('repNoValue') : n(coop.culls)}</span></dd>
            </div>`
        : null}
      <div class="report-row" data-testid="report-band">
        <dt>${t('repOutOfBand')}</dt>
        <dd>
          ${coop.band && coop.minutesWithData === 0
            ? html`<strong>${t('repNoReadings')}</strong> <span class="muted small">${fill(t('repBand'), { low: coop.band.lowC, high: coop.band.highC }, locale)}</span>`
            : coop.band
            ? html`<strong>${fill(t('repAboveBelow'), { above: coop.minutesAbove, below: coop.minutesBelow }, locale)}</strong>
                <span class="muted small">${fill(t('repBand'), { low: coop.band.lowC, high: coop.band.highC }, locale)} · ${fill(t('repMinutesData'), { minutes: coop.minutesWithData }, locale)}</span>`
            : html`<strong>${t('repNoBand')}</strong>`}
        </dd>
      </div>
    </dl>
  </li>`;
}
