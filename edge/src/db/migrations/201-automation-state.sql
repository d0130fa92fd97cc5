-- Durable automation state: what must survive a power cut so schedules, climate minimum
-- ON/OFF times, manual overrides and alarms resume correctly (see edge/src/automation).
-- Idempotent, so a runner that replays it does no harm.

-- Minimum ON/OFF and max-run bookkeeping per climate-driven output.
CREATE TABLE IF NOT EXISTS automation_climate_output (
  coop_id     TEXT    NOT NULL,
  output_id   TEXT    NOT NULL,
  is_on       INTEGER NOT NULL CHECK (is_on IN (0, 1)),
  changed_at  INTEGER,            -- NULL: never switched by the rule
  cut_until   INTEGER,            -- resting after a max-run cut until then
  demand      INTEGER NOT NULL DEFAULT 0 CHECK (demand IN (0, 1)),  -- the stage is calling (hysteresis)
  PRIMARY KEY (coop_id, output_id)
) STRICT;

CREATE TABLE IF NOT EXISTS automation_climate_coop (
  coop_id  TEXT    PRIMARY KEY,
  humid    INTEGER NOT NULL CHECK (humid IN (0, 1))
) STRICT;

-- Catch-up bookkeeping: last run seen starting, last late run replayed, a late run in progress.
CREATE TABLE IF NOT EXISTS automation_schedule_run (
  schedule_id          TEXT PRIMARY KEY,
  last_run_start_at    INTEGER,
  last_replayed_start  INTEGER,
  replay_start         INTEGER,
  replay_end           INTEGER,
  replay_reason        TEXT,
  CHECK ((replay_start IS NULL) = (replay_end IS NULL))
) STRICT;

-- One row per watched alarm condition that is active or has a raised alarm.
CREATE TABLE IF NOT EXISTS automation_alarm_track (
  key              TEXT    PRIMARY KEY,
  kind             TEXT    NOT NULL,
  coop_id          TEXT,
  subject_id       TEXT,
  active_since     INTEGER,
  alarm_id         TEXT,
  state            TEXT    CHECK (state IN ('raised', 'acknowledged')),
  severity         TEXT    CHECK (severity IN ('warning', 'critical')),
  message          TEXT,
  siren            INTEGER CHECK (siren IN (0, 1)),
  raised_at        INTEGER,
  reminded_at      INTEGER,
  acknowledged_at  INTEGER,
  acknowledged_by  TEXT,
  CHECK ((alarm_id IS NULL) = (state IS NULL))
) STRICT;

-- Manual overrides always carry an expiry.
CREATE TABLE IF NOT EXISTS automation_manual_override (
  output_id  TEXT    PRIMARY KEY,
  state      TEXT    NOT NULL CHECK (state IN ('on', 'off')),
  until_at   INTEGER NOT NULL,
  set_at     INTEGER NOT NULL,
  set_by     TEXT,
  note       TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS automation_siren_silence (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  silenced_at     INTEGER NOT NULL,
  silenced_until  INTEGER NOT NULL
) STRICT;
