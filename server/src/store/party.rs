//! Storage of residents' homes and of party organisations (the four-level architecture).
//!
//! An organisation sits at one place; its parent is not stored but is
//! the organisation in service at the place above, so moving a place carries its organisation.

use chrono::{DateTime, Utc};
use haolin_shared::api::PartyOrgLevel;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::sql_builder::SqlBuilder;
use super::{Store, StoreError};

/// A party organisation as stored, with its leader's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgRecord {
    /// The id.
    pub id: i64,
    /// The name.
    pub name: String,
    /// The level.
    pub level: PartyOrgLevel,
    /// The place it sits at.
    pub place_id: i64,
    /// The leader.
    pub leader_id: Option<i64>,
    /// The leader's name.
    pub leader_name: Option<String>,
    /// When it was retired.
    pub retired_at: Option<DateTime<Utc>>,
}

/// An organisation to create, validated.
#[derive(Debug, Clone)]
pub struct NewPartyOrg {
    /// The name.
    pub name: String,
    /// The level.
    pub level: PartyOrgLevel,
    /// The place in service it sits at.
    pub place_id: i64,
    /// The leader.
    pub leader_id: Option<i64>,
}

const ORG_SELECT: &str = "SELECT o.id, o.name, o.level, o.place_id, o.leader_id, u.name AS leader_name, \
                                      o.retired_at FROM party_orgs o LEFT JOIN users u ON u.id = o.leader_id";

fn org_from_row(row: &AnyRow) -> Result<PartyOrgRecord, sqlx::Error> {
    let level: String = row.try_get("level")?;
    let retired: Option<i64> = row.try_get("retired_at")?;
    Ok(PartyOrgRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        level: PartyOrgLevel::parse(&level)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad party level {level}").into()))?,
        place_id: row.try_get("place_id")?,
        leader_id: row.try_get("leader_id")?,
        leader_name: row.try_get("leader_name")?,
        retired_at: retired.and_then(DateTime::from_timestamp_millis),
    })
}

impl Store {
    pub(super) async fn orgs_where(&self, sql: &str, bind: i64) -> Result<Vec<PartyOrgRecord>, StoreError> {
        let rows = sqlx::query(sql).bind(bind).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(org_from_row).collect::<Result<_, _>>()?)
    }
}

impl Store {
    /// The place (grid or unit) an account registered as its home.
    pub async fn home_place(&self, user_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT home_place_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?
            .flatten())
    }

    /// Registers (or clears) an account's home.
    pub async fn set_home_place(&self, user_id: i64, place_id: Option<i64>) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET home_place_id = $1 WHERE id = $2")
            .bind(place_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// One organisation.
    pub async fn party_org(&self, id: i64) -> Result<Option<PartyOrgRecord>, StoreError> {
        Ok(self.orgs_where(&format!("{ORG_SELECT} WHERE o.id = $1"), id).await?.pop())
    }

    /// The organisations in service at any of `place_ids`.
    pub async fn live_party_orgs_at(&self, place_ids: &[i64]) -> Result<Vec<PartyOrgRecord>, StoreError> {
        if place_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = SqlBuilder::new(format!("{ORG_SELECT} WHERE o.retired_at IS NULL AND o.place_id IN ("));
        q.push_binds(place_ids.iter().copied());
        q.push(")");
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(org_from_row).collect::<Result<_, _>>()?)
    }

    /// Every organisation at a place, retired ones included, newest first.
    pub async fn party_orgs_at(&self, place_id: i64) -> Result<Vec<PartyOrgRecord>, StoreError> {
        self.orgs_where(&format!("{ORG_SELECT} WHERE o.place_id = $1 ORDER BY o.id DESC"), place_id).await
    }

    /// The organisations in service at the places directly under `place_id`, by id.
    pub async fn party_orgs_under(&self, place_id: i64) -> Result<Vec<PartyOrgRecord>, StoreError> {
        let sql = format!(
            "{ORG_SELECT} JOIN places p ON p.id = o.place_id \
                         WHERE p.parent_id = $1 AND o.retired_at IS NULL ORDER BY o.id"
        );
        self.orgs_where(&sql, place_id).await
    }

    /// Every organisation of a level, by id.
    pub async fn party_orgs_of_level(&self, level: PartyOrgLevel) -> Result<Vec<PartyOrgRecord>, StoreError> {
        let rows = sqlx::query(&format!("{ORG_SELECT} WHERE o.level = $1 ORDER BY o.id"))
            .bind(level.as_str())
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(org_from_row).collect::<Result<_, _>>()?)
    }

    /// Creates an organisation at a place in service (`None` when the place is retired);
    /// `AlreadyExists("place_id")` when the place has one in service.
    pub async fn create_party_org(&self, org: NewPartyOrg, at: DateTime<Utc>) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO party_orgs (name, level, place_id, leader_id, created_at) \
                         SELECT $1, $2, $3, $4, $5 WHERE EXISTS \
                           (SELECT 1 FROM places WHERE id = $3 AND retired_at IS NULL) RETURNING id",
        )
        .bind(&org.name)
        .bind(org.level.as_str())
        .bind(org.place_id)
        .bind(org.leader_id)
        .bind(at.timestamp_millis())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::AlreadyExists("place_id"),
            e => e.into(),
        })
    }

    /// Renames an organisation or changes its leader.
    pub async fn update_party_org(
        &self,
        id: i64,
        name: Option<&str>,
        leader_id: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE party_orgs SET name = COALESCE($1, name), leader_id = COALESCE($2, leader_id) \
                         WHERE id = $3",
        )
        .bind(name)
        .bind(leader_id)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Retires an organisation in service when no organisation is in service at the places under
    /// its place; says whether it did.
    pub async fn retire_party_org(&self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE party_orgs SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL \
                         AND NOT EXISTS (SELECT 1 FROM party_orgs c JOIN places p ON p.id = c.place_id \
                                         WHERE p.parent_id = party_orgs.place_id AND c.retired_at IS NULL)",
        )
        .bind(at.timestamp_millis())
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(done > 0)
    }
}
