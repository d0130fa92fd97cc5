import { useState } from 'preact/hooks';
import type { CatalogueRelease, ImportReport } from '../api/types.js';
import { FeedbackLine, fill, type Feedback } from '../components/feedback-line.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { formatWhen, localDigits } from '../i18n/i18n.js';
import { api, store } from '../state.js';
import { useStore } from '../store.js';
import { failure, importSummary, releaseId, releaseSize } from './admin-firmware-logic.js';

/** One catalogue entry: what the signed release is and when it arrived. */
function ReleaseCard({ release }: { release: CatalogueRelease }) {
  const { t, locale } = useT();
  const size = releaseSize(release.size);
  const when = (ms: number) => html`<time datetime=${new Date(ms).toISOString()}>${formatWhen(locale, ms, undefined)}</time>`;
  return html`<li class="card" data-testid="release" data-release=${releaseId(release)}>
    <p class="row-title">
      <span class="fw-version" data-testid="release-version">${release.version}</span>
      <span class=${`tag channel-${release.channel}`} data-testid="release-channel">${t(`channel_${release.channel}`)}</span>
    </p>
    <dl class="facts">
      <dt>${t('admBoard')}</dt>
      <dd class="fw-version">${release.board}</dd>
      <dt>${t('admSize')}</dt>
      <dd data-testid="release-size">${fill(t(size.key), size.values, locale)}</dd>
      <dt>${t('fwNeedsRevision')}</dt>
      <dd data-testid="release-hardware">${localDigits(locale, String(release.minHardwareRevision))}</dd>
      <dt>${t('admPublished')}</dt>
      <dd>${when(release.publishedAt)}</dd>
      <dt>${t('admImportedAt')}</dt>
      <dd data-testid="release-imported">${when(release.importedAt)}</dd>
    </dl>
    ${release.notes ? html`<p class="small"><strong>${t('fwNotes')}:</strong> <span class="fw-notes" data-testid="release-notes">${release.notes}</span></p>` : null}
  </li>`;
}

/** What an import did: the releases it added or updated, and each entry it refused with the server's reason. */
function ImportDetails({ report }: { report: ImportReport }) {
  const { t, locale } = useT();
  return html`<div data-testid="import-report">
    ${report.added.length || report.updated.length
      ? html`<dl class="facts">
          ${report.added.length ? html`<dt>${t('admAddedList')}</dt><dd class="fw-version" data-testid="import-added">${report.added.join(', ')}</dd>` : null}
          ${report.updated.length ? html`<dt>${t('admUpdatedList')}</dt><dd class="fw-version" data-testid="import-updated">${report.updated.join(', ')}</dd>` : null}
        </dl>`
      : null}
    ${report.retargetedFarms.length ? html`<p class="small">${fill(t('admRetargeted'), { count: report.retargetedFarms.length }, locale)}</p>` : null}
    ${report.refused.length
      ? html`<h3 class="section">${t('admRefusedList')}</h3>
          <ul class="refused" data-testid="import-refused">
            ${report.refused.map(
              (entry) => html`<li key=${entry.index} class="feedback warn" data-testid="refused-entry">
                <${Icon} name="warning" size=${18} />
                <span><strong class="fw-version">${entry.version ?? '?'} ${entry.board ?? ''}</strong> (${fill(t('admEntry'), { index: entry.index + 1 }, locale)}): <span lang="en" data-testid="refused-reason">${entry.reason}</span></span>
              </li>`,
            )}
          </ul>`
      : null}
  </div>`;
}

/** The catalogue and its "Import now" button: reads versions.json from the bucket at once. */
export function CatalogueSection({ releases, onImported }: { releases: CatalogueRelease[]; onImported: () => Promise<void> }) {
  const { t } = useT();
  const { reachable } = useStore(store);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const run = async () => {
    setBusy(true);
    setFeedback(null);
    setReport(null);
    try {
      const answer = await api.post<ImportReport>('/v1/admin/firmware/import');
      setReport(answer);
      setFeedback({ kind: 'ok', ...importSummary(answer) });
      // The catalogue on screen follows; a failed refresh leaves the report, which is what matters here.
      await onImported().catch(() => undefined);
    } catch (error) {
      setFeedback(failure(error, 'import'));
    } finally {
      setBusy(false);
    }
  };
  return html`<section aria-labelledby="catalogue-title" data-testid="catalogue">
    <h2 id="catalogue-title">${t('admCatalogue')}</h2>
    <div class="card">
      <p class="muted small">${t('admImportHelp')}</p>
      <button type="button" class="main wide" data-testid="import-releases" disabled=${busy || !reachable} onClick=${run}>
        <${Icon} name="cloud" /> ${busy ? t('admImporting') : t('admImport')}
      </button>
      <${FeedbackLine} feedback=${feedback} testId="import-feedback" />
      ${report ? html`<${ImportDetails} report=${report} />` : null}
    </div>
    ${releases.length === 0
      ? html`<p class="card" data-testid="no-releases">${t('admNoReleases')}</p>`
      : html`<ul class="releases" data-testid="releases">
          ${releases.map((release) => html`<${ReleaseCard} key=${releaseId(release)} release=${release} />`)}
        </ul>`}
  </section>`;
}
