//! Tenant users as sign-in sees them: the `users` table (owned by the tenant store).

use crate::store::Store;
use rusqlite::OptionalExtension;

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub display_name: String,
    pub upn: String,
    pub email: Option<String>,
    /// Argon2 PHC string; `None`: this user cannot sign in at the development provider.
    pub password_hash: Option<String>,
}

const COLUMNS: &str = "SELECT id, display_name, upn, email, password_hash FROM users";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User { id: r.get(0)?, display_name: r.get(1)?, upn: r.get(2)?, email: r.get(3)?, password_hash: r.get(4)? })
}

/// The user with this id (a token's `oid`/`sub`).
pub async fn by_id(store: &Store, id: &str) -> anyhow::Result<Option<User>> {
    let id = id.to_string();
    store
        .run(move |conn| {
            Ok(conn.prepare_cached(&format!("{COLUMNS} WHERE id = ?1"))?.query_row([&id], row).optional()?)
        })
        .await
}

/// The user signing in with this UPN (case-insensitive, as the column is).
pub async fn by_upn(store: &Store, upn: &str) -> anyhow::Result<Option<User>> {
    let upn = upn.trim().to_string();
    store.run(move |conn| Ok(conn.query_row(&format!("{COLUMNS} WHERE upn = ?1"), [&upn], row).optional()?)).await
}
