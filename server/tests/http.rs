//! HTTP tests against the real `portal-server` binary: a separate process on an ephemeral
//! port with a temporary SQLite file, exactly as it runs in production.

mod support;

use support::{problem_of, Server};

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let server = Server::start(&[]).await;
    let res = server.get("/api/v1/health").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn branding_comes_from_the_demo_tenant_loaded_into_sqlite() {
    let server = Server::start(&[]).await;
    let res = server.get("/api/v1/branding").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let b: portal_core::branding::Branding = res.json().await.expect("branding json");
    assert_eq!(b.organisation_name, "Contoso Pharmaceuticals");
    assert_eq!(b.theme_color.to_string(), "#0f6cbd");
    assert_eq!(b.theme_text_color.to_string(), "#ffffff");
    assert_eq!(b.support.email.as_deref(), Some("servicedesk@contoso.example"));

    // It really is in the database file, not just in memory.
    let db = rusqlite::Connection::open(server.db.sqlite_path()).expect("open db");
    let name: String = db.query_row("SELECT name FROM organisation", [], |r| r.get(0)).expect("row");
    assert_eq!(name, "Contoso Pharmaceuticals");
    let mode: String = db.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("pragma");
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_tenant_file_given_with_tenant_is_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("fabrikam.toml");
    std::fs::write(&file, "[organisation]\nname = \"Fabrikam\"\ntheme_color = \"#ffeb3b\"\n").expect("write");
    let server = Server::start(&["--tenant", file.to_str().expect("utf-8 path")]).await;
    let b: portal_core::branding::Branding = server.get("/api/v1/branding").await.json().await.expect("json");
    assert_eq!(b.organisation_name, "Fabrikam");
    assert_eq!(b.theme_text_color.to_string(), "#000000", "dark text on a yellow theme");
    assert_eq!(b.support, Default::default());
}

#[tokio::test]
async fn unknown_api_paths_are_problem_documents_even_with_an_spa() {
    let dist = tempfile::tempdir().expect("tempdir");
    std::fs::write(dist.path().join("index.html"), "<!doctype html><title>spa</title>").expect("write");
    let server = Server::start(&["--dist", dist.path().to_str().expect("utf-8")]).await;
    for path in ["/api/v1/nope", "/api/v2/branding", "/api", "/api/"] {
        let res = server.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        let problem = problem_of(res).await;
        assert_eq!(problem.status, 404, "{path}");
    }
}

#[tokio::test]
async fn the_spa_is_served_and_deep_links_get_its_index() {
    let dist = tempfile::tempdir().expect("tempdir");
    std::fs::write(dist.path().join("index.html"), "<!doctype html><title>spa</title>").expect("write");
    std::fs::write(dist.path().join("config.json"), r#"{"apiBase":"/api/v1"}"#).expect("write");
    let server = Server::start(&["--dist", dist.path().to_str().expect("utf-8")]).await;

    for path in ["/", "/devices/abc", "/apps/some-app"] {
        let res = server.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.text().await.expect("body").contains("<title>spa</title>"), "{path}");
    }
    let res = server.get("/config.json").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.text().await.expect("body").contains("apiBase"));
}

#[tokio::test]
async fn a_dist_without_index_html_is_refused_at_start() {
    let empty = tempfile::tempdir().expect("tempdir");
    // Its own database, so the test never touches a portal.db in the working directory.
    let db = empty.path().join("portal.db");
    let dist = empty.path().join("dist");
    std::fs::create_dir(&dist).expect("mkdir");
    let out = support::run_to_end(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        db.to_str().expect("utf-8"),
        "--dist",
        dist.to_str().expect("utf-8"),
    ])
    .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index.html"), "{out:?}");
}

#[tokio::test]
async fn an_invalid_tenant_file_is_rejected_whole_with_file_path_and_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("portal.db");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[organisation]\nname = \"Fabrikam\"\ntheme_color = \"blue\"\n").expect("write");
    let out = support::import(&db, &bad).await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.toml"), "{stderr}");
    assert!(stderr.contains("organisation.theme_color"), "{stderr}");
    assert!(stderr.contains("#rrggbb"), "{stderr}");

    let conn = rusqlite::Connection::open(&db).expect("open");
    let rows: i64 = conn.query_row("SELECT count(*) FROM organisation", [], |r| r.get(0)).expect("count");
    assert_eq!(rows, 0, "nothing of an invalid file is imported");
}

#[tokio::test]
async fn the_same_tenant_is_not_reimported_on_restart_but_a_changed_one_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("portal.db");
    let db = db.to_str().expect("utf-8");
    let file = dir.path().join("t.toml");
    let tenant = file.to_str().expect("utf-8");
    std::fs::write(&file, "[organisation]\nname = \"One\"\ntheme_color = \"#123456\"\n").expect("write");

    let first = support::run_to_end(&["import", "--db", db, "--tenant", tenant]).await;
    assert!(String::from_utf8_lossy(&first.stdout).contains("imported \"One\""), "{first:?}");
    let again = support::run_to_end(&["import", "--db", db, "--tenant", tenant]).await;
    assert!(String::from_utf8_lossy(&again.stdout).contains("unchanged"), "{again:?}");

    std::fs::write(&file, "[organisation]\nname = \"Two\"\ntheme_color = \"#123456\"\n").expect("write");
    let changed = support::run_to_end(&["import", "--db", db, "--tenant", tenant]).await;
    assert!(String::from_utf8_lossy(&changed.stdout).contains("imported \"Two\""), "{changed:?}");
}
