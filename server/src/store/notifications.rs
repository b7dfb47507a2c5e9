//! Notifications, per user.

use super::codec::to_json;
use super::sql::{params, Db};
use super::Store;
use crate::dates;
use portal_core::domain::{Notification, PortalMessage};

pub(super) fn notifications_where(db: &Db<'_>, condition: &str, user_id: &str) -> anyhow::Result<Vec<Notification>> {
    db.query_map(
        &format!(
            "SELECT id, title, body, created_at, read, link, message FROM notifications
             WHERE user_id = ?1 {condition} ORDER BY created_at DESC, id"
        ),
        params![user_id],
        |mut r| {
            Ok(Notification {
                id: r.take(0)?,
                title: r.take(1)?,
                body: r.take(2)?,
                created_date_time: r.take(3)?,
                read: r.get(4)?,
                link: r.take(5)?,
                // A message this server cannot read is left out: the English text remains.
                message: r.take::<Option<String>>(6)?.and_then(|m| serde_json::from_str(&m).ok()),
            })
        },
    )
}

impl Store {
    /// `user_id`'s notifications, newest first.
    pub async fn notifications_of_user(&self, user_id: &str) -> anyhow::Result<Vec<Notification>> {
        let user_id = user_id.to_string();
        self.run(move |db| notifications_where(db, "", &user_id)).await
    }

    /// `user_id`'s unread notifications, newest first (for `/me/home`).
    pub async fn unread_notifications_of_user(&self, user_id: &str) -> anyhow::Result<Vec<Notification>> {
        let user_id = user_id.to_string();
        self.run(move |db| notifications_where(db, "AND read = FALSE", &user_id)).await
    }

    /// Marks one of `user_id`'s notifications read. `false` when it does not exist or is
    /// someone else's (→ 404); marking a read one again is `true`.
    pub async fn mark_notification_read(&self, user_id: &str, notification_id: &str) -> anyhow::Result<bool> {
        let (user_id, id) = (user_id.to_string(), notification_id.to_string());
        self.run(move |db| {
            let changed = db
                .execute("UPDATE notifications SET read = TRUE WHERE id = ?2 AND user_id = ?1", params![user_id, id])?;
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
        self.run(move |db| insert_notification_in(db, &user_id, &title, &body, link, message, encoded)).await
    }
}

/// Notifications kept per person: the newest. Older ones are deleted as new ones arrive, so
/// a person's list (and every page that counts it) stays the same size however long the
/// portal runs (the soak benchmark's latency and memory grew with it before).
pub const NOTIFICATIONS_KEPT: i64 = 100;

/// Adds a notification on `conn` (inside the caller's transaction, when it has one), and
/// forgets the ones beyond the newest [`NOTIFICATIONS_KEPT`].
pub(super) fn insert_notification_in(
    db: &Db<'_>,
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
        let inserted = db.execute(
            "INSERT INTO notifications (id, user_id, title, body, created_at, read, link, message)
             VALUES (?1, ?2, ?3, ?4, ?5, FALSE, ?6, ?7) ON CONFLICT DO NOTHING",
            params![id, user_id, title, body, created, link, encoded],
        )?;
        attempt += 1;
        if inserted == 1 || attempt > 8 {
            break;
        }
    }
    db.execute(
        "DELETE FROM notifications WHERE user_id = ?1 AND id NOT IN
           (SELECT id FROM notifications WHERE user_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2)",
        params![user_id, NOTIFICATIONS_KEPT],
    )?;
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
