import { useEffect, useState } from 'preact/hooks';
import type { CatalogueRelease, ChannelState, RolloutAnswer } from '../api/types.js';
import { FeedbackLine, type Feedback } from '../components/feedback-line.js';
import { Icon } from '../components/icons.js';
import { LastSynced } from '../components/last-synced.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { readSnapshot, writeSnapshot, type Snapshot } from '../offline/snapshots.js';
import { api, currentUser, store } from '../state.js';
import { useStore } from '../store.js';
import { ChannelCard } from './admin-firmware-channel.js';
import { CatalogueSection } from './admin-firmware-catalogue.js';
import { failure } from './admin-firmware-logic.js';

interface AdminFirmwareView {
  releases: CatalogueRelease[];
  channels: ChannelState[];
}

const SNAPSHOT = 'admin.firmware';

/** The last answers kept on this device, so the page opens with no network like the others (read-only then). */
function saved(): Snapshot<AdminFirmwareView> | null {
  const user = currentUser();
  return user ? readSnapshot<AdminFirmwareView>(user.id, SNAPSHOT) : null;
}

function keep(view: AdminFirmwareView): Snapshot<AdminFirmwareView> {
  const user = currentUser();
  return user ? writeSnapshot(user.id, SNAPSHOT, view) : { savedAt: Date.now(), data: view };
}

async function fetchView(): Promise<AdminFirmwareView> {
  const [releases, channels] = await Promise.all([api.get<CatalogueRelease[]>('/v1/firmware/releases'), api.get<ChannelState[]>('/v1/admin/firmware/channels')]);
  return { releases, channels };
}

/**
 * Platform administrators' firmware page: each channel's rollout with its editor, and the
 * release catalogue with "Import now". Edits are refused while the cloud does not answer.
 */
export function AdminFirmware() {
  const { t } = useT();
  const { reachable } = useStore(store);
  const [snapshot, setSnapshot] = useState<Snapshot<AdminFirmwareView> | null>(saved);
  const [failed, setFailed] = useState<Feedback | null>(null);
  const reload = async () => {
    setSnapshot(keep(await fetchView()));
    setFailed(null);
  };
  useEffect(() => {
    let current = true;
    fetchView().then(
      (view) => current && setSnapshot(keep(view)),
      (error: unknown) => current && setFailed(failure(error, 'load')),
    );
    return () => {
      current = false;
    };
  }, []);
  const applyRollout = (answer: RolloutAnswer) =>
    setSnapshot((before) => {
      if (!before) return before;
      const channels = before.data.channels.map((item) => (item.channel === answer.rollout.channel ? { channel: item.channel, rollout: answer.rollout, farms: answer.farms, inStage: answer.inStage } : item));
      return keep({ ...before.data, channels });
    });

  return html`<h1>${t('admTitle')}</h1>
    <p class="muted small">${t('admIntro')}</p>
    <${LastSynced} at=${snapshot?.savedAt} testId="admin-synced" />
    ${reachable ? null : html`<p class="feedback warn" data-testid="admin-offline"><${Icon} name="offline" /> <span>${t('admOffline')}</span></p>`}
    <${FeedbackLine} feedback=${failed && !(failed.key === 'unreachable' && snapshot) ? failed : null} testId="admin-load-error" />
    ${snapshot
      ? html`<div class="channels">
            ${snapshot.data.channels.map((state) => html`<${ChannelCard} key=${state.channel} state=${state} releases=${snapshot.data.releases} onSaved=${applyRollout} />`)}
          </div>
          <${CatalogueSection} releases=${snapshot.data.releases} onImported=${reload} />`
      : failed
        ? null
        : html`<p class="muted">${t('loading')}</p>`}`;
}
