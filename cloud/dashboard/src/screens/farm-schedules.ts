import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { Schedule } from '../api/types.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { formatWhen } from '../i18n/i18n.js';
import { replica, type ConfigDoc } from '../offline/replica-handle.js';
import { atLeast } from '../roles.js';
import { api, roleOn, store } from '../state.js';
import { useStore } from '../store.js';

type Field = { key: string; label: MessageKey; kind: 'time' | 'minutes' | 'count' };

/** The editable fields per schedule kind; minutes on screen, seconds on the wire. */
const FIELDS: Record<string, Field[]> = {
  cycle: [
    { key: 'startTime', label: 'startTime', kind: 'time' },
    { key: 'runSeconds', label: 'runMinutes', kind: 'minutes' },
    { key: 'offSeconds', label: 'offMinutes', kind: 'minutes' },
    { key: 'repeat', label: 'repeatTimes', kind: 'count' },
  ],
  duty: [
    { key: 'windowStart', label: 'windowStart', kind: 'time' },
    { key: 'windowEnd', label: 'windowEnd', kind: 'time' },
    { key: 'onSeconds', label: 'onMinutes', kind: 'minutes' },
    { key: 'offSeconds', label: 'offMinutes', kind: 'minutes' },
  ],
  cron: [],
};

function toInput(field: Field, value: unknown): string {
  if (value === null || value === undefined) return '';
  return field.kind === 'minutes' ? String(Math.round((Number(value) / 60) * 10) / 10) : String(value);
}

function fromInput(field: Field, text: string): unknown {
  if (field.kind === 'time') return text;
  const number = Number(text);
  return field.kind === 'minutes' ? Math.round(number * 60) : Math.round(number);
}

/** One schedule: switch and timing, saved with PATCH /v1/farms/:farmId/schedules/:scheduleId. */
function ScheduleEditor({ farmId, schedule, outputName, canEdit }: { farmId: string; schedule: Schedule; outputName: string; canEdit: boolean }) {
  const { t } = useT();
  const fields = FIELDS[schedule.type] ?? [];
  const record = schedule as unknown as Record<string, unknown>;
  const initial = () => Object.fromEntries(fields.map((field) => [field.key, toInput(field, record[field.key])]));
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [enabled, setEnabled] = useState(schedule.enabled);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<{ kind: 'ok' | 'error'; key: MessageKey; detail?: string } | null>(null);
  useEffect(() => {
    setValues(initial());
    setEnabled(schedule.enabled);
  }, [schedule.hlc]);
  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFeedback(null);
    const patch: Record<string, unknown> = { enabled };
    for (const field of fields) patch[field.key] = fromInput(field, values[field.key] ?? '');
    try {
      await api.patch(`/v1/farms/${encodeURIComponent(farmId)}/schedules/${encodeURIComponent(schedule.id)}`, patch);
      setFeedback({ kind: 'ok', key: 'saved' });
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      setFeedback({ kind: 'error', key: code === 'FORBIDDEN' ? 'notAllowed' : code === 'UNREACHABLE' ? 'unreachable' : 'saveFailed', ...(error instanceof ApiError && code !== 'UNREACHABLE' ? { detail: error.message } : {}) });
    } finally {
      setBusy(false);
    }
  };
  const id = `schedule-${schedule.id}`;
  return html`<form class="card editor" onSubmit=${save} data-testid="schedule">
    <h3>${schedule.name}</h3>
    <p class="muted small">${t(`scheduleKind_${schedule.type}`)} · ${outputName}</p>
    <label class="check"><input type="checkbox" checked=${enabled} disabled=${!canEdit} onChange=${(event: Event) => setEnabled((event.target as HTMLInputElement).checked)} /> ${t('enabled')}</label>
    <div class="two">
      ${fields.map(
        (field) => html`<div key=${field.key}>
          <label for=${`${id}-${field.key}`}>${t(field.label)}</label>
          <input id=${`${id}-${field.key}`} type=${field.kind === 'time' ? 'time' : 'number'} min=${field.kind === 'time' ? undefined : field.kind === 'minutes' ? '0.1' : '1'} step=${field.kind === 'minutes' ? 'any' : undefined}
            inputmode=${field.kind === 'time' ? undefined : 'decimal'} value=${values[field.key]} disabled=${!canEdit}
            onInput=${(event: Event) => setValues({ ...values, [field.key]: (event.target as HTMLInputElement).value })} />
        </div>`,
      )}
    </div>
    ${schedule.type === 'cron' ? html`<p class="muted small">${t('cronReadOnly')}</p>` : null}
    ${canEdit ? html`<button type="submit" class="main wide" disabled=${busy}>${busy ? t('saving') : t('save')}</button>` : html`<p class="muted small">${t('notAllowed')}</p>`}
    ${feedback
      ? html`<p class=${`feedback ${feedback.kind}`} role="status"><${Icon} name=${feedback.kind === 'ok' ? 'check' : 'warning'} /> ${t(feedback.key)}${feedback.detail ? html` <span lang="en">(${feedback.detail})</span>` : null}</p>`
      : null}
  </form>`;
}

const nameOf = (docs: ConfigDoc[], id: unknown) => String(docs.find((doc) => doc.id === id)?.name ?? id ?? '');

/**
 * The farm's schedules, read from the offline copy (RxDB): the API has no list of them, and the
 * copy keeps them readable with no network.
 */
export function FarmSchedules({ farmId }: { farmId: string }) {
  const { t, locale } = useT();
  const copy = useStore(replica);
  const state = useStore(store);
  const canEdit = atLeast(roleOn(farmId), 'manager') && state.reachable;
  if (copy.farmId !== farmId || (copy.status === 'starting' && copy.docs.schedules.length === 0)) return html`<h2>${t('schedulesTitle')}</h2><p class="muted">${t('offlineCopyWaiting')}</p>`;
  const byCoop = new Map<string, Schedule[]>();
  for (const doc of copy.docs.schedules as unknown as Schedule[]) byCoop.set(doc.coopId, [...(byCoop.get(doc.coopId) ?? []), doc]);
  return html`<h2>${t('schedulesTitle')}</h2>
    ${copy.syncedAt ? html`<p class="synced muted" data-testid="schedules-synced"><${Icon} name="clock" size=${18} /> ${t('lastSynced')}: ${formatWhen(locale, copy.syncedAt, state.farm[farmId]?.data.timeZone)}</p>` : null}
    ${byCoop.size === 0 ? html`<p class="card">${t('noSchedules')}</p>` : null}
    ${[...byCoop].map(
      ([coopId, schedules]) => html`<section key=${coopId}>
        <h3 class="section">${nameOf(copy.docs.coops, coopId)}</h3>
        ${schedules
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((schedule) => html`<${ScheduleEditor} key=${schedule.id} farmId=${farmId} schedule=${schedule} outputName=${nameOf(copy.docs.outputs, schedule.outputId)} canEdit=${canEdit} />`)}
      </section>`,
    )}`;
}
