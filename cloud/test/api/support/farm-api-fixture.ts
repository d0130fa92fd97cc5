import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { encodeHlc, newId, type Reading, type SensorFailure } from '@tokkatot/shared';
import { encodeReadingBatch, type IngestBatch } from '@tokkatot/sync';
import type { AppDeps } from '../../../src/http/app.js';
import { INGEST_CONTENT_TYPE } from '../../../src/sync/ingest-routes.js';
import { buildTestApp, createFarm, type FarmFixture } from '../../support/cloud-fixture.js';

/** 2026-03-10 00:00 in Phnom Penh (UTC+7): the fixtures' "today". */
export const DAY0 = Date.UTC(2026, 2, 9, 17, 0, 0);
export const MINUTE = 60_000;

/** A clock the app reads; tests move it. */
export interface TestClock {
  now: number;
}

/** The app on a test pool with a movable clock and the overview cache off unless asked for. */
export async function buildApiApp(pool: pg.Pool, clock: TestClock, extra: Partial<AppDeps> = {}): Promise<FastifyInstance> {
  return buildTestApp(pool, { now: () => clock.now, overviewCacheMs: 0, historyCacheMs: 0, commandExpiryIntervalMs: 3_600_000, ...extra });
}

const stamp = (wall: number, node = 'edge-pi') => encodeHlc({ wallMs: wall, counter: 0, node });

/**
 * A farm configured as the edge would replicate it: coop-1 with a temperature and a humidity
 * sensor, a fan, a heater, a feeder, a climate rule 26–30 °C and a growing flock placed 20 days
 * before DAY0. Written through the sync store (updatedBy edge), as a push would leave them.
 */
export async function configureFarm(app: FastifyInstance, pool: pg.Pool, farmId: string, options: { ruleTarget?: 'fixed' | 'curve' } = {}): Promise<FarmFixture> {
  const farm = await createFarm(app, pool, farmId);
  const meta = (id: string) => ({ id, farmId, hlc: stamp(DAY0 - 86_400_000), updatedAt: DAY0 - 86_400_000, _deleted: false });
  const write = (collection: string, docs: Array<Record<string, unknown> & { id: string; _deleted: boolean }>) =>
    app.services.store.writeServerDocs(farmId, collection, docs, `edge:${farm.edgeId}`);
  await write('coops', [{ ...meta('coop-1'), name: 'Coop 1' }, { ...meta('coop-2'), name: 'Coop 2' }]);
  const sensor = (id: string, coopId: string, kind: string, unit: string, channel: number) => ({
    ...meta(id),
    coopId,
    nodeId: 'node-1',
    channel,
    kind,
    unit,
    name: id,
    calibration: { offset: 0, scale: 1 },
    samplePeriodSeconds: 10,
    installed: true,
  });
  await write('sensors', [sensor('temp-1', 'coop-1', 'temperature', 'degC', 0), sensor('hum-1', 'coop-1', 'humidity', 'percentRH', 1), sensor('temp-2', 'coop-2', 'temperature', 'degC', 2)]);
  const output = (id: string, kind: string, channel: number, installed = true) => ({
    ...meta(id),
    coopId: 'coop-1',
    nodeId: 'node-1',
    channel,
    kind,
    name: id,
    activeLow: true,
    failSafeState: kind === 'fan' ? 'on' : 'off',
    maxOnSeconds: 3600,
    dimmable: false,
    installed,
  });
  await write('outputs', [output('fan-1', 'fan', 0), output('heater-1', 'heater', 1), output('feeder-1', 'feeder', 2), output('light-9', 'light', 3, false)]);
  await write('rules', [
    {
      ...meta('rule-1'),
      coopId: 'coop-1',
      name: 'Climate',
      enabled: true,
      target: options.ruleTarget ?? 'fixed',
      bandLowC: 26,
      bandHighC: 30,
      hysteresisC: 0.5,
      minOnSeconds: 60,
      minOffSeconds: 60,
      maxRunSeconds: null,
      heaterStages: [{ outputId: 'heater-1', onBelowC: 1 }],
      fanStages: [{ outputId: 'fan-1', onAboveC: 1 }],
      minimumVentilation: null,
      humidityMaxPercent: 85,
      sensorStaleSeconds: 120,
    },
  ]);
  await write('schedules', [
    {
      ...meta('sched-1'),
      coopId: 'coop-1',
      outputId: 'feeder-1',
      name: 'Feeder',
      enabled: true,
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      type: 'cycle',
      startTime: '06:00',
      runSeconds: 480,
      offSeconds: 14_400,
      repeat: 3,
    },
  ]);
  await write('flocks', [
    {
      ...meta('flock-1'),
      coopId: 'coop-1',
      name: 'Batch 7',
      placedOn: '2026-02-18',
      birdsPlaced: 1000,
      breed: 'Cobb 500',
      houseMode: 'growing',
      targetCurve: [
        { day: 0, temperatureC: 33 },
        { day: 21, temperatureC: 24 },
      ],
    },
  ]);
  return farm;
}

/** A reading without its sensor id (the record names the sensor). */
export type ReadingInput = { ts: number; status: 'ok'; value: number } | { ts: number; status: 'failed'; failure: SensorFailure };

/** Builds outbox records the way the edge's outbox does. */
export class OutboxWriter {
  private readonly seqs = new Map<string, number>();

  constructor(
    readonly farmId: string,
    readonly epoch = `epoch-${newId().slice(-10)}`,
  ) {}

  event(body: Record<string, unknown>): IngestBatch['records'][number] {
    const stream = String(body.type).startsWith('alarm_') ? 'critical' : 'events';
    const ts = Number(body.ts);
    return { stream, seq: this.next(stream), ts, payload: { id: newId(ts), farmId: this.farmId, coopId: null, actorId: null, ...body } };
  }

  readings(sensorId: string, readings: readonly ReadingInput[]): IngestBatch['records'][number] {
    const full = readings.map((r) => ({ ...r, sensorId }) as Reading);
    return { stream: 'readings', seq: this.next('readings'), ts: full[0]!.ts, payload: encodeReadingBatch(sensorId, full) };
  }

  batch(records: IngestBatch['records']): IngestBatch {
    return { epoch: this.epoch, records };
  }

  private next(stream: string): number {
    const seq = (this.seqs.get(stream) ?? 0) + 1;
    this.seqs.set(stream, seq);
    return seq;
  }
}

/** Readings every minute from `from`, one value per minute. */
export function minuteReadings(from: number, values: readonly number[]): ReadingInput[] {
  return values.map((value, i) => ({ ts: from + i * MINUTE, status: 'ok' as const, value }));
}

/** Uploads a batch through POST /v1/ingest as the farm's edge. */
export async function postBatch(app: FastifyInstance, farm: FarmFixture, batch: IngestBatch): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { authorization: `Bearer ${farm.edgeToken}`, 'content-type': INGEST_CONTENT_TYPE, 'content-encoding': 'gzip' },
    payload: gzipSync(JSON.stringify(batch)),
  });
  if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}: ${res.body}`);
}

/** GET as an account. */
export async function getAs(app: FastifyInstance, token: string, url: string) {
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

/** POST/PATCH as an account. */
export async function sendAs(app: FastifyInstance, token: string, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
}
