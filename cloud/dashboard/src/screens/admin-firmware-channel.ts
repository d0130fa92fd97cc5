import { useEffect, useState } from 'preact/hooks';
import type { CatalogueRelease, ChannelState, RolloutAnswer } from '../api/types.js';
import { FeedbackLine, fill, type Feedback } from '../components/feedback-line.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { formatWhen, localDigits } from '../i18n/i18n.js';
import { api, store } from '../state.js';
import { useStore } from '../store.js';
import { failure, findRelease, initialRelease, parsePercent, previewRollout, releaseId } from './admin-firmware-logic.js';

/** Sentences that warn rather than inform get the warning look (an icon and a border, not a colour alone). */
const WARNINGS = new Set(['admPreviewBetaOnStable', 'admPreviewLower']);

/**
 * One channel: its rollout, how many farms are on it and in the stage, and the editor (release
 * and percentage, what that will do, then a confirmation before anything is sent).
 */
export function ChannelCard({ state, releases, onSaved }: { state: ChannelState; releases: CatalogueRelease[]; onSaved: (answer: RolloutAnswer) => void }) {
  const { t, locale } = useT();
  const { reachable } = useStore(store);
  const { channel, rollout } = state;
  const [choice, setChoice] = useState(() => initialRelease(channel, releases, rollout));
  const [percentText, setPercentText] = useState(() => (rollout ? String(rollout.percent) : ''));
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  // The catalogue may arrive or change (an import) after the card: keep the choice if it still exists.
  useEffect(() => {
    if (!findRelease(releases, choice)) setChoice(initialRelease(channel, releases, rollout));
  }, [releases]);

  const release = findRelease(releases, choice);
  const percent = parsePercent(percentText);
  const preview = release && percent !== null ? previewRollout(state, release, percent) : [];
  const id = (name: string) => `${name}-${channel}`;

  const review = (event: Event) => {
    event.preventDefault();
    setFeedback(null);
    if (!release) return setFeedback({ kind: 'error', key: 'admPickRelease' });
    if (percent === null) return setFeedback({ kind: 'error', key: 'admPercentInvalid' });
    setConfirming(true);
  };
  const confirm = async () => {
    if (!release || percent === null) return;
    setBusy(true);
    try {
      const answer = await api.put<RolloutAnswer>(`/v1/admin/firmware/channels/${channel}`, { version: release.version, board: release.board, percent });
      onSaved(answer);
      setFeedback({ kind: 'ok', key: 'admSaved', values: { inStage: answer.inStage, farms: answer.farms, version: answer.rollout.version, percent: answer.rollout.percent } });
    } catch (error) {
      setFeedback(failure(error, 'rollout'));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  // Any change after "Roll out…" asks again: the confirmation must describe what is sent.
  const edit = (apply: () => void) => {
    apply();
    setConfirming(false);
  };

  return html`<section class="card channel" data-testid=${id('channel')} aria-labelledby=${id('channel-title')}>
    <h2 id=${id('channel-title')}>${t('fwChannel')}: ${t(`channel_${channel}`)}</h2>
    <p data-testid="channel-rollout" data-version=${rollout?.version ?? ''}>
      ${rollout ? fill(t('admCurrent'), { version: rollout.version, percent: rollout.percent }, locale) : t('fwNoRollout')}
    </p>
    <dl class="facts">
      <dt>${t('admFarmsOnChannel')}</dt>
      <dd data-testid="channel-farms">${localDigits(locale, String(state.farms))}</dd>
      <dt>${t('admFarmsInStage')}</dt>
      <dd data-testid="channel-in-stage">${localDigits(locale, String(state.inStage))}</dd>
      ${rollout
        ? html`<dt>${t('admChangedAt')}</dt>
            <dd><time datetime=${new Date(rollout.updatedAt).toISOString()}>${formatWhen(locale, rollout.updatedAt, undefined)}</time></dd>`
        : null}
    </dl>
    <form class="editor" noValidate onSubmit=${review} data-testid=${id('rollout-form')}>
      <h3>${t('admEditor')}</h3>
      <label for=${id('release')}>${t('admRelease')}</label>
      <select id=${id('release')} value=${choice} data-testid="rollout-release" onChange=${(event: Event) => edit(() => setChoice((event.target as HTMLSelectElement).value))}>
        ${choice === '' ? html`<option value="" disabled>${t('admNoReleaseChoice')}</option>` : null}
        ${releases.map((item) => html`<option key=${releaseId(item)} value=${releaseId(item)}>${item.version} · ${t(`channel_${item.channel}`)} · ${item.board}</option>`)}
      </select>
      <label for=${id('percent')}>${t('admPercent')}</label>
      <input
        id=${id('percent')}
        type="text"
        inputmode="numeric"
        autocomplete="off"
        value=${percentText}
        aria-describedby=${id('percent-help')}
        data-testid="rollout-percent"
        onInput=${(event: Event) => edit(() => setPercentText((event.target as HTMLInputElement).value))}
      />
      <p id=${id('percent-help')} class="muted small">${t('admPercentHelp')}</p>
      <div class="preview" aria-live="polite" data-testid="rollout-preview">
        ${preview.map(
          (sentence) => html`<p key=${sentence.key} class=${WARNINGS.has(sentence.key) ? 'feedback warn' : 'small'} data-key=${sentence.key}>
            ${WARNINGS.has(sentence.key) ? html`<${Icon} name="warning" size=${18} />` : null}<span>${fill(t(sentence.key), sentence.values, locale)}</span>
          </p>`,
        )}
      </div>
      ${confirming
        ? html`<div class="confirm" data-testid="rollout-confirm">
            <p><strong>${t('admConfirmQuestion')}</strong></p>
            <div class="two">
              <button type="button" class="main" data-testid="confirm-rollout" disabled=${busy || !reachable} onClick=${confirm}>${busy ? t('saving') : t('admConfirm')}</button>
              <button type="button" data-testid="cancel-rollout" disabled=${busy} onClick=${() => setConfirming(false)}>${t('admCancel')}</button>
            </div>
          </div>`
        : html`<button type="submit" class="main wide" data-testid="review-rollout" disabled=${!reachable || releases.length === 0}>${t('admReview')}</button>`}
      <${FeedbackLine} feedback=${feedback} testId="rollout-feedback" />
    </form>
  </section>`;
}
