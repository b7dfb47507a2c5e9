-- The loaded tenant file and the organisation's branding.
CREATE TABLE tenant_import (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE organisation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    theme_color TEXT NOT NULL,
    show_name_in_header INTEGER NOT NULL,
    show_logo_in_header INTEGER NOT NULL,
    logo_url TEXT,
    privacy_url TEXT,
    support_name TEXT,
    support_phone TEXT,
    support_email TEXT,
    support_website_name TEXT,
    support_website_url TEXT,
    support_additional_information TEXT
);
