//! Exports (docs/EXPORTS.md): the signed download link of a CSV or XLSX file.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /api/v1/exports/links`: the export to sign, as the path and query the download will use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateExportLinkRequest {
    /// An export's path with its filters, e.g. `/api/v1/exports/wishes.xlsx?status=open`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub path: String,
}

/// A short-lived download link: a plain `GET` of `url` (no `Authorization` header) answers the file
/// once, as the account that asked for it, until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExportLink {
    /// The path with its filters and the signature (relative to the server).
    pub url: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
}
