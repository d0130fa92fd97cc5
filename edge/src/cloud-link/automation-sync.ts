import { compareHlc, equalCanonical } from '@tokkatot/shared';
import { SYNC_COLLECTIONS, hashDoc, type WireDoc } from '@tokkatot/sync';
import type { Clock } from '../clock.js';
import { checkAutomationDocuments } from '../control/automation-documents-check.js';
import { loadAutomationDocuments, saveAutomationDocuments, type AutomationDocuments, type DocumentsKeyValue } from '../control/automation-documents.js';
import type { EdgeDatabase } from '../db/index.js';
import type { SqliteForkStore, SyncStateStore } from '../db/sync/index.js';
import type { EdgeBus } from '../events/edge-bus.js';
import type { EventLog } from '../events/event-log.js';
import type { HlcSource } from '../hlc-source.js';
import type { RegistryService } from '../registry/registry-service.js';
import { ConfigChangePass } from './config-change-pass.js';

/** The automation documents that replicate, by sync collection. */
const SPECS = [
  { collection: 'rules', field: 'climateRules', noun: 'climate rule', kind: 'climate_rule', idKey: 'ruleId' },
  { collection: 'schedules', field: 'schedules', noun: 'schedule', kind: 'schedule', idKey: 'scheduleId' },
  { collection: 'flocks', field: 'flocks', noun: 'flock', kind: 'flock', idKey: 'flockId' },
] as const;
type Spec = (typeof SPECS)[number];
type LocalDoc = AutomationDocuments[Spec['field']][number];

/**
 * Where the edge's copy and the fork store last agreed on a document: the local stamp then (null:
 * the edge did not have it) and the fork store's document hash then. A local stamp that moved is
 * an edit on the edge; a fork hash that moved (outside an unpushed local write) is a version that
 * came from the cloud. Neither depends on clocks, so a Pi whose clock lags the dashboard's still
 * replicates one side's sequential edits; stamps only decide between concurrent ones.
 */
interface Mark {
  hlc: string | null;
  fork: string | null;
}

/** Fields that are bookkeeping, not configuration, when two versions are compared. */
const BOOKKEEPING = new Set(['farmId', 'hlc', 'updatedAt', '_deleted']);

export interface AutomationSyncDeps {
  database: EdgeDatabase;
  /** Where the automation documents live (the edge's MetaRepository). */
  meta: DocumentsKeyValue;
  registry: RegistryService;
  events: Pick<EventLog, 'append'>;
  bus: EdgeBus;
  docs: SqliteForkStore;
  state: SyncStateStore;
  hlc: Pick<HlcSource, 'tick'>;
  clock: Clock;
  /** The farm id the cloud knows this farm by; local documents carry the local farm id. */
  cloudFarmId: string;
  /** Called after documents were written for the next push (asks the sync client for a pass). */
  onExported: () => void;
  log?: (message: string, detail?: unknown) => void;
}

/** What one pass did. */
export interface AutomationSyncResult {
  exported: number;
  imported: number;
  refused: number;
}

/**
 * Replicates the automation's configuration (climate rules, schedules, flocks) both ways through
 * the fork store, in one pass per trigger (a `config_changed` event, the import timer, start):
 *
 * - an edit made on the edge (its stamp moved) is written with `writeLocal`, keeping the stamp
 *   the edit got; a document removed on the edge becomes a tombstone stamped now;
 * - a version pulled from the cloud (created, changed or tombstoned there) is applied to the
 *   automation documents when the edge has not changed the document since they last agreed, or,
 *   when both changed, when its stamp is not older than the edge's. It goes through the same
 *   checks as the LAN routes (`checkAutomationDocuments`); a version the automation would refuse
 *   stays in the fork store, is logged once and is not applied. Applied versions keep their cloud
 *   stamp (nothing to push back) and are recorded as `config_changed` events with no actor, which
 *   makes the automation rebuild exactly as after a LAN edit.
 *
 * Same-field conflicts between concurrent edits are settled by the sync client's merge before a
 * version reaches this pass (the edge owns the safety-critical fields of `SYNC_COLLECTIONS`).
 * Everything happens in one SQLite transaction, so a kill leaves either the old or the new state.
 */
export class AutomationSync extends ConfigChangePass<AutomationSyncResult> {
  constructor(private readonly deps: AutomationSyncDeps) {
    super(deps, 'automation configuration');
  }

  /** Exports edge edits and applies cloud versions; returns what changed. */
  reconcile(): AutomationSyncResult {
    const { database, meta } = this.deps;
    const result: AutomationSyncResult = { exported: 0, imported: 0, refused: 0 };
    database.transaction(() => {
      const loaded = loadAutomationDocuments(meta);
      let next: AutomationDocuments = loaded;
      const applied: Array<{ spec: Spec; doc: LocalDoc; verb: 'added' | 'changed' | 'removed' }> = [];
      for (const spec of SPECS) {
        const marks = this.readMarks(spec.collection);
        const before = JSON.stringify(marks);
        const local = new Map<string, LocalDoc>(loaded[spec.field].map((doc) => [doc.id, doc]));
        const fork = new Map(this.deps.docs.list(spec.collection).map((doc) => [doc.id, doc]));
        const dirty = new Set(this.deps.docs.listDirty(spec.collection, 100_000).map((row) => row.newDocumentState.id));
        const ids = [...new Set([...local.keys(), ...fork.keys(), ...Object.keys(marks)])].sort();
        for (const id of ids) {
          const mine = local.get(id);
          const theirs = fork.get(id);
          const mark = marks[id];
          if (!mine && !theirs) {
            // Gone on both sides (a purged tombstone): nothing left to remember.
            delete marks[id];
            continue;
          }
          const forkHash = theirs ? hashDoc(theirs) : null;
          const localChanged = mine ? mark?.hlc !== mine.hlc : mark !== undefined && mark.hlc !== null;
          // An unpushed local write is the edge's own; the cloud's answer to it arrives after the push.
          const forkChanged = theirs !== undefined && !dirty.has(id) && mark?.fork !== forkHash;
          if (!localChanged && !forkChanged) continue;
          if (mine && theirs && !theirs._deleted && sameContent(mine, theirs)) {
            marks[id] = { hlc: mine.hlc, fork: forkHash };
            continue;
          }
          // Both sides changed: the later stamp wins; a removal on the edge is the latest word.
          const edgeWins = localChanged && (!forkChanged || !mine || !theirs || compareHlc(mine.hlc, stampOf(theirs)) > 0);
          if (edgeWins || !theirs) {
            if (this.exportOne(spec, id, mine, theirs, marks)) result.exported += 1;
            continue;
          }
          const imported = this.importOne(spec, theirs, mine, next, marks, forkHash);
          if (imported === 'refused') result.refused += 1;
          else if (imported === 'older') {
            // Stamped before the edge's copy: the edge's copy is the later word and goes back up.
            this.deps.log?.('cloud link: a cloud version older than the edge copy was replaced by it', { collection: spec.collection, id });
            if (this.exportOne(spec, id, mine, theirs, marks)) result.exported += 1;
          } else if (imported) {
            next = imported.documents;
            applied.push({ spec, doc: imported.doc, verb: imported.verb });
          }
        }
        if (JSON.stringify(marks) !== before) this.deps.state.set(markKey(spec.collection), JSON.stringify(marks));
      }
      if (applied.length > 0) {
        saveAutomationDocuments(meta, next);
        for (const { spec, doc, verb } of applied) {
          this.deps.events.append({
            type: 'config_changed',
            coopId: this.deps.registry.listCoops().some((coop) => coop.id === doc.coopId) ? doc.coopId : null,
            actorId: null,
            summary: `${verb} ${spec.noun} "${doc.name}" from the cloud`,
            detail: { kind: spec.kind, [spec.idKey]: doc.id, source: 'cloud' },
          });
        }
        result.imported = applied.length;
      }
    });
    if (result.exported > 0) this.deps.onExported();
    return result;
  }

  /** Writes the edge's version (or a tombstone for a removed one); returns whether anything was written. */
  private exportOne(spec: Spec, id: string, mine: LocalDoc | undefined, theirs: WireDoc | undefined, marks: Record<string, Mark>): boolean {
    const { docs } = this.deps;
    if (!mine) {
      if (!theirs) {
        delete marks[id];
        return false;
      }
      if (!theirs._deleted) docs.writeLocal(spec.collection, { ...theirs, hlc: this.deps.hlc.tick(), updatedAt: this.deps.clock.now(), _deleted: true });
      marks[id] = { hlc: null, fork: hashDoc(docs.get(spec.collection, id)!) };
      return !theirs._deleted;
    }
    const parsed = SYNC_COLLECTIONS[spec.collection]!.schema.safeParse({ ...mine, farmId: this.deps.cloudFarmId });
    if (!parsed.success) {
      this.deps.log?.('cloud link: an automation document does not fit the sync schema; not replicated', { collection: spec.collection, id, error: parsed.error.message });
      marks[id] = { hlc: mine.hlc, fork: theirs ? hashDoc(theirs) : null };
      return false;
    }
    docs.writeLocal(spec.collection, { ...(parsed.data as Record<string, unknown>), id, _deleted: false });
    marks[id] = { hlc: mine.hlc, fork: hashDoc(docs.get(spec.collection, id)!) };
    return true;
  }

  /**
   * Applies a cloud version to a candidate set. Answers the new set, 'older' when the cloud's
   * version is stamped before the edge's copy (the edge's copy is pushed instead), 'refused' when
   * the automation would not run it, or null when there is nothing to apply.
   */
  private importOne(
    spec: Spec,
    theirs: WireDoc,
    mine: LocalDoc | undefined,
    current: AutomationDocuments,
    marks: Record<string, Mark>,
    forkHash: string | null,
  ): { documents: AutomationDocuments; doc: LocalDoc; verb: 'added' | 'changed' | 'removed' } | 'older' | 'refused' | null {
    const id = theirs.id;
    if (theirs._deleted) {
      if (!mine) {
        marks[id] = { hlc: null, fork: forkHash };
        return null;
      }
      const documents = { ...current, [spec.field]: current[spec.field].filter((doc) => doc.id !== id) } as AutomationDocuments;
      return this.accept(spec, documents, current, mine, 'removed', theirs, marks, forkHash);
    }
    if (mine && compareHlc(stampOf(theirs), mine.hlc) < 0) return 'older';
    const { _deleted: _ignored, ...body } = theirs;
    const parsed = SYNC_COLLECTIONS[spec.collection]!.schema.safeParse({ ...body, farmId: this.deps.registry.farm().id });
    if (!parsed.success) return this.refuse(spec, theirs, mine, marks, forkHash, [parsed.error.message]);
    const doc = parsed.data as LocalDoc;
    const list = current[spec.field] as LocalDoc[];
    const documents = { ...current, [spec.field]: mine ? list.map((item) => (item.id === id ? doc : item)) : [...list, doc] } as AutomationDocuments;
    return this.accept(spec, documents, current, doc, mine ? 'changed' : 'added', theirs, marks, forkHash);
  }

  /**
   * Keeps the candidate set unless it adds problems the current set does not have: a stale
   * document already on the edge must not block every later edit from the cloud.
   */
  private accept(
    spec: Spec,
    documents: AutomationDocuments,
    current: AutomationDocuments,
    doc: LocalDoc,
    verb: 'added' | 'changed' | 'removed',
    theirs: WireDoc,
    marks: Record<string, Mark>,
    forkHash: string | null,
  ) {
    const { registry } = this.deps;
    const known = new Set(checkAutomationDocuments(registry, current));
    const problems = checkAutomationDocuments(registry, documents).filter((problem) => !known.has(problem));
    const mine = current[spec.field].find((item) => item.id === theirs.id);
    if (problems.length > 0) return this.refuse(spec, theirs, mine, marks, forkHash, problems);
    marks[theirs.id] = { hlc: verb === 'removed' ? null : doc.hlc, fork: forkHash };
    return { documents, doc, verb };
  }

  /** The cloud's version stays in the fork store, not applied; logged once (its hash is marked as seen). */
  private refuse(spec: Spec, theirs: WireDoc, mine: LocalDoc | undefined, marks: Record<string, Mark>, forkHash: string | null, problems: string[]): 'refused' {
    marks[theirs.id] = { hlc: mine?.hlc ?? null, fork: forkHash };
    this.deps.log?.('cloud link: a configuration edit from the cloud was refused', { collection: spec.collection, id: theirs.id, problems });
    return 'refused';
  }

  private readMarks(collection: string): Record<string, Mark> {
    const raw = this.deps.state.get(markKey(collection));
    if (!raw) return {};
    try {
      return JSON.parse(raw) as Record<string, Mark>;
    } catch {
      // A damaged record only costs a full comparison: every document counts as changed on both sides.
      return {};
    }
  }
}

const markKey = (collection: string) => `automation_sync.${collection}`;

const stampOf = (doc: Record<string, unknown>): string => (typeof doc.hlc === 'string' ? doc.hlc : '');

/** Whether two versions configure the same thing, whatever their farm id and stamps. */
function sameContent(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const strip = (doc: Record<string, unknown>) => Object.fromEntries(Object.entries(doc).filter(([key]) => !BOOKKEEPING.has(key)));
  return equalCanonical(strip(a), strip(b));
}
