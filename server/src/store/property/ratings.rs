//! Residents' ratings (one per resident, estate and period, kept by the unique key
//! `property_ratings_once`), a period's sums per estate and per company (read from the per-estate
//! period sums the rating triggers keep), per place (from the per-community sums kept from those),
//! and the comments.

use haolin_shared::domain::property::StarSums;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{CompanyRecord, EstateRecord, EstateScope, estate_from_row};
use crate::store::figures::Scope;
use crate::store::sql_builder::SqlBuilder;
use crate::store::{Store, StoreError};

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

/// One estate's sums for a period.
#[derive(Debug, Clone)]
pub struct EstateSums {
    /// The estate (its `place_ids` left empty).
    pub estate: EstateRecord,
    /// Its period's stars.
    pub sums: StarSums,
}

/// The sums of the per-estate period sums `s` (`property_period_sums`, kept by the triggers of
/// `property_ratings` in each rating's own statement, migration 0017), 0 where there are none.
const SUM_COLUMNS: &str = "CAST(COALESCE(SUM(s.raters), 0) AS BIGINT) AS raters, \
     CAST(COALESCE(SUM(s.security), 0) AS BIGINT) AS s1, CAST(COALESCE(SUM(s.cleaning), 0) AS BIGINT) AS s2, \
     CAST(COALESCE(SUM(s.greening), 0) AS BIGINT) AS s3, CAST(COALESCE(SUM(s.orderly), 0) AS BIGINT) AS s4, \
     CAST(COALESCE(SUM(s.repair), 0) AS BIGINT) AS s5, CAST(COALESCE(SUM(s.satisfied), 0) AS BIGINT) AS satisfied";

const RATING_COLUMNS: &str = "r.id, r.estate_id, r.period, r.security, r.cleaning, r.greening, r.orderly, r.repair, r.comment, r.created_at, r.updated_at";

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

    /// The sums of the ratings of the estates in a community, street or district (`scope`; a grid
    /// has none) for each of `periods` that has any, from the per-community sums the triggers keep
    /// from the per-estate ones (migrations 0017 and 0020): a row per community and period.
    pub async fn property_period_sums(
        &self,
        scope: Scope,
        periods: &[String],
    ) -> Result<Vec<(String, StarSums)>, StoreError> {
        if periods.is_empty() || matches!(scope, Scope::Grid(_)) {
            return Ok(Vec::new());
        }
        let placeholders = (2..periods.len() + 2).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        // A community an estate left keeps its periods' rows at zero raters: not "any".
        let sql = format!(
            "SELECT s.period, {SUM_COLUMNS} FROM property_community_sums s \
             WHERE {} AND s.period IN ({placeholders}) GROUP BY s.period HAVING SUM(s.raters) > 0",
            scope.predicate_at("s.community_id", "NULL", "$1")
        );
        let mut q = sqlx::query(&sql).bind(scope.id());
        for period in periods {
            q = q.bind(period.as_str());
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("period")?, sums_from_row(r)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
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
             LEFT JOIN property_period_sums s ON s.estate_id = e.id AND s.period = "
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
             LEFT JOIN property_period_sums s ON s.estate_id = ce.id AND s.period = "
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
