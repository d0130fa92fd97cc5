import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client.js';
import type { Problem, Problems } from '../edit-checks.js';
import { html } from '../html.js';
import type { MessageKey } from '../i18n/en.js';
import { fill, toKhmerDigits } from '../i18n/i18n.js';
import { Icon } from './icons.js';
import { useT } from './use-t.js';

/** A save's outcome, kept as message keys so a language switch translates it too. */
export type Outcome = { kind: 'ok'; key: MessageKey } | { kind: 'error'; key: MessageKey; detail?: string } | null;

/** The outcome of a failed save: the edge's own words as a detail. */
export function failure(error: unknown): Outcome {
  return { kind: 'error', key: 'errorGeneric', ...(error instanceof ApiError ? { detail: error.message } : {}) };
}

/** A problem in the current language (figures in its digits). */
export function useProblemText(): (problem: Problem) => string {
  const { t, locale } = useT();
  return (problem) => {
    const values = Object.fromEntries(Object.entries(problem.values ?? {}).map(([name, value]) => [name, locale === 'km' ? toKhmerDigits(value) : value]));
    return fill(t(problem.key), values);
  };
}

export function OutcomeLine({ outcome }: { outcome: Outcome }) {
  const { t } = useT();
  if (!outcome) return null;
  return html`<p class=${`feedback ${outcome.kind}`} role=${outcome.kind === 'ok' ? 'status' : 'alert'}>
    <${Icon} name=${outcome.kind === 'ok' ? 'check' : 'warning'} /> ${t(outcome.key)}
    ${outcome.kind === 'error' && outcome.detail ? html`: <span lang="en">${outcome.detail}</span>` : null}
  </p>`;
}

/** The error under a field, tied to it by aria-describedby (`${id}-error`). */
export function FieldError({ id, problem }: { id: string; problem: Problem | undefined }) {
  const text = useProblemText();
  if (!problem) return null;
  return html`<p class="field-error" id=${`${id}-error`}><${Icon} name="warning" size=${20} /> ${text(problem)}</p>`;
}

/** Attributes that mark an input invalid and point at its error. */
export function invalid(id: string, problem: Problem | undefined): Record<string, string | undefined> {
  return problem ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {};
}

/**
 * A labelled number input with its error. Controlled by the caller's string state, so what is
 * typed survives live re-renders; `novalidate` forms leave range checks to our own words.
 */
export function NumberField(props: { id: string; label: string; value: string; onInput: (value: string) => void; problem?: Problem | undefined }) {
  const { id, label, value, onInput, problem } = props;
  return html`<label for=${id}>${label}</label>
    <input id=${id} type="number" step="any" value=${value} onInput=${(event: Event) => onInput((event.target as HTMLInputElement).value)} ...${invalid(id, problem)} />
    <${FieldError} id=${id} problem=${problem} />`;
}

/** A folded part of the settings screen: its summary is a full-width 48 px target. */
export function Fold({ title, testId, children }: { title: string; testId?: string; children: ComponentChildren }) {
  return html`<details class="fold" data-testid=${testId}>
    <summary>${title}</summary>
    ${children}
  </details>`;
}

/** Whether a set of problems has any. */
export const hasProblems = (problems: Problems): boolean => Object.keys(problems).length > 0;
