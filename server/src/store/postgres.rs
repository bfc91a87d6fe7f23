//! The PostgreSQL store: the production backend shared by several server instances.
//!
//! Same statements as SQLite (see `sql.rs`). Writes that must respect a member's live-claim limit
//! first lock the member's row, so two instances cannot both let one member exceed it.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use haolin_shared::api::Role;
use haolin_shared::domain::{WishAction, WishStatus};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};

use super::sql::{WISH_SELECT, millis, opt_time, sql_store, status, time, unique_violation};
use super::wechat::wechat_store;
use super::{
    CommunityRecord, EventRecord, Grant, IdempotencyWrite, IdempotentResponse, NewUser, NewWish, Recorded,
    RenderCreated, Rotation, StoreError, TransitionFailure, TransitionWrite, UserRecord, WishQuery, WishRecord,
};

/// A PostgreSQL database behind a connection pool that reconnects by itself.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to the database at `url` and runs the migrations.
    ///
    /// Acquiring a connection gives up after 5 s, so while the database is down requests fail
    /// fast with 503 instead of hanging; connections are tested before use and re-made after.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?.application_name("haolin");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .test_before_acquire(true)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await.map_err(|e| StoreError::Other(e.into()))?;
        Ok(Self { pool })
    }
}

sql_store!(PgStore, Postgres, PgRow, Some("SELECT id FROM users WHERE id = $1 FOR UPDATE"));
super::places::place_sql!(PgStore, sqlx::Postgres, sqlx::postgres::PgRow);
super::checkins::checkin_sql!(PgStore, sqlx::Postgres, sqlx::postgres::PgRow);
super::party::party_sql!(PgStore, sqlx::Postgres, sqlx::postgres::PgRow);
super::bulk::bulk_sql!(PgStore, true);
wechat_store!(PgStore, Postgres, PgRow);
