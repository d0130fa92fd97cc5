/**
 * The coop page's remote commands without a browser: the body each choice sends (accepted by the
 * API's own schema), the minutes a person may type, the latest command per output and the words
 * of each outcome in both languages.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NewCommandSchema } from '../../src/api/queries/commands.js';
import { loadCatalogues } from './support/catalogues.js';

const SRC = fileURLToPath(new URL('../../dashboard/src/', import.meta.url));

type View = { id: string; type: string; targetId: string | null; durationSeconds: number | null; issuedAt: number; expiresAt: number; outcome: string; detail: string | null; cancelled: boolean };
interface Logic {
  MAX_MINUTES: number;
  parseMinutes(text: string): number | null;
  commandFor(output: { id: string; kind: string }, action: 'on' | 'off' | 'auto', minutes: number): { type: string; targetId: string; durationSeconds: number | null };
  latestByTarget(commands: View[]): Map<string, View>;
  anyPending(commands: Iterable<View>): boolean;
  isStale(command: View, now: number): boolean;
  outcomeKey(command: View): string;
  actionKey(command: { type: string }): string;
}

let logic: Logic;
let catalogues: Awaited<ReturnType<typeof loadCatalogues>>;

beforeAll(async () => {
  logic = (await import(pathToFileURL(`${SRC}commands/command-logic.ts`).href)) as Logic;
  catalogues = await loadCatalogues();
});

const view = (over: Partial<View>): View => ({ id: 'c', type: 'output_on', targetId: 'fan-1', durationSeconds: 600, issuedAt: 1000, expiresAt: 301_000, outcome: 'pending', detail: null, cancelled: false, ...over });

describe('remote commands on the coop page', () => {
  it('sends what the API accepts for every choice, a feeding cycle for a feeder, and off never for long', () => {
    const fan = { id: 'fan-1', kind: 'fan' };
    const feeder = { id: 'feeder-1', kind: 'feeder' };
    expect(logic.commandFor(fan, 'on', 20)).toEqual({ type: 'output_on', targetId: 'fan-1', durationSeconds: 1200 });
    expect(logic.commandFor(feeder, 'on', 3)).toEqual({ type: 'run_feeder', targetId: 'feeder-1', durationSeconds: 180 });
    expect(logic.commandFor(fan, 'off', 20)).toEqual({ type: 'output_off', targetId: 'fan-1', durationSeconds: null });
    expect(logic.commandFor(fan, 'auto', 20)).toEqual({ type: 'output_auto', targetId: 'fan-1', durationSeconds: null });
    for (const action of ['on', 'off', 'auto'] as const) {
      for (const output of [fan, feeder]) expect(NewCommandSchema.safeParse(logic.commandFor(output, action, logic.MAX_MINUTES)).success, `${output.kind} ${action}`).toBe(true);
    }
  });

  it('takes whole minutes from 1 to the maximum, in Western or Khmer digits', () => {
    expect(logic.parseMinutes('15')).toBe(15);
    expect(logic.parseMinutes(' ២០ ')).toBe(20);
    expect(logic.parseMinutes(String(logic.MAX_MINUTES))).toBe(logic.MAX_MINUTES);
    for (const bad of ['', '0', '-5', '1.5', 'abc', String(logic.MAX_MINUTES + 1), '1e2', '១០០០']) expect(logic.parseMinutes(bad), bad).toBeNull();
  });

  it('keeps the newest command per output, skips alarm acknowledgements, and knows when to ask again', () => {
    const list = [view({ id: 'new', issuedAt: 3000, outcome: 'executed' }), view({ id: 'old', issuedAt: 2000 }), view({ id: 'ack', type: 'acknowledge_alarm', targetId: 'alarm-1' }), view({ id: 'heat', targetId: 'heater-1', outcome: 'pending' })];
    const latest = logic.latestByTarget(list);
    expect([...latest.keys()].sort()).toEqual(['fan-1', 'heater-1']);
    expect(latest.get('fan-1')?.id).toBe('new');
    expect(logic.anyPending(latest.values())).toBe(true);
    expect(logic.anyPending([view({ outcome: 'expired' })])).toBe(false);
    expect(logic.isStale(view({ issuedAt: 0 }), 31 * 60_000)).toBe(true);
    expect(logic.isStale(view({ issuedAt: 0 }), 29 * 60_000)).toBe(false);
  });

  it('names every outcome and action in both languages', () => {
    const outcomes = ['pending', 'executed', 'expired', 'rejected', 'failed'].map((outcome) => logic.outcomeKey(view({ outcome })));
    expect(outcomes).toEqual(['cmdPending', 'cmdExecuted', 'cmdExpired', 'cmdRefused', 'cmdRefused']);
    expect(logic.outcomeKey(view({ outcome: 'expired', cancelled: true }))).toBe('cmdCancelled');
    const actions = ['output_on', 'output_off', 'output_auto', 'run_feeder'].map((type) => logic.actionKey({ type }));
    for (const key of [...outcomes, 'cmdCancelled', ...actions, 'cmdMinutes', 'cmdOn', 'cmdFeed', 'cmdOff', 'cmdAuto', 'cmdValidUntil', 'cmdMinutesInvalid', 'cmdSendFailed', 'remoteHelp', 'minutesShort']) {
      expect(catalogues.km[key], key).toMatch(/[\u1780-\u17FF]/);
      expect(catalogues.en[key], key).toMatch(/[a-z]/);
    }
  });
});
