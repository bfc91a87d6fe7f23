//! Storage of the place hierarchy (district → street → community → grid → unit).
//!
//! A community is a place whose id is also the id of its row in
//! `communities` (kept in sync here: name, code, street code).

use chrono::{DateTime, Utc};
use haolin_shared::api::{GridKind, PlaceLevel, Role};

use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::audit::AuditEntry;
use super::sql_builder::SqlBuilder;
use super::{Store, StoreError, millis, unique_violation};

/// A place as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceRecord {
    /// The id.
    pub id: i64,
    /// The unified code.
    pub code: String,
    /// The name.
    pub name: String,
    /// The level.
    pub level: PlaceLevel,
    /// The kind (grids).
    pub kind: Option<GridKind>,
    /// The parent.
    pub parent_id: Option<i64>,
    /// When it was retired.
    pub retired_at: Option<DateTime<Utc>>,
    /// A grid's boundary (GeoJSON Polygon text).
    pub boundary: Option<String>,
    /// A unit's households (JSON array text).
    pub households: Option<String>,
}

/// A place to insert, already validated.
#[derive(Debug, Clone)]
pub struct NewPlace {
    /// The unified code.
    pub code: String,
    /// The name.
    pub name: String,
    /// The level.
    pub level: PlaceLevel,
    /// The kind (grids).
    pub kind: Option<GridKind>,
    /// The parent.
    pub parent_id: Option<i64>,
    /// A grid's boundary (GeoJSON Polygon text).
    pub boundary: Option<String>,
    /// A unit's households (JSON array text).
    pub households: Option<String>,
}

/// A change to a place, already validated.
#[derive(Debug, Clone, Default)]
pub struct PlaceChange {
    /// A new name.
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<GridKind>,
    /// A new boundary (GeoJSON Polygon text).
    pub boundary: Option<String>,
    /// A new list of households (JSON array text).
    pub households: Option<String>,
    /// A new parent with the place's new code under it; the codes of everything under the place
    /// change with it.
    pub moved: Option<(i64, String)>,
}

/// One step of an import plan, in an order where parents come first.
#[derive(Debug, Clone)]
pub enum ImportOp {
    /// Create a place under the place with code `parent_code` (none for a district).
    Create {
        /// The place.
        place: NewPlace,
        /// Its parent's code.
        parent_code: Option<String>,
    },
    /// Rename or re-kind an existing place, and set its boundary or households when given.
    Update {
        /// The place.
        id: i64,
        /// The new name.
        name: String,
        /// The new kind.
        kind: Option<GridKind>,
        /// A new boundary (GeoJSON Polygon text).
        boundary: Option<String>,
        /// A new list of households (JSON array text).
        households: Option<String>,
    },
}

/// What keeps a place from being retired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenWork {
    /// Places under it in service.
    pub children: i64,
    /// Unfinished wishes whose community or grid it is.
    pub wishes: i64,
    /// Party organisations in service at it.
    pub party_orgs: i64,
}

const PLACE_COLUMNS: &str = "id, code, name, level, kind, parent_id, retired_at, boundary, households";

fn place_from_row(row: &AnyRow) -> Result<PlaceRecord, sqlx::Error> {
    let level: String = row.try_get("level")?;
    let kind: Option<String> = row.try_get("kind")?;
    let retired: Option<i64> = row.try_get("retired_at")?;
    Ok(PlaceRecord {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        level: PlaceLevel::parse(&level).ok_or_else(|| sqlx::Error::Decode(format!("bad level {level}").into()))?,
        kind: kind.as_deref().and_then(GridKind::parse),
        parent_id: row.try_get("parent_id")?,
        retired_at: retired.and_then(DateTime::from_timestamp_millis),
        boundary: row.try_get("boundary")?,
        households: row.try_get("households")?,
    })
}

fn code_taken(err: sqlx::Error) -> StoreError {
    if unique_violation(&err) { StoreError::AlreadyExists("code") } else { err.into() }
}

async fn insert_place(tx: &mut sqlx::Transaction<'_, Any>, place: &NewPlace, at: i64) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO places (code, name, level, kind, parent_id, created_at, boundary, households) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&place.code)
    .bind(&place.name)
    .bind(place.level.as_str())
    .bind(place.kind.map(GridKind::as_str))
    .bind(place.parent_id)
    .bind(at)
    .bind(&place.boundary)
    .bind(&place.households)
    .fetch_one(&mut **tx)
    .await
    .map_err(code_taken)?;
    if place.level == PlaceLevel::Community {
        sqlx::query(
            "INSERT INTO communities (id, name, code, street_code, created_at) \
                         SELECT $1, $2, $3, (SELECT code FROM places WHERE id = $4), $5",
        )
        .bind(id)
        .bind(&place.name)
        .bind(&place.code)
        .bind(place.parent_id)
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(code_taken)?;
    }
    Ok(id)
}

async fn rename(
    tx: &mut sqlx::Transaction<'_, Any>,
    id: i64,
    name: &str,
    kind: Option<GridKind>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE places SET name = $1, kind = COALESCE($2, kind) WHERE id = $3")
        .bind(name)
        .bind(kind.map(GridKind::as_str))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE communities SET name = $1 WHERE id = $2").bind(name).bind(id).execute(&mut **tx).await?;
    Ok(())
}

impl Store {
    pub(super) async fn places_where(&self, sql: &str, id: i64) -> Result<Vec<PlaceRecord>, StoreError> {
        let rows = sqlx::query(sql).bind(id).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(place_from_row).collect::<Result<_, _>>()?)
    }
}

impl Store {
    /// One place.
    pub async fn place(&self, id: i64) -> Result<Option<PlaceRecord>, StoreError> {
        let sql = format!("SELECT {PLACE_COLUMNS} FROM places WHERE id = $1");
        Ok(self.places_where(&sql, id).await?.pop())
    }

    /// The place with a code.
    pub async fn place_by_code(&self, code: &str) -> Result<Option<PlaceRecord>, StoreError> {
        let sql = format!("SELECT {PLACE_COLUMNS} FROM places WHERE code = $1");
        let row = sqlx::query(&sql).bind(code).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(place_from_row).transpose()?)
    }

    /// The places from the top down to `id`, itself included (empty if absent).
    pub async fn place_path(&self, id: i64) -> Result<Vec<PlaceRecord>, StoreError> {
        let sql = format!(
            "WITH RECURSIVE up (id, code, name, level, kind, parent_id, retired_at, boundary, households, depth) AS ( \
                           SELECT {PLACE_COLUMNS}, 0 FROM places WHERE id = $1 \
                           UNION ALL \
                           SELECT p.id, p.code, p.name, p.level, p.kind, p.parent_id, p.retired_at, p.boundary, p.households, \
                                  up.depth + 1 \
                           FROM places p JOIN up ON p.id = up.parent_id WHERE up.depth < 10) \
                         SELECT {PLACE_COLUMNS} FROM up ORDER BY depth DESC"
        );
        self.places_where(&sql, id).await
    }

    /// Places under `parent_id`, of `level` if given, by id after `after_id`. Without a parent:
    /// every place of `level`, or the top-level places when no level is given either.
    pub async fn child_places(
        &self,
        parent_id: Option<i64>,
        level: Option<PlaceLevel>,
        after_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<PlaceRecord>, StoreError> {
        let mut q = SqlBuilder::new(format!("SELECT {PLACE_COLUMNS} FROM places WHERE "));
        match (parent_id, level) {
            (Some(parent), _) => q.push("parent_id = ").push_bind(parent),
            (None, Some(_)) => q.push("1 = 1"),
            (None, None) => q.push("parent_id IS NULL"),
        };
        if let Some(level) = level {
            q.push(" AND level = ").push_bind(level.as_str());
        }
        q.push(" AND id > ").push_bind(after_id.unwrap_or(0));
        q.push(" ORDER BY id LIMIT ").push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(place_from_row).collect::<Result<_, _>>()?)
    }

    /// The codes of every place directly under `parent_id`, retired ones included.
    pub async fn child_codes(&self, parent_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT code FROM places WHERE parent_id = $1")
            .bind(parent_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Every place whose code is in `codes`.
    pub async fn places_by_codes(&self, codes: &[String]) -> Result<Vec<PlaceRecord>, StoreError> {
        let mut found = Vec::new();
        for chunk in codes.chunks(500) {
            let mut q = SqlBuilder::new(format!("SELECT {PLACE_COLUMNS} FROM places WHERE code IN ("));
            q.push_binds(chunk.iter().cloned());
            q.push(")");
            let rows = q.build().fetch_all(&self.pool).await?;
            for row in &rows {
                found.push(place_from_row(row)?);
            }
        }
        Ok(found)
    }

    /// Creates a place (and its `communities` row for a community), and records `audit` (about
    /// the new place) with it.
    pub async fn create_place(
        &self,
        place: NewPlace,
        at: DateTime<Utc>,
        audit: Option<&AuditEntry>,
    ) -> Result<PlaceRecord, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = insert_place(&mut tx, &place, millis(at)).await?;
        if let Some(entry) = audit {
            Self::insert_audit(&mut tx, entry, Some(id)).await?;
        }
        tx.commit().await?;
        Ok(PlaceRecord {
            id,
            code: place.code,
            name: place.name,
            level: place.level,
            kind: place.kind,
            parent_id: place.parent_id,
            retired_at: None,
            boundary: place.boundary,
            households: place.households,
        })
    }

    /// Renames, re-kinds or moves a place in one transaction, with its `audit` entry.
    pub async fn update_place(&self, id: i64, change: PlaceChange, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        Self::insert_audit(&mut tx, audit, None).await?;
        if let Some((parent, code)) = &change.moved {
            let old: String =
                sqlx::query_scalar("SELECT code FROM places WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
            let from = i32::try_from(old.len() + 1).unwrap_or(i32::MAX);
            sqlx::query(
                "WITH RECURSIVE down (id) AS ( \
                               SELECT id FROM places WHERE id = $1 \
                               UNION ALL SELECT p.id FROM places p JOIN down ON p.parent_id = down.id) \
                             UPDATE places SET code = $2 || SUBSTR(code, $3) WHERE id IN (SELECT id FROM down)",
            )
            .bind(id)
            .bind(code)
            .bind(from)
            .execute(&mut *tx)
            .await
            .map_err(code_taken)?;
            sqlx::query("UPDATE places SET parent_id = $1 WHERE id = $2")
                .bind(parent)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE communities SET \
                               code = (SELECT p.code FROM places p WHERE p.id = communities.id), \
                               street_code = (SELECT s.code FROM places p JOIN places s ON s.id = p.parent_id \
                                              WHERE p.id = communities.id) \
                             WHERE code <> (SELECT p.code FROM places p WHERE p.id = communities.id)",
            )
            .execute(&mut *tx)
            .await
            .map_err(code_taken)?;
            // An estate's street is its community's (docs/PROPERTY.md: a street officer's scope).
            sqlx::query(
                "UPDATE property_estates SET street_id = (SELECT p.parent_id FROM places p \
                 WHERE p.id = property_estates.community_id)",
            )
            .execute(&mut *tx)
            .await?;
            // The street and district a community counts at changed: the figures are summed again.
            Self::reset_figures(&mut tx).await?;
        }
        if change.boundary.is_some() || change.households.is_some() {
            sqlx::query(
                "UPDATE places SET boundary = COALESCE($1, boundary), households = COALESCE($2, households) \
                             WHERE id = $3",
            )
            .bind(&change.boundary)
            .bind(&change.households)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if change.name.is_some() || change.kind.is_some() {
            let name = match &change.name {
                Some(name) => name.clone(),
                None => {
                    sqlx::query_scalar("SELECT name FROM places WHERE id = $1").bind(id).fetch_one(&mut *tx).await?
                }
            };
            rename(&mut tx, id, &name, change.kind).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// What keeps a place in service: places under it in service, unfinished wishes in it, and
    /// party organisations in service at it.
    pub async fn place_open_work(&self, id: i64) -> Result<OpenWork, StoreError> {
        let children: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM places WHERE parent_id = $1 AND retired_at IS NULL")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        let wishes: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM wishes WHERE (community_id = $1 OR grid_id = $1) \
                         AND status NOT IN ('rejected', 'confirmed', 'cancelled')",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let party_orgs: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM party_orgs WHERE place_id = $1 AND retired_at IS NULL")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        Ok(OpenWork { children, wishes, party_orgs })
    }

    /// Retires a place if it is in service and has no open work; says whether it did.
    pub async fn retire_place(&self, id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE places SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL \
                         AND NOT EXISTS (SELECT 1 FROM places c WHERE c.parent_id = $2 AND c.retired_at IS NULL) \
                         AND NOT EXISTS (SELECT 1 FROM wishes w WHERE (w.community_id = $2 OR w.grid_id = $2) \
                                         AND w.status NOT IN ('rejected', 'confirmed', 'cancelled')) \
                         AND NOT EXISTS (SELECT 1 FROM party_orgs o WHERE o.place_id = $2 AND o.retired_at IS NULL)",
        )
        .bind(millis(at))
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(done > 0)
    }

    /// `(id, boundary)` of every grid in service that has a boundary.
    pub async fn grid_boundaries(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, boundary FROM places WHERE level = 'grid' AND retired_at IS NULL \
                         AND boundary IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            found.push((row.try_get("id")?, row.try_get("boundary")?));
        }
        Ok(found)
    }

    /// Applies an import plan in one transaction, with its `audit` entry.
    pub async fn apply_import(
        &self,
        ops: Vec<ImportOp>,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let at = millis(at);
        let mut tx = self.pool.begin().await?;
        Self::insert_audit(&mut tx, audit, None).await?;
        for op in ops {
            match op {
                ImportOp::Create { mut place, parent_code } => {
                    if let Some(parent_code) = parent_code {
                        place.parent_id = Some(
                            sqlx::query_scalar("SELECT id FROM places WHERE code = $1")
                                .bind(parent_code)
                                .fetch_one(&mut *tx)
                                .await?,
                        );
                    }
                    insert_place(&mut tx, &place, at).await?;
                }
                ImportOp::Update { id, name, kind, boundary, households } => {
                    rename(&mut tx, id, &name, kind).await?;
                    sqlx::query(
                        "UPDATE places SET boundary = COALESCE($1, boundary), \
                                     households = COALESCE($2, households) WHERE id = $3",
                    )
                    .bind(&boundary)
                    .bind(&households)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Grants `role` at a place (community roles go to the community grants); granting twice
    /// changes nothing.
    pub async fn grant_place_role(
        &self,
        user_id: i64,
        role: Role,
        place_id: i64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = if matches!(role, Role::Dispatcher | Role::Member) {
            "INSERT INTO role_grants (user_id, role, community_id, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT DO NOTHING"
        } else {
            "INSERT INTO place_grants (user_id, role, place_id, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT DO NOTHING"
        };
        sqlx::query(sql).bind(user_id).bind(role.as_str()).bind(place_id).bind(millis(at)).execute(&self.pool).await?;
        Ok(())
    }

    /// Revokes `role` at a place; says whether it was held.
    pub async fn revoke_place_role(&self, user_id: i64, role: Role, place_id: i64) -> Result<bool, StoreError> {
        let sql = if matches!(role, Role::Dispatcher | Role::Member) {
            "DELETE FROM role_grants WHERE user_id = $1 AND role = $2 AND community_id = $3"
        } else {
            "DELETE FROM place_grants WHERE user_id = $1 AND role = $2 AND place_id = $3"
        };
        let done = sqlx::query(sql).bind(user_id).bind(role.as_str()).bind(place_id).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every role the account holds at a place (community roles included), by role and place.
    pub async fn place_roles(&self, user_id: i64) -> Result<Vec<(Role, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT role, community_id AS place_id FROM role_grants \
                         WHERE user_id = $1 AND community_id IS NOT NULL \
                         UNION ALL SELECT role, place_id FROM place_grants WHERE user_id = $1 \
                         ORDER BY role, place_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            let raw: String = row.try_get("role")?;
            if let Some(role) = Role::parse(&raw) {
                found.push((role, row.try_get("place_id")?));
            }
        }
        Ok(found)
    }
}
