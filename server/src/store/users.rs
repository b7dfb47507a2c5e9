//! People, their groups and the organisation settings the rules consult.

use super::codec::decode;
use super::sql::{params, Db, Dialect, Row};
use super::Store;
use crate::tenant::Person;
use portal_core::domain::OrganisationSettings;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A user's profile as the portal shows it (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub display_name: String,
    /// Sign-in name.
    pub upn: String,
    pub email: Option<String>,
}

pub(super) const USER_COLUMNS: &str = "id, display_name, upn, email";

pub(super) fn user_row(mut r: Row) -> anyhow::Result<User> {
    Ok(User { id: r.take(0)?, display_name: r.take(1)?, upn: r.take(2)?, email: r.take(3)? })
}

/// The condition "`upn` is `?1`, ignoring case" (SQLite's column is `COLLATE NOCASE`;
/// PostgreSQL's has a unique index on `lower(upn)`).
pub(crate) fn upn_is_param(db: &Db<'_>) -> &'static str {
    match db.dialect() {
        Dialect::Sqlite => "upn = ?1",
        Dialect::Postgres => "lower(upn) = lower(?1)",
    }
}

impl Store {
    /// The user with this id (`oid`/`sub`), if the tenant has them.
    pub async fn user(&self, user_id: &str) -> anyhow::Result<Option<User>> {
        let user_id = user_id.to_string();
        self.run(move |db| {
            let row =
                db.query_opt::<Row>(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), params![user_id])?;
            row.map(user_row).transpose()
        })
        .await
    }

    /// The user signing in as `upn` (compared ignoring case).
    pub async fn user_by_upn(&self, upn: &str) -> anyhow::Result<Option<User>> {
        let upn = upn.trim().to_string();
        self.run(move |db| {
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {}", upn_is_param(db));
            db.query_opt::<Row>(&sql, params![upn])?.map(user_row).transpose()
        })
        .await
    }

    /// Ids of the user groups `user_id` is a member of, sorted (empty for an unknown user).
    pub async fn user_groups_of(&self, user_id: &str) -> anyhow::Result<Vec<String>> {
        let user_id = user_id.to_string();
        self.run(move |db| user_groups_in(db, &user_id)).await
    }

    /// The user with this id and their groups, from the per-import cache.
    pub async fn person(&self, user_id: &str) -> anyhow::Result<Option<Arc<Person>>> {
        Ok(self.tenant_cache().await?.people.get(user_id).cloned())
    }

    /// Hide Remove / Reset and enrollment availability, as the action rules need them.
    pub async fn organisation_settings(&self) -> anyhow::Result<OrganisationSettings> {
        Ok(self.tenant_cache().await?.settings.clone())
    }
}

pub(super) fn user_groups_in(db: &Db<'_>, user_id: &str) -> anyhow::Result<Vec<String>> {
    let ids: Vec<(String,)> =
        db.query("SELECT group_id FROM user_group_members WHERE user_id = ?1 ORDER BY group_id", params![user_id])?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Every user with their group ids (sorted), for the per-import cache.
pub(super) fn load_people(db: &Db<'_>) -> anyhow::Result<HashMap<String, Arc<Person>>> {
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    let rows: Vec<(String, String)> =
        db.query("SELECT user_id, group_id FROM user_group_members ORDER BY user_id, group_id", params![])?;
    for (user, group) in rows {
        groups.entry(user).or_default().push(group);
    }
    let users: Vec<User> = db.query_map(&format!("SELECT {USER_COLUMNS} FROM users"), params![], user_row)?;
    Ok(users
        .into_iter()
        .map(|u| {
            let person = Person {
                group_ids: groups.remove(&u.id).unwrap_or_default(),
                id: u.id.clone(),
                display_name: u.display_name,
                upn: u.upn,
                email: u.email,
            };
            (u.id, Arc::new(person))
        })
        .collect())
}

pub(super) fn load_settings(db: &Db<'_>) -> anyhow::Result<OrganisationSettings> {
    let row: Option<(bool, bool, String, bool)> = db.query_opt(
        "SELECT is_remove_device_disabled, is_factory_reset_disabled, enrollment_availability,
                disable_device_category_selection FROM organisation WHERE id = 1",
        params![],
    )?;
    Ok(match row {
        None => OrganisationSettings::default(),
        Some((remove, reset, availability, no_categories)) => OrganisationSettings {
            is_remove_device_disabled: remove,
            is_factory_reset_disabled: reset,
            enrollment_availability: decode(&availability)?,
            blocked_actions: Vec::new(),
            device_rename: Default::default(),
            disable_device_category_selection: no_categories,
        },
    })
}
