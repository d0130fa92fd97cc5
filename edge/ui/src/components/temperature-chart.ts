import { useEffect, useRef, useState } from 'preact/hooks';
import type { SensorView } from '../api/types.js';
import { html } from '../html.js';
import { formatNumber, formatTime } from '../i18n/i18n.js';
import { api, store } from '../state.js';
import { useStore } from '../store.js';
import { useT } from './use-t.js';

interface History {
  raw?: Array<{ ts: number; value: number | null }>;
  rollups?: Array<{ bucketStart: number; mean: number | null }>;
}

const DAY_MS = 24 * 3600 * 1000;

/** Points of a history answer as uPlot's columns (seconds, values; gaps stay null). */
export function toSeries(history: History): [number[], Array<number | null>] {
  const points = history.raw
    ? history.raw.map((point) => [point.ts, point.value] as const)
    : (history.rollups ?? []).map((point) => [point.bucketStart, point.mean] as const);
  return [points.map(([ts]) => ts / 1000), points.map(([, value]) => value)];
}

/**
 * The last 24 hours of one temperature sensor. The window ends at the sensor's latest reading,
 * because the Pi's clock stamps readings and a cheap phone's clock is often wrong. uPlot is
 * loaded only when a chart is shown, keeping it out of the first screen's bundle.
 */
export function TemperatureChart({ sensor }: { sensor: SensorView }) {
  const { t, locale } = useT();
  const { timezone } = useStore(store);
  const box = useRef<HTMLDivElement>(null);
  const [empty, setEmpty] = useState(false);
  const end = sensor.latest?.ts ?? null;
  useEffect(() => {
    if (end === null) {
      setEmpty(true);
      return;
    }
    let plot: { destroy(): void } | null = null;
    let cancelled = false;
    void (async () => {
      const history = await api.get<History>(`/api/sensors/${encodeURIComponent(sensor.id)}/readings?from=${end - DAY_MS}&to=${end + 1}`);
      const data = toSeries(history);
      if (cancelled || !box.current) return;
      if (data[0].length === 0) return setEmpty(true);
      const { default: UPlot } = await import('uplot');
      if (cancelled || !box.current) return;
      setEmpty(false);
      plot = new UPlot(
        {
          width: box.current.clientWidth || 320,
          height: 180,
          legend: { show: false },
          scales: { x: { time: true } },
          // Farm-clock times and the language's digits, instead of uPlot's English date labels.
          axes: [
            { stroke: '#333', values: (_u, ticks) => ticks.map((tick) => formatTime(locale, tick * 1000, timezone)) },
            { stroke: '#333', values: (_u, ticks) => ticks.map((tick) => `${formatNumber(locale, tick)}°`) },
          ],
          series: [{}, { label: 'temperature', stroke: '#b3261e', width: 2, spanGaps: false }],
        },
        data as unknown as [number[], number[]],
        box.current,
      );
    })().catch(() => setEmpty(true));
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [sensor.id, end === null ? null : Math.floor(end / 60_000), locale, timezone]);
  return html`<figure class="chart">
    <figcaption>${t('chartTitle')} · ${sensor.name}</figcaption>
    <div ref=${box} class="chart-box" role="img" aria-label=${`${t('chartTitle')} · ${sensor.name}`} data-testid="chart"></div>
    ${empty ? html`<p class="muted">${t('noData')}</p>` : null}
  </figure>`;
}
