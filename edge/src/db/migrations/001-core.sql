-- Core edge store: registry, users and tokens, commands, output state, events, alarms, telemetry.
-- snake_case inside SQL only; repositories map rows to the camelCase shapes of shared/.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE farm (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  timezone      TEXT NOT NULL,
  locale        TEXT NOT NULL,
  location_json TEXT,
  hlc           TEXT NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE coops (
  id             TEXT PRIMARY KEY,
  farm_id        TEXT NOT NULL REFERENCES farm(id),
  name           TEXT NOT NULL,
  capacity_birds INTEGER,
  hlc            TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE nodes (
  id                TEXT PRIMARY KEY,
  farm_id           TEXT NOT NULL REFERENCES farm(id),
  coop_id           TEXT REFERENCES coops(id),
  name              TEXT NOT NULL,
  transport         TEXT NOT NULL,
  firmware_version  TEXT NOT NULL,
  hardware_revision INTEGER NOT NULL,
  capabilities_json TEXT NOT NULL DEFAULT '{}',
  first_seen_at     INTEGER NOT NULL,
  last_seen_at      INTEGER,
  hlc               TEXT NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE outputs (
  id              TEXT PRIMARY KEY,
  farm_id         TEXT NOT NULL REFERENCES farm(id),
  coop_id         TEXT NOT NULL REFERENCES coops(id),
  node_id         TEXT NOT NULL REFERENCES nodes(id),
  channel         INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  name            TEXT NOT NULL,
  active_low      INTEGER NOT NULL,
  fail_safe_state TEXT NOT NULL,
  max_on_seconds  INTEGER NOT NULL,
  dimmable        INTEGER NOT NULL,
  installed       INTEGER NOT NULL,
  hlc             TEXT NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (node_id, channel)
) STRICT;

CREATE TABLE sensors (
  id                    TEXT PRIMARY KEY,
  farm_id               TEXT NOT NULL REFERENCES farm(id),
  coop_id               TEXT NOT NULL REFERENCES coops(id),
  node_id               TEXT NOT NULL REFERENCES nodes(id),
  channel               INTEGER NOT NULL,
  kind                  TEXT NOT NULL,
  unit                  TEXT NOT NULL,
  name                  TEXT NOT NULL,
  calibration_json      TEXT NOT NULL,
  sample_period_seconds INTEGER NOT NULL,
  installed             INTEGER NOT NULL,
  hlc                   TEXT NOT NULL,
  updated_at            INTEGER NOT NULL,
  UNIQUE (node_id, channel, kind)
) STRICT;

-- The arbiter's last decision per output: what it is, why, since when.
CREATE TABLE output_state (
  output_id  TEXT PRIMARY KEY REFERENCES outputs(id) ON DELETE CASCADE,
  state      TEXT NOT NULL,
  level      INTEGER,
  source     TEXT NOT NULL,
  reason     TEXT NOT NULL,
  since      INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  email         TEXT,
  phone         TEXT,
  locale        TEXT NOT NULL,
  role          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until  INTEGER,
  hlc           TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

-- Refresh tokens are stored hashed; a family is one sign-in and its rotations.
CREATE TABLE refresh_tokens (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family_id   TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  issued_at   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER,
  revoked_at  INTEGER
) STRICT;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- Manual commands: who, why, until when; the arbiter's manual input is rebuilt from the active ones.
CREATE TABLE commands (
  id         TEXT PRIMARY KEY,
  output_id  TEXT NOT NULL REFERENCES outputs(id),
  user_id    TEXT NOT NULL REFERENCES users(id),
  state      TEXT NOT NULL,
  level      INTEGER,
  reason     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  status     TEXT NOT NULL,
  ended_at   INTEGER
) STRICT;
CREATE INDEX commands_active ON commands (status, output_id);

-- Append-only event log; seq is the local order (an outbox cursor), id the farm-wide ULID.
CREATE TABLE events (
  seq       INTEGER PRIMARY KEY,
  id        TEXT NOT NULL UNIQUE,
  ts        INTEGER NOT NULL,
  type      TEXT NOT NULL,
  coop_id   TEXT,
  actor_id  TEXT,
  body_json TEXT NOT NULL
) STRICT;
CREATE INDEX events_ts ON events (ts);
CREATE INDEX events_type_ts ON events (type, ts);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE alarms (
  id              TEXT PRIMARY KEY,
  farm_id         TEXT NOT NULL,
  coop_id         TEXT,
  kind            TEXT NOT NULL,
  severity        TEXT NOT NULL,
  state           TEXT NOT NULL,
  subject_id      TEXT,
  message         TEXT NOT NULL,
  raised_at       INTEGER NOT NULL,
  reminded_at     INTEGER,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  cleared_at      INTEGER
) STRICT;
CREATE INDEX alarms_state ON alarms (state, raised_at);

-- Raw readings: rowid order is arrival order, which is what thinning removes first.
CREATE TABLE readings (
  id        INTEGER PRIMARY KEY,
  sensor_id TEXT NOT NULL,
  ts        INTEGER NOT NULL,
  value     REAL,
  failure   TEXT
) STRICT;
CREATE INDEX readings_sensor_ts ON readings (sensor_id, ts);

-- Rollups per sensor and bucket; mean = sum / count. Kept when raw readings are thinned.
CREATE TABLE rollups (
  sensor_id    TEXT NOT NULL,
  resolution   TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  min          REAL,
  max          REAL,
  sum          REAL NOT NULL DEFAULT 0,
  count        INTEGER NOT NULL DEFAULT 0,
  failed_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sensor_id, resolution, bucket_start)
) STRICT, WITHOUT ROWID;
CREATE INDEX rollups_age ON rollups (resolution, bucket_start);
