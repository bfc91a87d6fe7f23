//! A statement built piece by piece, numbering its parameters `$1`, `$2`, … as both backends
//! accept (sqlx's `QueryBuilder` writes `?` for `Any`, which PostgreSQL refuses).

use std::fmt::Write as _;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::{Query, QueryScalar};
use sqlx::{Any, Arguments, Encode, Type};

/// SQL text with its bound values.
#[derive(Default)]
pub(super) struct SqlBuilder<'q> {
    sql: String,
    args: AnyArguments<'q>,
    count: usize,
}

impl<'q> SqlBuilder<'q> {
    /// Starts with `init`.
    pub(super) fn new(init: impl Into<String>) -> Self {
        Self { sql: init.into(), args: AnyArguments::default(), count: 0 }
    }

    /// Appends SQL text.
    pub(super) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends the next parameter's placeholder and binds `value` to it.
    pub(super) fn push_bind<T: 'q + Encode<'q, Any> + Type<Any>>(&mut self, value: T) -> &mut Self {
        self.count += 1;
        let _ = write!(self.sql, "${}", self.count);
        // Encoding into `Any`'s buffer only records the value; it cannot fail for our types.
        let _ = self.args.add(value);
        self
    }

    /// Appends `v1, v2, …` as parameters, for `IN (…)`.
    pub(super) fn push_binds<T: 'q + Encode<'q, Any> + Type<Any>>(
        &mut self,
        values: impl IntoIterator<Item = T>,
    ) -> &mut Self {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.push_bind(value);
        }
        self
    }

    /// The SQL text so far.
    pub(super) fn sql(&self) -> &str {
        &self.sql
    }

    /// The statement, to execute or fetch rows from.
    pub(super) fn build<'a>(&'a mut self) -> Query<'a, Any, AnyArguments<'a>>
    where
        'q: 'a,
    {
        sqlx::query_with(&self.sql, std::mem::take(&mut self.args))
    }

    /// The statement, fetching one column.
    pub(super) fn build_scalar<'a, T>(&'a mut self) -> QueryScalar<'a, Any, T, AnyArguments<'a>>
    where
        'q: 'a,
        (T,): for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        sqlx::query_scalar_with(&self.sql, std::mem::take(&mut self.args))
    }
}
