//! Property service ratings (docs/PROPERTY.md): companies, estates and their places, company
//! staff; `ratings.rs`: residents' ratings (one per resident, estate and period, kept by a unique
//! key) and the period's sums.

use sqlx::Row;
use sqlx::any::AnyRow;

pub mod ratings;

pub use ratings::{CommentRecord, EstateSums, RatingRecord};

use super::audit::AuditEntry;
use super::sql_builder::SqlBuilder;
use super::{Store, StoreError, unique_violation};

/// A property company as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRecord {
    /// The id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// An estate as stored, with its company's name and its places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstateRecord {
    /// The id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The company serving it.
    pub company: CompanyRecord,
    /// Its community.
    pub community_id: i64,
    /// The community's street.
    pub street_id: Option<i64>,
    /// Its grids and units, by id.
    pub place_ids: Vec<i64>,
}

/// An estate to create or the new state of one (its places all in `community_id`).
#[derive(Debug, Clone)]
pub struct EstateWrite {
    /// The name.
    pub name: String,
    /// The company.
    pub company_id: i64,
    /// The community of its places.
    pub community_id: i64,
    /// The community's street.
    pub street_id: Option<i64>,
    /// Its grids and units.
    pub place_ids: Vec<i64>,
}

/// Whose estates a read covers: an estate is in scope when any part matches (`all` covers every
/// estate).
#[derive(Debug, Clone, Default)]
pub struct EstateScope {
    /// Every estate (admins).
    pub all: bool,
    /// Estates in these communities (their dispatchers).
    pub communities: Vec<i64>,
    /// Estates in these streets (their officers).
    pub streets: Vec<i64>,
    /// Estates of these companies (their staff).
    pub companies: Vec<i64>,
}

impl EstateScope {
    /// Whether the scope covers nothing.
    pub fn is_empty(&self) -> bool {
        !self.all && self.communities.is_empty() && self.streets.is_empty() && self.companies.is_empty()
    }

    /// Whether it covers `estate`.
    pub fn covers(&self, e: &EstateRecord) -> bool {
        self.all
            || self.communities.contains(&e.community_id)
            || e.street_id.is_some_and(|s| self.streets.contains(&s))
            || self.companies.contains(&e.company.id)
    }

    /// Appends ` AND (…)` restricting `e.` rows to the scope.
    fn push_filter(&self, q: &mut SqlBuilder<'_>) {
        if self.all {
            return;
        }
        q.push(" AND (1 = 0");
        for (column, ids) in
            [("e.community_id", &self.communities), ("e.street_id", &self.streets), ("e.company_id", &self.companies)]
        {
            if !ids.is_empty() {
                q.push(" OR ").push(column).push(" IN (").push_binds(ids.iter().copied()).push(")");
            }
        }
        q.push(")");
    }
}

const ESTATE_SELECT: &str = "SELECT e.id, e.name, e.company_id, c.name AS company_name, e.community_id, e.street_id \
     FROM property_estates e JOIN property_companies c ON c.id = e.company_id";

fn estate_from_row(r: &AnyRow) -> Result<EstateRecord, sqlx::Error> {
    Ok(EstateRecord {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        company: CompanyRecord { id: r.try_get("company_id")?, name: r.try_get("company_name")? },
        community_id: r.try_get("community_id")?,
        street_id: r.try_get("street_id")?,
        place_ids: Vec::new(),
    })
}

impl Store {
    /// A page of the companies after the id `after`, by id.
    pub async fn property_companies(&self, after: Option<i64>, limit: u32) -> Result<Vec<CompanyRecord>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM property_companies WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after.unwrap_or(0))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| Ok(CompanyRecord { id: r.try_get("id")?, name: r.try_get("name")? }))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// A company.
    pub async fn property_company(&self, id: i64) -> Result<Option<CompanyRecord>, StoreError> {
        let row = sqlx::query("SELECT id, name FROM property_companies WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| Ok::<_, sqlx::Error>(CompanyRecord { id: r.try_get("id")?, name: r.try_get("name")? }))
            .transpose()?)
    }

    /// Creates a company with its audit entry; `AlreadyExists("name")` when the name is taken.
    pub async fn create_property_company(&self, name: &str, at: i64, entry: &AuditEntry) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 =
            sqlx::query_scalar("INSERT INTO property_companies (name, created_at) VALUES ($1, $2) RETURNING id")
                .bind(name)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists("name") } else { e.into() })?;
        Self::insert_audit(&mut tx, entry, Some(id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Renames a company; `false` if there is none.
    pub async fn rename_property_company(&self, id: i64, name: &str, entry: &AuditEntry) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE property_companies SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists("name") } else { e.into() })?
            .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        Self::insert_audit(&mut tx, entry, None).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// An estate with its places.
    pub async fn property_estate(&self, id: i64) -> Result<Option<EstateRecord>, StoreError> {
        let row = sqlx::query(&format!("{ESTATE_SELECT} WHERE e.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        let Some(row) = row else { return Ok(None) };
        let mut estate = estate_from_row(&row)?;
        estate.place_ids =
            sqlx::query_scalar("SELECT place_id FROM property_estate_places WHERE estate_id = $1 ORDER BY place_id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        Ok(Some(estate))
    }

    /// A page of the estates in `scope` after the id `after`, by id (places not read).
    pub async fn property_estates(
        &self,
        scope: &EstateScope,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<EstateRecord>, StoreError> {
        let mut q = SqlBuilder::new(format!("{ESTATE_SELECT} WHERE e.id > "));
        q.push_bind(after.unwrap_or(0));
        scope.push_filter(&mut q);
        q.push(" ORDER BY e.id LIMIT ").push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(estate_from_row).collect::<Result<_, _>>()?)
    }

    /// How many estates `scope` covers.
    pub async fn property_estate_count(&self, scope: &EstateScope) -> Result<u64, StoreError> {
        let mut q = SqlBuilder::new("SELECT COUNT(*) FROM property_estates e WHERE 1 = 1");
        scope.push_filter(&mut q);
        let n: i64 = q.build_scalar().fetch_one(&self.pool).await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The estate covering a grid or unit: the place itself, else its parent (a unit of a grid
    /// the estate covers).
    pub async fn estate_of_place(&self, place_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT ep.estate_id FROM property_estate_places ep WHERE ep.place_id = $1 \
             OR ep.place_id = (SELECT parent_id FROM places WHERE id = $1) \
             ORDER BY CASE WHEN ep.place_id = $1 THEN 0 ELSE 1 END LIMIT 1",
        )
        .bind(place_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Creates (`id` none) or rewrites an estate with its places and the audit entry, in one
    /// transaction; `AlreadyExists("name")` or `AlreadyExists("place_ids")` (a place in another
    /// estate).
    pub async fn write_property_estate(
        &self,
        id: Option<i64>,
        estate: &EstateWrite,
        at: i64,
        entry: &AuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = write_estate(&mut tx, id, estate, at).await?;
        Self::insert_audit(&mut tx, entry, Some(id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Applies a checked import: companies by name, then estates by community and name, with
    /// the audit entry, in one transaction.
    pub async fn apply_property_import(
        &self,
        companies: &[String],
        estates: &[(Option<i64>, String, EstateWrite)],
        at: i64,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for name in companies {
            sqlx::query("INSERT INTO property_companies (name, created_at) VALUES ($1, $2)")
                .bind(name)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        for (id, company, estate) in estates {
            let company_id: i64 = sqlx::query_scalar("SELECT id FROM property_companies WHERE name = $1")
                .bind(company)
                .fetch_one(&mut *tx)
                .await?;
            let write = EstateWrite { company_id, ..estate.clone() };
            write_estate(&mut tx, *id, &write, at).await?;
        }
        Self::insert_audit(&mut tx, entry, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The estate ids of places, for an import's check: `(place_id, estate_id)`.
    pub async fn estates_of_places(&self, place_ids: &[i64]) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut found = Vec::new();
        for chunk in place_ids.chunks(500) {
            let mut q = SqlBuilder::new("SELECT place_id, estate_id FROM property_estate_places WHERE place_id IN (");
            q.push_binds(chunk.iter().copied()).push(")");
            for row in q.build().fetch_all(&self.pool).await? {
                found.push((row.try_get("place_id")?, row.try_get("estate_id")?));
            }
        }
        Ok(found)
    }

    /// The estate of a community by name.
    pub async fn property_estate_by_name(&self, community_id: i64, name: &str) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT id FROM property_estates WHERE community_id = $1 AND name = $2")
            .bind(community_id)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Puts an account on a company's staff (`add`) or takes it off, with the audit entry;
    /// `false` when taking off an account that was not on it.
    pub async fn set_property_staff(
        &self,
        company_id: i64,
        user_id: i64,
        add: bool,
        at: i64,
        entry: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = if add {
            sqlx::query(
                "INSERT INTO property_company_staff (user_id, company_id, created_at) SELECT $1, $2, $3 \
                 WHERE NOT EXISTS (SELECT 1 FROM property_company_staff WHERE user_id = $1 AND company_id = $2)",
            )
            .bind(user_id)
            .bind(company_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            true
        } else {
            sqlx::query("DELETE FROM property_company_staff WHERE user_id = $1 AND company_id = $2")
                .bind(user_id)
                .bind(company_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0
        };
        if changed {
            Self::insert_audit(&mut tx, entry, None).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// The companies an account is on the staff of.
    pub async fn property_companies_of(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT company_id FROM property_company_staff WHERE user_id = $1 ORDER BY company_id")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
    }
}

/// Inserts or updates an estate and replaces its places, inside `tx`.
async fn write_estate(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: Option<i64>,
    estate: &EstateWrite,
    at: i64,
) -> Result<i64, StoreError> {
    let taken = |e: sqlx::Error| if unique_violation(&e) { StoreError::AlreadyExists("name") } else { e.into() };
    let id = match id {
        None => sqlx::query_scalar(
            "INSERT INTO property_estates (name, company_id, community_id, street_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&estate.name)
        .bind(estate.company_id)
        .bind(estate.community_id)
        .bind(estate.street_id)
        .bind(at)
        .fetch_one(&mut **tx)
        .await
        .map_err(taken)?,
        Some(id) => {
            sqlx::query("UPDATE property_estates SET name = $1, company_id = $2, community_id = $3, street_id = $4 WHERE id = $5")
                .bind(&estate.name)
                .bind(estate.company_id)
                .bind(estate.community_id)
                .bind(estate.street_id)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(taken)?;
            sqlx::query("DELETE FROM property_estate_places WHERE estate_id = $1").bind(id).execute(&mut **tx).await?;
            id
        }
    };
    for place in &estate.place_ids {
        sqlx::query("INSERT INTO property_estate_places (place_id, estate_id) VALUES ($1, $2)")
            .bind(place)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists("place_ids") } else { e.into() })?;
    }
    Ok(id)
}
