import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { FarmFirmware as FarmFirmwareView, FirmwareChannel, FirmwareNode, FirmwareSettings } from '../api/types.js';
import { FeedbackLine, fill, type Feedback } from '../components/feedback-line.js';
import { Icon, type IconName } from '../components/icons.js';
import { LastSynced } from '../components/last-synced.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { localDigits, type Translate } from '../i18n/i18n.js';
import { replica, type ConfigDoc } from '../offline/replica-handle.js';
import { readSnapshot, writeSnapshot, type Snapshot } from '../offline/snapshots.js';
import { atLeast } from '../roles.js';
import { api, currentUser, roleOn, store } from '../state.js';
import { useStore } from '../store.js';

const CHANNELS: FirmwareChannel[] = ['stable', 'beta'];

const snapshotName = (farmId: string) => `firmware.${farmId}`;
const path = (farmId: string) => `/v1/farms/${encodeURIComponent(farmId)}/firmware`;

/** The last answer kept on this device, so the section opens with no network like the other screens. */
function savedFirmware(farmId: string): Snapshot<FarmFirmwareView> | null {
  const user = currentUser();
  return user ? readSnapshot<FarmFirmwareView>(user.id, snapshotName(farmId)) : null;
}

function keepFirmware(farmId: string, data: FarmFirmwareView): Snapshot<FarmFirmwareView> {
  const user = currentUser();
  return user ? writeSnapshot(user.id, snapshotName(farmId), data) : { savedAt: Date.now(), data };
}

/** An API refusal in the person's language, with the server's message as detail (it is English). */
function failure(error: unknown): Feedback {
  const code = error instanceof ApiError ? error.code : '';
  return { kind: 'error', key: code === 'FORBIDDEN' ? 'notAllowed' : code === 'UNREACHABLE' ? 'unreachable' : 'saveFailed', ...(error instanceof ApiError && code !== 'UNREACHABLE' ? { detail: error.message } : {}) };
}

/** A node's state against the farm's target: an icon and words, never a colour alone. */
function nodeStatus(t: Translate, node: FirmwareNode, targetVersion: string | null): { icon: IconName; tone: string; text: string } {
  if (node.upToDate === null || !targetVersion) return { icon: 'clock', tone: 'unknown', text: t('fwUnknownStatus') };
  if (node.upToDate) return { icon: 'check', tone: 'good', text: t('fwUpToDate') };
  if (node.compatible === false) return { icon: 'warning', tone: 'too_hot', text: t('fwIncompatible') };
  return { icon: 'clock', tone: 'unknown', text: `${t('fwWaiting')} ${targetVersion}` };
}

function NodeRow({ node, coopName, targetVersion }: { node: FirmwareNode; coopName: string | null; targetVersion: string | null }) {
  const { t, locale } = useT();
  const status = nodeStatus(t, node, targetVersion);
  return html`<li class="card" data-testid="firmware-node" data-node=${node.id}>
    <strong>${node.name}</strong>
    <p class="muted small">${coopName ?? t('fwNoCoop')}</p>
    <p>${t('fwVersion')}: <span class="fw-version" data-testid="node-version">${node.firmwareVersion}</span> · ${t('fwHardware')}: ${localDigits(locale, String(node.hardwareRevision))}</p>
    <span class=${`verdict verdict-${status.tone}`} data-testid="node-status"><${Icon} name=${status.icon} size=${18} /> ${status.text}</span>
  </li>`;
}

/** Channel and update window, saved together (owners and managers). */
function SettingsEditor({ farmId, settings, onSaved }: { farmId: string; settings: FirmwareSettings; onSaved: (view: FarmFirmwareView) => void }) {
  const { t } = useT();
  const state = useStore(store);
  const [channel, setChannel] = useState(settings.channel);
  const [start, setStart] = useState(settings.window.start);
  const [end, setEnd] = useState(settings.window.end);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  useEffect(() => {
    setChannel(settings.channel);
    setStart(settings.window.start);
    setEnd(settings.window.end);
  }, [settings.channel, settings.window.start, settings.window.end]);
  const save = async (event: Event) => {
    event.preventDefault();
    setFeedback(null);
    // The API refuses an empty window too; saying so here spares a round trip on a slow line.
    if (start === end) return setFeedback({ kind: 'error', key: 'fwWindowSame' });
    setBusy(true);
    try {
      onSaved(await api.put<FarmFirmwareView>(path(farmId), { channel, window: { start, end } }));
      setFeedback({ kind: 'ok', key: 'saved' });
    } catch (error) {
      setFeedback(failure(error));
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="card editor" onSubmit=${save} data-testid="firmware-settings">
    <h3>${t('fwSettings')}</h3>
    <fieldset>
      <legend>${t('fwChannel')}</legend>
      ${CHANNELS.map(
        (item) => html`<label class="choice" key=${item}>
          <input type="radio" name="firmware-channel" value=${item} checked=${channel === item} data-testid=${`channel-${item}`} onChange=${() => setChannel(item)} />
          <span><strong>${t(`channel_${item}`)}</strong><span class="muted small">${t(`channelHelp_${item}`)}</span></span>
        </label>`,
      )}
    </fieldset>
    <fieldset>
      <legend>${t('fwWindow')}</legend>
      <div class="two">
        <div>
          <label for="firmware-window-start">${t('fwWindowStart')}</label>
          <input id="firmware-window-start" type="time" required value=${start} onInput=${(event: Event) => setStart((event.target as HTMLInputElement).value)} />
        </div>
        <div>
          <label for="firmware-window-end">${t('fwWindowEnd')}</label>
          <input id="firmware-window-end" type="time" required value=${end} onInput=${(event: Event) => setEnd((event.target as HTMLInputElement).value)} />
        </div>
      </div>
      <p class="muted small">${t('fwWindowHelp')}</p>
    </fieldset>
    <button type="submit" class="main wide" disabled=${busy || !state.reachable} data-testid="save-firmware">${busy ? t('saving') : t('save')}</button>
    <${FeedbackLine} feedback=${feedback} testId="firmware-feedback" />
  </form>`;
}

/** Pause or resume at once: a single tap, since it is the control an owner reaches for in a hurry. */
function PauseButton({ farmId, paused, onSaved }: { farmId: string; paused: boolean; onSaved: (view: FarmFirmwareView) => void }) {
  const { t } = useT();
  const state = useStore(store);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const toggle = async () => {
    setBusy(true);
    setFeedback(null);
    try {
      onSaved(await api.put<FarmFirmwareView>(path(farmId), { paused: !paused }));
      setFeedback({ kind: 'ok', key: 'saved' });
    } catch (error) {
      setFeedback(failure(error));
    } finally {
      setBusy(false);
    }
  };
  return html`<button type="button" class="wide" data-testid="toggle-pause" disabled=${busy || !state.reachable} onClick=${toggle}>
      <${Icon} name=${paused ? 'play' : 'pause'} /> ${busy ? t('saving') : t(paused ? 'fwResume' : 'fwPause')}
    </button>
    <${FeedbackLine} feedback=${feedback} testId="pause-feedback" />`;
}

/**
 * What, in the farm's offline copy, changes the firmware answer: a board reporting a new version
 * (its `nodes` document) or a new target for the farm (`firmware_targets`). The copy's stream
 * brings both live, so the section asks the API again when this changes.
 */
function firmwareChangeKey(farmId: string, docs: { nodes: ConfigDoc[]; firmware_targets: ConfigDoc[] }, copyFarmId: string | null): string {
  if (copyFarmId !== farmId) return '';
  return [...docs.nodes, ...docs.firmware_targets].map((doc) => `${doc.id}@${String(doc.hlc)}`).sort().join(',');
}

/**
 * A farm's board firmware: the release the cloud targets, each board's version against it, and
 * the update settings (channel, window on the farm's clock, pause). Every member reads; owners
 * and managers change the settings. The last answer is kept on the device for offline reading.
 */
export function FarmFirmware({ farmId }: { farmId: string }) {
  const { t, locale } = useT();
  const state = useStore(store);
  const canEdit = atLeast(roleOn(farmId), 'manager');
  const [snapshot, setSnapshot] = useState<Snapshot<FarmFirmwareView> | null>(() => savedFirmware(farmId));
  const [failed, setFailed] = useState<MessageKey | null>(null);
  const copy = useStore(replica);
  const changeKey = firmwareChangeKey(farmId, copy.docs, copy.farmId);
  useEffect(() => {
    setSnapshot(savedFirmware(farmId));
  }, [farmId]);
  useEffect(() => {
    setFailed(null);
    let current = true;
    api.get<FarmFirmwareView>(path(farmId)).then(
      (view) => current && setSnapshot(keepFirmware(farmId, view)),
      (error: unknown) => current && setFailed(error instanceof ApiError && error.code === 'UNREACHABLE' ? 'unreachable' : 'errorGeneric'),
    );
    return () => {
      current = false;
    };
  }, [farmId, changeKey]);
  const saved = (view: FarmFirmwareView) => setSnapshot(keepFirmware(farmId, view));
  const timeZone = state.farm[farmId]?.data.timeZone;
  const title = html`<h2>${t('firmwareTitle')}</h2>`;
  if (!snapshot) {
    return html`${title}${failed ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> ${t(failed)}</p>` : html`<p class="muted">${t('loading')}</p>`}`;
  }
  const view = snapshot.data;
  const release = view.target?.release ?? null;
  const coops = state.farm[farmId]?.data.coops ?? [];
  const coopName = (coopId: string | null) => (coopId ? (coops.find((coop) => coop.id === coopId)?.name ?? null) : null);
  const { window, paused, channel } = view.settings;
  const rollout = view.rollout;
  const rolloutText = rollout
    ? fill(t(rollout.inStage ? 'fwRolloutIn' : 'fwRolloutOutside'), { version: rollout.version, percent: rollout.percent }, locale)
    : t('fwNoRollout');
  return html`${title}
    <${LastSynced} at=${snapshot.savedAt} timeZone=${timeZone} testId="firmware-synced" />
    ${failed === 'errorGeneric' ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> ${t(failed)}</p>` : null}
    <section class="card" data-testid="firmware-target">
      <h3>${t('fwTarget')}</h3>
      ${release
        ? html`<p><span class="fw-version" data-testid="target-version">${release.version}</span></p>
            ${release.minHardwareRevision > 0 ? html`<p class="muted small">${t('fwNeedsRevision')}: ${localDigits(locale, String(release.minHardwareRevision))}</p>` : null}
            ${release.notes ? html`<p class="small"><strong>${t('fwNotes')}:</strong> <span class="fw-notes" data-testid="target-notes">${release.notes}</span></p>` : null}`
        : html`<p data-testid="target-version-none">${t('fwNoTarget')}</p>`}
      <p class=${rollout && !rollout.inStage ? 'feedback' : 'small'} data-testid="firmware-rollout" data-in-stage=${rollout ? String(rollout.inStage) : 'none'}>
        <${Icon} name=${rollout && !rollout.inStage ? 'clock' : 'cloud'} size=${18} /> <span>${rolloutText}</span>
      </p>
    </section>
    <section class="card" data-testid="firmware-summary">
      <p>${t('fwChannel')}: <strong data-testid="firmware-channel">${t(`channel_${channel}`)}</strong></p>
      <p>${t('fwWindow')}: <strong data-testid="firmware-window">${localDigits(locale, `${window.start}–${window.end}`)}</strong> ${t('fwFarmTime')}</p>
      <div class="fw-status">
        <span class=${`verdict verdict-${paused ? 'too_hot' : 'good'}`} data-testid="firmware-paused" data-paused=${String(paused)}>
          <${Icon} name=${paused ? 'pause' : 'check'} size=${18} /> ${t(paused ? 'fwStatePaused' : 'fwStateActive')}
        </span>
      </div>
      ${paused ? html`<p class="muted small">${t('fwPausedHelp')}</p>` : null}
      ${canEdit ? html`<${PauseButton} farmId=${farmId} paused=${paused} onSaved=${saved} />` : html`<p class="muted small" data-testid="firmware-read-only">${t('notAllowed')}</p>`}
    </section>
    ${canEdit ? html`<${SettingsEditor} farmId=${farmId} settings=${view.settings} onSaved=${saved} />` : null}
    <h3 class="section">${t('fwBoards')}</h3>
    ${view.nodes.length === 0
      ? html`<p class="card">${t('fwNoBoards')}</p>`
      : html`<ul class="sensors" data-testid="firmware-nodes">
          ${view.nodes.map((node) => html`<${NodeRow} key=${node.id} node=${node} coopName=${coopName(node.coopId)} targetVersion=${release?.version ?? null} />`)}
        </ul>`}`;
}
