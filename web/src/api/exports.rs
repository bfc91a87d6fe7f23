//! `POST /exports/links`: a one-time link to an export's file (docs/EXPORTS.md), which the browser
//! then opens as a plain download. Used by the office pages' download buttons.

use std::future::Future;

use haolin_shared::api::{CreateExportLinkRequest, ExportLink};

use super::post;
use crate::error::ApiError;

/// A signed link to `path` (`/api/v1/exports/….csv|.xlsx?filters`).
pub fn link(path: String) -> impl Future<Output = Result<ExportLink, ApiError>> + use<> {
    post("/exports/links".to_owned(), &CreateExportLinkRequest { path })
}
