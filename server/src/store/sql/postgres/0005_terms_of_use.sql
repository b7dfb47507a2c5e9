-- As SQLite's 0014_terms_of_use.sql.
CREATE TABLE terms (
    id bigint PRIMARY KEY CHECK (id = 1),
    version text COLLATE "C" NOT NULL,
    group_ids text COLLATE "C"
);
CREATE TABLE terms_texts (
    position bigint PRIMARY KEY,
    language text COLLATE "C" NOT NULL UNIQUE,
    title text COLLATE "C" NOT NULL,
    body text COLLATE "C" NOT NULL
);
CREATE TABLE terms_acceptances (
    user_id text COLLATE "C" NOT NULL,
    version text COLLATE "C" NOT NULL,
    accepted_at text COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, version)
);
