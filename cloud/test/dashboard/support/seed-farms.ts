import { gzipSync } from 'node:zlib';
import { encodeHlc, newId, type Reading } from '@tokkatot/shared';
import { encodeReadingBatch, type IngestBatch } from '@tokkatot/sync';
import { INGEST_CONTENT_TYPE } from '../../../src/sync/ingest-routes.js';

/** One farm as its edge sees it: the base URL of the cloud and the edge's credential. */
export interface EdgeLink {
  baseUrl: string;
  farmId: string;
  edgeToken: string;
}

let wall = Date.now() - 60_000;
const stamp = (node: string) => encodeHlc({ wallMs: (wall += 1), counter: 0, node });

async function call(link: EdgeLink, method: string, path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, raw?: Buffer): Promise<unknown> {
  const response = await fetch(`${link.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${link.edgeToken}`, ...headers }, body: raw ?? JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Pushes configuration documents as the edge does (POST /v1/sync/:collection/push, no assumed state); fails on any conflict. */
export async function pushDocs(link: EdgeLink, collection: string, docs: Array<Record<string, unknown>>): Promise<void> {
  const node = `edge-${link.farmId}`;
  const rows = docs.map((doc) => ({ newDocumentState: { farmId: link.farmId, hlc: stamp(node), updatedAt: Date.now(), ...doc, _deleted: false } }));
  const conflicts = (await call(link, 'POST', `/v1/sync/${collection}/push`, rows)) as unknown[];
  if (conflicts.length > 0) throw new Error(`push ${collection} conflicted: ${JSON.stringify(conflicts)}`);
}

/**
 * Changes stored documents as the edge does after an edit on the farm: each pushed with the
 * version it was based on (the current one) and a newer stamp; fails on any conflict.
 */
export async function updateDocs(link: EdgeLink, collection: string, changes: Array<Record<string, unknown> & { id: string }>): Promise<void> {
  const current = new Map((await pullDocs(link, collection)).map((doc) => [doc.id, doc]));
  // Newer than anything the cloud stamped so far (an edit on the farm after the cloud's).
  wall = Math.max(wall, Date.now());
  const rows = changes.map(({ id, ...change }) => {
    const base = current.get(id);
    if (!base) throw new Error(`no ${collection} document ${id} to change`);
    return { assumedMasterState: base, newDocumentState: { ...base, ...change, hlc: stamp(`edge-${link.farmId}`), updatedAt: Date.now() } };
  });
  const conflicts = (await call(link, 'POST', `/v1/sync/${collection}/push`, rows)) as unknown[];
  if (conflicts.length > 0) throw new Error(`update ${collection} conflicted: ${JSON.stringify(conflicts)}`);
}

/** Pulls every live document of a collection as the edge would (GET /v1/sync/:collection/pull). */
export async function pullDocs(link: EdgeLink, collection: string): Promise<Array<Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  let cursor: { seq: number; id: string } | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { seq: String(cursor.seq), id: cursor.id } : {}) });
    const page = (await call(link, 'GET', `/v1/sync/${collection}/pull?${query}`, undefined, {}, undefined)) as { documents: Array<Record<string, unknown> & { id: string }>; checkpoint: { seq: number; id: string } };
    for (const doc of page.documents) {
      if (doc._deleted) out.delete(doc.id);
      else out.set(doc.id, doc);
    }
    if (page.documents.length < 100) return [...out.values()];
    cursor = page.checkpoint;
  }
}

/**
 * A farm with two coops: coop-1 with a temperature and a humidity sensor, a fan, a heater, a
 * feeder, a climate rule 26–30 °C, a feeder schedule and a flock; coop-2 with one temperature
 * sensor. Written through the real sync push with the edge's credential.
 */
export async function configureFarm(link: EdgeLink, names: { coop1: string; coop2: string }): Promise<void> {
  await pushDocs(link, 'coops', [
    { id: 'coop-1', name: names.coop1 },
    { id: 'coop-2', name: names.coop2 },
  ]);
  const sensor = (id: string, coopId: string, kind: string, unit: string, channel: number, name: string) => ({
    id,
    coopId,
    nodeId: 'node-1',
    channel,
    kind,
    unit,
    name,
    calibration: { offset: 0, scale: 1 },
    samplePeriodSeconds: 10,
    installed: true,
  });
  await pushDocs(link, 'sensors', [sensor('temp-1', 'coop-1', 'temperature', 'degC', 0, 'T1'), sensor('hum-1', 'coop-1', 'humidity', 'percentRH', 1, 'H1'), sensor('temp-2', 'coop-2', 'temperature', 'degC', 2, 'T2')]);
  const output = (id: string, kind: string, channel: number, name: string) => ({
    id,
    coopId: 'coop-1',
    nodeId: 'node-1',
    channel,
    kind,
    name,
    activeLow: true,
    failSafeState: kind === 'fan' ? 'on' : 'off',
    maxOnSeconds: 3600,
    dimmable: false,
    installed: true,
  });
  await pushDocs(link, 'outputs', [output('fan-1', 'fan', 0, 'F1'), output('heater-1', 'heater', 1, 'K1'), output('feeder-1', 'feeder', 2, 'D1')]);
  await pushDocs(link, 'rules', [
    {
      id: 'rule-1',
      coopId: 'coop-1',
      name: 'R1',
      enabled: true,
      target: 'fixed',
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
  await pushDocs(link, 'schedules', [
    { id: 'sched-1', coopId: 'coop-1', outputId: 'feeder-1', name: 'S1', enabled: true, weekdays: [0, 1, 2, 3, 4, 5, 6], type: 'cycle', startTime: '06:00', runSeconds: 480, offSeconds: 14_400, repeat: 3 },
  ]);
  await pushDocs(link, 'flocks', [
    { id: 'flock-1', coopId: 'coop-1', name: 'B7', placedOn: '2026-11-01', birdsPlaced: 1000, breed: 'Cobb 500', houseMode: 'growing', targetCurve: [{ day: 0, temperatureC: 33 }, { day: 21, temperatureC: 24 }] },
  ]);
}

/** Builds outbox batches the way the edge's outbox does, and uploads them through POST /v1/ingest. */
export class EdgeOutbox {
  private readonly seqs = new Map<string, number>();
  private readonly epoch = `epoch-${newId().slice(-10)}`;

  constructor(private readonly link: EdgeLink) {}

  async readings(sensorId: string, points: Array<{ ts: number; value: number }>): Promise<void> {
    const readings = points.map((point) => ({ sensorId, ts: point.ts, status: 'ok', value: point.value }) as Reading);
    await this.upload([{ stream: 'readings', seq: this.next('readings'), ts: points[0]!.ts, payload: encodeReadingBatch(sensorId, readings) }]);
  }

  async event(body: Record<string, unknown>): Promise<void> {
    const stream = String(body.type).startsWith('alarm_') ? 'critical' : 'events';
    const ts = Number(body.ts);
    await this.upload([{ stream, seq: this.next(stream), ts, payload: { id: newId(ts), farmId: this.link.farmId, coopId: null, actorId: null, ...body } }]);
  }

  private async upload(records: IngestBatch['records']): Promise<void> {
    const batch: IngestBatch = { epoch: this.epoch, records };
    await call(this.link, 'POST', '/v1/ingest', undefined, { 'content-type': INGEST_CONTENT_TYPE, 'content-encoding': 'gzip' }, gzipSync(JSON.stringify(batch)));
  }

  private next(stream: string): number {
    const seq = (this.seqs.get(stream) ?? 0) + 1;
    this.seqs.set(stream, seq);
    return seq;
  }
}
