-- The development identity provider's state (server/src/oidc/store.rs).
-- Secrets handed to browsers (session ids, codes, refresh tokens) are stored only as their
-- SHA-256, so a copy of the database does not let anyone sign in as someone.
-- No foreign keys to `users`: a tenant re-import may replace users; every use of a session,
-- code or refresh token looks its user up again and fails closed when it is gone.

-- RS256 signing keys; the newest active one signs, every active one is published in JWKS.
CREATE TABLE oidc_signing_keys (
    kid TEXT PRIMARY KEY,
    private_key_pem TEXT NOT NULL,          -- PKCS#8 PEM
    created_at INTEGER NOT NULL,            -- unix seconds
    active INTEGER NOT NULL DEFAULT 1
);

-- The provider's own sign-in session (cookie `portal_oidc_session`, path /oidc).
CREATE TABLE oidc_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Authorization codes: single use, short lived. A used code keeps its row until it expires
-- so a replay can be detected and the tokens issued from it revoked (RFC 6749 §4.1.2).
CREATE TABLE oidc_auth_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    user_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT NOT NULL,           -- S256
    auth_time INTEGER NOT NULL,
    sid TEXT,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    family_id TEXT                          -- the refresh family issued when it was redeemed
);

-- Refresh tokens are rotated: each use returns a new one in the same family. Presenting a
-- token that was already used revokes the whole family (OAuth 2.0 Security BCP §4.14).
CREATE TABLE oidc_refresh_families (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    sid TEXT,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE oidc_refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id TEXT NOT NULL REFERENCES oidc_refresh_families (id) ON DELETE CASCADE,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX oidc_refresh_tokens_family ON oidc_refresh_tokens (family_id);
