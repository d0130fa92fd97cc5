import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { Member, Role } from '../api/types.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { api } from '../state.js';

const ROLES: Role[] = ['owner', 'manager', 'worker', 'viewer'];
type Feedback = { kind: 'ok' | 'error'; key: MessageKey; detail?: string };

/** A refusal in the person's words; CONFLICT on these routes means the farm would have no owner left. */
function refusal(error: unknown): Feedback {
  const code = error instanceof ApiError ? error.code : '';
  const key: MessageKey = code === 'FORBIDDEN' ? 'notAllowed' : code === 'UNREACHABLE' ? 'unreachable' : code === 'CONFLICT' ? 'memberLastOwner' : 'saveFailed';
  return { kind: 'error', key, ...(error instanceof ApiError && code !== 'UNREACHABLE' ? { detail: error.message } : {}) };
}

/**
 * One person of the farm. Owners change the role or remove the person (after a confirmation);
 * the server keeps at least one owner and says so when asked to remove or demote the last one.
 */
export function MemberRow({ farmId, member, canManage, onChanged }: { farmId: string; member: Member; canManage: boolean; onChanged: () => void }) {
  const { t } = useT();
  const [role, setRole] = useState<Role>(member.role);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const path = `/v1/farms/${encodeURIComponent(farmId)}/members/${encodeURIComponent(member.userId)}`;
  const run = async (action: () => Promise<unknown>, done: MessageKey) => {
    setBusy(true);
    setFeedback(null);
    try {
      await action();
      setFeedback({ kind: 'ok', key: done });
      onChanged();
    } catch (error) {
      setFeedback(refusal(error));
      setRole(member.role);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const id = `member-role-${member.userId}`;
  return html`<li class="card user" data-testid="member" data-user=${member.userId}>
    <div class="member-head">
      <span><strong>${member.name}</strong><br /><span class="muted small">${member.email ?? member.phone ?? ''}</span></span>
      <span class="tag" data-testid="member-role">${t(`role_${member.role}`)}</span>
    </div>
    ${canManage
      ? html`<div class="member-edit">
          <label for=${id}>${t('role')}</label>
          <select id=${id} value=${role} disabled=${busy} onChange=${(event: Event) => setRole((event.target as HTMLSelectElement).value as Role)}>
            ${ROLES.map((item) => html`<option value=${item}>${t(`role_${item}`)}</option>`)}
          </select>
          <div class="command-buttons">
            <button type="button" disabled=${busy || role === member.role} data-testid="member-save-role" onClick=${() => void run(() => api.patch(path, { role }), 'memberRoleSaved')}>
              <${Icon} name="check" /> ${t('memberChangeRole')}
            </button>
            ${confirming
              ? null
              : html`<button type="button" disabled=${busy} data-testid="member-remove" onClick=${() => setConfirming(true)}><${Icon} name="minus" /> ${t('memberRemove')}</button>`}
          </div>
          ${confirming
            ? html`<div class="feedback error" role="alert" data-testid="member-confirm">
                <span>${t('memberRemoveConfirm').replace('{name}', member.name)}</span>
              </div>
              <div class="command-buttons">
                <button type="button" class="main" disabled=${busy} data-testid="member-remove-yes" onClick=${() => void run(() => api.delete(path), 'memberRemoved')}>${t('memberRemoveYes')}</button>
                <button type="button" disabled=${busy} onClick=${() => setConfirming(false)}>${t('cancel')}</button>
              </div>`
            : null}
        </div>`
      : null}
    ${feedback
      ? html`<p class=${`feedback ${feedback.kind}`} role="status" data-testid="member-feedback"><${Icon} name=${feedback.kind === 'ok' ? 'check' : 'warning'} size=${18} /> ${t(feedback.key)}${feedback.detail ? html` <span lang="en">(${feedback.detail})</span>` : null}</p>`
      : null}
  </li>`;
}
