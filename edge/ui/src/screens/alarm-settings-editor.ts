import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { CoopView, SensorView } from '../api/types.js';
import { FieldError, NumberField, OutcomeLine, failure, hasProblems, invalid, type Outcome } from '../components/form-kit.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { checkCron, readNumbers, type Problems } from '../edit-checks.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { api, refreshCoops } from '../state.js';

/** The farm's alarm settings as GET /api/alarm-settings answers them. */
interface AlarmSettings {
  temperatureHighC: number;
  temperatureLowC: number;
  aboveTargetC: number;
  belowTargetC: number;
  temperatureDelaySeconds: number;
  waterDelaySeconds: number;
  nodeOfflineSeconds: number;
  sensorFailureDelaySeconds: number;
  outputConfirmSeconds: number;
  reminderSeconds: number;
  test: { cron: string; durationSeconds: number } | null;
}

/** Field, label and limits (min, max, whole) — the same as AlarmSettingsSchema in shared. */
const FIELDS = [
  ['temperatureHighC', 'alarmHigh', -10, 50, false],
  ['temperatureLowC', 'alarmLow', -10, 50, false],
  ['aboveTargetC', 'alarmAboveTarget', 0.5, 20, false],
  ['belowTargetC', 'alarmBelowTarget', 0.5, 20, false],
  ['temperatureDelaySeconds', 'alarmTempDelay', 0, 3600, true],
  ['waterDelaySeconds', 'alarmWaterDelay', 0, 3600, true],
  ['nodeOfflineSeconds', 'alarmNodeOffline', 30, 3600, true],
  ['sensorFailureDelaySeconds', 'alarmSensorDelay', 0, 3600, true],
  ['outputConfirmSeconds', 'alarmOutputConfirm', 5, 600, true],
  ['reminderMinutes', 'alarmReminder', 0, 1440, true],
] as const;
type FieldName = (typeof FIELDS)[number][0];

function fieldsOf(settings: AlarmSettings): Record<FieldName, string> {
  const out = {} as Record<FieldName, string>;
  for (const [name] of FIELDS) out[name] = String(name === 'reminderMinutes' ? settings.reminderSeconds / 60 : settings[name]);
  return out;
}

/** Temperature limits (absolute and around the day's target), delays, reminder and the siren test. */
function AlarmSettingsForm({ settings, onSaved }: { settings: AlarmSettings; onSaved: () => void }) {
  const { t } = useT();
  const [fields, setFields] = useState(() => fieldsOf(settings));
  const [testOn, setTestOn] = useState(settings.test !== null);
  const [cron, setCron] = useState(settings.test?.cron ?? '0 9 * * 1');
  const [testSeconds, setTestSeconds] = useState(String(settings.test?.durationSeconds ?? 30));
  const [problems, setProblems] = useState<Problems>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setOutcome(null);
    const limits = Object.fromEntries(FIELDS.map(([name, , min, max, whole]) => [name, [min, max, whole]])) as Record<FieldName, [number, number, boolean]>;
    const read = readNumbers(fields, limits);
    const found: Problems = { ...read.problems };
    if (!found.temperatureLowC && !found.temperatureHighC && read.values.temperatureLowC >= read.values.temperatureHighC) found.temperatureLowC = { key: 'errLowAboveHigh' };
    const test = readNumbers({ testSeconds }, { testSeconds: [5, 600, true] });
    if (testOn) {
      Object.assign(found, test.problems);
      const cronProblem = checkCron(cron);
      if (cronProblem) found.cron = cronProblem;
    }
    setProblems(found);
    if (hasProblems(found)) return setOutcome({ kind: 'error', key: 'errFixFields' });
    const { reminderMinutes, ...rest } = read.values;
    try {
      await api.put('/api/alarm-settings', { ...rest, reminderSeconds: reminderMinutes * 60, test: testOn ? { cron: cron.trim(), durationSeconds: test.values.testSeconds } : null });
      setOutcome({ kind: 'ok', key: 'alarmsSaved' });
      onSaved();
    } catch (error) {
      // A pattern of the right shape that names no real time (minute 99): say so under the field.
      if (error instanceof ApiError && error.details.some((detail) => detail.path === 'test.cron')) setProblems({ cron: { key: 'errCron' } });
      setOutcome(failure(error));
    }
  };
  return html`<form noValidate onSubmit=${submit} data-testid="alarm-settings">
    ${FIELDS.map(
      ([name, key]) => html`<${NumberField} id=${`alarm-${name}`} label=${t(key as MessageKey)} value=${fields[name]} onInput=${(value: string) => setFields({ ...fields, [name]: value })} problem=${problems[name]} />`,
    )}
    <label class="check"><input type="checkbox" checked=${testOn} onChange=${(event: Event) => setTestOn((event.target as HTMLInputElement).checked)} /> ${t('alarmTestOn')}</label>
    ${testOn
      ? html`<label for="alarm-cron">${t('alarmTestCron')}</label>
          <input id="alarm-cron" value=${cron} autocapitalize="none" spellcheck=${false} onInput=${(event: Event) => setCron((event.target as HTMLInputElement).value)} ...${invalid('alarm-cron', problems.cron)} />
          <p class="muted">${t('cronHint')}</p>
          <${FieldError} id="alarm-cron" problem=${problems.cron} />
          <${NumberField} id="alarm-test-seconds" label=${t('alarmTestSeconds')} value=${testSeconds} onInput=${setTestSeconds} problem=${problems.testSeconds} />`
      : null}
    <button type="submit" class="main wide"><${Icon} name="check" /> ${t('saveAlarms')}</button>
    <${OutcomeLine} outcome=${outcome} />
  </form>`;
}

/** The water alarm's threshold: the raw reading of the half-full tank (sensor calibration). */
function WaterLimitForm({ coop, sensor }: { coop: CoopView; sensor: SensorView }) {
  const { t } = useT();
  const [value, setValue] = useState(String(sensor.calibration.halfFullRaw ?? ''));
  const [problems, setProblems] = useState<Problems>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const id = `water-${sensor.id}`;
  const submit = async (event: Event) => {
    event.preventDefault();
    setOutcome(null);
    const read = readNumbers({ raw: value }, { raw: [0, 4095, true] });
    setProblems(read.problems);
    if (hasProblems(read.problems)) return;
    try {
      await api.patch(`/api/sensors/${encodeURIComponent(sensor.id)}`, { calibration: { ...sensor.calibration, halfFullRaw: read.values.raw } });
      setOutcome({ kind: 'ok', key: 'waterSaved' });
      await refreshCoops();
    } catch (error) {
      setOutcome(failure(error));
    }
  };
  return html`<form noValidate onSubmit=${submit} data-testid=${id}>
    <${NumberField} id=${id} label=${`${coop.name} · ${sensor.name}: ${t('waterThreshold')}`} value=${value} onInput=${setValue} problem=${problems.raw} />
    <button type="submit" class="secondary wide"><${Icon} name="check" /> ${t('saveWater')}</button>
    <${OutcomeLine} outcome=${outcome} />
  </form>`;
}

/** Farm-wide alarm settings and each water sensor's threshold. */
export function AlarmSettingsEditor({ coops }: { coops: CoopView[] }) {
  const { t } = useT();
  const [settings, setSettings] = useState<AlarmSettings | null>(null);
  const [missing, setMissing] = useState(false);
  const load = () =>
    api
      .get<{ settings: AlarmSettings }>('/api/alarm-settings')
      .then(({ settings: loaded }) => setSettings(loaded))
      .catch((error: unknown) => setMissing(error instanceof ApiError && error.status === 404));
  useEffect(() => void load(), []);
  const water = coops.flatMap((coop) => coop.sensors.filter((sensor) => sensor.kind === 'water_level' && sensor.installed).map((sensor) => ({ coop, sensor })));
  return html`<div class="editor">
    ${missing ? html`<p class="muted">${t('thresholdsMissing')}</p>` : settings ? html`<${AlarmSettingsForm} settings=${settings} onSaved=${() => void load()} />` : html`<p class="muted">${t('loading')}</p>`}
    ${water.map(({ coop, sensor }) => html`<${WaterLimitForm} key=${sensor.id} coop=${coop} sensor=${sensor} />`)}
  </div>`;
}
