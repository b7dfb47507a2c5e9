-- Who is carrying out a piece of pending work (store/leases.rs): the device simulator's
-- installs, actions and wipes, and the follow-up of `intune_requests`. With several
-- instances over one database each piece is claimed by one of them for a few seconds at a
-- time and renewed while it lives; a dead instance's claims run out and another takes the
-- work over. (Exactly once does not rest on this: each completion is one transaction taken
-- only while the work is still pending, store/completion.rs.)
CREATE TABLE work_leases (
    work TEXT PRIMARY KEY,                 -- e.g. 'action:42', 'install:dev-1/app-2', 'intune:7'
    holder TEXT NOT NULL,                  -- the instance (Store::instance)
    expires_at INTEGER NOT NULL            -- unix ms
);
CREATE INDEX work_leases_by_holder ON work_leases (holder);
