/**
 * The firmware rollouts page's pure pieces: the percentage a person typed, the release an editor
 * starts on, the sentences saying what a rollout will do, sizes, and which words an API refusal
 * gets. No DOM and no network, so they run in node.
 */
import { ApiError } from '../api/client.js';
import type { CatalogueRelease, ChannelState, FirmwareChannel } from '../api/types.js';
import type { Feedback } from '../components/feedback-line.js';
import type { MessageKey } from '../i18n/en.js';

/** A catalogue sentence and the values of its placeholders. */
export interface Sentence {
  key: MessageKey;
  values: Record<string, string | number>;
}

type ReleaseRef = { version: string; board: string };

const KHMER_DIGITS = '០១២៣៤៥៦៧៨៩';

/** A whole percentage from 0 to 100, typed in Western or Khmer digits ("50", "៥០", "50 %"); null otherwise. */
export function parsePercent(text: string): number | null {
  const western = text
    .trim()
    .replace(/[០-៩]/g, (digit) => String(KHMER_DIGITS.indexOf(digit)))
    .replace(/\s*%$/, '');
  if (!/^\d{1,3}$/.test(western)) return null;
  const percent = Number(western);
  return percent <= 100 ? percent : null;
}

/** The catalogue key of a release (one image per version and board), as the select's value. */
export function releaseId(release: ReleaseRef): string {
  return `${release.version}/${release.board}`;
}

export function findRelease(catalogue: readonly CatalogueRelease[], id: string): CatalogueRelease | undefined {
  return catalogue.find((release) => releaseId(release) === id);
}

/** Whether a channel takes a release: stable only stable releases, beta either (as the server checks). */
export function channelTakes(channel: FirmwareChannel, release: Pick<CatalogueRelease, 'channel'>): boolean {
  return channel === 'beta' || release.channel === 'stable';
}

/**
 * The release a channel's editor starts on: the one it is rolling out, else the newest the
 * channel takes (the catalogue comes newest first), else none.
 */
export function initialRelease(channel: FirmwareChannel, catalogue: readonly CatalogueRelease[], rollout: ReleaseRef | null): string {
  if (rollout && findRelease(catalogue, releaseId(rollout))) return releaseId(rollout);
  const newest = catalogue.find((release) => channelTakes(channel, release));
  return newest ? releaseId(newest) : '';
}

/**
 * How many of `farms` a rollout at `percent` takes, roughly: a farm's stage is a hash of its id
 * and the version, which the page does not know for farms the administrator is no member of.
 * The server answers the exact number once saved.
 */
export function estimateInStage(farms: number, percent: number): number {
  return Math.round((farms * percent) / 100);
}

/** What saving this rollout will do, in sentences, the first one being "N of M farms will be offered v". */
export function previewRollout(state: ChannelState, release: CatalogueRelease, percent: number): Sentence[] {
  const { version } = release;
  const sentences: Sentence[] = [];
  if (state.farms === 0) sentences.push({ key: 'admPreviewNoFarms', values: { version } });
  else if (percent === 0) sentences.push({ key: 'admPreviewNone', values: { version } });
  else if (percent === 100) sentences.push({ key: 'admPreviewAll', values: { farms: state.farms, version } });
  else sentences.push({ key: 'admPreviewSome', values: { count: estimateInStage(state.farms, percent), farms: state.farms, percent, version } });
  // The page's catalogue may be older than the server's (a promotion imported since): it warns, the server decides.
  if (!channelTakes(state.channel, release)) sentences.push({ key: 'admPreviewBetaOnStable', values: { version } });
  const current = state.rollout;
  if (current && releaseId(current) === releaseId(release)) {
    if (percent === current.percent) sentences.push({ key: 'admPreviewSame', values: {} });
    // Lowering never takes a release back (docs/cloud/firmware.md): say so before someone relies on it.
    else if (percent < current.percent) sentences.push({ key: 'admPreviewLower', values: { version } });
  } else if (state.farms > 0 && percent < 100) {
    sentences.push({ key: 'admPreviewKeep', values: {} });
  }
  return sentences;
}

/** An image's size in KB (under 1 MB) or MB, one decimal. */
export function releaseSize(bytes: number): Sentence {
  const mb = 1024 * 1024;
  if (bytes >= mb) return { key: 'admSizeMb', values: { size: Math.round((bytes / mb) * 10) / 10 } };
  return { key: 'admSizeKb', values: { size: Math.max(0.1, Math.round((bytes / 1024) * 10) / 10) } };
}

export type AdminAction = 'load' | 'import' | 'rollout';

/** The words for an API refusal of `action` (the server's English message goes with them as detail). */
export function failureKey(code: string, action: AdminAction): MessageKey {
  switch (code) {
    case 'UNREACHABLE':
      return 'unreachable';
    case 'FORBIDDEN':
      return 'admNotAdmin';
    case 'FIRMWARE_CHANNEL_MISMATCH':
      return 'admChannelMismatch';
    case 'STORAGE_NOT_CONFIGURED':
      return 'admNoStorage';
    case 'STORAGE_FAILED':
      return 'admStorageFailed';
    case 'FIRMWARE_INDEX_INVALID':
      return 'admIndexInvalid';
    case 'NOT_FOUND':
      if (action === 'rollout') return 'admReleaseMissing';
      break;
  }
  return action === 'import' ? 'admImportFailed' : action === 'rollout' ? 'saveFailed' : 'errorGeneric';
}

/** The import report in one sentence of counts; the names and the refusals are listed under it. */
export function importSummary(report: { added: string[]; updated: string[]; unchanged: number; refused: unknown[] }): Sentence {
  return { key: 'admImported', values: { added: report.added.length, updated: report.updated.length, unchanged: report.unchanged, refused: report.refused.length } };
}

/** An API refusal as feedback: words for the code, and the server's English message as detail. */
export function failure(error: unknown, action: AdminAction): Feedback {
  const code = error instanceof ApiError ? error.code : '';
  return { kind: 'error', key: failureKey(code, action), ...(error instanceof ApiError && code !== 'UNREACHABLE' ? { detail: error.message } : {}) };
}
