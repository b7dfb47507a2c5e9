//! Notifications, per user.

use super::codec::to_json;
use super::Store;
use crate::dates;
use portal_core::domain::{Notification, PortalMessage};
use rusqlite::{params, Connection};

pub(super) fn notifications_where(
    conn: &Connection,
    condition: &str,
    user_id: &str,
) -> anyhow::Result<Vec<Notification>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, title, body, created_at, read, link, message FROM notifications
         WHERE user_id = ?1 {condition} ORDER BY created_at DESC, id"
    ))?;
    let rows = stmt
        .query_map([user_id], |r| {
            Ok(Notification {
                id: r.get(0)?,
                title: r.get(1)?,
                body: r.get(2)?,
                created_date_time: r.get(3)?,
                read: r.get(4)?,
                link: r.get(5)?,
                // A message this server cannot read is left out: the English text remains.
                message: r.get::<_, Option<String>>(6)?.and_then(|m| serde_json::from_str(&m).ok()),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

impl Store {
    /// `user_id`'s notifications, newest first.
    pub async fn notifications_of_user(&self, user_id: &str) -> anyhow::Result<Vec<Notification>> {
        let user_id = user_id.to_string();
        self.run(move |conn| notifications_where(conn, "", &user_id)).await
    }

    /// `user_id`'s unread notifications, newest first (for `/me/home`).
    pub async fn unread_notifications_of_user(&self, user_id: &str) -> anyhow::Result<Vec<Notification>> {
        let user_id = user_id.to_string();
        self.run(move |conn| notifications_where(conn, "AND read = 0", &user_id)).await
    }

    /// Marks one of `user_id`'s notifications read. `false` when it does not exist or is
    /// someone else's (→ 404); marking a read one again is `true`.
    pub async fn mark_notification_read(&self, user_id: &str, notification_id: &str) -> anyhow::Result<bool> {
        let (user_id, id) = (user_id.to_string(), notification_id.to_string());
        self.run(move |conn| {
            let changed = conn
                .prepare_cached("UPDATE notifications SET read = 1 WHERE id = ?2 AND user_id = ?1")?
                .execute([&user_id, &id])?;
            Ok(changed == 1)
        })
        .await
    }

    /// Adds a notification for `user_id` (e.g. the simulator: "Install failed").
    pub async fn insert_notification(
        &self,
        user_id: &str,
        title: &str,
        body: &str,
        link: Option<&str>,
        message: Option<PortalMessage>,
    ) -> anyhow::Result<Notification> {
        let (user_id, title, body, link) =
            (user_id.to_string(), title.to_string(), body.to_string(), link.map(str::to_string));
        let encoded = message.as_ref().map(to_json).transpose()?;
        self.run(move |conn| insert_notification_in(conn, &user_id, &title, &body, link, message, encoded)).await
    }
}

/// Notifications kept per person: the newest. Older ones are deleted as new ones arrive, so
/// a person's list (and every page that counts it) stays the same size however long the
/// portal runs (the soak benchmark's latency and memory grew with it before).
pub const NOTIFICATIONS_KEPT: i64 = 100;

/// Adds a notification on `conn` (inside the caller's transaction, when it has one), and
/// forgets the ones beyond the newest [`NOTIFICATIONS_KEPT`].
pub(super) fn insert_notification_in(
    conn: &Connection,
    user_id: &str,
    title: &str,
    body: &str,
    link: Option<String>,
    message: Option<PortalMessage>,
    encoded: Option<String>,
) -> anyhow::Result<Notification> {
    let created = dates::now();
    let mut id;
    let mut attempt = 0u32;
    // Ids are opaque; a random suffix keeps them unguessable across users.
    loop {
        id = format!("n-{:016x}", fastrand::u64(..));
        let inserted = conn
            .prepare_cached(
                "INSERT OR IGNORE INTO notifications (id, user_id, title, body, created_at, read, link, message)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
            )?
            .execute(params![id, user_id, title, body, created, link, encoded])?;
        attempt += 1;
        if inserted == 1 || attempt > 8 {
            break;
        }
    }
    conn.prepare_cached(
        "DELETE FROM notifications WHERE user_id = ?1 AND id NOT IN
           (SELECT id FROM notifications WHERE user_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2)",
    )?
    .execute(params![user_id, NOTIFICATIONS_KEPT])?;
    Ok(Notification {
        id,
        title: title.to_string(),
        body: body.to_string(),
        created_date_time: created,
        read: false,
        link,
        message,
    })
}
