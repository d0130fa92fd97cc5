/**
 * The firmware rollouts page's pure pieces: its route, the percentage a person types, the
 * release an editor starts on, the sentences describing a rollout before it is saved (and that
 * their "about N farms" is honest against the server's real stage function), and the words an
 * API refusal gets, in both catalogues.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { isInStage } from '../../src/firmware/rollout-stage.js';
import { loadCatalogues } from './support/catalogues.js';

const SRC = fileURLToPath(new URL('../../dashboard/src/', import.meta.url));

type Channel = 'stable' | 'beta';
type Release = { version: string; board: string; channel: Channel; size: number; sha256: string; objectKey: string; minHardwareRevision: number; publishedAt: number; notes: string; importedAt: number };
type Rollout = { channel: Channel; version: string; board: string; percent: number; updatedBy: string | null; updatedAt: number };
type ChannelState = { channel: Channel; rollout: Rollout | null; farms: number; inStage: number };
type Sentence = { key: string; values: Record<string, string | number> };
interface LogicModule {
  parsePercent(text: string): number | null;
  initialRelease(channel: Channel, catalogue: Release[], rollout: { version: string; board: string } | null): string;
  estimateInStage(farms: number, percent: number): number;
  previewRollout(state: ChannelState, release: Release, percent: number): Sentence[];
  releaseSize(bytes: number): Sentence;
  failureKey(code: string, action: 'load' | 'import' | 'rollout'): string;
  importSummary(report: { added: string[]; updated: string[]; unchanged: number; refused: unknown[] }): Sentence;
  failure(error: unknown, action: 'load' | 'import' | 'rollout'): { kind: string; key: string; detail?: string };
}

let logic: LogicModule;
let parseRoute: (path: string) => unknown;
let ApiError: new (code: string, status: number, message: string) => Error;
let km: Record<string, string>;
let en: Record<string, string>;

beforeAll(async () => {
  logic = (await import(pathToFileURL(`${SRC}screens/admin-firmware-logic.ts`).href)) as LogicModule;
  ({ parseRoute } = (await import(pathToFileURL(`${SRC}routes.ts`).href)) as { parseRoute: (path: string) => unknown });
  ({ ApiError } = (await import(pathToFileURL(`${SRC}api/client.ts`).href)) as { ApiError: typeof ApiError });
  ({ km, en } = await loadCatalogues());
});

const BOARD = 'tokkatot-node-esp32';
const release = (version: string, channel: Channel, publishedAt = Date.UTC(2026, 10, 1)): Release => ({
  version,
  board: BOARD,
  channel,
  size: 4096,
  sha256: 'a'.repeat(64),
  objectKey: `firmware/v${version}/${BOARD}.bin`,
  minHardwareRevision: 1,
  publishedAt,
  notes: '',
  importedAt: Date.UTC(2026, 10, 2),
});
const rollout = (channel: Channel, version: string, percent: number): Rollout => ({ channel, version, board: BOARD, percent, updatedBy: null, updatedAt: 0 });
const keys = (sentences: Sentence[]) => sentences.map((sentence) => sentence.key);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();

// Newest first, as GET /v1/firmware/releases answers.
const CATALOGUE = [release('1.3.0-beta.1', 'beta', Date.UTC(2026, 10, 3)), release('1.2.0', 'stable', Date.UTC(2026, 10, 2)), release('1.1.0', 'stable')];

describe('firmware rollouts page', () => {
  it('has its own route for administrators, and nothing around it', () => {
    expect(parseRoute('/admin/firmware')).toEqual({ kind: 'adminFirmware' });
    expect(parseRoute('/admin/firmware/')).toEqual({ kind: 'adminFirmware' });
    for (const path of ['/admin', '/admin/firmware/stable', '/admin/farms', '/firmware']) expect(parseRoute(path), path).toEqual({ kind: 'missing' });
  });

  it('takes a whole percentage from 0 to 100 in Western or Khmer digits and nothing else', () => {
    const cases: Array<[string, number | null]> = [
      ['0', 0],
      ['50', 50],
      ['100', 100],
      [' 7 ', 7],
      ['25 %', 25],
      ['៥០', 50],
      ['១០០', 100],
      ['101', null],
      ['-1', null],
      ['50.5', null],
      ['1e2', null],
      ['', null],
      ['fifty', null],
      ['៥0x', null],
    ];
    for (const [text, expected] of cases) expect(logic.parsePercent(text), JSON.stringify(text)).toBe(expected);
  });

  it('starts an editor on the channel’s rollout, else on the newest release the channel takes', () => {
    expect(logic.initialRelease('stable', CATALOGUE, rollout('stable', '1.1.0', 20))).toBe(`1.1.0/${BOARD}`);
    expect(logic.initialRelease('stable', CATALOGUE, null)).toBe(`1.2.0/${BOARD}`);
    expect(logic.initialRelease('beta', CATALOGUE, null)).toBe(`1.3.0-beta.1/${BOARD}`);
    // A rollout of a release the page's catalogue lacks falls back rather than selecting nothing.
    expect(logic.initialRelease('stable', CATALOGUE, rollout('stable', '0.9.0', 20))).toBe(`1.2.0/${BOARD}`);
    expect(logic.initialRelease('stable', [release('2.0.0-rc.1', 'beta')], null)).toBe('');
    expect(logic.initialRelease('beta', [], null)).toBe('');
  });

  it('says how many farms a rollout offers the release to, first, and what happens to the others', () => {
    const stable: ChannelState = { channel: 'stable', rollout: rollout('stable', '1.1.0', 100), farms: 12, inStage: 12 };
    const v12 = CATALOGUE[1]!;
    const [first, ...rest] = logic.previewRollout(stable, v12, 50);
    expect(first).toEqual({ key: 'admPreviewSome', values: { count: 6, farms: 12, percent: 50, version: '1.2.0' } });
    expect(keys(rest)).toEqual(['admPreviewKeep']);
    expect(keys(logic.previewRollout(stable, v12, 0))).toEqual(['admPreviewNone', 'admPreviewKeep']);
    expect(logic.previewRollout(stable, v12, 100)).toEqual([{ key: 'admPreviewAll', values: { farms: 12, version: '1.2.0' } }]);
    expect(keys(logic.previewRollout({ ...stable, farms: 0, inStage: 0 }, v12, 50))).toEqual(['admPreviewNoFarms']);
    // The current release: the same share changes nothing, a lower one takes nothing back.
    const current: ChannelState = { ...stable, rollout: rollout('stable', '1.2.0', 50), inStage: 5 };
    expect(keys(logic.previewRollout(current, v12, 50))).toEqual(['admPreviewSome', 'admPreviewSame']);
    expect(keys(logic.previewRollout(current, v12, 20))).toEqual(['admPreviewSome', 'admPreviewLower']);
    expect(keys(logic.previewRollout(current, v12, 80))).toEqual(['admPreviewSome']);
    // A beta release on stable is announced as a refusal; on beta it is fine.
    const beta = CATALOGUE[0]!;
    expect(keys(logic.previewRollout(stable, beta, 10))).toEqual(['admPreviewSome', 'admPreviewBetaOnStable', 'admPreviewKeep']);
    expect(keys(logic.previewRollout({ channel: 'beta', rollout: null, farms: 3, inStage: 0 }, beta, 100))).toEqual(['admPreviewAll']);
  });

  it('estimates the stage close to what the server’s stage function picks', () => {
    const farms = Array.from({ length: 400 }, (_, index) => `farm-${index}`);
    for (const percent of [5, 25, 50, 90]) {
      const real = farms.filter((farmId) => isInStage(farmId, '1.2.0', percent)).length;
      const estimate = logic.estimateInStage(farms.length, percent);
      expect(Math.abs(real - estimate), `${percent} %: ${real} farms vs ${estimate}`).toBeLessThanOrEqual(farms.length * 0.06);
    }
    expect(logic.estimateInStage(4, 0)).toBe(0);
    expect(logic.estimateInStage(4, 100)).toBe(4);
  });

  it('gives every sentence the values its placeholders name, in both languages', () => {
    const states: ChannelState[] = [
      { channel: 'stable', rollout: null, farms: 0, inStage: 0 },
      { channel: 'stable', rollout: rollout('stable', '1.2.0', 50), farms: 9, inStage: 4 },
      { channel: 'beta', rollout: null, farms: 2, inStage: 0 },
    ];
    const sentences = states.flatMap((state) => CATALOGUE.flatMap((item) => [0, 20, 50, 100].flatMap((percent) => logic.previewRollout(state, item, percent))));
    sentences.push(logic.releaseSize(4096), logic.releaseSize(1_966_080), logic.importSummary({ added: ['a'], updated: [], unchanged: 2, refused: [{}] }));
    const seen = new Set(sentences.map((sentence) => sentence.key));
    expect(seen.size).toBeGreaterThanOrEqual(11);
    for (const sentence of sentences) {
      for (const catalogue of [en, km]) expect(placeholders(catalogue[sentence.key]!), sentence.key).toEqual(Object.keys(sentence.values).sort());
    }
  });

  it('writes sizes in KB under a megabyte and in MB above', () => {
    expect(logic.releaseSize(4096)).toEqual({ key: 'admSizeKb', values: { size: 4 } });
    expect(logic.releaseSize(1536)).toEqual({ key: 'admSizeKb', values: { size: 1.5 } });
    expect(logic.releaseSize(1_966_080)).toEqual({ key: 'admSizeMb', values: { size: 1.9 } });
  });

  it('names each refusal in words and keeps the server’s message as detail', () => {
    expect(logic.failureKey('FIRMWARE_CHANNEL_MISMATCH', 'rollout')).toBe('admChannelMismatch');
    expect(logic.failureKey('NOT_FOUND', 'rollout')).toBe('admReleaseMissing');
    expect(logic.failureKey('FORBIDDEN', 'load')).toBe('admNotAdmin');
    expect(logic.failureKey('STORAGE_NOT_CONFIGURED', 'import')).toBe('admNoStorage');
    expect(logic.failureKey('STORAGE_FAILED', 'import')).toBe('admStorageFailed');
    expect(logic.failureKey('FIRMWARE_INDEX_INVALID', 'import')).toBe('admIndexInvalid');
    expect(logic.failureKey('INTERNAL', 'import')).toBe('admImportFailed');
    expect(logic.failureKey('VALIDATION_FAILED', 'rollout')).toBe('saveFailed');
    expect(logic.failureKey('NOT_FOUND', 'load')).toBe('errorGeneric');
    const mismatch = new ApiError('FIRMWARE_CHANNEL_MISMATCH', 409, 'Release 1.3.0-beta.1 is published on beta.');
    expect(logic.failure(mismatch, 'rollout')).toEqual({ kind: 'error', key: 'admChannelMismatch', detail: 'Release 1.3.0-beta.1 is published on beta.' });
    // No network: the words say so, and the client's own placeholder message is not shown as if the server said it.
    expect(logic.failure(new ApiError('UNREACHABLE', 0, 'The cloud did not answer.'), 'import')).toEqual({ kind: 'error', key: 'unreachable' });
    expect(logic.failure(new Error('boom'), 'load')).toEqual({ kind: 'error', key: 'errorGeneric' });
  });

  it('has every string of the page in Khmer, with the placeholders of the English one', () => {
    const pageKeys = Object.keys(en).filter((key) => key.startsWith('adm') || key === 'navAdminFirmware');
    expect(pageKeys.length).toBeGreaterThan(40);
    for (const key of pageKeys) {
      expect(km[key], key).toMatch(/[\u1780-\u17FF]/);
      expect(placeholders(km[key]!), key).toEqual(placeholders(en[key]!));
    }
  });
});
