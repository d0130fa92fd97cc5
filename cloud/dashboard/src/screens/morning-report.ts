import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { FarmReport, MorningReport } from '../api/report-types.js';
import { fill } from '../components/feedback-line.js';
import { Icon } from '../components/icons.js';
import { LastSynced } from '../components/last-synced.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { readSnapshot, writeSnapshot, type Snapshot } from '../offline/snapshots.js';
import { formatReportDate, isReportDate, orderCoops, reportedDate, shiftDate, summarizeFarm } from '../report/report-logic.js';
import { api, currentUser, navigate } from '../state.js';
import { link } from './link.js';
import { ReportCoop } from './report-coop.js';

/** The default report (each farm's yesterday) and each chosen day are kept apart for offline reading. */
const snapshotName = (date: string | null) => `report.${date ?? 'default'}`;

function saved(date: string | null): Snapshot<MorningReport> | null {
  const user = currentUser();
  return user ? readSnapshot<MorningReport>(user.id, snapshotName(date)) : null;
}

function keep(date: string | null, report: MorningReport): Snapshot<MorningReport> {
  const user = currentUser();
  return user ? writeSnapshot(user.id, snapshotName(date), report) : { savedAt: Date.now(), data: report };
}

const reportPath = (date: string | null) => (date ? `/report/${date}` : '/report');

function FarmSection({ farm }: { farm: FarmReport }) {
  const { t, locale } = useT();
  const summary = summarizeFarm(farm);
  return html`<section class="report-farm" data-testid="report-farm" data-farm=${farm.farmId}>
    <h2 class="row-title">
      <a href=${`/farms/${encodeURIComponent(farm.farmId)}`} onClick=${link(navigate)}>${farm.farmName}</a>
      <span class="muted small" data-testid="report-farm-date">${formatReportDate(locale, farm.date)}</span>
    </h2>
    <p class=${farm.exceptionCount > 0 ? 'feedback warn' : 'empty'} data-testid="report-farm-summary">
      <${Icon} name=${farm.exceptionCount > 0 ? 'warning' : 'check'} /> <span>${fill(t(summary.key), summary.values, locale)}</span>
    </p>
    ${farm.coops.length > 0 ? html`<ul class="report-coops">${orderCoops(farm.coops).map((coop) => html`<${ReportCoop} key=${coop.coopId} coop=${coop} />`)}</ul>` : null}
  </section>`;
}

/** The day picker: a date field and a step back or forward, each a client route (the back button works). */
function DayPicker({ shown, chosen }: { shown: string | null; chosen: string | null }) {
  const { t } = useT();
  const go = (date: string) => navigate(reportPath(date));
  return html`<div class="report-day">
    <div class="report-day-field">
      <label for="report-date">${t('repDate')}</label>
      <input id="report-date" type="date" value=${shown ?? ''} data-testid="report-date"
        onChange=${(event: Event) => {
          const value = (event.target as HTMLInputElement).value;
          if (isReportDate(value)) go(value);
        }} />
    </div>
    <div class="report-day-steps">
      <button type="button" data-testid="report-previous" disabled=${!shown} onClick=${() => shown && go(shiftDate(shown, -1))}><${Icon} name="back" /> ${t('repPrevDay')}</button>
      <button type="button" data-testid="report-next" disabled=${!shown} onClick=${() => shown && go(shiftDate(shown, 1))}>${t('repNextDay')} <${Icon} name="chevron" /></button>
      ${chosen ? html`<a class="back" href="/report" onClick=${link(navigate)} data-testid="report-default">${t('repYesterday')}</a>` : null}
    </div>
  </div>`;
}

/**
 * The morning exception report of every farm of the person for one day (each farm's yesterday by
 * default): per coop, water and feed against the day before and the flock, minutes out of band,
 * and the exceptions first. Kept on the device per day for reading offline.
 */
export function MorningReportScreen({ date }: { date: string | null }) {
  const { t } = useT();
  const [snapshot, setSnapshot] = useState<Snapshot<MorningReport> | null>(() => saved(date));
  const [failed, setFailed] = useState<MessageKey | null>(null);
  const valid = date === null || isReportDate(date);
  useEffect(() => {
    setSnapshot(saved(date));
    setFailed(null);
    // A day that does not exist (/report/2026-02-30): said on the page, not asked of the server.
    if (!valid) return undefined;
    let live = true;
    api.get<MorningReport>(`/v1/reports/morning${date ? `?date=${date}` : ''}`).then(
      (report) => live && setSnapshot(keep(date, report)),
      (error: unknown) => live && setFailed(error instanceof ApiError && error.code === 'UNREACHABLE' ? 'unreachable' : 'errorGeneric'),
    );
    return () => {
      live = false;
    };
  }, [date, valid]);
  if (!valid) {
    return html`<h1>${t('repTitle')}</h1>
      <p class="feedback error" role="alert" data-testid="report-bad-date"><${Icon} name="warning" /> <span>${t('notFound')}</span></p>
      <p><a class="back" href="/report" onClick=${link(navigate)}><${Icon} name="back" /> ${t('repYesterday')}</a></p>`;
  }
  const report = snapshot?.data ?? null;
  const shown = date ?? (report ? reportedDate(report) : null);
  return html`<h1>${t('repTitle')}</h1>
    <p class="muted small">${t('repIntro')}</p>
    <${DayPicker} shown=${shown} chosen=${date} />
    <${LastSynced} at=${snapshot?.savedAt} testId="report-synced" />
    ${failed === 'errorGeneric' || (failed && !snapshot) ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> <span>${t(failed)}</span></p>` : null}
    ${report
      ? report.farms.length === 0
        ? html`<p class="card" data-testid="report-empty">${t('noFarms')}</p>`
        : report.farms.map((farm) => html`<${FarmSection} key=${farm.farmId} farm=${farm} />`)
      : failed
        ? null
        : html`<p class="muted">${t('loading')}</p>`}`;
}
