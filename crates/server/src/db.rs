//! The database: SQLite through sqlx, migrations embedded in the binary. Only SQL lives under `db/`.

pub mod calendar_feeds;
pub mod connections;
pub mod oauth_states;
pub mod organisations;
pub mod sessions;
pub mod users;
pub mod web_sessions;
pub mod webhooks;
pub mod zoom_jobs;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

pub type Db = SqlitePool;

/// A transaction that takes SQLite's write lock up front (`BEGIN IMMEDIATE`). A deferred transaction that reads and
/// then writes cannot wait for the lock when another connection wrote meanwhile (WAL mode): it fails at once with
/// "database is locked", which `busy_timeout` does not cover. Every transaction that writes starts here.
pub async fn begin_write(db: &Db) -> sqlx::Result<Transaction<'static, Sqlite>> {
    db.begin_with("BEGIN IMMEDIATE").await
}

pub async fn connect(database_url: &str) -> anyhow::Result<Db> {
    let options = SqliteConnectOptions::from_str(database_url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // Several server processes may share one file: wait for each other's writes instead of failing.
        .busy_timeout(Duration::from_secs(10));
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
