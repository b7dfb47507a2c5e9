-- Terms of use: the organisation's current terms (tenant data, replaced by each import) and
-- who accepted which version when (portal state for either tenant, kept across imports: an
-- acceptance of a version stays one).
CREATE TABLE terms (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL,
    group_ids TEXT                          -- JSON [user group id, …]; NULL: everyone
);
CREATE TABLE terms_texts (
    position INTEGER PRIMARY KEY,           -- the file's order; the first is the fallback
    language TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE terms_acceptances (
    user_id TEXT NOT NULL,
    version TEXT NOT NULL,
    accepted_at TEXT NOT NULL,              -- RFC 3339
    PRIMARY KEY (user_id, version)
);
