import { useEffect, useState } from 'preact/hooks';
import type { Schedule } from '@tokkatot/shared';
import { ApiError } from '../api/client.js';
import type { CoopView } from '../api/types.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { api } from '../state.js';

type CycleSchedule = Extract<Schedule, { type: 'cycle' }>;
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];
const SERVER_FIELDS = ['id', 'farmId', 'hlc', 'updatedAt'] as const;

/** The body the edge expects: the schedule without the fields the edge fills in. */
function bodyOf(schedule: Record<string, unknown>): Record<string, unknown> {
  const body = { ...schedule };
  for (const field of SERVER_FIELDS) delete body[field];
  return body;
}

/**
 * Start, run, rest and repeat of a feeder-style schedule, in minutes (people think in minutes).
 * Inputs are uncontrolled (default values): a live update re-rendering the screen must not undo
 * what the manager is typing.
 */
function CycleForm({ coops, schedule, onSaved }: { coops: CoopView[]; schedule: CycleSchedule | null; onSaved: () => void }) {
  const { t } = useT();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const key = schedule?.id ?? 'new';
  const outputs = coops.flatMap((coop) => coop.outputs.filter((output) => output.installed).map((output) => ({ coop, output })));
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const outputId = String(data.get('outputId'));
    const coopId = outputs.find((item) => item.output.id === outputId)?.coop.id ?? '';
    const body = {
      ...(schedule ? bodyOf(schedule) : { weekdays: ALL_DAYS }),
      type: 'cycle',
      coopId,
      outputId,
      name: String(data.get('name') ?? '').trim(),
      enabled: data.get('enabled') === 'on',
      startTime: String(data.get('startTime')),
      runSeconds: Math.round(Number(data.get('runMinutes')) * 60),
      offSeconds: Math.round(Number(data.get('offMinutes')) * 60),
      repeat: Math.round(Number(data.get('repeat'))),
    };
    const id = schedule?.id ?? `sch-${Date.now().toString(36)}`;
    setError(null);
    setSaved(false);
    try {
      await api.put(`/api/schedules/${encodeURIComponent(id)}`, body);
      setSaved(true);
      if (!schedule) form.reset();
      onSaved();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : '');
    }
  };
  return html`<form class="card schedule" onSubmit=${submit} data-testid=${`schedule-${key}`}>
    <label for=${`s-name-${key}`}>${t('scheduleName')}</label>
    <input id=${`s-name-${key}`} name="name" required maxlength="80" defaultValue=${schedule?.name ?? ''} />
    <label for=${`s-output-${key}`}>${t('scheduleOutput')}</label>
    <select id=${`s-output-${key}`} name="outputId">
      ${outputs.map(({ coop, output }) => html`<option value=${output.id} selected=${output.id === schedule?.outputId}>${coop.name} · ${output.name}</option>`)}
    </select>
    <label for=${`s-start-${key}`}>${t('startTime')}</label>
    <input id=${`s-start-${key}`} name="startTime" type="time" required defaultValue=${schedule?.startTime ?? '06:00'} />
    <label for=${`s-run-${key}`}>${t('runMinutes')}</label>
    <input id=${`s-run-${key}`} name="runMinutes" type="number" min="1" max="1440" step="any" required defaultValue=${schedule ? schedule.runSeconds / 60 : 8} />
    <label for=${`s-off-${key}`}>${t('offMinutes')}</label>
    <input id=${`s-off-${key}`} name="offMinutes" type="number" min="1" max="1440" step="any" required defaultValue=${schedule ? schedule.offSeconds / 60 : 240} />
    <label for=${`s-repeat-${key}`}>${t('repeatTimes')}</label>
    <input id=${`s-repeat-${key}`} name="repeat" type="number" min="1" max="96" required defaultValue=${schedule?.repeat ?? 3} />
    <label class="check"><input type="checkbox" name="enabled" defaultChecked=${schedule?.enabled ?? true} /> ${t('enabled')}</label>
    <button type="submit" class="main wide"><${Icon} name=${schedule ? 'check' : 'plus'} /> ${schedule ? t('saveSchedule') : t('addSchedule')}</button>
    ${saved ? html`<p class="feedback ok" role="status"><${Icon} name="check" /> ${t('scheduleSaved')}</p>` : null}
    ${error === null ? null : html`<p class="feedback error" role="alert">${t('errorGeneric')}${error ? html`: <span lang="en">${error}</span>` : null}</p>`}
  </form>`;
}

/** Schedules of every coop: feeder-style ones edited here, other kinds named and left to the controller. */
export function SchedulesEditor({ coops }: { coops: CoopView[] }) {
  const { t } = useT();
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [missing, setMissing] = useState(false);
  const load = () =>
    api
      .get<{ schedules: Schedule[] }>('/api/schedules')
      .then(({ schedules: list }) => setSchedules(list))
      .catch((error: unknown) => setMissing(error instanceof ApiError && error.status === 404));
  useEffect(() => void load(), []);
  if (missing) return html`<p class="muted">${t('schedulesMissing')}</p>`;
  if (!schedules) return html`<p class="muted">${t('loading')}</p>`;
  return html`<div class="editor">
    ${schedules.map((schedule) =>
      schedule.type === 'cycle'
        ? html`<${CycleForm} key=${schedule.id} coops=${coops} schedule=${schedule} onSaved=${load} />`
        : html`<p class="card">${schedule.name} · <span class="muted">${t('otherSchedule')}</span></p>`,
    )}
    <${CycleForm} key="new" coops=${coops} schedule=${null} onSaved=${load} />
  </div>`;
}
