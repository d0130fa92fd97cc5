-- Accounts (docs/cloud/api.md, "Accounts"): people, their roles on farms, sessions, invitations
-- and the audit log. Emails are stored lower-cased and phones in E.164, so UNIQUE is exact.
CREATE TABLE app_user (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  email text UNIQUE,
  phone text UNIQUE,
  password_hash text NOT NULL,
  locale text NOT NULL DEFAULT 'km',
  is_admin boolean NOT NULL DEFAULT false,
  -- Consecutive failed sign-ins; the fifth sets locked_until and starts the count again.
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- The one source of a person's role on a farm, read at every request (never from the token).
CREATE TABLE membership (
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id) ON DELETE CASCADE,
  user_id text COLLATE "C" NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'worker', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (farm_id, user_id)
);
CREATE INDEX membership_user ON membership (user_id);

-- Opaque refresh tokens, SHA-256 only. One family per sign-in: every refresh replaces the
-- token with a new one of the same family; presenting a replaced token revokes the family.
CREATE TABLE refresh_token (
  id text COLLATE "C" PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  family_id text COLLATE "C" NOT NULL,
  user_id text COLLATE "C" NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  replaced_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_token_family ON refresh_token (family_id);
CREATE INDEX refresh_token_expiry ON refresh_token (expires_at);

-- A code handed to a future member out of band; bound to an email or phone when one is given.
CREATE TABLE invitation (
  id text COLLATE "C" PRIMARY KEY,
  farm_id text COLLATE "C" NOT NULL REFERENCES farm (id) ON DELETE CASCADE,
  code_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'worker', 'viewer')),
  email text,
  phone text,
  invited_by text COLLATE "C" NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  accepted_by text COLLATE "C" REFERENCES app_user (id) ON DELETE SET NULL,
  accepted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitation_farm ON invitation (farm_id);

-- Who did what, kept 2 years. No foreign keys: the trail outlives the users and farms it names.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  farm_id text COLLATE "C",
  actor_id text COLLATE "C",
  action text NOT NULL,
  target text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_farm ON audit_log (farm_id, id DESC);
CREATE INDEX audit_log_at ON audit_log (at);

-- The farm's time zone, given when an owner creates the farm in the cloud.
ALTER TABLE farm ADD COLUMN IF NOT EXISTS time_zone text NOT NULL DEFAULT 'Asia/Phnom_Penh';
