import { useEffect, useState } from 'preact/hooks';
import type { ClimateRule, Flock } from '@tokkatot/shared';
import { ApiError } from '../api/client.js';
import type { CoopView } from '../api/types.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { Fold, NumberField, hasProblems } from '../components/form-kit.js';
import { readNumbers, type Problems } from '../edit-checks.js';
import { api, refreshCoops } from '../state.js';
import { CurveEditor } from './curve-editor.js';
import { StagesForm, VentilationForm } from './stages-editor.js';

const MODES = ['growing', 'pre_heat', 'catching', 'empty'] as const;
/** A common broiler curve, used when a coop has no earlier flock to copy from. */
const DEFAULT_CURVE = [
  { day: 0, temperatureC: 33 },
  { day: 7, temperatureC: 30 },
  { day: 14, temperatureC: 28 },
  { day: 21, temperatureC: 25 },
  { day: 28, temperatureC: 23 },
  { day: 35, temperatureC: 21 },
];

/** Kept as a message key, not text, so a language switch translates it too. */
type Result = { kind: 'ok'; key: MessageKey } | { kind: 'error'; key: MessageKey; detail?: string } | null;

function Feedback({ result }: { result: Result }) {
  const { t } = useT();
  if (!result) return null;
  return html`<p class=${`feedback ${result.kind}`} role=${result.kind === 'ok' ? 'status' : 'alert'}>
    <${Icon} name=${result.kind === 'ok' ? 'check' : 'warning'} /> ${t(result.key)}
    ${result.kind === 'error' && result.detail ? html`: <span lang="en">${result.detail}</span>` : null}
  </p>`;
}

/** The good-temperature band of one coop's rule, checked here in the farmer's words before it is sent. */
function RuleForm({ rule, onSaved }: { rule: ClimateRule; onSaved: () => void }) {
  const { t } = useT();
  const [result, setResult] = useState<Result>(null);
  const [band, setBand] = useState({ low: String(rule.bandLowC), high: String(rule.bandHighC) });
  const [enabled, setEnabled] = useState(rule.enabled);
  const [problems, setProblems] = useState<Problems>({});
  const submit = async (event: Event) => {
    event.preventDefault();
    setResult(null);
    const read = readNumbers(band, { low: [-10, 50], high: [-10, 50] });
    const found: Problems = { ...read.problems };
    if (!found.low && !found.high && read.values.low >= read.values.high) found.high = { key: 'errBandOrder' };
    setProblems(found);
    if (hasProblems(found)) return;
    try {
      await api.patch(`/api/climate-rules/${encodeURIComponent(rule.id)}`, { bandLowC: read.values.low, bandHighC: read.values.high, enabled });
      setResult({ kind: 'ok', key: 'targetSaved' });
      onSaved();
    } catch (error) {
      setResult({ kind: 'error', key: 'errorGeneric', ...(error instanceof ApiError ? { detail: error.message } : {}) });
    }
  };
  return html`<form noValidate onSubmit=${submit} data-testid=${`rule-${rule.id}`}>
    ${rule.target === 'curve' ? html`<p class="muted">${t('followsCurve')}</p>` : null}
    <${NumberField} id=${`low-${rule.id}`} label=${t('bandLow')} value=${band.low} onInput=${(low: string) => setBand({ ...band, low })} problem=${problems.low} />
    <${NumberField} id=${`high-${rule.id}`} label=${t('bandHigh')} value=${band.high} onInput=${(high: string) => setBand({ ...band, high })} problem=${problems.high} />
    <label class="check"><input type="checkbox" checked=${enabled} onChange=${(event: Event) => setEnabled((event.target as HTMLInputElement).checked)} /> ${t('enabled')}</label>
    <button type="submit" class="main wide"><${Icon} name="check" /> ${t('saveTarget')}</button>
    <${Feedback} result=${result} />
  </form>`;
}

/** Place a new flock in a coop, or change the current one. */
function FlockForm({ coop, flock, onSaved }: { coop: CoopView; flock: Flock | null; onSaved: () => void }) {
  const { t } = useT();
  const [result, setResult] = useState<Result>(null);
  // Keyed by coop, not flock: placing a flock turns this form into its editor without a remount.
  const key = coop.id;
  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const id = flock?.id ?? `flock-${Date.now().toString(36)}`;
    try {
      await api.put(`/api/flocks/${encodeURIComponent(id)}`, {
        coopId: coop.id,
        name: String(data.get('name') ?? '').trim(),
        placedOn: String(data.get('placedOn')),
        birdsPlaced: Math.round(Number(data.get('birdsPlaced'))),
        breed: String(data.get('breed') ?? '').trim(),
        houseMode: String(data.get('houseMode')),
        targetCurve: flock?.targetCurve ?? DEFAULT_CURVE,
      });
      setResult({ kind: 'ok', key: 'flockSaved' });
      onSaved();
    } catch (error) {
      setResult({ kind: 'error', key: 'errorGeneric', ...(error instanceof ApiError ? { detail: error.message } : {}) });
    }
  };
  return html`<form onSubmit=${submit} data-testid=${`flock-${key}`}>
    <label for=${`fn-${key}`}>${t('flockName')}</label>
    <input id=${`fn-${key}`} name="name" required maxlength="80" defaultValue=${flock?.name ?? ''} />
    <label for=${`fd-${key}`}>${t('placedOn')}</label>
    <input id=${`fd-${key}`} name="placedOn" type="date" required defaultValue=${flock?.placedOn ?? ''} />
    <label for=${`fb-${key}`}>${t('birdsPlaced')}</label>
    <input id=${`fb-${key}`} name="birdsPlaced" type="number" min="1" max="1000000" required defaultValue=${flock?.birdsPlaced ?? ''} />
    <label for=${`fr-${key}`}>${t('breed')}</label>
    <input id=${`fr-${key}`} name="breed" required maxlength="80" defaultValue=${flock?.breed ?? ''} />
    <label for=${`fm-${key}`}>${t('houseMode')}</label>
    <select id=${`fm-${key}`} name="houseMode">
      ${MODES.map((mode) => html`<option value=${mode} selected=${(flock?.houseMode ?? 'growing') === mode}>${t(`mode_${mode}` as MessageKey)}</option>`)}
    </select>
    <button type="submit" class="main wide"><${Icon} name=${flock ? 'check' : 'plus'} /> ${flock ? t('saveFlock') : t('placeFlock')}</button>
    <${Feedback} result=${result} />
  </form>`;
}

/** Per coop: the temperature band in force and the flock living there. */
export function ClimateEditor({ coops }: { coops: CoopView[] }) {
  const { t } = useT();
  const [documents, setDocuments] = useState<{ climateRules: ClimateRule[]; flocks: Flock[] } | null>(null);
  const [missing, setMissing] = useState(false);
  const load = () =>
    api
      .get<{ climateRules: ClimateRule[]; flocks: Flock[] }>('/api/climate')
      .then(setDocuments)
      .catch((error: unknown) => setMissing(error instanceof ApiError && error.status === 404));
  useEffect(() => void load(), []);
  const saved = () => void Promise.all([load(), refreshCoops()]).catch(() => undefined);
  if (missing) return html`<p class="muted">${t('thresholdsMissing')}</p>`;
  if (!documents) return html`<p class="muted">${t('loading')}</p>`;
  return html`<div class="editor">
    ${coops.map((coop) => {
      const rule = documents.climateRules.find((item) => item.coopId === coop.id);
      const flock = documents.flocks.filter((item) => item.coopId === coop.id).sort((a, b) => b.placedOn.localeCompare(a.placedOn))[0] ?? null;
      return html`<div class="card" key=${coop.id}>
        <h3>${coop.name}</h3>
        <h4>${t('climateSection')}</h4>
        ${rule
          ? html`<${RuleForm} key=${rule.id} rule=${rule} onSaved=${saved} />
              <${Fold} title=${t('stagesSection')} testId=${`fold-stages-${coop.id}`}><${StagesForm} key=${rule.id} rule=${rule} outputs=${coop.outputs} onSaved=${saved} /><//>
              <${Fold} title=${t('ventilationSection')} testId=${`fold-ventilation-${coop.id}`}><${VentilationForm} key=${rule.id} rule=${rule} outputs=${coop.outputs} onSaved=${saved} /><//>`
          : html`<p class="muted">${t('noClimateRule')}</p>`}
        <h4>${t('flockSection')}</h4>
        <${FlockForm} key=${coop.id} coop=${coop} flock=${flock} onSaved=${saved} />
        <${Fold} title=${t('curveSection')} testId=${`fold-curve-${coop.id}`}>
          ${flock ? html`<${CurveEditor} key=${flock.id} flock=${flock} onSaved=${saved} />` : html`<p class="muted">${t('curveNoFlock')}</p>`}
        <//>
      </div>`;
    })}
  </div>`;
}
