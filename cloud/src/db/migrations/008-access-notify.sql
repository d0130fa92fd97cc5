-- Announces every change to who may see which farm, so each cloud instance can keep people's
-- standings in memory (cloud/src/accounts/standing-cache.ts) and drop them the moment they
-- change. NOTIFY is delivered on commit, to every instance listening on tokkatot_access.
-- Payload: the person's id. A farm's removal cascades to its memberships, which announce
-- themselves; platform admins (who see every farm) are never kept in memory.

CREATE FUNCTION announce_membership_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM pg_notify('tokkatot_access', OLD.user_id); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM pg_notify('tokkatot_access', NEW.user_id); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER membership_announce AFTER INSERT OR UPDATE OR DELETE ON membership
  FOR EACH ROW EXECUTE FUNCTION announce_membership_change();

CREATE FUNCTION announce_account_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tokkatot_access', OLD.id);
  RETURN NULL;
END $$;

-- Sign-in bookkeeping (failed_logins, locked_until) updates app_user constantly; only the
-- admin flag and the row's removal change what the account may see.
CREATE TRIGGER app_user_admin_announce AFTER UPDATE OF is_admin ON app_user
  FOR EACH ROW WHEN (OLD.is_admin IS DISTINCT FROM NEW.is_admin) EXECUTE FUNCTION announce_account_change();
CREATE TRIGGER app_user_delete_announce AFTER DELETE ON app_user
  FOR EACH ROW EXECUTE FUNCTION announce_account_change();
