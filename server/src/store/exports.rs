//! The reads of exports (docs/EXPORTS.md) beyond the lists they page through: whether an export
//! would hold more rows than the bound, asked before any byte of the file is sent.

use sqlx::Row;

use super::sql_builder::SqlBuilder;
use super::wishes::push_wish_filters;
use super::{Store, StoreError, WishQuery};

impl Store {
    /// Whether the wishes `query` selects (its `limit` and cursor ignored) number more than `bound`:
    /// one index-only probe for the row after the bound, so the answer costs at most `bound` index
    /// entries and no join.
    pub async fn wishes_exceed(&self, query: &WishQuery, bound: u64) -> Result<bool, StoreError> {
        let query = WishQuery { before_id: None, ..query.clone() };
        let mut q = SqlBuilder::new("SELECT w.id FROM wishes w WHERE 1 = 1".to_owned());
        push_wish_filters(&mut q, &query);
        let offset = i64::try_from(bound).unwrap_or(i64::MAX);
        q.push(" ORDER BY w.id DESC LIMIT 1 OFFSET ").push_bind(offset);
        let row = q.build().fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?.is_some())
    }
}

impl Store {
    /// Whether the work orders `query` selects (its `limit` and cursor ignored) number more than
    /// `bound`: the same probe as [`Store::wishes_exceed`].
    pub async fn orders_exceed(&self, query: &super::work_orders::OrderQuery, bound: u64) -> Result<bool, StoreError> {
        let query = super::work_orders::OrderQuery { before_id: None, ..query.clone() };
        let mut q = SqlBuilder::new("SELECT o.id FROM work_orders o WHERE 1 = 1".to_owned());
        super::work_orders::push_order_filters(&mut q, &query);
        let offset = i64::try_from(bound).unwrap_or(i64::MAX);
        q.push(" ORDER BY o.id DESC LIMIT 1 OFFSET ").push_bind(offset);
        let row = q.build().fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?.is_some())
    }
}
