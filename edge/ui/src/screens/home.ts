import { useEffect } from 'preact/hooks';
import type { CoopView } from '../api/types.js';
import { Icon, outputIcon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { formatNumber } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { navigate, refreshCoops, store } from '../state.js';
import { useStore } from '../store.js';
import { coopTemperature, judgeTemperature, type Verdict } from '../temperature.js';

const VERDICTS: Record<Verdict, { key: MessageKey; icon: 'check' | 'hot' | 'cold' | 'warning' | 'thermometer' }> = {
  good: { key: 'tempGood', icon: 'check' },
  hot: { key: 'tempHot', icon: 'hot' },
  cold: { key: 'tempCold', icon: 'cold' },
  failed: { key: 'sensorFailed', icon: 'warning' },
  unknown: { key: 'tempUnknown', icon: 'warning' },
  noTarget: { key: 'noTarget', icon: 'thermometer' },
};

/** Each coop at a glance: temperature against target in words, what runs, open alarms. */
export function HomeScreen() {
  const { t } = useT();
  const { coops } = useStore(store);
  useEffect(() => void refreshCoops().catch(() => undefined), []);
  if (!coops) return html`<p class="muted">${t('loading')}</p>`;
  return html`<section>
    <h1>${t('homeTitle')}</h1>
    ${coops.length === 0 ? html`<p class="muted">${t('noCoops')}</p>` : coops.map((coop) => html`<${CoopCard} key=${coop.id} coop=${coop} />`)}
  </section>`;
}

function CoopCard({ coop }: { coop: CoopView }) {
  const { t, locale } = useT();
  const temperature = coopTemperature(coop);
  const verdict = judgeTemperature(temperature.value, temperature.failed, coop.target);
  const running = coop.outputs.filter((output) => output.current?.state === 'on');
  const open = (path: string) => (event: MouseEvent) => {
    event.preventDefault();
    navigate(path);
  };
  return html`<article class="card coop-card" data-testid="coop-card">
    <a class="card-link" href=${`/coops/${coop.id}`} onClick=${open(`/coops/${coop.id}`)}>
      <h2>${coop.name}</h2>
      <div class="big-temp">
        <span class="value" data-testid="coop-temperature">${temperature.value === null ? '—' : `${formatNumber(locale, temperature.value, 1)} °C`}</span>
        <span class=${`verdict verdict-${verdict}`} data-testid="verdict"><${Icon} name=${VERDICTS[verdict].icon} /> ${t(VERDICTS[verdict].key)}</span>
      </div>
      ${coop.target ? html`<p class="muted">${t('target')} ${formatNumber(locale, coop.target.lowC, 1)}–${formatNumber(locale, coop.target.highC, 1)} °C</p>` : null}
      <p class="running">
        ${running.length === 0
          ? html`<span class="muted">${t('noneRunning')}</span>`
          : html`<span class="muted">${t('running')}:</span> ${running.map((output) => html`<span class="chip on"><${Icon} name=${outputIcon(output.kind)} size=${18} />${output.name}</span>`)}`}
      </p>
      <p class=${coop.openAlarms > 0 ? 'alarm-line has-alarms' : 'alarm-line'}>
        <${Icon} name=${coop.openAlarms > 0 ? 'warning' : 'check'} />
        ${coop.openAlarms > 0 ? html`${t('openAlarms')}: ${formatNumber(locale, coop.openAlarms)}` : t('noAlarms')}
      </p>
    </a>
  </article>`;
}
