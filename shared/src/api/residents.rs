//! Resident records (居民档案): people without a phone or an account of their own, recorded by the
//! grid staff who serve their home so that wishes can be filed for them (代办).

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::PlaceRef;

/// `POST /api/v1/residents`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateResidentRequest {
    /// The resident's name, 1–30 characters.
    pub name: String,
    /// Their home: a grid or ten-household unit in service, in a grid the caller serves.
    pub home_id: String,
    /// Their mainland mobile number, if they have one (then no other account may have it).
    #[serde(default)]
    pub phone: Option<String>,
}

/// A resident as the grid staff who serve their home see them: never their phone number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResidentRecord {
    /// The account's id (name it as `resident_id` when filing a wish).
    pub id: String,
    /// The resident's name.
    pub name: String,
    /// Whether a phone number is on record (wishes filed without one give the filer's).
    pub has_phone: bool,
    /// Whether the resident can log in themselves (a record made by the grid staff cannot).
    pub can_log_in: bool,
    /// Their registered home.
    pub home: PlaceRef,
}
