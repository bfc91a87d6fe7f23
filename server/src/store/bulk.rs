//! Bulk loading for the demo-district generator: statements of literal rows run in one
//! transaction each, and identity sequences moved past explicitly inserted ids afterwards.

use async_trait::async_trait;

use super::StoreError;

/// The tables the generator fills with explicit ids.
pub const BULK_TABLES: [&str; 9] = [
    "users",
    "places",
    "communities",
    "unit_branches",
    "unit_branch_checkins",
    "checkins",
    "wishes",
    "wish_events",
    "party_orgs",
];

/// What the generator needs from a database.
#[async_trait]
pub trait BulkStore: Send + Sync {
    /// The highest id in `table` (one of [`BULK_TABLES`]), 0 when empty.
    async fn max_id(&self, table: &'static str) -> Result<i64, StoreError>;
    /// Runs the statements in one transaction.
    async fn run_batch(&self, statements: &[String]) -> Result<(), StoreError>;
    /// Moves each table's id sequence past its highest id (PostgreSQL; SQLite needs nothing).
    async fn reset_sequences(&self) -> Result<(), StoreError>;
}

/// Implements [`BulkStore`] for `$store`; `$sequences` says whether identity sequences need
/// resetting after explicit ids (PostgreSQL).
macro_rules! bulk_sql {
    ($store:ident, $sequences:expr) => {
        mod bulk_impl {
            use async_trait::async_trait;

            use super::$store;
            use $crate::store::StoreError;
            use $crate::store::bulk::{BULK_TABLES, BulkStore};

            #[async_trait]
            impl BulkStore for $store {
                async fn max_id(&self, table: &'static str) -> Result<i64, StoreError> {
                    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
                    Ok(sqlx::query_scalar(&sql).fetch_one(&self.pool).await?)
                }

                async fn run_batch(&self, statements: &[String]) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin().await?;
                    for statement in statements {
                        sqlx::query(statement).persistent(false).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn reset_sequences(&self) -> Result<(), StoreError> {
                    if $sequences {
                        for table in BULK_TABLES {
                            let sql = format!(
                                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                            );
                            sqlx::query(&sql).execute(&self.pool).await?;
                        }
                    }
                    Ok(())
                }
            }
        }
    };
}

pub(super) use bulk_sql;
