-- Why the last install of an app on a device failed (portal_core::api::InstallFailure,
-- camelCase); NULL when it did not fail or the device gave no reason.
ALTER TABLE install_states ADD COLUMN failure TEXT;
