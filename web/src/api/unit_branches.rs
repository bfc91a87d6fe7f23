//! `/unit-branches`: the party branches of work units (a check-in may name one).

use std::future::Future;

use haolin_shared::api::{Items, UnitBranch};

use crate::error::ApiError;

/// `GET /unit-branches`: every unit branch.
pub fn list() -> impl Future<Output = Result<Items<UnitBranch>, ApiError>> {
    super::get("/unit-branches".to_owned())
}
