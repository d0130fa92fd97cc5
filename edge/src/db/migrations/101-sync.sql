-- Sync client state (docs/sync/protocol.md): replicated documents, the master state each one was
-- last seen in, checkpoints, the outbox, the command ledger. Written in shared transactions so a
-- kill at any point loses nothing and duplicates nothing.

-- Replicated documents as JSON (without _deleted); hash = SHA-256 of the canonical wire form.
CREATE TABLE sync_doc (
  collection TEXT NOT NULL,
  id         TEXT NOT NULL,
  body       TEXT NOT NULL,
  hash       TEXT NOT NULL,
  deleted    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (collection, id)
) STRICT;

-- The assumed master state: the last state the cloud is known to hold. doc.hash <> assumed.hash = unpushed edit.
CREATE TABLE sync_assumed (
  collection TEXT NOT NULL,
  id         TEXT NOT NULL,
  body       TEXT NOT NULL,
  hash       TEXT NOT NULL,
  deleted    INTEGER NOT NULL,
  PRIMARY KEY (collection, id)
) STRICT;

CREATE TABLE sync_checkpoint (
  collection TEXT PRIMARY KEY,
  seq        INTEGER NOT NULL,
  doc_id     TEXT NOT NULL
) STRICT;

-- Append-only records waiting for upload; (edge, stream, seq) is the idempotency key in the cloud.
CREATE TABLE sync_outbox (
  stream   TEXT NOT NULL,
  seq      INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  ts       INTEGER NOT NULL,
  payload  TEXT NOT NULL,
  bytes    INTEGER NOT NULL,
  PRIMARY KEY (stream, seq)
) STRICT;
CREATE INDEX sync_outbox_order ON sync_outbox (priority, seq);

-- Next sequence per stream; kept apart from the rows so an acknowledged (deleted) sequence is never reused.
CREATE TABLE sync_outbox_counter (
  stream   TEXT PRIMARY KEY,
  next_seq INTEGER NOT NULL
) STRICT;

-- Every cloud command this edge has decided on: at most one execution per id, ever.
CREATE TABLE sync_command_ledger (
  id         TEXT PRIMARY KEY,
  outcome    TEXT NOT NULL,
  detail     TEXT NOT NULL,
  decided_at INTEGER NOT NULL
) STRICT;

-- Small client state: credential, edge id, last success.
CREATE TABLE sync_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
