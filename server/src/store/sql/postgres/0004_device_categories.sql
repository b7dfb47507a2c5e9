-- As SQLite's 0013_device_categories.sql.
CREATE TABLE device_categories (
    id text COLLATE "C" PRIMARY KEY,
    position bigint NOT NULL,
    display_name text COLLATE "C" NOT NULL,
    description text COLLATE "C"
);
ALTER TABLE devices ADD COLUMN category_id text COLLATE "C";
ALTER TABLE organisation ADD COLUMN disable_device_category_selection boolean NOT NULL DEFAULT false;

CREATE TABLE device_category_prompts (
    user_id text COLLATE "C" NOT NULL,
    device_id text COLLATE "C" NOT NULL,
    prompted_at text COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, device_id)
);
