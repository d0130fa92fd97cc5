import type { Event } from '@tokkatot/shared';
import { equalDocs } from './doc-hash.js';
import type { ConflictOutcome, ForkStore } from './fork-store.js';
import { toWireDoc, type PushRow, type SyncCheckpoint, type WireDoc } from './wire.js';

interface CollectionState {
  docs: Map<string, WireDoc>;
  assumed: Map<string, WireDoc>;
  checkpoint?: SyncCheckpoint;
}

/** A ForkStore in memory: the reference the SQLite store is tested against, and a test peer. */
export class MemoryForkStore implements ForkStore {
  private readonly collections = new Map<string, CollectionState>();
  /** Audit events written by conflict resolution, in order. */
  readonly audit: Event[] = [];

  /** A local edit (what the app does); not part of ForkStore. */
  writeLocal(collection: string, doc: Record<string, unknown> & { id: string }): void {
    this.state(collection).docs.set(doc.id, toWireDoc(doc));
  }

  /** Every document of a collection, tombstones included. */
  list(collection: string): WireDoc[] {
    return [...this.state(collection).docs.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  get(collection: string, id: string): WireDoc | undefined {
    return this.state(collection).docs.get(id);
  }

  getCheckpoint(collection: string): SyncCheckpoint | undefined {
    return this.state(collection).checkpoint;
  }

  applyPull(collection: string, docs: readonly WireDoc[], checkpoint: SyncCheckpoint): void {
    const state = this.state(collection);
    for (const raw of docs) {
      const doc = toWireDoc(raw);
      if (this.isDirty(state, doc.id)) continue;
      state.docs.set(doc.id, doc);
      state.assumed.set(doc.id, doc);
    }
    state.checkpoint = checkpoint;
  }

  listDirty(collection: string, limit: number): PushRow[] {
    const state = this.state(collection);
    const rows: PushRow[] = [];
    for (const [id, doc] of state.docs) {
      if (rows.length >= limit) break;
      if (!this.isDirty(state, id)) continue;
      const assumed = state.assumed.get(id);
      rows.push(assumed ? { newDocumentState: doc, assumedMasterState: assumed } : { newDocumentState: doc });
    }
    return rows;
  }

  markPushed(collection: string, docs: readonly WireDoc[]): void {
    const state = this.state(collection);
    for (const doc of docs) state.assumed.set(doc.id, toWireDoc(doc));
  }

  applyConflict(collection: string, master: WireDoc, resolve: (args: { base?: WireDoc; local: WireDoc }) => ConflictOutcome): void {
    const state = this.state(collection);
    const local = state.docs.get(master.id) ?? master;
    const base = state.assumed.get(master.id);
    const outcome = resolve(base ? { base, local } : { local });
    state.docs.set(master.id, toWireDoc(outcome.doc));
    state.assumed.set(master.id, toWireDoc(master));
    if (outcome.audit) this.audit.push(outcome.audit);
  }

  resetCollection(collection: string): void {
    const state = this.state(collection);
    for (const id of [...state.docs.keys()]) if (!this.isDirty(state, id)) state.docs.delete(id);
    state.assumed.clear();
    delete state.checkpoint;
  }

  private isDirty(state: CollectionState, id: string): boolean {
    const doc = state.docs.get(id);
    return doc !== undefined && !equalDocs(doc, state.assumed.get(id));
  }

  private state(collection: string): CollectionState {
    let state = this.collections.get(collection);
    if (!state) {
      state = { docs: new Map(), assumed: new Map() };
      this.collections.set(collection, state);
    }
    return state;
  }
}
