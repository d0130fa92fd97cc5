import { AlarmSettingsSchema, FarmAlarmSettingsSchema, canonicalize, type AlarmSettings } from '@tokkatot/shared';
import { hashDoc, type WireDoc } from '@tokkatot/sync';
import { alarmTestSchedule, DEFAULT_ALARM_SETTINGS } from '../automation/alarm-conditions.js';
import { checkSchedule } from '../automation/schedule.js';
import { checkAutomationDocuments } from '../control/automation-documents-check.js';
import { loadAutomationDocuments, saveAutomationDocuments } from '../control/automation-documents.js';
import type { AutomationSyncDeps, AutomationSyncResult } from './automation-sync.js';
import { ConfigChangePass } from './config-change-pass.js';

const COLLECTION = 'alarm_settings';
const MARK_KEY = `automation_sync.${COLLECTION}`;
/** The mark's content for stored settings that do not pass the schema. */
const INVALID = 'invalid';
const BOOKKEEPING = new Set(['id', 'farmId', 'hlc', 'updatedAt', '_deleted']);
const FIELDS = Object.keys(DEFAULT_ALARM_SETTINGS) as Array<keyof AlarmSettings>;

/**
 * Where the edge and the fork store last agreed: the edge's effective settings then (canonical
 * JSON; the LAN edit carries no stamp, so its content is what moves) and the fork's hash then.
 */
interface Mark {
  local: string;
  fork: string | null;
}

/**
 * Replicates the farm's alarm settings (one document per farm, id = the cloud's farm id) both
 * ways, with the rules of AutomationSync:
 *
 * - the edge's effective settings (the stored ones over DEFAULT_ALARM_SETTINGS) go up when they
 *   changed since the last agreement, and once at start, so the dashboard shows what runs;
 * - a version from the cloud applies when the edge did not change its settings meanwhile; it is
 *   checked like a LAN edit (the shared schema, the alarm test's cron on the farm's time zone,
 *   `checkAutomationDocuments`), recorded as a `config_changed` event with no actor (the automation
 *   rebuilds on it) and keeps the cloud's stamp. A refused version stays in the fork store,
 *   logged once, and the edge keeps running its own settings;
 * - when both changed between two passes, the edge's settings win and go up: the LAN edit has no
 *   stamp to compare, and the edge is the safety side. The sync client's merge has already given
 *   the edge the temperature limits on a same-field conflict (`ownedFields`).
 */
export class AlarmSettingsSync extends ConfigChangePass<AutomationSyncResult> {
  constructor(private readonly deps: AutomationSyncDeps) {
    super(deps, 'alarm settings');
  }

  reconcile(): AutomationSyncResult {
    const { database, docs, cloudFarmId } = this.deps;
    const result: AutomationSyncResult = { exported: 0, imported: 0, refused: 0 };
    database.transaction(() => {
      const mark = this.readMark();
      const stored = loadAutomationDocuments(this.deps.meta).alarms;
      // Keys the engine does not know (a field of an older version) are ignored, as the engine does.
      const mine = AlarmSettingsSchema.safeParse(settingsOf({ ...DEFAULT_ALARM_SETTINGS, ...(stored ?? {}) }));
      const local = mine.success ? canonicalize(mine.data) : INVALID;
      const theirs = docs.get(COLLECTION, cloudFarmId);
      const forkHash = theirs ? hashDoc(theirs) : null;
      const dirty = docs.listDirty(COLLECTION, 100).some((row) => row.newDocumentState.id === cloudFarmId);
      const localChanged = mark?.local !== local;
      const forkChanged = theirs !== undefined && !dirty && mark?.fork !== forkHash;
      if (!localChanged && !forkChanged) return;
      if (!mine.success && (!forkChanged || theirs?._deleted)) {
        // The LAN route validates every write, so this is a damaged record: nothing to send; a valid
        // version from the cloud may still repair it.
        this.deps.log?.('cloud link: the stored alarm settings are invalid; not replicated', { error: mine.error.message });
        this.writeMark({ local, fork: forkHash });
        return;
      }
      if (theirs && !theirs._deleted && canonicalize(withoutBookkeeping(theirs)) === local) {
        this.writeMark({ local, fork: forkHash });
        return;
      }
      // The settings cannot be removed: a tombstone from the cloud is answered with the edge's settings.
      if (mine.success && (localChanged || !theirs || theirs._deleted)) {
        this.export(mine.data, local);
        result.exported = 1;
        return;
      }
      // Only a changed cloud version is left here (the branches above took every other case).
      if (!theirs) return;
      const checked = this.check(theirs);
      if (Array.isArray(checked)) {
        this.writeMark({ local, fork: forkHash });
        this.deps.log?.('cloud link: a configuration edit from the cloud was refused', { collection: COLLECTION, id: cloudFarmId, problems: checked });
        result.refused = 1;
        return;
      }
      const documents = loadAutomationDocuments(this.deps.meta);
      saveAutomationDocuments(this.deps.meta, { ...documents, alarms: checked });
      // The mark is written before the event: the listeners re-enter this pass and must find agreement.
      this.writeMark({ local: canonicalize(checked), fork: forkHash });
      this.deps.events.append({
        type: 'config_changed',
        coopId: null,
        actorId: null,
        summary: 'changed alarm settings from the cloud',
        detail: { kind: 'alarm_settings', source: 'cloud' },
      });
      result.imported = 1;
    });
    if (result.exported > 0) this.deps.onExported();
    return result;
  }

  /** Writes the edge's effective settings for the next push, stamped now. */
  private export(settings: AlarmSettings, local: string): void {
    const { docs, cloudFarmId } = this.deps;
    const doc = FarmAlarmSettingsSchema.parse({ ...settings, id: cloudFarmId, farmId: cloudFarmId, hlc: this.deps.hlc.tick(), updatedAt: this.deps.clock.now() });
    docs.writeLocal(COLLECTION, { ...doc, _deleted: false });
    this.writeMark({ local, fork: hashDoc(docs.get(COLLECTION, cloudFarmId)!) });
  }

  /** The settings of a cloud version when the automation would run them, else the reasons it would not. */
  private check(theirs: WireDoc): AlarmSettings | string[] {
    const { _deleted: _ignored, ...body } = theirs;
    const parsed = FarmAlarmSettingsSchema.safeParse(body);
    if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join('.') || 'document'}: ${issue.message}`);
    const settings = settingsOf(parsed.data);
    if (settings.test) {
      const problem = checkSchedule(alarmTestSchedule(settings.test), this.deps.registry.farm().timezone);
      if (problem) return [`test.cron: ${problem}`];
    }
    const current = loadAutomationDocuments(this.deps.meta);
    const known = new Set(checkAutomationDocuments(this.deps.registry, current));
    const problems = checkAutomationDocuments(this.deps.registry, { ...current, alarms: settings }).filter((problem) => !known.has(problem));
    return problems.length > 0 ? problems : settings;
  }

  private readMark(): Mark | undefined {
    const raw = this.deps.state.get(MARK_KEY);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as Mark;
    } catch {
      // A damaged record costs one comparison: the edge's settings count as changed and go up.
      return undefined;
    }
  }

  private writeMark(mark: Mark): void {
    this.deps.state.set(MARK_KEY, JSON.stringify(mark));
  }
}

/** A version's configuration (any field a newer cloud may add included), without its id, farm and stamps. */
function withoutBookkeeping(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !BOOKKEEPING.has(key)));
}

/** The settings fields of a document, without its id, farm and stamps. */
function settingsOf(doc: Record<string, unknown>): AlarmSettings {
  return Object.fromEntries(FIELDS.map((field) => [field, doc[field]])) as AlarmSettings;
}
