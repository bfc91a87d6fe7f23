//! Storage of service points (docs/SERVICE-POINTS.md): a point created, edited or retired with its
//! audit entry in one transaction, and the reads the list, a point's page and the map make — each
//! one statement whose rows are folded into one JSON row (sqlx's SQLite driver hands each row
//! over from its connection thread with a wake-up; the seed's 154 points are one).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::audit::AuditEntry;
use super::{Backend, Store, StoreError, millis};
use sqlx::Row;

/// A service point as stored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PointRecord {
    /// The id.
    pub id: i64,
    /// The community.
    pub community_id: i64,
    /// The community's name.
    pub community_name: String,
    /// The grid, if any.
    pub grid_id: Option<i64>,
    /// The name.
    pub name: String,
    /// The address.
    pub address: String,
    /// Longitude.
    pub lng: f64,
    /// Latitude.
    pub lat: f64,
    /// The hours as stored JSON (`{"weekly": …, "follows_calendar": …}`).
    pub hours: String,
    /// The services as a stored JSON array.
    pub services: String,
    /// The contact's name.
    pub contact_name: String,
    /// The contact's phone.
    pub contact_phone: String,
    /// Created (UTC milliseconds).
    pub created_at: i64,
    /// Last changed (UTC milliseconds).
    pub updated_at: i64,
    /// Retired (UTC milliseconds).
    pub retired_at: Option<i64>,
}

/// A point's fields to write, already checked.
#[derive(Debug, Clone)]
pub struct PointFields {
    /// The grid, if any (a grid of the community).
    pub grid_id: Option<i64>,
    /// The name.
    pub name: String,
    /// The address.
    pub address: String,
    /// `[lng, lat]`.
    pub location: [f64; 2],
    /// The hours as JSON.
    pub hours: String,
    /// The services as a JSON array.
    pub services: String,
    /// The contact's name.
    pub contact_name: String,
    /// The contact's phone.
    pub contact_phone: String,
}

/// One grid's stored outline for the map.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GridShape {
    /// The grid.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its community.
    pub community_id: i64,
    /// Its boundary (GeoJSON Polygon text).
    pub boundary: String,
}

const POINT_COLUMNS: &str = "'id', p.id, 'community_id', p.community_id, 'community_name', c.name, \
     'grid_id', p.grid_id, 'name', p.name, 'address', p.address, 'lng', p.lng, 'lat', p.lat, 'hours', p.hours, \
     'services', p.services, 'contact_name', p.contact_name, 'contact_phone', p.contact_phone, \
     'created_at', p.created_at, 'updated_at', p.updated_at, 'retired_at', p.retired_at";

/// `SELECT` of one JSON array of objects built from `columns` over the rows of `inner`.
fn folded(backend: Backend, columns: &str, from: &str) -> String {
    match backend {
        Backend::Sqlite => format!("SELECT json_group_array(json_object({columns})) AS rows {from}"),
        Backend::Postgres => {
            format!("SELECT COALESCE(json_agg(json_build_object({columns})), '[]')::text AS rows {from}")
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Other(sqlx::Error::Decode(format!("service points: {e}").into())))
}

/// A point's insert: `$1` its community, `$2 ..= $10` its fields, `$11` the time.
const INSERT_POINT: &str = "INSERT INTO service_points (community_id, grid_id, name, address, lng, lat, hours, \
     services, contact_name, contact_phone, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)";

/// `sql` with `$1` = `key` (the community or the point), `$2 ..= $10` the point's fields in
/// [`INSERT_POINT`]'s order and `$11` = `at` (UTC ms).
fn point_query<'q>(
    sql: &'q str,
    key: i64,
    fields: &'q PointFields,
    at: i64,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(sql)
        .bind(key)
        .bind(fields.grid_id)
        .bind(&fields.name)
        .bind(&fields.address)
        .bind(fields.location[0])
        .bind(fields.location[1])
        .bind(&fields.hours)
        .bind(&fields.services)
        .bind(&fields.contact_name)
        .bind(&fields.contact_phone)
        .bind(at)
}

impl Store {
    /// The points in service (of one community, if given), in id order.
    pub async fn live_service_points(&self, community_id: Option<i64>) -> Result<Vec<PointRecord>, StoreError> {
        let sql = folded(
            self.backend,
            POINT_COLUMNS,
            "FROM service_points p JOIN places c ON c.id = p.community_id \
             WHERE p.retired_at IS NULL AND ($1 = 0 OR p.community_id = $1)",
        );
        let text: String = sqlx::query_scalar(&sql).bind(community_id.unwrap_or(0)).fetch_one(&self.pool).await?;
        let mut points: Vec<PointRecord> = decode(&text)?;
        points.sort_by_key(|p| p.id);
        Ok(points)
    }

    /// One point, retired or not.
    pub async fn service_point(&self, id: i64) -> Result<Option<PointRecord>, StoreError> {
        let sql = folded(
            self.backend,
            POINT_COLUMNS,
            "FROM service_points p JOIN places c ON c.id = p.community_id WHERE p.id = $1",
        );
        let text: String = sqlx::query_scalar(&sql).bind(id).fetch_one(&self.pool).await?;
        Ok(decode::<PointRecord>(&text)?.pop())
    }

    /// Creates a point in `community_id` with its audit entry; returns its id.
    pub async fn create_service_point(
        &self,
        community_id: i64,
        fields: &PointFields,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let sql = format!("{INSERT_POINT} RETURNING id");
        let id: i64 = point_query(&sql, community_id, fields, millis(at)).fetch_one(&mut *tx).await?.try_get("id")?;
        Self::insert_audit(&mut tx, audit, Some(id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Rewrites a point's fields with its audit entry; `false` when no point has the id.
    pub async fn update_service_point(
        &self,
        id: i64,
        fields: &PointFields,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = point_query(
            "UPDATE service_points SET grid_id = $2, name = $3, address = $4, lng = $5, lat = $6, hours = $7, \
             services = $8, contact_name = $9, contact_phone = $10, updated_at = $11 WHERE id = $1",
            id,
            fields,
            millis(at),
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        Self::insert_audit(&mut tx, audit, Some(id)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Retires a point in service with its audit entry; `false` when it was not in service.
    pub async fn retire_service_point(
        &self,
        id: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE service_points SET retired_at = $2, updated_at = $2 WHERE id = $1 AND retired_at IS NULL",
        )
        .bind(id)
        .bind(millis(at))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        Self::insert_audit(&mut tx, audit, Some(id)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The grids in service with a boundary, all of them or those under `place_id` (a district,
    /// street or community), in one statement.
    pub async fn grid_shapes(&self, place_id: Option<i64>) -> Result<Vec<GridShape>, StoreError> {
        let sql = folded(
            self.backend,
            "'id', g.id, 'name', g.name, 'community_id', g.parent_id, 'boundary', g.boundary",
            "FROM places g JOIN places c ON c.id = g.parent_id LEFT JOIN places s ON s.id = c.parent_id \
             WHERE g.level = 'grid' AND g.retired_at IS NULL AND g.boundary IS NOT NULL \
             AND ($1 = 0 OR c.id = $1 OR s.id = $1 OR s.parent_id = $1)",
        );
        let text: String = sqlx::query_scalar(&sql).bind(place_id.unwrap_or(0)).fetch_one(&self.pool).await?;
        let mut shapes: Vec<GridShape> = decode(&text)?;
        shapes.sort_by_key(|g| g.id);
        Ok(shapes)
    }
}

impl Store {
    /// Sets generated grids' boundaries, in one transaction (`haolin generate`).
    pub async fn set_grid_boundaries(&self, boundaries: &[(i64, String)]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for (id, boundary) in boundaries {
            sqlx::query("UPDATE places SET boundary = $1 WHERE id = $2 AND level = 'grid'")
                .bind(boundary)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Inserts seeded points `(community, fields)` in one transaction, without audit entries (the
    /// demo and `haolin generate` write them, no person does); returns how many.
    pub async fn insert_service_points(&self, points: &[(i64, PointFields)], at_ms: i64) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await?;
        for (community_id, fields) in points {
            point_query(INSERT_POINT, *community_id, fields, at_ms).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(points.len())
    }
}
