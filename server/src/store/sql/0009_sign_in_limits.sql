-- Failed sign-ins at the development identity provider (server/src/oidc/limits.rs), one row
-- per account (the SHA-256 of the lower-cased name, whether or not such an account exists)
-- and per client address. In the store, so every instance behind a load balancer counts
-- the same attempts. Rows are forgotten a lockout's length after their last failure.
CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY,                  -- 'account:<sha256>' or 'address:<ip or /64>'
    failures INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,      -- unix ms: attempts before this are refused
    locked_until INTEGER,                  -- unix ms, while locked out
    last_failure_at INTEGER NOT NULL       -- unix ms
);
CREATE INDEX sign_in_failures_by_age ON sign_in_failures (last_failure_at);
