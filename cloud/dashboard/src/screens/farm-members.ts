import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { Invitation, Member, Role } from '../api/types.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { formatWhen } from '../i18n/i18n.js';
import { atLeast } from '../roles.js';
import { api, roleOn, store } from '../state.js';
import { useStore } from '../store.js';
import { FarmActivity } from './farm-activity.js';
import { MemberRow } from './farm-member-row.js';

/** The farm's people (managers and owners see them) and invitations by email or phone. */
export function FarmMembers({ farmId }: { farmId: string }) {
  const { t, locale } = useT();
  const state = useStore(store);
  const role = roleOn(farmId);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [failed, setFailed] = useState<MessageKey | null>(null);
  const [contact, setContact] = useState('');
  const [inviteRole, setInviteRole] = useState<Role>('worker');
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [inviteError, setInviteError] = useState<{ key: MessageKey; detail?: string } | null>(null);
  const [loaded, setLoaded] = useState(0);
  useEffect(() => {
    if (!atLeast(role, 'manager')) return;
    void api.get<Member[]>(`/v1/farms/${encodeURIComponent(farmId)}/members`).then(setMembers, (error: unknown) => setFailed(error instanceof ApiError && error.code === 'UNREACHABLE' ? 'unreachable' : 'errorGeneric'));
  }, [farmId, role, loaded]);
  if (!atLeast(role, 'manager')) return html`<h2>${t('membersTitle')}</h2><p class="card">${t('notAllowed')}</p>`;
  const roles: Role[] = role === 'owner' ? ['owner', 'manager', 'worker', 'viewer'] : ['worker', 'viewer'];
  const invite = async (event: Event) => {
    event.preventDefault();
    setInviteError(null);
    setInvitation(null);
    const value = contact.trim();
    const body = value.includes('@') ? { email: value, role: inviteRole } : { phone: value.replace(/[\s-]/g, ''), role: inviteRole };
    try {
      setInvitation(await api.post<Invitation>(`/v1/farms/${encodeURIComponent(farmId)}/invitations`, body));
    } catch (error) {
      setInviteError({ key: error instanceof ApiError && error.code === 'FORBIDDEN' ? 'notAllowed' : 'saveFailed', ...(error instanceof ApiError && error.code !== 'UNREACHABLE' ? { detail: error.message } : {}) });
    }
  };
  return html`<h2>${t('membersTitle')}</h2>
    ${failed ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> ${t(failed)}</p>` : null}
    ${members === null && !failed ? html`<p class="muted">${t('loading')}</p>` : null}
    ${members
      ? html`<ul class="sensors" data-testid="members">
          ${members.map(
            (member) => html`<${MemberRow} key=${`${member.userId}-${member.role}`} farmId=${farmId} member=${member} canManage=${role === 'owner' && state.reachable} onChanged=${() => setLoaded((n) => n + 1)} />`,
          )}
        </ul>`
      : null}
    <form class="card" onSubmit=${invite}>
      <h3>${t('invite')}</h3>
      <label for="invite-contact">${t('inviteContact')}</label>
      <input id="invite-contact" required value=${contact} autocomplete="off" onInput=${(event: Event) => setContact((event.target as HTMLInputElement).value)} />
      <label for="invite-role">${t('role')}</label>
      <select id="invite-role" value=${inviteRole} onChange=${(event: Event) => setInviteRole((event.target as HTMLSelectElement).value as Role)}>
        ${roles.map((item) => html`<option value=${item}>${t(`role_${item}`)}</option>`)}
      </select>
      <button type="submit" class="main wide" disabled=${!state.reachable}>${t('createInvite')}</button>
      ${inviteError ? html`<p class="feedback error" role="alert"><${Icon} name="warning" /> ${t(inviteError.key)}${inviteError.detail ? html` <span lang="en">(${inviteError.detail})</span>` : null}</p>` : null}
      ${invitation
        ? html`<div class="feedback ok" role="status" data-testid="invitation">
            <div>${t('inviteCode')}: <strong class="code">${invitation.code}</strong><br />${t('inviteExpires')}: ${formatWhen(locale, invitation.expiresAt, undefined)}<br /><span class="small">${t('inviteHint')}</span></div>
          </div>`
        : null}
    </form>
    ${role === 'owner' ? html`<${FarmActivity} farmId=${farmId} />` : null}`;
}
