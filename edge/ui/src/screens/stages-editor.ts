import { useState } from 'preact/hooks';
import type { ClimateRule } from '@tokkatot/shared';
import type { OutputView } from '../api/types.js';
import { FieldError, NumberField, OutcomeLine, failure, hasProblems, invalid, type Outcome } from '../components/form-kit.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { checkStages, readNumbers, type Problems, type StageRow } from '../edit-checks.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { api } from '../state.js';

type Kind = 'fan' | 'heater';
const DEGREES_KEY: Record<Kind, MessageKey> = { fan: 'fanOnAbove', heater: 'heaterOnBelow' };

/** One kind's stages: a row per stage (which output, how many degrees from the band, remove). */
function StageList({ kind, ruleId, rows, outputs, problems, onChange }: { kind: Kind; ruleId: string; rows: StageRow[]; outputs: OutputView[]; problems: Problems; onChange: (rows: StageRow[]) => void }) {
  const { t } = useT();
  const id = (field: string, i: number) => `${kind}-${field}-${ruleId}-${i}`;
  const set = (i: number, patch: Partial<StageRow>) => onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  const unused = outputs.find((output) => !rows.some((row) => row.outputId === output.id));
  const add = () => onChange([...rows, { outputId: unused?.id ?? outputs[0]?.id ?? '', degrees: String(rows.length === 0 ? 0 : Number(rows.at(-1)!.degrees || 0) + 1) }]);
  return html`<fieldset data-testid=${`${kind}-stages-${ruleId}`}>
    <legend>${t(kind === 'fan' ? 'fanStages' : 'heaterStages')}</legend>
    ${rows.length === 0 ? html`<p class="muted">${t('noStages')}</p>` : null}
    <ol class="rows">
      ${rows.map(
        (row, i) => html`<li class="stage-row">
          <label for=${id('output', i)}>${t('stageOutput')}</label>
          <div class="with-remove">
            <select id=${id('output', i)} value=${row.outputId} onChange=${(event: Event) => set(i, { outputId: (event.target as HTMLSelectElement).value })} ...${invalid(id('output', i), problems[`${kind}-output-${i}`])}>
              ${outputs.map((output) => html`<option value=${output.id}>${output.name}</option>`)}
            </select>
            <button type="button" class="secondary icon-only" aria-label=${`${t('removeStage')} ${i + 1}`} onClick=${() => onChange(rows.filter((_, j) => j !== i))}><${Icon} name="trash" /></button>
          </div>
          <${FieldError} id=${id('output', i)} problem=${problems[`${kind}-output-${i}`]} />
          <${NumberField} id=${id('degrees', i)} label=${t(DEGREES_KEY[kind])} value=${row.degrees} onInput=${(value: string) => set(i, { degrees: value })} problem=${problems[`${kind}-degrees-${i}`]} />
        </li>`,
      )}
    </ol>
    ${outputs.length > rows.length ? html`<button type="button" class="secondary wide" onClick=${add}><${Icon} name="plus" /> ${t(kind === 'fan' ? 'addFanStage' : 'addHeaterStage')}</button>` : null}
  </fieldset>`;
}

/** Fan and heater stages of a rule: which output starts how far outside the good band. */
export function StagesForm({ rule, outputs, onSaved }: { rule: ClimateRule; outputs: OutputView[]; onSaved: () => void }) {
  const { t } = useT();
  const fans = outputs.filter((output) => output.kind === 'fan');
  const heaters = outputs.filter((output) => output.kind === 'heater');
  const [fanRows, setFanRows] = useState<StageRow[]>(() => rule.fanStages.map((stage) => ({ outputId: stage.outputId, degrees: String(stage.onAboveC) })));
  const [heaterRows, setHeaterRows] = useState<StageRow[]>(() => rule.heaterStages.map((stage) => ({ outputId: stage.outputId, degrees: String(stage.onBelowC) })));
  const [timing, setTiming] = useState({
    hysteresisC: String(rule.hysteresisC),
    minOnSeconds: String(rule.minOnSeconds),
    minOffSeconds: String(rule.minOffSeconds),
    maxRunMinutes: rule.maxRunSeconds === null ? '' : String(Math.round((rule.maxRunSeconds / 60) * 100) / 100),
  });
  const [problems, setProblems] = useState<Problems>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const timingField = (name: keyof typeof timing, key: MessageKey) =>
    html`<${NumberField} id=${`${name}-${rule.id}`} label=${t(key)} value=${timing[name]} onInput=${(value: string) => setTiming({ ...timing, [name]: value })} problem=${problems[name]} />`;
  const submit = async (event: Event) => {
    event.preventDefault();
    setOutcome(null);
    const fan = checkStages(fanRows, 'fan');
    const heater = checkStages(heaterRows, 'heater');
    const times = readNumbers(timing, { hysteresisC: [0.1, 5], minOnSeconds: [0, 86_400, true], minOffSeconds: [0, 86_400, true], maxRunMinutes: [1, 1440] });
    const noLimit = timing.maxRunMinutes.trim() === '';
    if (noLimit) delete times.problems.maxRunMinutes;
    const found = { ...fan.problems, ...heater.problems, ...times.problems };
    setProblems(found);
    if (hasProblems(found)) return setOutcome({ kind: 'error', key: 'errFixFields' });
    try {
      await api.patch(`/api/climate-rules/${encodeURIComponent(rule.id)}`, {
        fanStages: fan.stages.map((stage) => ({ outputId: stage.outputId, onAboveC: stage.degrees })),
        heaterStages: heater.stages.map((stage) => ({ outputId: stage.outputId, onBelowC: stage.degrees })),
        hysteresisC: times.values.hysteresisC,
        minOnSeconds: times.values.minOnSeconds,
        minOffSeconds: times.values.minOffSeconds,
        maxRunSeconds: noLimit ? null : Math.round(times.values.maxRunMinutes * 60),
      });
      setOutcome({ kind: 'ok', key: 'stagesSaved' });
      onSaved();
    } catch (error) {
      setOutcome(failure(error));
    }
  };
  return html`<form noValidate onSubmit=${submit} data-testid=${`stages-${rule.id}`}>
    <${StageList} kind="fan" ruleId=${rule.id} rows=${fanRows} outputs=${fans} problems=${problems} onChange=${setFanRows} />
    <${StageList} kind="heater" ruleId=${rule.id} rows=${heaterRows} outputs=${heaters} problems=${problems} onChange=${setHeaterRows} />
    <fieldset>
      <legend>${t('switchingSection')}</legend>
      ${timingField('hysteresisC', 'hysteresis')} ${timingField('minOnSeconds', 'minOnTime')} ${timingField('minOffSeconds', 'minOffTime')} ${timingField('maxRunMinutes', 'maxRunTime')}
    </fieldset>
    <button type="submit" class="main wide"><${Icon} name="check" /> ${t('saveStages')}</button>
    <${OutcomeLine} outcome=${outcome} />
  </form>`;
}

/** Minimum ventilation (cycle, smallest and largest ON part, ramp) and the humidity limit of a rule. */
export function VentilationForm({ rule, outputs, onSaved }: { rule: ClimateRule; outputs: OutputView[]; onSaved: () => void }) {
  const { t } = useT();
  const fans = outputs.filter((output) => output.kind === 'fan');
  const mv = rule.minimumVentilation;
  const [enabled, setEnabled] = useState(mv !== null);
  const [fanIds, setFanIds] = useState<string[]>(mv?.outputIds ?? fans.slice(0, 1).map((fan) => fan.id));
  const [fields, setFields] = useState({
    cycleSeconds: String(mv?.cycleSeconds ?? 300),
    minOnPercent: String(mv?.minOnPercent ?? 10),
    maxOnPercent: String(mv?.maxOnPercent ?? 50),
    rampSpanC: String(mv?.rampSpanC ?? 3),
  });
  const [humid, setHumid] = useState(rule.humidityMaxPercent !== null);
  const [humidity, setHumidity] = useState(String(rule.humidityMaxPercent ?? 80));
  const [problems, setProblems] = useState<Problems>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const id = (name: string) => `mv-${name}-${rule.id}`;
  const field = (name: keyof typeof fields, key: MessageKey) =>
    html`<${NumberField} id=${id(name)} label=${t(key)} value=${fields[name]} onInput=${(value: string) => setFields({ ...fields, [name]: value })} problem=${problems[name]} />`;
  const submit = async (event: Event) => {
    event.preventDefault();
    setOutcome(null);
    const read = readNumbers(fields, { cycleSeconds: [60, 3600, true], minOnPercent: [0, 100], maxOnPercent: [0, 100], rampSpanC: [0.1, 20] });
    const found: Problems = enabled ? { ...read.problems } : {};
    if (enabled && fanIds.length === 0) found.fans = { key: 'errPickFan' };
    if (enabled && !found.minOnPercent && !found.maxOnPercent && read.values.minOnPercent > read.values.maxOnPercent) found.maxOnPercent = { key: 'errMinAboveMax' };
    const limit = readNumbers({ humidity }, { humidity: [30, 100] });
    if (humid) Object.assign(found, limit.problems);
    setProblems(found);
    if (hasProblems(found)) return setOutcome({ kind: 'error', key: 'errFixFields' });
    try {
      await api.patch(`/api/climate-rules/${encodeURIComponent(rule.id)}`, {
        minimumVentilation: enabled ? { outputIds: fanIds, ...read.values } : null,
        humidityMaxPercent: humid ? limit.values.humidity : null,
      });
      setOutcome({ kind: 'ok', key: 'ventilationSaved' });
      onSaved();
    } catch (error) {
      setOutcome(failure(error));
    }
  };
  return html`<form noValidate onSubmit=${submit} data-testid=${`ventilation-${rule.id}`}>
    <label class="check"><input type="checkbox" checked=${enabled} onChange=${(event: Event) => setEnabled((event.target as HTMLInputElement).checked)} /> ${t('minVentOn')}</label>
    ${enabled
      ? html`<fieldset>
          <legend>${t('minVentFans')}</legend>
          ${fans.map(
            (fan) => html`<label class="check"><input type="checkbox" checked=${fanIds.includes(fan.id)} onChange=${(event: Event) => setFanIds((event.target as HTMLInputElement).checked ? [...fanIds, fan.id] : fanIds.filter((item) => item !== fan.id))} /> ${fan.name}</label>`,
          )}
          <${FieldError} id=${id('fans')} problem=${problems.fans} />
        </fieldset>
        ${field('cycleSeconds', 'cycleSeconds')} ${field('minOnPercent', 'minOnPercent')} ${field('maxOnPercent', 'maxOnPercent')} ${field('rampSpanC', 'rampSpan')}`
      : null}
    <label class="check"><input type="checkbox" checked=${humid} onChange=${(event: Event) => setHumid((event.target as HTMLInputElement).checked)} /> ${t('humidityLimitOn')}</label>
    ${humid ? html`<${NumberField} id=${id('humidity')} label=${t('humidityMax')} value=${humidity} onInput=${setHumidity} problem=${problems.humidity} />` : null}
    <button type="submit" class="main wide"><${Icon} name="check" /> ${t('saveVentilation')}</button>
    <${OutcomeLine} outcome=${outcome} />
  </form>`;
}
