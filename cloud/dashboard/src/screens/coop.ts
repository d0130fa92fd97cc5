import { useEffect } from 'preact/hooks';
import type { ClimateRule, CoopState } from '../api/types.js';
import { CoopStatusBadge } from '../components/coop-status.js';
import { useFarmCommands } from '../commands/use-commands.js';
import { HistoryChart } from '../components/history-chart.js';
import { Icon, outputIcon } from '../components/icons.js';
import { LastSynced } from '../components/last-synced.js';
import { OutputControl } from '../components/output-control.js';
import { RuleEditor } from '../components/rule-editor.js';
import { Band, Celsius } from '../components/temperature.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { formatNumber, formatWhen, keyOr } from '../i18n/i18n.js';
import { replica } from '../offline/replica-handle.js';
import { applyCoopState, coopSnapshot, loadSavedCoop, navigate, refreshCoop, roleOn, store } from '../state.js';
import { useStore } from '../store.js';
import { atLeast } from '../roles.js';
import { AlarmItem } from './farm-alarms.js';
import { link } from './link.js';

/** The wire's unit names as people write them. */
const UNITS: Record<string, string> = { degC: '°C', C: '°C', celsius: '°C', percentRH: '%', percent: '%', ppm: 'ppm', W: 'W' };
const unitSymbol = (unit: string) => UNITS[unit] ?? unit;

/** One coop: live values, equipment, history chart, its temperature bands and open alarms. */
export function CoopScreen({ farmId, coopId }: { farmId: string; coopId: string }) {
  const { t, locale } = useT();
  const state = useStore(store);
  const copy = useStore(replica);
  useEffect(() => {
    loadSavedCoop(farmId, coopId);
    void refreshCoop(farmId, coopId).catch(() => undefined);
  }, [farmId, coopId]);
  const canCommand = atLeast(roleOn(farmId), 'worker') && state.reachable;
  const commands = useFarmCommands(farmId, atLeast(roleOn(farmId), 'worker'));
  const snapshot = coopSnapshot(farmId, coopId);
  const timeZone = state.farm[farmId]?.data.timeZone;
  const back = html`<a class="back" href=${`/farms/${encodeURIComponent(farmId)}`} onClick=${link(navigate)}><${Icon} name="back" /> ${t('back')}</a>`;
  if (!snapshot) return html`${back}<p class="muted">${t('loading')}</p>`;
  const coop: CoopState = { ...snapshot.data, sensors: snapshot.data.sensors ?? [], outputs: snapshot.data.outputs ?? [], alarms: snapshot.data.alarms ?? [], rules: snapshot.data.rules ?? [] };
  // The rules as the API last showed them; offline, the copy on this device fills in.
  const rules = coop.rules.length > 0 || copy.farmId !== farmId ? coop.rules : (copy.docs.rules.filter((rule) => rule.coopId === coopId) as unknown as ClimateRule[]);
  const canEdit = atLeast(roleOn(farmId), 'manager') && state.reachable;
  const temperatureSensor = coop.sensors.find((sensor) => sensor.kind === 'temperature');
  const onSaved = (rule: ClimateRule) => applyCoopState(farmId, { ...coop, rules: coop.rules.map((item) => (item.id === rule.id ? rule : item)) });
  return html`${back}
    <h2 class="coop-title" data-testid="coop-name">${coop.name}</h2>
    <${LastSynced} at=${snapshot.savedAt} timeZone=${timeZone} />
    <div class="coop-top">
    <section class="card">
      <div class="big-temp"><${Celsius} value=${coop.temperatureC} testId="coop-temperature" /> <${CoopStatusBadge} status=${coop.status} /></div>
      <p>${`${t('humidity')}: ${coop.humidityPercent === null ? '—' : `${formatNumber(locale, coop.humidityPercent)} %`}`}</p>
      <p><${Band} low=${coop.targetLowC} high=${coop.targetHighC} /></p>
      ${coop.updatedAt ? html`<p class="muted small">${t('updated')}: ${formatWhen(locale, coop.updatedAt, timeZone)}</p>` : null}
    </section>
    ${temperatureSensor ? html`<${HistoryChart} farmId=${farmId} sensor=${temperatureSensor} timeZone=${timeZone} />` : null}
    </div>
    ${coop.alarms.length > 0
      ? html`<h3 class="section">${t('openAlarms')}</h3><ul class="alarm-list">${coop.alarms.map((alarm) => html`<${AlarmItem} key=${alarm.alarmId} farmId=${farmId} alarm=${alarm} coopName=${coop.name} />`)}</ul>`
      : null}
    <h3 class="section">${t('sensors')}</h3>
    <ul class="sensors">
      ${coop.sensors.map(
        (sensor) => html`<li class="card sensor" key=${sensor.id} data-testid="sensor">
          <span class="muted">${t(keyOr('kind_', sensor.kind, 'kind_other'))} · ${sensor.name}</span>
          <span class="value big" data-testid="sensor-value">${sensor.value === null ? '—' : `${formatNumber(locale, sensor.value, 1)} ${unitSymbol(sensor.unit)}`}</span>
          ${sensor.ts ? html`<span class="muted small">${formatWhen(locale, sensor.ts, timeZone)}</span>` : null}
        </li>`,
      )}
    </ul>
    <h3 class="section">${t('outputs')}</h3>
    ${canCommand ? html`<p class="muted small">${t('remoteHelp')}</p>` : null}
    <ul class="sensors">
      ${coop.outputs.map(
        (output) => html`<li class="card output-card" key=${output.id} data-testid="output" data-output=${output.id}>
          <div class="output-head">
            <${Icon} name=${outputIcon(output.kind)} />
            <span class="grow">${output.name} <span class="muted small">(${t(keyOr('kind_', output.kind, 'kind_other'))})</span></span>
            <span class=${`state state-${output.state}`} data-testid="output-state">${t(output.state === 'on' ? 'stateOn' : output.state === 'off' ? 'stateOff' : 'stateUnknown')}</span>
          </div>
          <${OutputControl} output=${output} commands=${commands} canCommand=${canCommand} timeZone=${timeZone} />
        </li>`,
      )}
    </ul>
    <h3 class="section">${t('thresholdsTitle')}</h3>
    ${rules.length === 0 ? html`<p class="card">${t('noRules')}</p>` : rules.map((rule) => html`<${RuleEditor} key=${rule.id} farmId=${farmId} rule=${rule} canEdit=${canEdit} onSaved=${onSaved} />`)}`;
}
