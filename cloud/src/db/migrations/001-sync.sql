-- Replicated configuration documents (reference/sync.md §4.1). The body is stored exactly as
-- pushed (without _deleted, which lives in its own column); server-owned data sits beside it.
CREATE TABLE farm (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Per-farm write sequence. Taking it with UPDATE ... RETURNING locks the row, so writers of one
-- farm are serialised and commit order equals sequence order: no checkpoint can skip a write.
CREATE TABLE farm_clock (
  farm_id text COLLATE "C" PRIMARY KEY REFERENCES farm (id),
  seq bigint NOT NULL DEFAULT 0
);

CREATE TABLE sync_doc (
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  collection text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  body jsonb NOT NULL,
  body_hash text NOT NULL,
  deleted boolean NOT NULL,
  seq bigint NOT NULL,
  updated_by text NOT NULL,
  server_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (farm_id, collection, id)
);
CREATE INDEX sync_doc_order ON sync_doc (farm_id, collection, seq, id);

-- Tombstones purged through this sequence: older checkpoints must resync.
CREATE TABLE sync_horizon (
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  collection text COLLATE "C" NOT NULL,
  purged_through_seq bigint NOT NULL,
  PRIMARY KEY (farm_id, collection)
);

-- Pushes refused for good and stored documents that failed validation on pull (poison).
CREATE TABLE sync_rejection (
  id bigserial PRIMARY KEY,
  farm_id text NOT NULL,
  collection text NOT NULL,
  doc_id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('push', 'pull')),
  reason text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);

-- Edges paired to a farm; the credential is an opaque token of which only a hash is kept.
CREATE TABLE edge (
  id text COLLATE "C" PRIMARY KEY,
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  name text NOT NULL,
  token_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
