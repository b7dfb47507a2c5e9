-- People, groups, devices, apps, assignments, app protection (filled in by the tenant store work).
CREATE TABLE users (
    id TEXT PRIMARY KEY,                       -- the `oid`/`sub` tokens carry
    display_name TEXT NOT NULL,
    upn TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- sign-in name, e.g. adele@contoso.example
    email TEXT,
    password_hash TEXT                         -- argon2 PHC string; NULL: cannot sign in here
);
