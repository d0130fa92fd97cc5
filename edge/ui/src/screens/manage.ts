import { useEffect } from 'preact/hooks';
import { Icon } from '../components/icons.js';
import { useT } from '../components/use-t.js';
import { html } from '../html.js';
import { refreshCoops, signOut, store } from '../state.js';
import { useStore } from '../store.js';
import { CoopsEditor, NodesEditor, UsersEditor } from './manage-parts.js';
import { AlarmSettingsEditor } from './alarm-settings-editor.js';
import { ClimateEditor } from './climate-editor.js';
import { SchedulesEditor } from './schedules-editor.js';

/** Manager screens: coops, boards, people, schedules, temperature bands, stages, curves, flocks and alarm limits. */
export function ManageScreen() {
  const { t } = useT();
  const { coops, session } = useStore(store);
  useEffect(() => void refreshCoops().catch(() => undefined), []);
  const role = session?.user.role;
  return html`<section>
    <h1>${t('manageTitle')}</h1>
    <h2>${t('coopsSection')}</h2>
    ${coops ? html`<${CoopsEditor} coops=${coops} />` : null}
    <h2>${t('nodesSection')}</h2>
    ${coops ? html`<${NodesEditor} coops=${coops} />` : null}
    ${role === 'owner' ? html`<h2>${t('usersSection')}</h2><${UsersEditor} />` : null}
    <h2>${t('schedulesSection')}</h2>
    ${coops ? html`<${SchedulesEditor} coops=${coops} />` : null}
    <h2>${t('climateSection')} · ${t('flockSection')}</h2>
    ${coops ? html`<${ClimateEditor} coops=${coops} />` : null}
    <h2>${t('alarmSettingsSection')}</h2>
    ${coops ? html`<${AlarmSettingsEditor} coops=${coops} />` : null}
    <button type="button" class="secondary wide" onClick=${() => void signOut()}><${Icon} name="logout" /> ${t('signOut')}</button>
  </section>`;
}
