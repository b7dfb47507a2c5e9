-- Single-use tickets for `GET /api/v1/me/events?ticket=…` (a browser EventSource cannot
-- send an Authorization header). Only a SHA-256 of the ticket is kept; in the store, not
-- in memory, so any instance behind a load balancer accepts a ticket another one issued.
CREATE TABLE event_tickets (
    ticket_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL            -- unix seconds
);
CREATE INDEX event_tickets_by_expiry ON event_tickets (expires_at);
