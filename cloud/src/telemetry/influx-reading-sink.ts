import { InfluxDB, Point, type WriteApi } from '@influxdata/influxdb-client';
import type { Reading } from '@tokkatot/shared';
import type { ReadingSink } from './reading-sink.js';

export interface InfluxOptions {
  url: string;
  token: string;
  org: string;
  bucket: string;
}

/** Measurement name; VictoriaMetrics exposes the series as `reading_value` and `reading_failed`. */
export const READING_MEASUREMENT = 'reading';

/**
 * Raw readings to InfluxDB 2 through its write API (VictoriaMetrics in tests). A point is keyed
 * by farm, sensor and millisecond, so writing the same reading twice overwrites, never adds.
 */
export class InfluxReadingSink implements ReadingSink {
  private writeApi: WriteApi | undefined;

  constructor(private readonly options: InfluxOptions) {}

  write(farmId: string, readings: readonly Reading[]): void {
    const api = this.api();
    for (const reading of readings) {
      const point = new Point(READING_MEASUREMENT).tag('farm', farmId).tag('sensor', reading.sensorId).timestamp(reading.ts);
      if (reading.status === 'ok') point.floatField('value', reading.value);
      else point.intField('failed', 1);
      api.writePoint(point);
    }
  }

  async flush(): Promise<void> {
    await this.api().flush(true);
  }

  async close(): Promise<void> {
    const api = this.writeApi;
    this.writeApi = undefined;
    if (api) await api.close();
  }

  private api(): WriteApi {
    // Retries are ours (the edge re-sends the batch); the client must fail fast, not buffer forever.
    this.writeApi ??= new InfluxDB({ url: this.options.url, token: this.options.token }).getWriteApi(this.options.org, this.options.bucket, 'ms', {
      maxRetries: 0,
      batchSize: 10_000,
      flushInterval: 0,
    });
    return this.writeApi;
  }
}
