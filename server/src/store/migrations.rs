//! Schema migrations, applied in order when the store opens; one SQL file a migration. Once
//! released, never edit one: add the next. Each store has its own list (SQLite's under `sql/`,
//! PostgreSQL's under `sql/postgres/`), and `server/tests/postgres.rs` checks that both end in
//! the same schema.
//!
//! SQLite keeps its version in `PRAGMA user_version` (rusqlite_migration). PostgreSQL keeps
//! every applied migration with its SHA-256 in `portal_schema`; instances starting together
//! take turns (an advisory lock), a migration that was edited after it was applied stops the
//! start, and a database newer than this build (a rolling upgrade, where a newer instance
//! migrated first) is used as it is: migrations only ever add.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};
use sha2::{Digest, Sha256};

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
    M::up(include_str!("sql/0011_work_leases.sql")),
    M::up(include_str!("sql/0012_recovery_keys.sql")),
    M::up(include_str!("sql/0013_device_categories.sql")),
    M::up(include_str!("sql/0014_terms_of_use.sql")),
    M::up(include_str!("sql/0015_app_requests.sql")),
];

/// PostgreSQL's migrations: (version, name, SQL).
pub const POSTGRES: &[(i64, &str, &str)] = &[
    (1, "schema", include_str!("sql/postgres/0001_schema.sql")),
    (2, "work_leases", include_str!("sql/postgres/0002_work_leases.sql")),
    (3, "recovery_keys", include_str!("sql/postgres/0003_recovery_keys.sql")),
    (4, "device_categories", include_str!("sql/postgres/0004_device_categories.sql")),
    (5, "terms_of_use", include_str!("sql/postgres/0005_terms_of_use.sql")),
    (6, "app_requests", include_str!("sql/postgres/0006_app_requests.sql")),
];

pub fn apply(conn: &mut Connection) -> anyhow::Result<()> {
    Migrations::from_slice(MIGRATIONS).to_latest(conn)?;
    Ok(())
}

/// Brings a PostgreSQL database up to [`POSTGRES`] on `client`.
pub async fn apply_postgres(client: &tokio_postgres::Client) -> anyhow::Result<()> {
    use anyhow::Context;
    // Session-level: held across the migrations' own transactions, released below (or when
    // the connection closes, should this instance die half-way).
    client.batch_execute("SELECT pg_advisory_lock(hashtext('portal-server migrations'))").await?;
    let result = async {
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS portal_schema (
                    version bigint PRIMARY KEY,
                    name text NOT NULL,
                    sha256 text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                 )",
            )
            .await?;
        let applied: Vec<(i64, String)> = client
            .query("SELECT version, sha256 FROM portal_schema ORDER BY version", &[])
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        for (version, digest) in &applied {
            match POSTGRES.iter().find(|(v, _, _)| v == version) {
                Some((_, name, sql)) if hex(sql) != *digest => anyhow::bail!(
                    "PostgreSQL migration {version} ({name}) differs from the one applied to this database: \
                     released migrations are never edited"
                ),
                Some(_) => {}
                None => tracing::warn!(
                    "the database has migration {version}, which this build does not know: a newer \
                     portal-server migrated it; running on (migrations only add)"
                ),
            }
        }
        for (version, name, sql) in POSTGRES {
            if applied.iter().any(|(v, _)| v == version) {
                continue;
            }
            tracing::info!("PostgreSQL: applying migration {version} ({name})");
            let statements = format!(
                "BEGIN; {sql}\n; INSERT INTO portal_schema (version, name, sha256) VALUES ({version}, '{name}', '{}'); COMMIT;",
                hex(sql)
            );
            if let Err(e) = client.batch_execute(&statements).await {
                let _ = client.batch_execute("ROLLBACK").await;
                return Err(e).with_context(|| format!("applying PostgreSQL migration {version} ({name})"));
            }
        }
        Ok(())
    }
    .await;
    let unlocked = client.batch_execute("SELECT pg_advisory_unlock(hashtext('portal-server migrations'))").await;
    result?;
    unlocked?;
    Ok(())
}

fn hex(sql: &str) -> String {
    format!("{:x}", Sha256::digest(sql.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(rusqlite_migration::Migrations::from_slice(super::MIGRATIONS).validate().is_ok());
    }

    #[test]
    fn postgres_versions_count_up_from_one() {
        for (i, (version, name, _)) in super::POSTGRES.iter().enumerate() {
            assert_eq!(*version, i as i64 + 1, "{name}");
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{name}");
        }
    }
}
