-- The workers' daily checklist: one record per coop per farm-local day, edited only that day.
CREATE TABLE daily_records (
  coop_id        TEXT    NOT NULL,
  date           TEXT    NOT NULL,
  mortality_json TEXT    NOT NULL,
  culls          INTEGER NOT NULL,
  feed_bags      REAL    NOT NULL,
  water_meter    REAL,
  note           TEXT    NOT NULL,
  recorded_by    TEXT    NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (coop_id, date)
) STRICT;

CREATE INDEX daily_records_by_date ON daily_records (date);
