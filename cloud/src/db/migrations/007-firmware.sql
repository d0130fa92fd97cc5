-- Firmware releases and rollouts (docs/cloud/firmware.md). The catalogue is imported from the
-- bucket's firmware/versions.json; releases are never deleted, and the image a version names
-- never changes once imported (only its channel, notes and signature may).
CREATE TABLE firmware_release (
  version text COLLATE "C" NOT NULL,
  board text COLLATE "C" NOT NULL,
  channel text NOT NULL CHECK (channel IN ('stable', 'beta')),
  -- The release exactly as the index listed it (FirmwareReleaseSchema), signature included.
  body jsonb NOT NULL,
  key_id text NOT NULL,
  published_at bigint NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (version, board)
);
CREATE INDEX firmware_release_channel ON firmware_release (channel, published_at DESC);

-- Per channel: the release being rolled out and the share of farms that take it.
CREATE TABLE firmware_rollout (
  channel text PRIMARY KEY CHECK (channel IN ('stable', 'beta')),
  version text COLLATE "C" NOT NULL,
  board text COLLATE "C" NOT NULL,
  percent integer NOT NULL CHECK (percent BETWEEN 0 AND 100),
  updated_by text COLLATE "C",
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (version, board) REFERENCES firmware_release (version, board)
);

-- A farm's own firmware settings; a farm without a row has the defaults.
CREATE TABLE farm_firmware (
  farm_id text COLLATE "C" PRIMARY KEY REFERENCES farm (id) ON DELETE CASCADE,
  channel text NOT NULL DEFAULT 'stable' CHECK (channel IN ('stable', 'beta')),
  window_start text NOT NULL DEFAULT '02:00',
  window_end text NOT NULL DEFAULT '04:00',
  paused boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Bumped in the transaction of every change that can move a farm's target, so a recomputation
-- that read its inputs before a concurrent change commits notices and runs again.
CREATE TABLE firmware_generation (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  generation bigint NOT NULL DEFAULT 0
);
INSERT INTO firmware_generation (id) VALUES (true);
