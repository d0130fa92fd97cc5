-- Farm API projections (docs/cloud/farm-api.md). Every table below is derived, inside the ingest
-- transaction, from what the edge uploads; projecting is idempotent and order-independent, so a
-- re-delivered or late record never moves a projection backwards.

-- When each edge last reached the cloud (ingest or sync call), in the app clock's milliseconds.
CREATE TABLE edge_presence (
  edge_id text COLLATE "C" PRIMARY KEY REFERENCES edge (id),
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  last_seen_ms bigint NOT NULL
);
CREATE INDEX edge_presence_farm ON edge_presence (farm_id, last_seen_ms);

-- The newest reading of each sensor; a failed read keeps the last good value beside it.
CREATE TABLE sensor_latest (
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  sensor_id text COLLATE "C" NOT NULL,
  ts bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('ok', 'failed')),
  value double precision,
  failure text,
  last_ok_value double precision,
  last_ok_ts bigint,
  PRIMARY KEY (farm_id, sensor_id)
);

-- The newest output_changed event of each output.
CREATE TABLE output_latest (
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  output_id text COLLATE "C" NOT NULL,
  ts bigint NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  state text NOT NULL CHECK (state IN ('on', 'off')),
  level integer,
  source text NOT NULL,
  reason text NOT NULL,
  PRIMARY KEY (farm_id, output_id)
);

-- Each alarm's lifecycle, folded from alarm events in any arrival order: every step keeps the
-- time it first happened, and the state is the furthest step seen.
CREATE TABLE alarm_state (
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  alarm_id text COLLATE "C" NOT NULL,
  coop_id text COLLATE "C",
  kind text NOT NULL,
  severity text NOT NULL,
  message text NOT NULL,
  raised_at bigint,
  reminded_at bigint,
  acknowledged_at bigint,
  acknowledged_by text,
  cleared_at bigint,
  first_ts bigint NOT NULL,
  PRIMARY KEY (farm_id, alarm_id)
);
CREATE INDEX alarm_state_open ON alarm_state (farm_id, coop_id) WHERE cleared_at IS NULL;

-- The daily checklist of each coop and farm-local date; a later save of the same day wins.
CREATE TABLE daily_record (
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  coop_id text COLLATE "C" NOT NULL,
  date date NOT NULL,
  ts bigint NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  mortality_heat integer NOT NULL,
  mortality_sick integer NOT NULL,
  mortality_injured integer NOT NULL,
  mortality_unknown integer NOT NULL,
  culls integer NOT NULL,
  feed_bags double precision,
  water_meter double precision,
  note text NOT NULL DEFAULT '',
  PRIMARY KEY (farm_id, coop_id, date)
);

-- In-app notifications of a farm (kept 90 days); read state is per person.
CREATE TABLE notification (
  id bigserial PRIMARY KEY,
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id),
  source_event_id text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  created_at bigint NOT NULL,
  UNIQUE (farm_id, source_event_id)
);
CREATE INDEX notification_recent ON notification (farm_id, created_at DESC);

CREATE TABLE notification_read (
  notification_id bigint NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
  user_id text COLLATE "C" NOT NULL,
  read_at bigint NOT NULL,
  PRIMARY KEY (notification_id, user_id)
);

-- Listing a farm's events newest first, optionally by type.
CREATE INDEX farm_event_page ON farm_event (farm_id, ts DESC, id DESC);
CREATE INDEX farm_event_type_page ON farm_event (farm_id, type, ts DESC, id DESC);
-- Command outcomes reported by the edge, found by command id.
CREATE INDEX farm_event_command ON farm_event (farm_id, (body->>'commandId')) WHERE type = 'command_result';
