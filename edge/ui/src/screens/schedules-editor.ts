import { useEffect, useState } from 'preact/hooks';
import type { Schedule } from '@tokkatot/shared';
import { ApiError } from '../api/client.js';
import type { CoopView } from '../api/types.js';
import { FieldError, OutcomeLine, failure, hasProblems, invalid, type Outcome } from '../components/form-kit.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { checkCron, checkSteps, readNumber, type Problems, type StepRow } from '../edit-checks.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { api } from '../state.js';

type Kind = Schedule['type'];
const KINDS: Kind[] = ['cycle', 'duty', 'cron'];
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];
const SERVER_FIELDS = ['id', 'farmId', 'hlc', 'updatedAt'] as const;
const SHORT_IDS: Record<string, string> = { startTime: 'start', runMinutes: 'run', offMinutes: 'off' };

/** The body the edge expects: the schedule without the fields the edge fills in. */
function bodyOf(schedule: Record<string, unknown>): Record<string, unknown> {
  const body = { ...schedule };
  for (const field of SERVER_FIELDS) delete body[field];
  return body;
}

/** Seconds as minutes to show, at most two decimals (a 1 s step shows as 0.02, saved back as 1 s). */
const minutesOf = (seconds: number | undefined, fallback: number) => (seconds === undefined ? fallback : Math.round((seconds / 60) * 100) / 100);

/** Reads the kind's own fields from the form; numbers in minutes (people think in minutes). */
function readKindFields(kind: Kind, data: FormData, action: 'autoOff' | 'steps', steps: StepRow[]): { fields: Record<string, unknown>; problems: Problems } {
  const problems: Problems = {};
  const text = (name: string) => String(data.get(name) ?? '');
  const number = (name: string, min: number, max: number, whole = false): number => {
    const read = readNumber(text(name), min, max, whole);
    if ('problem' in read) {
      problems[name] = read.problem;
      return 0;
    }
    return read.value;
  };
  const time = (name: string) => {
    const value = text(name);
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) problems[name] = { key: 'errRequired' };
    return value;
  };
  if (kind === 'cycle') {
    return {
      fields: { startTime: time('startTime'), runSeconds: Math.round(number('runMinutes', 0.01, 1440) * 60), offSeconds: Math.round(number('offMinutes', 0.01, 1440) * 60), repeat: number('repeat', 1, 96, true) },
      problems,
    };
  }
  if (kind === 'duty') {
    const windowStart = time('windowStart');
    const windowEnd = time('windowEnd');
    if (!problems.windowEnd && windowStart === windowEnd) problems.windowEnd = { key: 'errWindow' };
    const repeat = text('repeat').trim() === '' ? null : number('repeat', 1, 10_000, true);
    return { fields: { windowStart, windowEnd, onSeconds: Math.round(number('onMinutes', 0.01, 1440) * 60), offSeconds: Math.round(number('offMinutes', 0.01, 1440) * 60), repeat }, problems };
  }
  const cron = text('cron').trim();
  const cronProblem = checkCron(cron);
  if (cronProblem) problems.cron = cronProblem;
  if (action === 'autoOff') return { fields: { cron, action: { autoOffSeconds: Math.round(number('autoOffMinutes', 0.01, 1440) * 60) } }, problems };
  const sequence = checkSteps(steps);
  return { fields: { cron, action: { steps: sequence.steps } }, problems: { ...problems, ...sequence.problems } };
}

/**
 * One schedule of any kind: feeder-style (start, run, rest, repeat), a duty cycle between two
 * times of day, or set times (cron) with an auto-off or an ON/OFF sequence; all with weekdays.
 * Text inputs are uncontrolled (default values) so a live re-render never undoes typing.
 */
function ScheduleForm({ coops, schedule, onSaved }: { coops: CoopView[]; schedule: Schedule | null; onSaved: () => void }) {
  const { t } = useT();
  const key = schedule?.id ?? 'new';
  const [kind, setKind] = useState<Kind>(schedule?.type ?? 'cycle');
  const [weekdays, setWeekdays] = useState<number[]>(schedule?.weekdays ?? ALL_DAYS);
  const cronAction = schedule?.type === 'cron' ? schedule.action : null;
  const [action, setAction] = useState<'autoOff' | 'steps'>(cronAction && 'steps' in cronAction ? 'steps' : 'autoOff');
  const [steps, setSteps] = useState<StepRow[]>(
    cronAction && 'steps' in cronAction ? cronAction.steps.map((step) => ({ state: step.state, minutes: String(minutesOf(step.seconds, 1)) })) : [{ state: 'on', minutes: '5' }, { state: 'off', minutes: '1' }],
  );
  const [problems, setProblems] = useState<Problems>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  // Short ids kept from the first version of this form (start, run, off), used by tests and labels.
  const id = (field: string) => `s-${SHORT_IDS[field] ?? field}-${key}`;
  const outputs = coops.flatMap((coop) => coop.outputs.filter((output) => output.installed).map((output) => ({ coop, output })));
  const cycle = schedule?.type === 'cycle' ? schedule : null;
  const duty = schedule?.type === 'duty' ? schedule : null;
  const cron = schedule?.type === 'cron' ? schedule : null;

  const submit = async (event: Event) => {
    event.preventDefault();
    setOutcome(null);
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const outputId = String(data.get('outputId'));
    const coopId = outputs.find((item) => item.output.id === outputId)?.coop.id ?? '';
    const name = String(data.get('name') ?? '').trim();
    const read = readKindFields(kind, data, action, steps);
    const found: Problems = { ...read.problems };
    if (!name) found.name = { key: 'errRequired' };
    if (weekdays.length === 0) found.weekdays = { key: 'errWeekdays' };
    setProblems(found);
    if (hasProblems(found)) return setOutcome({ kind: 'error', key: 'errFixFields' });
    const kept = schedule && schedule.type === kind ? bodyOf(schedule) : {};
    const body = { ...kept, ...read.fields, type: kind, coopId, outputId, name, enabled: data.get('enabled') === 'on', weekdays: [...weekdays].sort() };
    const target = schedule?.id ?? `sch-${Date.now().toString(36)}`;
    try {
      await api.put(`/api/schedules/${encodeURIComponent(target)}`, body);
      setOutcome({ kind: 'ok', key: 'scheduleSaved' });
      if (!schedule) form.reset();
      onSaved();
    } catch (error) {
      // Beyond its shape, only the automation can tell a cron pattern that names no real time.
      if (kind === 'cron' && error instanceof ApiError && error.code === 'AUTOMATION_CONFIG_INVALID') setProblems({ cron: { key: 'errCron' } });
      setOutcome(failure(error));
    }
  };

  const numberInput = (field: string, label: MessageKey, value: number | string) =>
    html`<label for=${id(field)}>${t(label)}</label>
      <input id=${id(field)} name=${field} type="number" step="any" defaultValue=${value} ...${invalid(id(field), problems[field])} />
      <${FieldError} id=${id(field)} problem=${problems[field]} />`;
  const timeInput = (field: string, label: MessageKey, value: string) =>
    html`<label for=${id(field)}>${t(label)}</label>
      <input id=${id(field)} name=${field} type="time" defaultValue=${value} ...${invalid(id(field), problems[field])} />
      <${FieldError} id=${id(field)} problem=${problems[field]} />`;

  return html`<form class="card schedule" noValidate onSubmit=${submit} data-testid=${`schedule-${key}`}>
    <label for=${id('name')}>${t('scheduleName')}</label>
    <input id=${id('name')} name="name" maxlength="80" defaultValue=${schedule?.name ?? ''} ...${invalid(id('name'), problems.name)} />
    <${FieldError} id=${id('name')} problem=${problems.name} />
    <label for=${id('output')}>${t('scheduleOutput')}</label>
    <select id=${id('output')} name="outputId">
      ${outputs.map(({ coop, output }) => html`<option value=${output.id} selected=${output.id === schedule?.outputId}>${coop.name} · ${output.name}</option>`)}
    </select>
    ${schedule
      ? html`<p class="tag kind-tag">${t(`kind_${kind}` as MessageKey)}</p>`
      : html`<label for=${id('kind')}>${t('scheduleKind')}</label>
          <select id=${id('kind')} value=${kind} onChange=${(event: Event) => setKind((event.target as HTMLSelectElement).value as Kind)}>
            ${KINDS.map((item) => html`<option value=${item}>${t(`kind_${item}` as MessageKey)}</option>`)}
          </select>`}
    ${kind === 'cycle'
      ? html`${timeInput('startTime', 'startTime', cycle?.startTime ?? '06:00')}
          ${numberInput('runMinutes', 'runMinutes', minutesOf(cycle?.runSeconds, 8))}
          ${numberInput('offMinutes', 'offMinutes', minutesOf(cycle?.offSeconds, 240))}
          ${numberInput('repeat', 'repeatTimes', cycle?.repeat ?? 3)}`
      : null}
    ${kind === 'duty'
      ? html`${timeInput('windowStart', 'windowStart', duty?.windowStart ?? '06:00')}
          ${timeInput('windowEnd', 'windowEnd', duty?.windowEnd ?? '18:00')}
          ${numberInput('onMinutes', 'onMinutes', minutesOf(duty?.onSeconds, 10))}
          ${numberInput('offMinutes', 'offMinutes', minutesOf(duty?.offSeconds, 50))}
          ${numberInput('repeat', 'dutyRepeat', duty?.repeat ?? '')}`
      : null}
    ${kind === 'cron'
      ? html`<label for=${id('cron')}>${t('cronPattern')}</label>
          <input id=${id('cron')} name="cron" autocapitalize="none" spellcheck=${false} defaultValue=${cron?.cron ?? '0 6 * * *'} ...${invalid(id('cron'), problems.cron)} />
          <p class="muted">${t('cronHint')}</p>
          <${FieldError} id=${id('cron')} problem=${problems.cron} />
          <fieldset class="durations">
            <legend>${t('cronAction')}</legend>
            ${(['autoOff', 'steps'] as const).map(
              (item) => html`<label class=${action === item ? 'choice selected' : 'choice'}>
                <input type="radio" name=${`action-${key}`} checked=${action === item} onChange=${() => setAction(item)} /> ${t(`action_${item}` as MessageKey)}
              </label>`,
            )}
          </fieldset>
          ${action === 'autoOff' ? numberInput('autoOffMinutes', 'runMinutes', cron && 'autoOffSeconds' in cron.action ? cron.action.autoOffSeconds / 60 : 10) : html`<${StepsList} id=${id('step')} steps=${steps} problems=${problems} onChange=${setSteps} />`}`
      : null}
    <fieldset class="weekdays">
      <legend>${t('weekdays')}</legend>
      ${ALL_DAYS.map(
        (day) => html`<label class=${weekdays.includes(day) ? 'choice selected' : 'choice'}>
          <input type="checkbox" checked=${weekdays.includes(day)} onChange=${(event: Event) => setWeekdays((event.target as HTMLInputElement).checked ? [...weekdays, day] : weekdays.filter((item) => item !== day))} />
          ${t(`day_${day}` as MessageKey)}
        </label>`,
      )}
      <${FieldError} id=${id('weekdays')} problem=${problems.weekdays} />
    </fieldset>
    <label class="check"><input type="checkbox" name="enabled" defaultChecked=${schedule?.enabled ?? true} /> ${t('enabled')}</label>
    <button type="submit" class="main wide"><${Icon} name=${schedule ? 'check' : 'plus'} /> ${schedule ? t('saveSchedule') : t('addSchedule')}</button>
    <${OutcomeLine} outcome=${outcome} />
  </form>`;
}

/** An ON/OFF sequence: a row per step (ON or OFF, minutes, remove); it must end OFF. */
function StepsList({ id, steps, problems, onChange }: { id: string; steps: StepRow[]; problems: Problems; onChange: (steps: StepRow[]) => void }) {
  const { t } = useT();
  const set = (i: number, patch: Partial<StepRow>) => onChange(steps.map((step, j) => (j === i ? { ...step, ...patch } : step)));
  return html`<fieldset>
    <legend>${t('action_steps')}</legend>
    <ol class="rows">
      ${steps.map(
        (step, i) => html`<li class="curve-row">
          <div>
            <label for=${`${id}-state-${i}`}>${t('stepState')}</label>
            <select id=${`${id}-state-${i}`} value=${step.state} onChange=${(event: Event) => set(i, { state: (event.target as HTMLSelectElement).value as 'on' | 'off' })}>
              <option value="on">${t('stateOn')}</option>
              <option value="off">${t('stateOff')}</option>
            </select>
          </div>
          <div>
            <label for=${`${id}-minutes-${i}`}>${t('stepMinutes')}</label>
            <input id=${`${id}-minutes-${i}`} type="number" step="any" value=${step.minutes} onInput=${(event: Event) => set(i, { minutes: (event.target as HTMLInputElement).value })} ...${invalid(`${id}-minutes-${i}`, problems[`step-${i}`])} />
          </div>
          <button type="button" class="secondary icon-only" aria-label=${`${t('removeStep')} ${i + 1}`} onClick=${() => onChange(steps.filter((_, j) => j !== i))}><${Icon} name="trash" /></button>
          <${FieldError} id=${`${id}-minutes-${i}`} problem=${problems[`step-${i}`]} />
        </li>`,
      )}
    </ol>
    <${FieldError} id=${`${id}s`} problem=${problems.steps} />
    ${steps.length < 32 ? html`<button type="button" class="secondary wide" onClick=${() => onChange([...steps, { state: steps.at(-1)?.state === 'on' ? 'off' : 'on', minutes: '1' }])}><${Icon} name="plus" /> ${t('addStep')}</button>` : null}
  </fieldset>`;
}

/** Schedules of every coop, each editable whatever its kind, and a form to add one. */
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
    ${schedules.map((schedule) => html`<${ScheduleForm} key=${schedule.id} coops=${coops} schedule=${schedule} onSaved=${load} />`)}
    <${ScheduleForm} key="new" coops=${coops} schedule=${null} onSaved=${load} />
  </div>`;
}
