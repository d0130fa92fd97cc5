import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, type TestAccount } from '../support/accounts.js';
import type { FarmFixture } from '../support/cloud-fixture.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildApiApp, configureFarm, DAY0, getAs, MINUTE, minuteReadings, OutboxWriter, type TestClock } from './support/farm-api-fixture.js';

// DAY0 is local midnight of 2026-03-10 in Phnom Penh; the owner reads the report the next morning.
const DATE = '2026-03-10';
const HOUR = 60 * MINUTE;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let farm: FarmFixture;
let owner: TestAccount;
const clock: TestClock = { now: DAY0 + 31 * HOUR };
const outbox = new OutboxWriter('farm-r');

const record = (date: string, ts: number, figures: { feedBags: number; waterMeter: number | null; heat?: number; culls?: number }) =>
  outbox.event({
    type: 'daily_record',
    ts,
    coopId: 'coop-1',
    actorId: 'worker-1',
    date,
    mortality: { heat: figures.heat ?? 0, sick: 0, injured: 0, unknown: 0 },
    culls: figures.culls ?? 0,
    feedBags: figures.feedBags,
    waterMeter: figures.waterMeter,
    note: '',
  });

beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApiApp(db.pool, clock);
  farm = await configureFarm(app, db.pool, 'farm-r');
  owner = await createMember(app, db.pool, 'farm-r', 'owner');
  await configureFarm(app, db.pool, 'farm-not-mine');
  const at = (daysBefore: number) => DAY0 - daysBefore * 24 * HOUR + 7 * HOUR;
  await app.services.ingest.ingest(farm.edgeId, 'farm-r', outbox.batch([
    record('2026-03-01', at(9), { feedBags: 3, waterMeter: 100, heat: 10, culls: 5 }),
    // The edge's earlier form of the checklist: a user_action whose detail is the record.
    outbox.event({ type: 'user_action', ts: at(2), coopId: 'coop-1', actorId: 'worker-1', summary: 'recorded the daily checklist of 2026-03-08', detail: { kind: 'daily_record', date: '2026-03-08', mortality: { heat: 0, sick: 0, injured: 0, unknown: 0 }, culls: 0, feedBags: 4, waterMeter: 1000, note: '' } }),
    record('2026-03-09', at(1), { feedBags: 5, waterMeter: 1300 }),
    // Saved twice on the day: the later save is the record.
    record(DATE, at(0), { feedBags: 9, waterMeter: 9999 }),
    record(DATE, at(0) + HOUR, { feedBags: 5, waterMeter: 1500 }),
    // Coop temperature over the local day: 30 min above the 26–30 °C band, 20 min below, 60 min inside.
    outbox.readings('temp-1', minuteReadings(DAY0 + 12 * HOUR, [...Array(30).fill(31), ...Array(20).fill(25), ...Array(60).fill(28)])),
    // Just outside the local day on both sides: not counted.
    outbox.readings('temp-1', minuteReadings(DAY0 - MINUTE, [40])),
    outbox.readings('temp-1', minuteReadings(DAY0 + 24 * HOUR, [40])),
  ]));
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('morning exception report', () => {
  it('compares water and feed with yesterday and with the flock curve, and counts minutes out of band', async () => {
    const res = await getAs(app, owner.accessToken, '/v1/reports/morning');
    expect(res.statusCode).toBe(200);
    const { farms } = res.json();
    expect(farms.map((f: { farmId: string }) => f.farmId)).toEqual(['farm-r']);
    const [report] = farms;
    expect(report).toMatchObject({ farmId: 'farm-r', date: DATE, timeZone: 'Asia/Phnom_Penh' });
    const coop1 = report.coops.find((c: { coopId: string }) => c.coopId === 'coop-1');

    // Birds on day 20: 1000 placed, 15 lost before the date. Reference feed on day 20 between
    // day 14 (75 g) and day 21 (120 g); bags of 25 kg; 1.8 l of water per kg of feed.
    const birds = 1000 - 15;
    const feedKg = (birds * (75 + ((120 - 75) * 6) / 7)) / 1000;
    const expectedBags = Math.round((feedKg / 25) * 10) / 10;
    const expectedWater = Math.round(feedKg * 1.8);
    expect(coop1.flock).toMatchObject({ id: 'flock-1', growthDay: 20, birds });
    expect(coop1.water).toEqual({
      value: 200,
      yesterday: 300,
      vsYesterdayPercent: -33.3,
      expected: expectedWater,
      vsExpectedPercent: Math.round(((200 - expectedWater) / expectedWater) * 1000) / 10,
    });
    expect(coop1.feedBags).toMatchObject({ value: 5, yesterday: 5, vsYesterdayPercent: 0, expected: expectedBags });
    expect(coop1).toMatchObject({ recorded: true, mortality: 0, culls: 0, band: { lowC: 26, highC: 30 }, minutesAbove: 30, minutesBelow: 20, minutesWithData: 110 });
    expect(coop1.exceptions.map((e: { kind: string }) => e.kind).sort()).toEqual(['too_cold', 'too_hot', 'water_vs_yesterday']);
    expect(coop1.exceptions.find((e: { kind: string }) => e.kind === 'water_vs_yesterday').message).toBe('Coop 1 drank 33.3 % less than yesterday.');

    const coop2 = report.coops.find((c: { coopId: string }) => c.coopId === 'coop-2');
    expect(coop2).toMatchObject({ recorded: false, flock: null, band: null, water: { value: null }, exceptions: [{ kind: 'no_record', message: 'Coop 2: no daily record.' }] });
    expect(report.exceptionCount).toBe(4);
  });

  it('counts the day’s deaths and culls apart, and birds alive from the losses before the date', async () => {
    const { farms } = (await getAs(app, owner.accessToken, '/v1/reports/morning?date=2026-03-01')).json();
    const coop1 = farms[0].coops.find((c: { coopId: string }) => c.coopId === 'coop-1');
    expect(coop1).toMatchObject({ mortality: 10, culls: 5, flock: { growthDay: 11, birds: 1000 } });
  });

  it('reports a chosen date, where a missing previous day leaves the comparison empty', async () => {
    const { farms } = (await getAs(app, owner.accessToken, '/v1/reports/morning?date=2026-03-09')).json();
    const coop1 = farms[0].coops.find((c: { coopId: string }) => c.coopId === 'coop-1');
    expect(coop1.water).toMatchObject({ value: 300, yesterday: null, vsYesterdayPercent: null });
    expect(coop1.feedBags).toMatchObject({ value: 5, yesterday: 4, vsYesterdayPercent: 25 });
    expect(coop1).toMatchObject({ minutesAbove: 1, minutesBelow: 0, minutesWithData: 1 });
    expect(coop1.exceptions.map((e: { kind: string }) => e.kind).sort()).toEqual(['feed_vs_yesterday', 'water_vs_curve']);
  });

  it('refuses dates that do not exist and unknown parameters', async () => {
    for (const query of ['date=2026-02-30', 'date=yesterday', 'date=2026-3-1', 'from=2026-03-01']) {
      const res = await getAs(app, owner.accessToken, `/v1/reports/morning?${query}`);
      expect(res.json().error.code, query).toBe('VALIDATION_FAILED');
    }
    expect((await app.inject({ method: 'GET', url: '/v1/reports/morning' })).json().error.code).toBe('UNAUTHENTICATED');
  });
});
