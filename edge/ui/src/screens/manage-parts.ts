import { useEffect, useState } from 'preact/hooks';
import type { CoopView, NodeView, PublicUser, Role } from '../api/types.js';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { api, refreshCoops } from '../state.js';

/** Rename coops and add new ones (manager+). */
export function CoopsEditor({ coops }: { coops: CoopView[] }) {
  const { t } = useT();
  const add = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name) return;
    await api.post('/api/coops', { name });
    form.reset();
    await refreshCoops();
  };
  const rename = (coop: CoopView) => async (event: Event) => {
    event.preventDefault();
    const name = String(new FormData(event.target as HTMLFormElement).get('name') ?? '').trim();
    if (name && name !== coop.name) await api.patch(`/api/coops/${encodeURIComponent(coop.id)}`, { name });
    await refreshCoops();
  };
  return html`<div class="editor" data-testid="coops-editor">
    ${coops.map(
      (coop) => html`<form class="row" onSubmit=${rename(coop)}>
        <label for=${`coop-name-${coop.id}`}>${t('coopName')}</label>
        <input id=${`coop-name-${coop.id}`} name="name" defaultValue=${coop.name} maxlength="80" required />
        <button type="submit" class="secondary">${t('rename')}</button>
      </form>`,
    )}
    <form class="row" onSubmit=${(event: Event) => void add(event).catch(() => undefined)}>
      <label for="new-coop">${t('coopName')}</label>
      <input id="new-coop" name="name" maxlength="80" required />
      <button type="submit" class="main"><${Icon} name="plus" /> ${t('addCoop')}</button>
    </form>
  </div>`;
}

/** Assign each board (ESP32 node) to a coop. */
export function NodesEditor({ coops }: { coops: CoopView[] }) {
  const { t } = useT();
  const [nodes, setNodes] = useState<NodeView[] | null>(null);
  const load = () => api.get<{ nodes: NodeView[] }>('/api/nodes').then(({ nodes: list }) => setNodes(list));
  useEffect(() => void load().catch(() => undefined), []);
  const assign = async (node: NodeView, coopId: string) => {
    await api.patch(`/api/nodes/${encodeURIComponent(node.id)}`, { coopId: coopId === '' ? null : coopId });
    await Promise.all([load(), refreshCoops()]);
  };
  if (!nodes) return html`<p class="muted">${t('loading')}</p>`;
  return html`<ul class="editor">
    ${nodes.map(
      (node) => html`<li class="row">
        <label for=${`node-${node.id}`}>${node.name} · ${node.online ? t('online') : t('offline')}</label>
        <select id=${`node-${node.id}`} value=${node.coopId ?? ''} onChange=${(event: Event) => void assign(node, (event.target as HTMLSelectElement).value).catch(() => undefined)}>
          <option value="">${t('unassigned')}</option>
          ${coops.map((coop) => html`<option value=${coop.id}>${coop.name}</option>`)}
        </select>
      </li>`,
    )}
  </ul>`;
}

const ROLES: Role[] = ['worker', 'viewer', 'manager', 'owner'];

/** The farm's people and their roles (owner only). */
export function UsersEditor() {
  const { t } = useT();
  const [users, setUsers] = useState<PublicUser[] | null>(null);
  const load = () => api.get<{ users: PublicUser[] }>('/api/users').then(({ users: list }) => setUsers(list));
  useEffect(() => void load().catch(() => undefined), []);
  const add = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    await api.post('/api/users', {
      username: String(data.get('username')),
      displayName: String(data.get('displayName')),
      password: String(data.get('password')),
      role: String(data.get('role')),
    });
    form.reset();
    await load();
  };
  return html`<div class="editor">
    <ul>
      ${(users ?? []).map((user) => html`<li class="row user"><span>${user.displayName} (${user.username})</span> <span class="tag">${t(`role_${user.role}` as MessageKey)}</span></li>`)}
    </ul>
    <form onSubmit=${(event: Event) => void add(event).catch(() => undefined)}>
      <label for="new-user-name">${t('displayName')}</label>
      <input id="new-user-name" name="displayName" required maxlength="80" />
      <label for="new-user-username">${t('username')}</label>
      <input id="new-user-username" name="username" required autocapitalize="none" />
      <label for="new-user-password">${t('password')}</label>
      <input id="new-user-password" name="password" type="password" required minlength="8" autocomplete="new-password" />
      <label for="new-user-role">${t('role')}</label>
      <select id="new-user-role" name="role">${ROLES.map((role) => html`<option value=${role}>${t(`role_${role}` as MessageKey)}</option>`)}</select>
      <button type="submit" class="main wide"><${Icon} name="plus" /> ${t('addUser')}</button>
    </form>
  </div>`;
}
