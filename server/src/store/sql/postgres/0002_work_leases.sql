-- As SQLite's 0011_work_leases.sql.
CREATE TABLE work_leases (
    work text COLLATE "C" PRIMARY KEY,
    holder text COLLATE "C" NOT NULL,
    expires_at bigint NOT NULL
);
CREATE INDEX work_leases_by_holder ON work_leases (holder);
