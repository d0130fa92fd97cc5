import { useEffect, useRef, useState } from 'preact/hooks';
import type { HistoryAnswer, SensorState } from '../api/types.js';
import { html } from '../html.js';
import { formatNumber, formatWhen } from '../i18n/i18n.js';
import { readSnapshot, writeSnapshot } from '../offline/snapshots.js';
import { api, currentUser } from '../state.js';
import { useT } from './use-t.js';

const HOUR = 3600_000;
const RANGES = { '6h': 6 * HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR } as const;
type Range = keyof typeof RANGES;

/** History points as uPlot's columns: seconds, mean, min, max (gaps stay null). */
export function toColumns(history: HistoryAnswer): [number[], Array<number | null>, Array<number | null>, Array<number | null>] {
  const points = [...history.points].sort((a, b) => a.t - b.t);
  return [points.map((p) => p.t / 1000), points.map((p) => p.mean), points.map((p) => p.min), points.map((p) => p.max)];
}

/**
 * One sensor's history from the cloud's rollups, for a chosen period. uPlot loads only when a
 * chart is shown; the last answer per period is kept on the device for offline viewing.
 */
export function HistoryChart({ farmId, sensor, timeZone }: { farmId: string; sensor: SensorState; timeZone: string | undefined }) {
  const { t, locale } = useT();
  const [range, setRange] = useState<Range>('24h');
  const [empty, setEmpty] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: { destroy(): void } | null = null;
    let cancelled = false;
    const name = `history.${farmId}.${sensor.id}.${range}`;
    void (async () => {
      const to = Date.now();
      const from = to - RANGES[range];
      let history: HistoryAnswer | null = null;
      try {
        const query = new URLSearchParams({ sensorId: sensor.id, from: String(from), to: String(to) });
        history = await api.get<HistoryAnswer>(`/v1/farms/${encodeURIComponent(farmId)}/history?${query}`);
        const user = currentUser();
        if (user) writeSnapshot(user.id, name, history);
      } catch {
        const user = currentUser();
        history = user ? (readSnapshot<HistoryAnswer>(user.id, name)?.data ?? null) : null;
      }
      if (cancelled || !box.current) return;
      const data = history ? toColumns(history) : null;
      if (!data || data[0].length === 0) return setEmpty(true);
      const { default: UPlot } = await import('uplot');
      if (cancelled || !box.current) return;
      setEmpty(false);
      box.current.textContent = '';
      plot = new UPlot(
        {
          width: box.current.clientWidth || 320,
          height: 200,
          legend: { show: false },
          // The whole period, even when the farm sent data for part of it only.
          scales: { x: { time: true, range: [from / 1000, to / 1000] } },
          axes: [
            { stroke: '#333', values: (_u, ticks) => ticks.map((tick) => formatWhen(locale, tick * 1000, timeZone, RANGES[range] <= RANGES['24h'] ? tick * 1000 : 0)) },
            { stroke: '#333', values: (_u, ticks) => ticks.map((tick) => `${formatNumber(locale, tick)}°`) },
          ],
          series: [
            {},
            { label: 'mean', stroke: '#b3261e', width: 2, spanGaps: false },
            { label: 'min', stroke: '#d9a3a0', width: 1, dash: [4, 4] },
            { label: 'max', stroke: '#d9a3a0', width: 1, dash: [4, 4] },
          ],
          bands: [{ series: [3, 2], fill: 'rgba(179, 38, 30, 0.12)' }],
        },
        data as unknown as [number[], number[], number[], number[]],
        box.current,
      );
    })().catch(() => setEmpty(true));
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [farmId, sensor.id, range, locale, timeZone]);
  const label = `${t('chartTitle')} · ${sensor.name}`;
  return html`<figure class="chart">
    <figcaption>${label}</figcaption>
    <div class="ranges" role="group" aria-label=${t('chartRange')}>
      ${(Object.keys(RANGES) as Range[]).map(
        (key) => html`<button type="button" class=${key === range ? 'choice selected' : 'choice'} aria-pressed=${key === range} onClick=${() => setRange(key)}>${t(`range_${key}`)}</button>`,
      )}
    </div>
    <div ref=${box} class="chart-box" role="img" aria-label=${label} data-testid="chart"></div>
    ${empty ? html`<p class="muted">${t('noData')}</p>` : html`<p class="muted small">${t('chartLegend')}</p>`}
  </figure>`;
}
