import type { CollectionSpec } from './collections.js';
import { belongsToFarm } from './collections.js';
import type { MasterTransport } from './fork-store.js';
import { decidePush, rejectionAnswer } from './push-decision.js';
import { compareCheckpoints, stripDeleted, toWireDoc, type PushRow, type SyncCheckpoint, type WireDoc } from './wire.js';

interface Row {
  doc: WireDoc;
  seq: number;
}

/**
 * The master's rules in memory, for one farm: server-assigned sequence, body stored as pushed,
 * canonical equality, refusals answered as conflicts, invalid stored documents never served.
 * The Postgres master in cloud/ follows the same rules; this one lets sync/ be tested alone.
 */
export class MemoryMaster implements MasterTransport {
  private seq = 0;
  private readonly rows = new Map<string, Map<string, Row>>();

  constructor(
    private readonly farmId: string,
    private readonly collections: Readonly<Record<string, CollectionSpec>>,
  ) {}

  /** A write made on the master itself (the cloud app), bypassing conflict checks. */
  write(collection: string, doc: Record<string, unknown> & { id: string }): void {
    this.table(collection).set(doc.id, { doc: toWireDoc(doc), seq: ++this.seq });
  }

  list(collection: string): WireDoc[] {
    return [...this.table(collection).values()].map((row) => row.doc).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async pull(collection: string, checkpoint: SyncCheckpoint | undefined, batchSize: number) {
    const spec = this.spec(collection);
    const after = checkpoint ?? { seq: 0, id: '' };
    const ordered = [...this.table(collection).values()]
      .map((row) => ({ row, cp: { seq: row.seq, id: row.doc.id } }))
      .filter(({ cp }) => compareCheckpoints(cp, after) > 0)
      .sort((a, b) => compareCheckpoints(a.cp, b.cp))
      .slice(0, batchSize);
    const last = ordered.at(-1);
    const documents = ordered.map(({ row }) => row.doc).filter((doc) => spec.schema.safeParse(stripDeleted(doc)).success);
    return { documents, checkpoint: last ? last.cp : (checkpoint ?? null) };
  }

  async push(collection: string, rows: readonly PushRow[]): Promise<WireDoc[]> {
    const spec = this.spec(collection);
    const table = this.table(collection);
    const conflicts: WireDoc[] = [];
    const seq = this.seq + 1;
    let wrote = false;
    for (const row of rows) {
      const pushed = toWireDoc(row.newDocumentState);
      const stored = table.get(pushed.id)?.doc;
      const valid = spec.schema.safeParse(stripDeleted(pushed)).success && belongsToFarm(collection, pushed, this.farmId);
      if (spec.pullOnly || !valid) {
        conflicts.push(rejectionAnswer(stored, pushed));
        continue;
      }
      const decision = decidePush(stored, row);
      if (decision.action === 'conflict') conflicts.push(decision.master);
      else if (decision.action === 'insert' || decision.action === 'update') {
        table.set(pushed.id, { doc: pushed, seq });
        wrote = true;
      }
    }
    if (wrote) this.seq = seq;
    return conflicts;
  }

  private spec(collection: string): CollectionSpec {
    const spec = this.collections[collection];
    if (!spec) throw new Error(`unknown collection ${collection}`);
    return spec;
  }

  private table(collection: string): Map<string, Row> {
    let table = this.rows.get(collection);
    if (!table) {
      table = new Map();
      this.rows.set(collection, table);
    }
    return table;
  }
}
