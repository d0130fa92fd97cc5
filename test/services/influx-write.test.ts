import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { requireService } from '../support/services.js';

/** VictoriaMetrics buffers fresh samples; flush, then poll its export API until they appear. */
async function readBack(base: string, series: string, expected: number): Promise<Array<{ values: number[]; timestamps: number[]; metric: Record<string, string> }>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    await fetch(`${base}/internal/force_flush`);
    const response = await fetch(`${base}/api/v1/export?match[]=${encodeURIComponent(series)}`);
    const lines = (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const count = lines.reduce((sum, line) => sum + line.values.length, 0);
    if (count >= expected || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('InfluxDB write API (VictoriaMetrics stand-in)', () => {
  it('stores points written by @influxdata/influxdb-client and returns them exactly', async () => {
    const url = requireService('influx');
    const farm = `farm-${Date.now()}`;
    const writer = new InfluxDB({ url, token: 'unused' }).getWriteApi('tokkatot', 'telemetry', 'ms');
    const start = Date.UTC(2026, 10, 27, 6, 0, 0);
    for (let i = 0; i < 5; i += 1) {
      writer.writePoint(new Point('reading').tag('farm', farm).tag('sensor', 'sen-t-1').floatField('value', 30 + i / 10).timestamp(start + i * 60_000));
    }
    await writer.close();

    const series = await readBack(url, `reading_value{farm="${farm}"}`, 5);
    expect(series).toHaveLength(1);
    expect(series[0]!.metric).toMatchObject({ __name__: 'reading_value', farm, sensor: 'sen-t-1' });
    expect(series[0]!.timestamps).toEqual([0, 1, 2, 3, 4].map((i) => start + i * 60_000));
    expect(series[0]!.values).toEqual([30, 30.1, 30.2, 30.3, 30.4]);
  });
});
