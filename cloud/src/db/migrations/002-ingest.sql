-- Outbox ingest ledger: (edge, stream, seq) is the idempotency key; a duplicate changes nothing.
CREATE TABLE ingest_record (
  edge_id text COLLATE "C" NOT NULL REFERENCES edge (id),
  -- One outbox's life on the edge (a restored or re-installed Pi starts a new one).
  epoch text COLLATE "C" NOT NULL,
  stream text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  farm_id text COLLATE "C" NOT NULL,
  device_ts bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the payload could not be used; the record is still acknowledged so the queue never wedges.
  rejected_reason text,
  PRIMARY KEY (edge_id, epoch, stream, seq)
);

CREATE TABLE ingest_progress (
  edge_id text COLLATE "C" NOT NULL REFERENCES edge (id),
  epoch text COLLATE "C" NOT NULL,
  stream text COLLATE "C" NOT NULL,
  acked_through bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (edge_id, epoch, stream)
);

-- Events (alarms, audit, state changes) as the edge recorded them.
CREATE TABLE farm_event (
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  id text COLLATE "C" NOT NULL,
  type text NOT NULL,
  ts bigint NOT NULL,
  body jsonb NOT NULL,
  edge_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (farm_id, id)
);
CREATE INDEX farm_event_ts ON farm_event (farm_id, ts);

-- Minute, hour and day rollups of readings; mean = sum / count.
CREATE TABLE telemetry_rollup (
  farm_id text COLLATE "C" NOT NULL,
  sensor_id text COLLATE "C" NOT NULL,
  resolution text NOT NULL CHECK (resolution IN ('minute', 'hour', 'day')),
  bucket_start bigint NOT NULL,
  min double precision,
  max double precision,
  sum double precision NOT NULL DEFAULT 0,
  count bigint NOT NULL DEFAULT 0,
  failed_count bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (farm_id, sensor_id, resolution, bucket_start)
);

-- Aggregates the edge computed itself (kept when raw readings had to be dropped on the Pi).
CREATE TABLE edge_aggregate (
  farm_id text COLLATE "C" NOT NULL,
  sensor_id text COLLATE "C" NOT NULL,
  resolution text NOT NULL,
  bucket_start bigint NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  mean double precision NOT NULL,
  count bigint NOT NULL,
  failed_count bigint NOT NULL,
  PRIMARY KEY (farm_id, sensor_id, resolution, bucket_start)
);
