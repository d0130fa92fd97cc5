/**
 * The owners' audit view without a browser: a sentence for every action the cloud records on a
 * farm (in both languages), and the before/after lines of edits with the editors' own labels.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogues } from './support/catalogues.js';

const SRC = fileURLToPath(new URL('../../dashboard/src/', import.meta.url));
const CLOUD_SRC = fileURLToPath(new URL('../../src/', import.meta.url));

interface Logic {
  actionSentence(action: string): string;
  changeLines(entry: { action: string; detail: Record<string, unknown> | null }): Array<{ field: string; label: string | null; from: string; to: string }>;
}

let logic: Logic;
let catalogues: Awaited<ReturnType<typeof loadCatalogues>>;

beforeAll(async () => {
  logic = (await import(pathToFileURL(`${SRC}audit/audit-logic.ts`).href)) as Logic;
  catalogues = await loadCatalogues();
});

/** Every `action: '…'` the cloud writes to the audit log, read from its source. */
function recordedActions(): string[] {
  const actions = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) for (const match of readFileSync(path, 'utf8').matchAll(/action: '([a-z_.]+)'/g)) actions.add(match[1]!);
    }
  };
  walk(CLOUD_SRC);
  return [...actions];
}

describe('audit view', () => {
  it('has words for every farm action the cloud records, in both languages', () => {
    // Sign-in records and platform-wide firmware actions are not a farm's.
    const farmActions = recordedActions().filter((action) => !action.startsWith('auth.') && action !== 'firmware.import' && action !== 'firmware.rollout');
    expect(farmActions.length).toBeGreaterThan(10);
    for (const action of farmActions) {
      const key = logic.actionSentence(action);
      expect(key, action).not.toBe('auditOther');
      expect(catalogues.km[key], key).toMatch(/[\u1780-\u17FF]/);
      expect(catalogues.en[key], key).toMatch(/[a-z]/);
    }
    expect(logic.actionSentence('something.new')).toBe('auditOther');
  });

  it('turns an edit’s detail into labelled before/after lines, minutes where the editor shows minutes', () => {
    const lines = logic.changeLines({ action: 'config.schedule', detail: { runSeconds: { from: 600, to: 900 }, enabled: { from: true, to: false }, weekdays: { from: [1], to: [1, 2] } } });
    expect(lines).toEqual([
      { field: 'runSeconds', label: 'runMinutes', from: '10', to: '15' },
      { field: 'enabled', label: 'enabled', from: 'true', to: 'false' },
      { field: 'weekdays', label: null, from: '[1]', to: '[1,2]' },
    ]);
    expect(logic.changeLines({ action: 'config.alarm_settings', detail: { temperatureHighC: { from: 36, to: 33 }, test: { from: null, to: { cron: '0 9 * * 1', durationSeconds: 20 } } } })).toEqual([
      { field: 'temperatureHighC', label: 'alarmHigh', from: '36', to: '33' },
      { field: 'test', label: null, from: '—', to: '{"cron":"0 9 * * 1","durationSeconds":20}' },
    ]);
    expect(logic.changeLines({ action: 'member.role_changed', detail: { from: 'worker', to: 'manager' } })).toEqual([{ field: 'role', label: 'role', from: 'worker', to: 'manager' }]);
    expect(logic.changeLines({ action: 'command.issue', detail: { commandId: 'c1', type: 'output_on' } })).toEqual([]);
    expect(logic.changeLines({ action: 'config.rule', detail: null })).toEqual([]);
    for (const line of logic.changeLines({ action: 'config.alarm_settings', detail: Object.fromEntries(['temperatureHighC', 'temperatureLowC', 'aboveTargetC', 'belowTargetC', 'temperatureDelaySeconds', 'waterDelaySeconds', 'nodeOfflineSeconds', 'sensorFailureDelaySeconds', 'outputConfirmSeconds', 'reminderSeconds', 'bandLowC', 'bandHighC'].map((field) => [field, { from: 1, to: 2 }])) })) {
      expect(line.label, line.field).not.toBeNull();
      expect(catalogues.km[line.label!], line.label!).toBeDefined();
    }
  });
});
