//! The PostgreSQL store against the SQLite one, on a real PostgreSQL (scripts/test-postgres):
//! both migration lists end in the same schema (no hand-kept drift: a table or column added
//! to one store and not the other fails here), and the store's own guarantees hold with
//! several instances over one database — migrations and the tenant import run once when
//! instances start together, and a piece of work is claimed by one instance at a time.

mod support;

use portal_server::store::{Location, Store};
use support::db::{connect, new_postgres_database};
use support::schema;

#[tokio::test]
async fn schemas_match() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = dir.path().join("portal.db");
    Store::open(&sqlite).await.expect("open SQLite");
    let url = new_postgres_database().await;
    Store::open(Location::parse(&url)).await.expect("open PostgreSQL");

    let expected = schema::of_sqlite(&sqlite);
    let (actual, broken) = schema::of_postgres(&connect(&url).await).await;
    assert!(expected.contains_key("users") && expected.contains_key("work_leases"), "{:?}", expected.keys());
    assert!(broken.is_empty(), "the PostgreSQL schema breaks its own rules:\n{}", broken.join("\n"));
    let differences = schema::differences(&expected, &actual);
    assert!(
        differences.is_empty(),
        "the stores' schemas differ: a migration was added to one store and not the other \
         (store/sql/*.sql and store/sql/postgres/*.sql)\n{}",
        differences.join("\n")
    );

    // The comparison sees what it must: a missing column, a changed key, a missing index.
    let mut changed = actual.clone();
    changed.get_mut("devices").expect("devices").columns.pop();
    assert!(!schema::differences(&expected, &changed).is_empty(), "a missing column is a difference");
    let mut changed = actual.clone();
    changed.get_mut("install_states").expect("table").foreign_keys.clear();
    assert!(!schema::differences(&expected, &changed).is_empty(), "a missing foreign key is a difference");
    let mut changed = actual.clone();
    changed.get_mut("users").expect("users").indexes.clear();
    assert!(!schema::differences(&expected, &changed).is_empty(), "a missing case-insensitive key is a difference");
    let mut changed = actual.clone();
    changed.remove("audit");
    assert!(!schema::differences(&expected, &changed).is_empty(), "a missing table is a difference");
    let mut changed = actual;
    changed.get_mut("notifications").expect("table").columns[5].not_null = false;
    assert!(!schema::differences(&expected, &changed).is_empty(), "nullability is compared");
}

#[tokio::test]
async fn instances_starting_together_migrate_once_and_a_changed_migration_is_refused() {
    let url = new_postgres_database().await;
    let opens: Vec<_> = (0..4).map(|_| Store::open(Location::parse(&url))).collect();
    for opened in futures::future::join_all(opens).await {
        opened.expect("every instance starts");
    }
    let client = connect(&url).await;
    let applied: Vec<i64> = client
        .query("SELECT version FROM portal_schema ORDER BY version", &[])
        .await
        .expect("versions")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let known: Vec<i64> = portal_server::store::POSTGRES_MIGRATIONS.iter().map(|(v, _, _)| *v).collect();
    assert_eq!(applied, known, "each migration once");

    // A database that recorded another text for a migration than this build has: refused.
    let original: String =
        client.query_one("SELECT sha256 FROM portal_schema WHERE version = 1", &[]).await.expect("sha").get(0);
    client.batch_execute("UPDATE portal_schema SET sha256 = 'edited' WHERE version = 1").await.expect("edit");
    let refused = Store::open(Location::parse(&url)).await.err().expect("refused");
    assert!(format!("{refused:#}").contains("released migrations are never edited"), "{refused:#}");
    client.execute("UPDATE portal_schema SET sha256 = $1 WHERE version = 1", &[&original]).await.expect("undo");

    // A migration of a newer build is tolerated (a rolling upgrade): this one runs on.
    client
        .batch_execute("INSERT INTO portal_schema (version, name, sha256) VALUES (999, 'from_the_future', 'x')")
        .await
        .expect("newer");
    Store::open(Location::parse(&url)).await.expect("an older build runs on a newer schema");
}
