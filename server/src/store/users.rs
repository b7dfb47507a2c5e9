//! People, their groups and the organisation settings the rules consult.

use super::codec::decode;
use super::Store;
use crate::tenant::Person;
use portal_core::domain::OrganisationSettings;
use rusqlite::{Connection, OptionalExtension};
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

pub(super) fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User { id: r.get(0)?, display_name: r.get(1)?, upn: r.get(2)?, email: r.get(3)? })
}

impl Store {
    /// The user with this id (`oid`/`sub`), if the tenant has them.
    pub async fn user(&self, user_id: &str) -> anyhow::Result<Option<User>> {
        let user_id = user_id.to_string();
        self.run(move |conn| {
            Ok(conn
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
                .query_row([&user_id], user_row)
                .optional()?)
        })
        .await
    }

    /// The user signing in as `upn` (compared ignoring case).
    pub async fn user_by_upn(&self, upn: &str) -> anyhow::Result<Option<User>> {
        let upn = upn.trim().to_string();
        self.run(move |conn| {
            Ok(conn
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE upn = ?1"))?
                .query_row([&upn], user_row)
                .optional()?)
        })
        .await
    }

    /// Ids of the user groups `user_id` is a member of, sorted (empty for an unknown user).
    pub async fn user_groups_of(&self, user_id: &str) -> anyhow::Result<Vec<String>> {
        let user_id = user_id.to_string();
        self.run(move |conn| user_groups_in(conn, &user_id)).await
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

pub(super) fn user_groups_in(conn: &Connection, user_id: &str) -> anyhow::Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT group_id FROM user_group_members WHERE user_id = ?1 ORDER BY group_id")?;
    let ids = stmt.query_map([user_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids)
}

/// Every user with their group ids (sorted), for the per-import cache.
pub(super) fn load_people(conn: &Connection) -> anyhow::Result<HashMap<String, Arc<Person>>> {
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT user_id, group_id FROM user_group_members ORDER BY user_id, group_id")?
        .query_map([], |r| r.try_into())?
        .collect::<Result<_, _>>()?;
    for (user, group) in rows {
        groups.entry(user).or_default().push(group);
    }
    let users: Vec<User> = conn
        .prepare(&format!("SELECT {USER_COLUMNS} FROM users"))?
        .query_map([], user_row)?
        .collect::<Result<_, _>>()?;
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

pub(super) fn load_settings(conn: &Connection) -> anyhow::Result<OrganisationSettings> {
    let row = conn
        .query_row(
            "SELECT is_remove_device_disabled, is_factory_reset_disabled, enrollment_availability,
                    disable_device_category_selection FROM organisation WHERE id = 1",
            [],
            |r| Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?)),
        )
        .optional()?;
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
