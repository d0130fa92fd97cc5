import { ClimateRuleSchema, FlockSchema, ScheduleSchema, parseOrThrow } from '@tokkatot/shared';
import { z } from 'zod';
import type { AlarmSettings } from '../automation/alarm-conditions.js';

/**
 * The automation's configuration documents (climate rules, schedules, flocks, alarm settings).
 * The core has no tables for them yet, so they live as one validated JSON document in the meta
 * table, written in one statement: a power cut keeps either the old or the new set.
 */
export const AutomationDocumentsSchema = z.strictObject({
  climateRules: z.array(ClimateRuleSchema).max(64),
  schedules: z.array(ScheduleSchema).max(512),
  flocks: z.array(FlockSchema).max(64),
  alarms: z.record(z.string(), z.unknown()).optional(),
});
export type AutomationDocuments = z.infer<typeof AutomationDocumentsSchema> & { alarms?: Partial<AlarmSettings> };

/** The key/value store the documents are kept in (the edge's MetaRepository). */
export interface DocumentsKeyValue {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

const KEY = 'control.automation_documents';

export const EMPTY_DOCUMENTS: AutomationDocuments = { climateRules: [], schedules: [], flocks: [] };

/** Reads the stored documents (none stored: empty); a damaged document throws naming the field. */
export function loadAutomationDocuments(store: DocumentsKeyValue): AutomationDocuments {
  const raw = store.get(KEY);
  if (raw === undefined) return { ...EMPTY_DOCUMENTS };
  return parseOrThrow(AutomationDocumentsSchema, JSON.parse(raw), 'automation documents') as AutomationDocuments;
}

/** Validates and stores the documents whole. */
export function saveAutomationDocuments(store: DocumentsKeyValue, documents: AutomationDocuments): void {
  const checked = parseOrThrow(AutomationDocumentsSchema, documents, 'automation documents');
  store.set(KEY, JSON.stringify(checked));
}
