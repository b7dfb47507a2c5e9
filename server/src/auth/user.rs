//! Tenant users as sign-in sees them: the `users` table (owned by the tenant store).

use crate::store::sql::{params, Row};
use crate::store::Store;

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

fn row(mut r: Row) -> anyhow::Result<User> {
    Ok(User { id: r.take(0)?, display_name: r.take(1)?, upn: r.take(2)?, email: r.take(3)?, password_hash: r.take(4)? })
}

/// The user with this id (a token's `oid`/`sub`).
pub async fn by_id(store: &Store, id: &str) -> anyhow::Result<Option<User>> {
    let id = id.to_string();
    store
        .run(move |db| db.query_opt::<Row>(&format!("{COLUMNS} WHERE id = ?1"), params![id])?.map(row).transpose())
        .await
}

/// The user signing in with this UPN (ignoring case).
pub async fn by_upn(store: &Store, upn: &str) -> anyhow::Result<Option<User>> {
    let upn = upn.trim().to_string();
    store
        .run(move |db| {
            let sql = format!("{COLUMNS} WHERE {}", crate::store::upn_is_param(db));
            db.query_opt::<Row>(&sql, params![upn])?.map(row).transpose()
        })
        .await
}
