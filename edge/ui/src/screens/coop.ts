import { useEffect } from 'preact/hooks';
import { Icon } from '../components/icons.js';
import { OutputControl } from '../components/output-control.js';
import { TemperatureChart } from '../components/temperature-chart.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { formatNumber } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { navigate, refreshCoops, store } from '../state.js';
import { useStore } from '../store.js';

const UNITS: Record<string, string> = { degC: '°C', percentRH: '%', raw: '', ppm: 'ppm', W: 'W' };

/** One coop: every output with state, why, and control; sensor values; the 24-hour chart. */
export function CoopScreen({ coopId }: { coopId: string }) {
  const { t, locale } = useT();
  const { coops, session } = useStore(store);
  useEffect(() => void refreshCoops().catch(() => undefined), [coopId]);
  const coop = coops?.find((item) => item.id === coopId);
  if (!coop) return html`<p class="muted">${t('loading')}</p>`;
  const canControl = session?.user.role !== 'viewer';
  const chartSensor = coop.sensors.find((sensor) => sensor.kind === 'temperature' && sensor.installed);
  return html`<section>
    <a class="back" href="/" onClick=${(event: MouseEvent) => { event.preventDefault(); navigate('/'); }}><${Icon} name="back" /> ${t('navHome')}</a>
    <h1>${coop.name}</h1>
    <h2>${t('sensors')}</h2>
    <ul class="sensors">
      ${coop.sensors.filter((sensor) => sensor.installed).map(
        (sensor) => html`<li class="card sensor" data-testid=${`sensor-${sensor.id}`}>
          <span class="label">${t(sensor.kind as MessageKey)} · ${sensor.name}</span>
          <span class="value big">${sensor.latest?.value == null ? (sensor.latest?.failure ? t('sensorFailed') : '—') : `${formatNumber(locale, sensor.latest.value, sensor.unit === 'raw' ? 0 : 1)} ${UNITS[sensor.unit] ?? ''}`}</span>
        </li>`,
      )}
    </ul>
    ${chartSensor ? html`<${TemperatureChart} sensor=${chartSensor} />` : null}
    <h2>${t('outputs')}</h2>
    ${coop.outputs.map((output) => html`<${OutputControl} key=${output.id} output=${output} canControl=${canControl} />`)}
  </section>`;
}
