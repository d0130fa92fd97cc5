import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { actionSentence, changeLines, isRole, type AuditEntry, type ChangeLine } from '../audit/audit-logic.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { formatWhen } from '../i18n/i18n.js';
import { api, store } from '../state.js';
import { useStore } from '../store.js';

const PAGE = 30;

function Change({ line }: { line: ChangeLine }) {
  const { t } = useT();
  const value = (text: string) => (line.field === 'role' && isRole(text) ? t(`role_${text}`) : text);
  return html`<li data-testid="audit-change" data-field=${line.field}>
    ${line.label ? t(line.label) : html`<code lang="en">${line.field}</code>`}: ${value(line.from)} → <strong>${value(line.to)}</strong>
  </li>`;
}

/**
 * The farm's audit log for its owners, newest first: who did what and when (the farm's clock),
 * with the before and after of each edit; older entries a page at a time.
 */
export function FarmActivity({ farmId }: { farmId: string }) {
  const { t, locale } = useT();
  const state = useStore(store);
  const timeZone = state.farm[farmId]?.data.timeZone;
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [failed, setFailed] = useState<MessageKey | null>(null);
  const path = `/v1/farms/${encodeURIComponent(farmId)}/audit`;
  const load = async (before: string | null) => {
    setFailed(null);
    try {
      const page = await api.get<AuditEntry[]>(`${path}?limit=${PAGE}${before ? `&before=${before}` : ''}`);
      setEntries((shownBefore) => (before && shownBefore ? [...shownBefore, ...page] : page));
      setMore(page.length === PAGE);
    } catch (error) {
      setFailed(error instanceof ApiError && error.code === 'UNREACHABLE' ? 'unreachable' : 'errorGeneric');
    }
  };
  useEffect(() => {
    setEntries(null);
    void load(null);
  }, [farmId]);
  return html`<section data-testid="farm-activity">
    <h3 class="section">${t('auditTitle')}</h3>
    ${failed ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> ${t(failed)}</p>` : null}
    ${entries === null && !failed ? html`<p class="muted">${t('loading')}</p>` : null}
    ${entries && entries.length === 0 ? html`<p class="card">${t('auditEmpty')}</p>` : null}
    ${entries && entries.length > 0
      ? html`<ol class="audit-list">
          ${entries.map(
            (entry) => html`<li class="card" key=${entry.id} data-testid="audit-entry" data-action=${entry.action}>
              <p><strong>${entry.actorName ?? t('auditSystem')}</strong> ${t(actionSentence(entry.action))}</p>
              <p class="muted small"><time>${formatWhen(locale, entry.at, timeZone)}</time></p>
              ${(() => {
                const lines = changeLines(entry);
                return lines.length > 0 ? html`<ul class="changes">${lines.map((line) => html`<${Change} key=${line.field} line=${line} />`)}</ul>` : null;
              })()}
            </li>`,
          )}
        </ol>`
      : null}
    ${more ? html`<button type="button" class="wide" data-testid="audit-older" onClick=${() => void load(entries?.at(-1)?.id ?? null)}>${t('auditOlder')}</button>` : null}
  </section>`;
}
