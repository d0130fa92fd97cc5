import { useEffect, useState } from 'preact/hooks';
import type { DailyRecord } from '../api/types.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { toKhmerDigits } from '../i18n/i18n.js';
import { ApiError } from '../api/client.js';
import { flushPendingDaily, listPendingDaily, queueDaily } from '../pending-daily.js';
import { api, refreshCoops, store } from '../state.js';
import { useStore } from '../store.js';

const CAUSES = ['heat', 'sick', 'injured', 'unknown'] as const;
const EMPTY: Omit<DailyRecord, 'coopId' | 'date'> = { mortality: { heat: 0, sick: 0, injured: 0, unknown: 0 }, culls: 0, feedBags: 0, waterMeter: null, note: '' };

/** A number with big − and + buttons: counting birds should need no keyboard. */
function Counter({ id, label, value, step = 1, onChange }: { id: string; label: string; value: number; step?: number; onChange: (value: number) => void }) {
  const { t } = useT();
  return html`<div class="counter">
    <label for=${id}>${label}</label>
    <div class="counter-row">
      <button type="button" class="step" aria-label=${`${t('less')}: ${label}`} onClick=${() => onChange(Math.max(0, value - step))}><${Icon} name="minus" /></button>
      <input id=${id} type="number" inputmode="decimal" min="0" step=${step} value=${value}
        onInput=${(event: Event) => onChange(Math.max(0, Number((event.target as HTMLInputElement).value) || 0))} />
      <button type="button" class="step" aria-label=${`${t('more')}: ${label}`} onClick=${() => onChange(value + step)}><${Icon} name="plus" /></button>
    </div>
  </div>`;
}

/** The day's checklist per coop: deaths by cause, culls, feed, water meter, a note. Today only. */
export function DailyScreen() {
  const { t, locale } = useT();
  const { coops, pendingDaily } = useStore(store);
  const [coopId, setCoopId] = useState<string | null>(null);
  const [today, setToday] = useState<string | null>(null);
  const [form, setForm] = useState(EMPTY);
  const [status, setStatus] = useState<'idle' | 'saved' | 'queued' | 'failed'>('idle');
  useEffect(() => {
    void refreshCoops().catch(() => undefined);
    void flushPendingDaily();
  }, []);
  const selected = coopId ?? coops?.[0]?.id ?? null;

  useEffect(() => {
    if (!selected) return;
    setStatus('idle');
    // "Today" is the Pi's farm-local date: the phone's own clock may be wrong.
    void api
      .get<{ today: string; records: DailyRecord[] }>(`/api/daily-records?coopId=${encodeURIComponent(selected)}`)
      .then(({ today: day, records }) => {
        setToday(day);
        const record = records.find((item) => item.date === day);
        setForm(record ? { mortality: record.mortality, culls: record.culls, feedBags: record.feedBags, waterMeter: record.waterMeter, note: record.note } : EMPTY);
      })
      .catch(() => undefined);
  }, [selected]);

  const update = (patch: Partial<typeof form>) => {
    setStatus('idle');
    setForm({ ...form, ...patch });
  };
  const save = async (event: Event) => {
    event.preventDefault();
    if (!selected || !today) return;
    try {
      await api.put(`/api/daily-records/${encodeURIComponent(selected)}/${today}`, form);
      setStatus('saved');
    } catch (error) {
      // The Pi is away: keep the checklist on the phone and send it when the Pi answers again.
      if (error instanceof ApiError && error.code === 'UNREACHABLE') {
        queueDaily({ coopId: selected, date: today, record: form });
        setStatus('queued');
      } else setStatus('failed');
    }
  };

  if (!coops) return html`<p class="muted">${t('loading')}</p>`;
  if (coops.length === 0) return html`<p class="muted">${t('noCoops')}</p>`;
  const refused = listPendingDaily().filter((item) => item.error);
  return html`<section>
    <h1>${t('dailyTitle')}</h1>
    ${pendingDaily > 0
      ? html`<p class="feedback warn" role="status" data-testid="pending-daily"><${Icon} name="offline" /> ${t('waitingToSend')}: ${locale === 'km' ? toKhmerDigits(String(pendingDaily)) : pendingDaily}</p>`
      : null}
    ${refused.map((item) => html`<p class="feedback error" role="alert">${t('notSent')} ${item.date}: <span lang="en">${item.error}</span></p>`)}
    ${today ? html`<p class="muted">${locale === 'km' ? toKhmerDigits(today) : today}</p>` : null}
    <form onSubmit=${save}>
      <label for="daily-coop">${t('coop')}</label>
      <select id="daily-coop" value=${selected ?? ''} onChange=${(event: Event) => setCoopId((event.target as HTMLSelectElement).value)}>
        ${coops.map((coop) => html`<option value=${coop.id}>${coop.name}</option>`)}
      </select>
      <fieldset>
        <legend>${t('deaths')}</legend>
        ${CAUSES.map(
          (cause) => html`<${Counter} id=${`cause-${cause}`} label=${t(`cause_${cause}` as MessageKey)} value=${form.mortality[cause]}
            onChange=${(value: number) => update({ mortality: { ...form.mortality, [cause]: Math.round(value) } })} />`,
        )}
      </fieldset>
      <${Counter} id="culls" label=${t('culls')} value=${form.culls} onChange=${(value: number) => update({ culls: Math.round(value) })} />
      <${Counter} id="feed-bags" label=${t('feedBags')} value=${form.feedBags} step=${0.5} onChange=${(value: number) => update({ feedBags: Math.round(value * 2) / 2 })} />
      <label for="water-meter">${t('waterMeter')}</label>
      <input id="water-meter" type="number" inputmode="decimal" min="0" step="any" value=${form.waterMeter ?? ''}
        onInput=${(event: Event) => { const raw = (event.target as HTMLInputElement).value; update({ waterMeter: raw === '' ? null : Math.max(0, Number(raw)) }); }} />
      <label for="note">${t('note')}</label>
      <textarea id="note" maxlength="500" rows="3" value=${form.note} onInput=${(event: Event) => update({ note: (event.target as HTMLTextAreaElement).value })}></textarea>
      <button type="submit" class="main wide"><${Icon} name="check" /> ${t('save')}</button>
      ${status === 'saved' ? html`<p class="feedback ok" role="status"><${Icon} name="check" /> ${t('saved')}</p>` : null}
      ${status === 'queued' ? html`<p class="feedback warn" role="status"><${Icon} name="offline" /> ${t('savedOnPhone')}</p>` : null}
      ${status === 'failed' ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> ${t('saveFailed')}</p>` : null}
    </form>
  </section>`;
}
