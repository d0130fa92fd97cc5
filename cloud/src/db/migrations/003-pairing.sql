-- Pairing: the edge shows a short claim code, the owner enters it, the edge collects its
-- credential once. Codes and secrets are stored hashed; the credential only until delivered.
CREATE TABLE edge_pairing (
  id text COLLATE "C" PRIMARY KEY,
  code_hash text NOT NULL UNIQUE,
  poll_secret_hash text NOT NULL,
  edge_name text NOT NULL,
  expires_at timestamptz NOT NULL,
  farm_id text COLLATE "C" REFERENCES farm (id),
  edge_id text COLLATE "C",
  credential text,
  claimed_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
