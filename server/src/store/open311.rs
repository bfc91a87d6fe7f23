//! Storage of the Open311 door (docs/OPEN311.md): partner keys (issued with their system account
//! and audit entry in one transaction, listed, revoked, found by the hash of their secret) and
//! the public read of wishes, which selects only what the projection shows: no names, no phones,
//! no descriptions, no exact places (the grid's name, code and boundary at most).

use chrono::{DateTime, Utc};
use haolin_shared::domain::WishStatus;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::AuditEntry;
use super::sql_builder::SqlBuilder;
use super::{NewUser, Store, StoreError, millis, opt_time, status, time};

/// A partner's key as stored (the secret's hash stays in the database).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRecord {
    /// The id.
    pub id: i64,
    /// Who it is for.
    pub partner: String,
    /// The community or street it may file in.
    pub place_id: i64,
    /// That place's name.
    pub place_name: String,
    /// The partner's system account.
    pub account_id: i64,
    /// The partner's desk phone.
    pub contact_phone: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key to issue.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// Who it is for.
    pub partner: String,
    /// The community or street.
    pub place_id: i64,
    /// The partner's desk phone.
    pub contact_phone: String,
    /// SHA-256 of the secret, hex.
    pub secret_hash: String,
    /// The admin issuing it.
    pub created_by: i64,
    /// Now.
    pub at: DateTime<Utc>,
}

/// One wish as the Open311 read shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicWish {
    /// The wish's id.
    pub id: i64,
    /// Its category (the service code).
    pub category: String,
    /// Its title (shown once a dispatcher approved the wish).
    pub title: String,
    /// Its status.
    pub status: WishStatus,
    /// The community's name (the agency responsible).
    pub community_name: String,
    /// The community's code.
    pub community_code: String,
    /// The grid's name, code and boundary, when the wish has a grid.
    pub grid: Option<(String, String, Option<String>)>,
    /// The hoped-for date or time.
    pub expected_by: Option<String>,
    /// Posted.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// The filters of the public read, already checked.
#[derive(Debug, Clone, Default)]
pub struct PublicQuery {
    /// Only these wishes (overrides every other filter but the district).
    pub ids: Option<Vec<i64>>,
    /// Only wishes of communities under this district.
    pub district_id: Option<i64>,
    /// Only these categories.
    pub categories: Option<Vec<String>>,
    /// Only these statuses.
    pub statuses: Option<Vec<WishStatus>>,
    /// Posted at or after.
    pub start: Option<DateTime<Utc>>,
    /// Posted before.
    pub end: Option<DateTime<Utc>>,
    /// At most this many.
    pub limit: u32,
}

const KEY_SELECT: &str = "SELECT k.id, k.partner, k.place_id, p.name AS place_name, k.account_id, k.contact_phone, \
                          k.created_at, k.revoked_at FROM open311_keys k JOIN places p ON p.id = k.place_id";

fn key_from_row(row: &AnyRow) -> Result<KeyRecord, sqlx::Error> {
    Ok(KeyRecord {
        id: row.try_get("id")?,
        partner: row.try_get("partner")?,
        place_id: row.try_get("place_id")?,
        place_name: row.try_get("place_name")?,
        account_id: row.try_get("account_id")?,
        contact_phone: row.try_get("contact_phone")?,
        created_at: time(row.try_get("created_at")?)?,
        revoked_at: opt_time(row.try_get("revoked_at")?)?,
    })
}

const PUBLIC_SELECT: &str = "SELECT w.id, w.category, w.title, w.status, w.expected_by, w.created_at, w.updated_at, \
                             c.name AS community_name, c.code AS community_code, g.name AS grid_name, \
                             g.code AS grid_code, g.boundary AS grid_boundary \
                             FROM wishes w JOIN places c ON c.id = w.community_id \
                             LEFT JOIN places g ON g.id = w.grid_id WHERE ";

fn public_from_row(row: &AnyRow) -> Result<PublicWish, sqlx::Error> {
    let grid_name: Option<String> = row.try_get("grid_name")?;
    let grid_code: Option<String> = row.try_get("grid_code")?;
    let raw_status: String = row.try_get("status")?;
    Ok(PublicWish {
        id: row.try_get("id")?,
        category: row.try_get("category")?,
        title: row.try_get("title")?,
        status: status(&raw_status)?,
        community_name: row.try_get("community_name")?,
        community_code: row.try_get("community_code")?,
        grid: match (grid_name, grid_code) {
            (Some(name), Some(code)) => Some((name, code, row.try_get("grid_boundary")?)),
            _ => None,
        },
        expected_by: row.try_get("expected_by")?,
        created_at: time(row.try_get("created_at")?)?,
        updated_at: time(row.try_get("updated_at")?)?,
    })
}

impl Store {
    /// Issues a key: the partner's system account (`account` , unable to log in), the key and the
    /// audit entry, in one transaction.
    pub async fn issue_open311_key(
        &self,
        key: NewKey,
        account: NewUser,
        audit: &mut AuditEntry,
    ) -> Result<KeyRecord, StoreError> {
        let now = millis(key.at);
        let mut tx = self.pool.begin().await?;
        let account_id = Self::insert_user(&mut tx, &account, now, "phone").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO open311_keys (partner, place_id, account_id, contact_phone, secret_hash, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&key.partner)
        .bind(key.place_id)
        .bind(account_id)
        .bind(&key.contact_phone)
        .bind(&key.secret_hash)
        .bind(key.created_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        audit.details["account_id"] = serde_json::Value::String(account_id.to_string());
        Self::insert_audit(&mut tx, audit, Some(id)).await?;
        let row = sqlx::query(&format!("{KEY_SELECT} WHERE k.id = $1")).bind(id).fetch_one(&mut *tx).await?;
        let record = key_from_row(&row)?;
        tx.commit().await?;
        Ok(record)
    }

    /// Every key, newest first.
    pub async fn open311_keys(&self) -> Result<Vec<KeyRecord>, StoreError> {
        let rows = sqlx::query(&format!("{KEY_SELECT} ORDER BY k.id DESC")).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(key_from_row).collect::<Result<_, _>>()?)
    }

    /// One key.
    pub async fn open311_key(&self, id: i64) -> Result<Option<KeyRecord>, StoreError> {
        let row = sqlx::query(&format!("{KEY_SELECT} WHERE k.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(key_from_row).transpose()?)
    }

    /// The key whose secret hashes to `secret_hash`, revoked or not.
    pub async fn open311_key_by_hash(&self, secret_hash: &str) -> Result<Option<KeyRecord>, StoreError> {
        let row = sqlx::query(&format!("{KEY_SELECT} WHERE k.secret_hash = $1"))
            .bind(secret_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(key_from_row).transpose()?)
    }

    /// Revokes a key still in force, with its audit entry; `false` if it was revoked already.
    pub async fn revoke_open311_key(&self, id: i64, at: DateTime<Utc>, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE open311_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(millis(at))
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        Self::insert_audit(&mut tx, audit, Some(id)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The wishes of the public read, newest first.
    pub async fn open311_wishes(&self, query: &PublicQuery) -> Result<Vec<PublicWish>, StoreError> {
        let mut q = SqlBuilder::new(PUBLIC_SELECT.to_owned());
        q.push("1 = 1");
        if let Some(district) = query.district_id {
            q.push(
                " AND w.community_id IN (SELECT c2.id FROM places c2 JOIN places s2 ON s2.id = c2.parent_id \
                   WHERE s2.parent_id = ",
            )
            .push_bind(district)
            .push(")");
        }
        if let Some(ids) = &query.ids {
            q.push(" AND w.id IN (");
            q.push_binds(ids.iter().copied());
            q.push(")");
        } else {
            if let Some(categories) = &query.categories {
                q.push(" AND w.category IN (");
                q.push_binds(categories.iter().cloned());
                q.push(")");
            }
            if let Some(statuses) = &query.statuses {
                q.push(" AND w.status IN (");
                q.push_binds(statuses.iter().map(|s| s.as_str()));
                q.push(")");
            }
            if let Some(start) = query.start {
                q.push(" AND w.created_at >= ").push_bind(millis(start));
            }
            if let Some(end) = query.end {
                q.push(" AND w.created_at < ").push_bind(millis(end));
            }
        }
        q.push(" ORDER BY w.created_at DESC, w.id DESC LIMIT ").push_bind(i64::from(query.limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(public_from_row).collect::<Result<_, _>>()?)
    }
}
