import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import type { OutputState } from '../api/types.js';
import { actionKey, commandFor, isStale, outcomeKey, parseMinutes, type CommandAction, type CommandView } from '../commands/command-logic.js';
import type { FarmCommands } from '../commands/use-commands.js';
import { html } from '../html.js';
import { formatWhen, localDigits } from '../i18n/i18n.js';
import { Icon } from './icons.js';
import { useT } from './use-t.js';

/** What became of the output's last command, in words (the farm's English detail only in English). */
function LastCommand({ command, timeZone }: { command: CommandView; timeZone: string | undefined }) {
  const { t, locale } = useT();
  const key = outcomeKey(command);
  const tone = key === 'cmdExecuted' ? 'ok' : key === 'cmdPending' ? 'wait' : 'error';
  const minutes = command.durationSeconds === null ? '' : ` ${localDigits(locale, String(Math.round(command.durationSeconds / 60)))} ${t('minutesShort')}`;
  return html`<p class=${`feedback ${tone}`} role="status" data-testid="command-status" data-outcome=${command.outcome}>
    <${Icon} name=${tone === 'ok' ? 'check' : tone === 'wait' ? 'clock' : 'warning'} size=${18} />
    <span>${t(actionKey(command))}${minutes}: ${t(key)}${key === 'cmdPending' ? ` (${t('cmdValidUntil')} ${formatWhen(locale, command.expiresAt, timeZone)})` : ''}</span>
    ${locale === 'en' && command.detail && tone === 'error' ? html` <span class="small">(${command.detail})</span>` : null}
  </p>`;
}

/**
 * Remote control of one output for workers and up: on (or a feeding cycle) for some minutes,
 * off for a few minutes, or back to automatic. The farm carries it out only if it hears of it
 * before the command expires; it never runs late.
 */
export function OutputControl({ output, commands, canCommand, timeZone }: { output: OutputState; commands: FarmCommands; canCommand: boolean; timeZone: string | undefined }) {
  const { t } = useT();
  const [minutes, setMinutes] = useState('15');
  const [problem, setProblem] = useState<'cmdMinutesInvalid' | 'notAllowed' | 'unreachable' | 'cmdSendFailed' | null>(null);
  const [detail, setDetail] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const last = commands.latest.get(output.id);
  const id = `minutes-${output.id}`;
  const send = async (action: CommandAction) => {
    setProblem(null);
    setDetail(null);
    const value = parseMinutes(minutes);
    if (action === 'on' && value === null) return setProblem('cmdMinutesInvalid');
    setBusy(true);
    try {
      await commands.send(commandFor(output, action, value ?? 1));
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      setProblem(code === 'FORBIDDEN' ? 'notAllowed' : code === 'UNREACHABLE' ? 'unreachable' : 'cmdSendFailed');
      if (error instanceof ApiError && code !== 'UNREACHABLE') setDetail(error.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="output-control" data-testid="output-control" data-output=${output.id}>
    ${last && !isStale(last, Date.now()) ? html`<${LastCommand} command=${last} timeZone=${timeZone} />` : null}
    ${canCommand
      ? html`<div class="command-row">
            <label for=${id}>${t('cmdMinutes')}</label>
            <input id=${id} type="text" inputmode="numeric" value=${minutes} disabled=${busy}
              aria-invalid=${problem === 'cmdMinutesInvalid' ? 'true' : undefined} aria-describedby=${problem ? `${id}-problem` : undefined}
              onInput=${(event: Event) => setMinutes((event.target as HTMLInputElement).value)} />
          </div>
          <div class="command-buttons">
            <button type="button" class="main" disabled=${busy} data-testid="command-on" onClick=${() => void send('on')}><${Icon} name="power" /> ${t(output.kind === 'feeder' ? 'cmdFeed' : 'cmdOn')}</button>
            ${output.kind === 'feeder' ? null : html`<button type="button" disabled=${busy} data-testid="command-off" onClick=${() => void send('off')}>${t('cmdOff')}</button>`}
            <button type="button" disabled=${busy} data-testid="command-auto" onClick=${() => void send('auto')}>${t('cmdAuto')}</button>
          </div>
          ${problem
            ? html`<p class="feedback error" role="alert" id=${`${id}-problem`} data-testid="command-problem"><${Icon} name="warning" size=${18} /> ${t(problem)}${detail ? html` <span lang="en">(${detail})</span>` : null}</p>`
            : null}`
      : null}
  </div>`;
}
