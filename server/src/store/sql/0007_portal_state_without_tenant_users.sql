-- Notifications and event tickets are the portal's own state, kept for whoever signs in:
-- with Microsoft Intune as the tenant (`serve --source graph`) the people are in Entra ID,
-- not in the `users` table, so these tables no longer reference it. The embedded tenant's
-- import still replaces the notifications of its file (store/tenant_import.rs).
CREATE TABLE notifications_new (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,                      -- the person's object id (`oid`)
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read INTEGER NOT NULL,
    link TEXT,
    message TEXT
);
INSERT INTO notifications_new (id, user_id, title, body, created_at, read, link, message)
    SELECT id, user_id, title, body, created_at, read, link, message FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC);

CREATE TABLE event_tickets_new (
    ticket_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL            -- unix seconds
);
INSERT INTO event_tickets_new (ticket_hash, user_id, expires_at) SELECT ticket_hash, user_id, expires_at FROM event_tickets;
DROP TABLE event_tickets;
ALTER TABLE event_tickets_new RENAME TO event_tickets;
CREATE INDEX event_tickets_by_expiry ON event_tickets (expires_at);
