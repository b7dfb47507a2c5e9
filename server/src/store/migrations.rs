//! Schema migrations, applied in order on open; the version lives in `PRAGMA user_version`.
//! One SQL file a migration under `sql/`. Once released, never edit one: add the next.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("sql/0001_organisation.sql")),
    M::up(include_str!("sql/0002_tenant.sql")),
    M::up(include_str!("sql/0003_identity.sql")),
    M::up(include_str!("sql/0004_event_tickets.sql")),
    M::up(include_str!("sql/0005_install_failure.sql")),
    M::up(include_str!("sql/0006_notification_message.sql")),
    M::up(include_str!("sql/0007_portal_state_without_tenant_users.sql")),
    M::up(include_str!("sql/0008_intune_requests_and_audit.sql")),
    M::up(include_str!("sql/0009_sign_in_limits.sql")),
    M::up(include_str!("sql/0010_refresh_retry.sql")),
    // 0011 is taken by another branch's work leases: when it lands, it goes here, before 0012.
    M::up(include_str!("sql/0012_recovery_keys.sql")),
    M::up(include_str!("sql/0013_device_categories.sql")),
    M::up(include_str!("sql/0014_terms_of_use.sql")),
    M::up(include_str!("sql/0015_app_requests.sql")),
];

pub fn apply(conn: &mut Connection) -> anyhow::Result<()> {
    Migrations::from_slice(MIGRATIONS).to_latest(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(rusqlite_migration::Migrations::from_slice(super::MIGRATIONS).validate().is_ok());
    }
}
