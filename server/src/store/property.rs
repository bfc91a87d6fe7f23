//! Property service ratings (docs/PROPERTY.md): companies, estates and their places, company
//! staff, residents' ratings (one per resident, estate and period, kept by a unique key) and the
//! period's sums.

use haolin_shared::domain::property::StarSums;
use sqlx::Row;
use sqlx::any::AnyRow;

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

/// A resident's rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingRecord {
    /// The id.
    pub id: i64,
    /// The estate.
    pub estate_id: i64,
    /// The period's key.
    pub period: String,
    /// Stars per duty, in `Duty::ALL` order.
    pub stars: [i64; 5],
    /// The comment.
    pub comment: Option<String>,
    /// When first given (UTC ms).
    pub created_at: i64,
    /// When last changed.
    pub updated_at: i64,
}

/// A comment with the stars given with it and its estate (never who wrote it).
#[derive(Debug, Clone)]
pub struct CommentRecord {
    /// The rating.
    pub rating: RatingRecord,
    /// The estate's name.
    pub estate_name: String,
    /// The estate's community.
    pub community_id: i64,
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

/// One estate's sums for a period.
#[derive(Debug, Clone)]
pub struct EstateSums {
    /// The estate (its `place_ids` left empty).
    pub estate: EstateRecord,
    /// Its period's stars.
    pub sums: StarSums,
}

const ESTATE_SELECT: &str = "SELECT e.id, e.name, e.company_id, c.name AS company_name, e.community_id, e.street_id \
     FROM property_estates e JOIN property_companies c ON c.id = e.company_id";

const SUM_COLUMNS: &str = "COUNT(r.id) AS raters, \
     CAST(COALESCE(SUM(r.security), 0) AS BIGINT) AS s1, CAST(COALESCE(SUM(r.cleaning), 0) AS BIGINT) AS s2, \
     CAST(COALESCE(SUM(r.greening), 0) AS BIGINT) AS s3, CAST(COALESCE(SUM(r.orderly), 0) AS BIGINT) AS s4, \
     CAST(COALESCE(SUM(r.repair), 0) AS BIGINT) AS s5, \
     CAST(COALESCE(SUM((CASE WHEN r.security >= 4 THEN 1 ELSE 0 END) + (CASE WHEN r.cleaning >= 4 THEN 1 ELSE 0 END) \
     + (CASE WHEN r.greening >= 4 THEN 1 ELSE 0 END) + (CASE WHEN r.orderly >= 4 THEN 1 ELSE 0 END) \
     + (CASE WHEN r.repair >= 4 THEN 1 ELSE 0 END)), 0) AS BIGINT) AS satisfied";

const RATING_COLUMNS: &str = "r.id, r.estate_id, r.period, r.security, r.cleaning, r.greening, r.orderly, r.repair, r.comment, r.created_at, r.updated_at";

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

fn sums_from_row(r: &AnyRow) -> Result<StarSums, sqlx::Error> {
    Ok(StarSums {
        raters: r.try_get("raters")?,
        stars: [r.try_get("s1")?, r.try_get("s2")?, r.try_get("s3")?, r.try_get("s4")?, r.try_get("s5")?],
        satisfied: r.try_get("satisfied")?,
    })
}

fn rating_from_row(r: &AnyRow) -> Result<RatingRecord, sqlx::Error> {
    Ok(RatingRecord {
        id: r.try_get("id")?,
        estate_id: r.try_get("estate_id")?,
        period: r.try_get("period")?,
        stars: [
            r.try_get("security")?,
            r.try_get("cleaning")?,
            r.try_get("greening")?,
            r.try_get("orderly")?,
            r.try_get("repair")?,
        ],
        comment: r.try_get("comment")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
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

    /// Stores the resident's rating of the estate for the period, or replaces the one they gave:
    /// one statement on the unique key, so concurrent submissions leave one rating. Returns it
    /// and whether it was new.
    pub async fn upsert_property_rating(
        &self,
        estate_id: i64,
        user_id: i64,
        period: &str,
        stars: [i64; 5],
        comment: Option<&str>,
        at: i64,
    ) -> Result<(RatingRecord, bool), StoreError> {
        let row = sqlx::query(
            "INSERT INTO property_ratings (estate_id, user_id, period, security, cleaning, greening, orderly, repair, \
             comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (estate_id, user_id, period) DO UPDATE SET security = excluded.security, \
             cleaning = excluded.cleaning, greening = excluded.greening, orderly = excluded.orderly, \
             repair = excluded.repair, comment = excluded.comment, updated_at = excluded.updated_at \
             RETURNING id, estate_id, period, security, cleaning, greening, orderly, repair, comment, created_at, \
             updated_at",
        )
        .bind(estate_id)
        .bind(user_id)
        .bind(period)
        .bind(stars[0])
        .bind(stars[1])
        .bind(stars[2])
        .bind(stars[3])
        .bind(stars[4])
        .bind(comment)
        .bind(at)
        .fetch_one(&self.pool)
        .await?;
        let rating = rating_from_row(&row)?;
        let created = rating.created_at == at && rating.updated_at == at;
        Ok((rating, created))
    }

    /// The resident's rating of the estate for the period.
    pub async fn property_rating(
        &self,
        estate_id: i64,
        user_id: i64,
        period: &str,
    ) -> Result<Option<RatingRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {RATING_COLUMNS} FROM property_ratings r WHERE r.estate_id = $1 AND r.user_id = $2 AND r.period = $3"
        ))
        .bind(estate_id)
        .bind(user_id)
        .bind(period)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(rating_from_row).transpose()?)
    }

    /// A page of the period's sums per estate in `scope` (every estate, rated or not), by id.
    pub async fn property_estate_sums(
        &self,
        period: &str,
        scope: &EstateScope,
        estate: Option<i64>,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<EstateSums>, StoreError> {
        let mut q = SqlBuilder::new(format!(
            "SELECT e.id, e.name, e.company_id, c.name AS company_name, e.community_id, e.street_id, {SUM_COLUMNS} \
             FROM property_estates e JOIN property_companies c ON c.id = e.company_id \
             LEFT JOIN property_ratings r ON r.estate_id = e.id AND r.period = "
        ));
        q.push_bind(period.to_owned()).push(" WHERE e.id > ").push_bind(after.unwrap_or(0));
        if let Some(estate) = estate {
            q.push(" AND e.id = ").push_bind(estate);
        }
        scope.push_filter(&mut q);
        q.push(" GROUP BY e.id, e.name, e.company_id, c.name, e.community_id, e.street_id ORDER BY e.id LIMIT ")
            .push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(EstateSums { estate: estate_from_row(r)?, sums: sums_from_row(r)? }))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// A page of the period's sums per company over all its estates, by id: every company when
    /// the scope is `all`, else those of its `companies` and those serving an estate in it.
    pub async fn property_company_sums(
        &self,
        period: &str,
        scope: &EstateScope,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(CompanyRecord, StarSums)>, StoreError> {
        let mut q = SqlBuilder::new(format!(
            "SELECT c.id, c.name, {SUM_COLUMNS} FROM property_companies c \
             LEFT JOIN property_estates ce ON ce.company_id = c.id \
             LEFT JOIN property_ratings r ON r.estate_id = ce.id AND r.period = "
        ));
        q.push_bind(period.to_owned()).push(" WHERE c.id > ").push_bind(after.unwrap_or(0));
        if !scope.all {
            q.push(" AND c.id IN (SELECT e.company_id FROM property_estates e WHERE 1 = 1");
            scope.push_filter(&mut q);
            q.push(")");
        }
        q.push(" GROUP BY c.id, c.name ORDER BY c.id LIMIT ").push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((CompanyRecord { id: r.try_get("id")?, name: r.try_get("name")? }, sums_from_row(r)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// A page of the period's comments on estates in `scope`, newest id first, before `before`.
    pub async fn property_comments(
        &self,
        period: &str,
        scope: &EstateScope,
        estate: Option<i64>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CommentRecord>, StoreError> {
        let mut q = SqlBuilder::new(format!(
            "SELECT {RATING_COLUMNS}, e.name AS estate_name, e.community_id FROM property_ratings r \
             JOIN property_estates e ON e.id = r.estate_id WHERE r.comment IS NOT NULL AND r.period = "
        ));
        q.push_bind(period.to_owned()).push(" AND r.id < ").push_bind(before.unwrap_or(i64::MAX));
        if let Some(estate) = estate {
            q.push(" AND e.id = ").push_bind(estate);
        }
        scope.push_filter(&mut q);
        q.push(" ORDER BY r.id DESC LIMIT ").push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(CommentRecord {
                    rating: rating_from_row(r)?,
                    estate_name: r.try_get("estate_name")?,
                    community_id: r.try_get("community_id")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
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
