import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgChangeNotifier } from '../../../src/db/change-notifier.js';
import { LiveHub, type LiveSink } from '../../../src/api/live/live-hub.js';
import { LIVE_NOTIFY_CHANNEL } from '../../../src/api/projection/live-channel.js';
import type { CoopState } from '../../../src/api/state/coop-state.js';
import { createTestDatabase } from '../../support/test-database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let notifier: PgChangeNotifier;

beforeAll(async () => {
  db = await createTestDatabase();
  notifier = new PgChangeNotifier(db.pool);
});

afterAll(async () => {
  await notifier?.close();
  await db?.drop();
});

function recordingSink(): LiveSink & { events: Array<{ name: string; data: unknown }>; waitFor: (n: number) => Promise<void> } {
  const events: Array<{ name: string; data: unknown }> = [];
  let wake: () => void = () => undefined;
  return {
    events,
    event: (name, data) => {
      events.push({ name, data });
      wake();
    },
    comment: () => undefined,
    end: () => undefined,
    waitFor: async (n) => {
      while (events.length < n) await new Promise<void>((resolve) => (wake = resolve));
    },
  };
}

describe('live hub', () => {
  it('refreshes once more when a change is announced while a new viewer’s snapshot loads', async () => {
    let version = 0;
    let announce = true;
    const heard = new Promise<void>((resolve) => {
      void notifier.listen(LIVE_NOTIFY_CHANNEL, () => resolve());
    });
    const hub = new LiveHub({
      notifier,
      loadCoops: async (farmId) => {
        version += 1;
        const state = { id: 'coop-1', temperatureC: 20 + version } as CoopState;
        if (announce) {
          announce = false;
          // An ingest commits between reading the snapshot and joining the viewers.
          await db.pool.query('SELECT pg_notify($1, $2)', [LIVE_NOTIFY_CHANNEL, JSON.stringify({ farmId })]);
          await heard;
        }
        return [state];
      },
      loadAlarms: async () => [],
      heartbeatMs: 60_000,
      onError: (error) => {
        throw error;
      },
    });
    await hub.start();
    try {
      const sink = recordingSink();
      await hub.open('farm-x', sink);
      await sink.waitFor(2);
      expect(sink.events.map((e) => (e.data as CoopState).temperatureC)).toEqual([21, 22]);
    } finally {
      await hub.stop();
    }
  });

  it('ignores announcements that are not JSON or name no farm', async () => {
    let loads = 0;
    const hub = new LiveHub({
      notifier,
      loadCoops: async () => {
        loads += 1;
        return [{ id: 'coop-1', temperatureC: loads } as CoopState];
      },
      loadAlarms: async () => [],
      heartbeatMs: 60_000,
      onError: () => undefined,
    });
    await hub.start();
    try {
      const sink = recordingSink();
      await hub.open('farm-y', sink);
      const done = new Promise<void>((resolve) => {
        void notifier.listen(LIVE_NOTIFY_CHANNEL, (payload) => payload === 'last' && resolve());
      });
      for (const payload of ['not json', '{"farm":"farm-y"}', '{"farmId":7}', 'null', 'last']) {
        await db.pool.query('SELECT pg_notify($1, $2)', [LIVE_NOTIFY_CHANNEL, payload]);
      }
      await done;
      expect(loads).toBe(1);
    } finally {
      await hub.stop();
    }
  });

  it('caps the streams one farm holds on an instance', async () => {
    const hub = new LiveHub({ notifier, loadCoops: async () => [], loadAlarms: async () => [], heartbeatMs: 60_000, maxViewersPerFarm: 2, onError: () => undefined });
    await hub.start();
    try {
      const close = await hub.open('farm-z', recordingSink());
      await hub.open('farm-z', recordingSink());
      expect(hub.hasRoom('farm-z')).toBe(false);
      expect(hub.hasRoom('farm-other')).toBe(true);
      close();
      expect(hub.hasRoom('farm-z')).toBe(true);
    } finally {
      await hub.stop();
    }
  });
});
