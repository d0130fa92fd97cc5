import { useState } from 'preact/hooks';
import type { Flock } from '@tokkatot/shared';
import { FieldError, OutcomeLine, failure, hasProblems, invalid, type Outcome } from '../components/form-kit.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { checkCurve, type CurveRow, type Problems } from '../edit-checks.js';
import { html } from '../html.js';
import { api } from '../state.js';

const SERVER_FIELDS = ['id', 'farmId', 'hlc', 'updatedAt'] as const;
let nextKey = 0;
type Row = CurveRow & { key: number };

const rowsOf = (flock: Flock): Row[] => flock.targetCurve.map((point) => ({ key: nextKey++, day: String(point.day), temperature: String(point.temperatureC) }));

/**
 * The flock's target-temperature curve as a short list of days: one row per bend point (day,
 * target, a remove button), "add a day" below. Rows are kept in the order typed and sorted by
 * day when saved; between two days the automation interpolates.
 */
export function CurveEditor({ flock, onSaved }: { flock: Flock; onSaved: () => void }) {
  const { t } = useT();
  const [rows, setRows] = useState<Row[]>(() => rowsOf(flock));
  const [problems, setProblems] = useState<Problems>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const id = (field: string, i: number) => `curve-${flock.id}-${field}-${i}`;
  const change = (i: number, field: 'day' | 'temperature', value: string) => setRows(rows.map((row, j) => (j === i ? { ...row, [field]: value } : row)));
  const add = () => {
    const last = rows.at(-1);
    const day = last ? Math.min(120, Number(last.day) + 7 || 0) : 0;
    const temperature = last ? Math.max(10, (Number(last.temperature) || 30) - 2) : 33;
    setRows([...rows, { key: nextKey++, day: String(day), temperature: String(temperature) }]);
  };
  const remove = (i: number) => setRows(rows.filter((_, j) => j !== i));
  const submit = async (event: Event) => {
    event.preventDefault();
    setOutcome(null);
    const checked = checkCurve(rows);
    setProblems(checked.problems);
    if (hasProblems(checked.problems)) {
      setOutcome({ kind: 'error', key: 'errFixFields' });
      return;
    }
    const body: Record<string, unknown> = { ...flock, targetCurve: checked.curve };
    for (const field of SERVER_FIELDS) delete body[field];
    try {
      await api.put(`/api/flocks/${encodeURIComponent(flock.id)}`, body);
      setRows(checked.curve.map((point) => ({ key: nextKey++, day: String(point.day), temperature: String(point.temperatureC) })));
      setOutcome({ kind: 'ok', key: 'curveSaved' });
      onSaved();
    } catch (error) {
      setOutcome(failure(error));
    }
  };
  return html`<form class="curve" noValidate onSubmit=${submit} data-testid=${`curve-${flock.id}`}>
    <p class="muted">${t('curveHint')}</p>
    <ol class="rows">
      ${rows.map(
        (row, i) => html`<li class="curve-row" key=${row.key}>
          <div>
            <label for=${id('day', i)}>${t('curveDay')}</label>
            <input id=${id('day', i)} type="number" step="1" value=${row.day} onInput=${(event: Event) => change(i, 'day', (event.target as HTMLInputElement).value)} ...${invalid(id('day', i), problems[`day-${i}`])} />
          </div>
          <div>
            <label for=${id('temperature', i)}>${t('curveTemp')}</label>
            <input id=${id('temperature', i)} type="number" step="any" value=${row.temperature} onInput=${(event: Event) => change(i, 'temperature', (event.target as HTMLInputElement).value)} ...${invalid(id('temperature', i), problems[`temperature-${i}`])} />
          </div>
          <button type="button" class="secondary icon-only" aria-label=${`${t('curveRemovePoint')} ${row.day}`} onClick=${() => remove(i)}><${Icon} name="trash" /></button>
          <${FieldError} id=${id('day', i)} problem=${problems[`day-${i}`]} />
          <${FieldError} id=${id('temperature', i)} problem=${problems[`temperature-${i}`]} />
        </li>`,
      )}
    </ol>
    <${FieldError} id=${`curve-${flock.id}`} problem=${problems.curve} />
    <button type="button" class="secondary wide" onClick=${add}><${Icon} name="plus" /> ${t('curveAddPoint')}</button>
    <button type="submit" class="main wide"><${Icon} name="check" /> ${t('saveCurve')}</button>
    <${OutcomeLine} outcome=${outcome} />
  </form>`;
}
