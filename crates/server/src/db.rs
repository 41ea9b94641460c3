//! The database: SQLite (embedded default) or PostgreSQL (several instances) through sqlx, migrations embedded in
//! the binary. Only SQL lives under `db/`.

pub mod calendar_feeds;
pub mod calendar_sync;
pub mod connections;
pub mod oauth_states;
pub mod organisations;
pub mod sessions;
pub mod users;
pub mod vocab;
pub mod web_sessions;
pub mod webhooks;
pub mod zoom_jobs;
pub mod zoom_limits;

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

/// One pool over either backend (sqlx's `Any` driver): SQLite, the embedded default, or PostgreSQL for
/// deployments of several server instances. Every statement under `db/` is written to mean the same on both:
/// `$N` placeholders (SQLite binds them by number), `ON CONFLICT`, `CASE` instead of two-argument `MAX`, every
/// integer and flag a 64-bit integer. The few places where the two must differ ask [`Backend`].
pub type Db = AnyPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a `BB_DATABASE_URL` names (`sqlite:` or `postgres:` / `postgresql:`).
    pub fn of_url(url: &str) -> Option<Backend> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }

    pub fn of(db: &Db) -> Backend {
        match db.connect_options().database_url.scheme() {
            "sqlite" => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }

    pub fn of_tx(tx: &Transaction<'_, Any>) -> Backend {
        if tx.backend_name() == "SQLite" {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }
}

/// A transaction that writes.
///
/// SQLite: takes the write lock up front (`BEGIN IMMEDIATE`). A deferred transaction that reads and then writes
/// cannot wait for the lock when another connection wrote meanwhile (WAL mode): it fails at once with "database is
/// locked", which `busy_timeout` does not cover.
///
/// PostgreSQL: an ordinary READ COMMITTED transaction; the rows it reads in order to change them are locked as it
/// reads them ([`for_update`]), and every conditional write (`WHERE lease_owner = …`, `WHERE token_generation = …`)
/// is re-checked by PostgreSQL against the row's newest version, so the guarantees are the same without one lock
/// for the whole database.
pub async fn begin_write(db: &Db) -> sqlx::Result<Transaction<'static, Any>> {
    match Backend::of(db) {
        Backend::Sqlite => db.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => db.begin().await,
    }
}

/// What a read inside [`begin_write`] appends to lock the rows it returns until the transaction ends (PostgreSQL);
/// SQLite already holds its write lock.
pub fn for_update(tx: &Transaction<'_, Any>) -> &'static str {
    match Backend::of_tx(tx) {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE",
    }
}

/// Opens the database `database_url` names and brings its schema up to date (each backend has its own
/// migrations: `migrations/` for SQLite, `migrations_postgres/` for PostgreSQL).
pub async fn connect(database_url: &str) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of_url(database_url)
        .ok_or_else(|| anyhow::anyhow!("BB_DATABASE_URL must start with sqlite:// or postgres://"))?;
    let mut url = database_url.to_string();
    if backend == Backend::Sqlite {
        let path = database_url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let path = path.split('?').next().unwrap_or_default();
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        if !url.contains("mode=") {
            url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
        }
    }
    let options: AnyConnectOptions = url.parse()?;
    let pool = AnyPoolOptions::new()
        .max_connections(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // The Any driver opens SQLite from the URL alone, so the connection's settings are set here:
                    // WAL (readers never wait for the writer), foreign keys, and waiting for other processes'
                    // writes instead of failing (several server processes may share one file).
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
                         PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await?;
    match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations").run(&pool).await?,
        Backend::Postgres => sqlx::migrate!("./migrations_postgres").run(&pool).await?,
    }
    Ok(pool)
}
