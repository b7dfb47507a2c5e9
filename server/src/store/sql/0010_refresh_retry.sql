-- A refresh token's successor (server/src/oidc/store.rs `rotate`): a client whose answer to
-- a rotation was lost (a dropped connection, the server killed after its commit) presents
-- the old token again within a minute; while the successor has not been used, that is a
-- retry, not a replay, and gets a fresh successor instead of revoking the family.
ALTER TABLE oidc_refresh_tokens ADD COLUMN replaced_by TEXT;
