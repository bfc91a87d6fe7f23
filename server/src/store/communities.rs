//! Communities (a community is also a place; see `places.rs`): creation, listing, their members
//! and the counts on the dispatcher's desk.

use chrono::Utc;
use haolin_shared::domain::WishStatus;
use sqlx::Row;

use super::audit::AuditEntry;
use super::sql_builder::SqlBuilder;
use super::{CommunityRecord, Store, StoreError, millis, status, unique_violation};

impl Store {
    /// Creates a community, and records `audit` (about the new community) with it.
    pub async fn create_community(
        &self,
        name: &str,
        code: &str,
        street_code: Option<&str>,
        audit: Option<&AuditEntry>,
    ) -> Result<CommunityRecord, StoreError> {
        // A community is a place: the place row comes first and lends the community its id,
        // under the street of that code when there is one in service.
        let now = millis(Utc::now());
        let mut tx = self.pool.begin().await?;
        let street: Option<i64> = match street_code {
            Some(street_code) => {
                sqlx::query_scalar("SELECT id FROM places WHERE code = $1 AND level = 'street' AND retired_at IS NULL")
                    .bind(street_code)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let taken = |e: sqlx::Error| if unique_violation(&e) { StoreError::AlreadyExists("code") } else { e.into() };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO places (code, name, level, parent_id, created_at) \
                 VALUES ($1, $2, 'community', $3, $4) RETURNING id",
        )
        .bind(code)
        .bind(name)
        .bind(street)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(taken)?;
        sqlx::query("INSERT INTO communities (id, name, code, street_code, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(name)
            .bind(code)
            .bind(street_code)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(taken)?;
        if let Some(entry) = audit {
            Self::insert_audit(&mut tx, entry, Some(id)).await?;
        }
        tx.commit().await?;
        Ok(CommunityRecord {
            id,
            name: name.to_owned(),
            code: code.to_owned(),
            street_code: street_code.map(str::to_owned),
        })
    }

    /// Lists communities by id, after `after_id`.
    pub async fn list_communities(
        &self,
        after_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CommunityRecord>, StoreError> {
        let rows =
            sqlx::query("SELECT id, name, code, street_code FROM communities WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after_id.unwrap_or(0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(CommunityRecord {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    code: row.try_get("code")?,
                    street_code: row.try_get("street_code")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The members checked in to a community whose name contains `name_part`, by name.
    pub async fn community_members(
        &self,
        community_id: i64,
        name_part: &str,
        limit: u32,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let pattern = format!("%{}%", name_part.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let rows = sqlx::query(
            "SELECT u.id, u.name FROM role_grants g JOIN users u ON u.id = g.user_id \
                 WHERE g.community_id = $1 AND g.role = 'member' AND u.name LIKE $2 ESCAPE '\\' \
                 ORDER BY u.name, u.id LIMIT $3",
        )
        .bind(community_id)
        .bind(pattern)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect::<Result<_, sqlx::Error>>()?)
    }

    /// How many wishes of a community are in each status (absent statuses have none).
    pub async fn wish_counts(&self, community_id: i64) -> Result<Vec<(WishStatus, i64)>, StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM wishes WHERE community_id = $1 GROUP BY status")
            .bind(community_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((status(r.try_get("status")?)?, r.try_get("n")?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// How many of `ids` exist.
    pub async fn count_communities(&self, ids: &[i64]) -> Result<i64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut q = SqlBuilder::new("SELECT COUNT(*) FROM communities WHERE id IN (");
        q.push_binds(ids.iter().copied());
        q.push(")");
        Ok(q.build_scalar().fetch_one(&self.pool).await?)
    }
}
