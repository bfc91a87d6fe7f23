//! `haolin backup PATH`: a consistent copy of a live SQLite database, taken without stopping the
//! server (see docs/OPERATIONS.md).
//!
//! The copy is made with SQLite's `VACUUM INTO`, which reads the database inside one read
//! transaction: in WAL mode readers do not block the server's writers, and the copy holds exactly
//! the transactions committed when the backup began (later ones are not in it, earlier ones all
//! are, whether or not they were checkpointed from the WAL yet). The copy is then opened and
//! checked with `PRAGMA integrity_check`. A PostgreSQL database is backed up with PostgreSQL's own
//! tools, so a PostgreSQL URL is refused.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};

/// Why a backup was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The database is PostgreSQL: use `pg_dump`.
    #[error(
        "DATABASE_URL is a PostgreSQL database: `haolin backup` copies SQLite databases only. \
         Back PostgreSQL up with pg_dump (and WAL archiving for point-in-time recovery); \
         see docs/OPERATIONS.md"
    )]
    Postgres,
    /// The URL is neither SQLite nor PostgreSQL.
    #[error("DATABASE_URL is not a sqlite: URL")]
    Unsupported,
    /// Something is already at the target path; it is left untouched.
    #[error("{0} already exists; choose a new file name (a backup never overwrites)")]
    Exists(PathBuf),
    /// The database file does not exist.
    #[error("no database at {0}")]
    NoDatabase(PathBuf),
    /// SQLite failed.
    #[error("{0}")]
    Sqlite(#[from] sqlx::Error),
    /// The copy was written but does not pass the integrity check.
    #[error("the copy at {path} failed the integrity check: {report}")]
    Corrupt {
        /// The copy.
        path: PathBuf,
        /// What `PRAGMA integrity_check` said.
        report: String,
    },
}

/// What a finished backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The copy.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Copies the SQLite database at `database_url` to the new file `target`.
pub async fn backup(database_url: &str, target: &Path) -> Result<BackupReport, BackupError> {
    if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        return Err(BackupError::Postgres);
    }
    if !database_url.starts_with("sqlite:") {
        return Err(BackupError::Unsupported);
    }
    // `symlink_metadata`: a dangling symbolic link counts as existing too.
    if target.symlink_metadata().is_ok() {
        return Err(BackupError::Exists(target.to_path_buf()));
    }
    // Open the live file as it is: never create it, never migrate it.
    let options = SqliteConnectOptions::from_str(database_url)?
        .create_if_missing(false)
        .read_only(false)
        .busy_timeout(Duration::from_secs(30))
        // The copy is written with this connection's durability: synced to disk when done.
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
        .disable_statement_logging();
    let source = options.get_filename().to_path_buf();
    if !source.is_file() {
        return Err(BackupError::NoDatabase(source));
    }
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let target_text = target.to_string_lossy().into_owned();
    let copied = sqlx::query("VACUUM INTO $1").bind(&target_text).execute(&mut conn).await;
    conn.close().await?;
    copied?;

    let check_options = SqliteConnectOptions::new().filename(target).read_only(true).disable_statement_logging();
    let mut copy = SqliteConnection::connect_with(&check_options).await?;
    let rows = sqlx::query("PRAGMA integrity_check").fetch_all(&mut copy).await?;
    copy.close().await?;
    let report: Vec<String> = rows.iter().filter_map(|r| r.try_get::<String, _>(0).ok()).collect();
    if report != ["ok"] {
        return Err(BackupError::Corrupt { path: target.to_path_buf(), report: report.join("; ") });
    }
    let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport { path: target.to_path_buf(), bytes })
}
