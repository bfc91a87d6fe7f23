//! The SQLite store: the embedded default. WAL, a busy timeout, and write transactions that begin
//! with their write so that concurrent writers queue on the write lock instead of failing.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use haolin_shared::api::Role;
use haolin_shared::domain::{WishAction, WishStatus};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use super::sql::{WISH_SELECT, millis, opt_time, sql_store, status, time, unique_violation};
use super::wechat::wechat_store;
use super::{
    CommunityRecord, EventRecord, Grant, IdempotencyWrite, IdempotentResponse, NewUser, NewWish, Recorded,
    RenderCreated, Rotation, StoreError, TransitionFailure, TransitionWrite, UserRecord, WishQuery, WishRecord,
};

/// A SQLite database file behind a small connection pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        if let Some(parent) = Path::new(options.get_filename()).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Other(sqlx::Error::Io(e)))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await.map_err(|e| StoreError::Other(e.into()))?;
        Ok(Self { pool })
    }
}

sql_store!(SqliteStore, Sqlite, SqliteRow, None::<&str>);
super::places::place_sql!(SqliteStore, sqlx::Sqlite, sqlx::sqlite::SqliteRow);
super::checkins::checkin_sql!(SqliteStore, sqlx::Sqlite, sqlx::sqlite::SqliteRow);
super::party::party_sql!(SqliteStore, sqlx::Sqlite, sqlx::sqlite::SqliteRow);
super::bulk::bulk_sql!(SqliteStore, false);
wechat_store!(SqliteStore, Sqlite, SqliteRow);
