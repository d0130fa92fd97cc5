import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';
import { Icon } from './icons.js';
import { useT } from './use-t.js';

/** A modal question with big Yes / No buttons; the native <dialog> traps focus and Esc cancels. */
export function ConfirmDialog({ message, onYes, onNo }: { message: string; onYes: () => void; onNo: () => void }) {
  const { t } = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return html`<dialog ref=${ref} class="confirm" aria-labelledby="confirm-title" onCancel=${(event: Event) => { event.preventDefault(); onNo(); }}>
    <h2 id="confirm-title"><${Icon} name="warning" /> ${t('confirmTitle')}</h2>
    <p>${message}</p>
    <div class="actions">
      <button type="button" class="main danger" onClick=${onYes}><${Icon} name="check" /> ${t('yes')}</button>
      <button type="button" class="main secondary" onClick=${onNo}><${Icon} name="back" /> ${t('no')}</button>
    </div>
  </dialog>`;
}
