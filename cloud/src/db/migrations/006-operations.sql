-- Operations (docs/cloud/operations.md): indexes the retention job deletes by, so each bounded
-- batch finds its rows without scanning the table.
CREATE INDEX IF NOT EXISTS telemetry_rollup_age ON telemetry_rollup (resolution, bucket_start);
CREATE INDEX IF NOT EXISTS edge_aggregate_age ON edge_aggregate (resolution, bucket_start);
CREATE INDEX IF NOT EXISTS ingest_record_age ON ingest_record (received_at);
-- Tombstones waiting to be purged, by collection and age.
CREATE INDEX IF NOT EXISTS sync_doc_tombstone_age ON sync_doc (collection, server_time) WHERE deleted;
-- Notifications come with the farm API's migration; index them only where that table exists.
DO $$
BEGIN
  IF to_regclass('notification') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS notification_age ON notification (created_at);
  END IF;
END
$$;
