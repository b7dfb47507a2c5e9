-- Device categories: the organisation's (tenant data, replaced by each import), the one a
-- device is in (chosen once by its primary user), and the portal's own record of whom it
-- already asked (so a device without a category asks once, not at every visit).
CREATE TABLE device_categories (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT
);
ALTER TABLE devices ADD COLUMN category_id TEXT;
ALTER TABLE organisation ADD COLUMN disable_device_category_selection INTEGER NOT NULL DEFAULT 0;

-- Portal state for either tenant: one row per person and device they were asked about.
CREATE TABLE device_category_prompts (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    prompted_at TEXT NOT NULL,              -- RFC 3339
    PRIMARY KEY (user_id, device_id)
);
