-- The code and names of a notification the portal itself sent (JSON of
-- portal_core::domain::PortalMessage), so the page can word it in the reader's language;
-- NULL for the organisation's own messages.
ALTER TABLE notifications ADD COLUMN message TEXT;
