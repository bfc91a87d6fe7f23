//! Notices (通知公告, docs/NOTICES.md): staff post a notice to a street, a community or a grid;
//! the residents and members of that place read it until its end date.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::{PersonRef, Photo, PlaceRef};

/// `POST /api/v1/notices`: a dispatcher, street officer or admin posts a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateNoticeRequest {
    /// The street, community or grid addressed (within the caller's scope).
    pub place_id: String,
    /// 1–50 characters on one line.
    pub title: String,
    /// 1–2000 characters; line breaks allowed.
    pub body: String,
    /// Shown before the others.
    #[serde(default)]
    pub pinned: bool,
    /// When it stops being shown (RFC 3339; in the future, at most a year ahead).
    pub ends_at: String,
    /// Ids of the caller's own unattached uploads.
    #[serde(default)]
    pub photos: Option<Vec<String>>,
}

/// `PATCH /api/v1/notices/{id}`: its poster (or an admin) changes a live notice; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateNoticeRequest {
    /// 1–50 characters on one line.
    pub title: Option<String>,
    /// 1–2000 characters.
    pub body: Option<String>,
    /// Shown before the others.
    pub pinned: Option<bool>,
    /// When it stops being shown (RFC 3339; in the future, at most a year ahead).
    pub ends_at: Option<String>,
}

/// A notice, as its reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Notice {
    /// The id.
    pub id: String,
    /// The place addressed.
    pub place: PlaceRef,
    /// The title.
    pub title: String,
    /// The text.
    pub body: String,
    /// Shown before the others.
    pub pinned: bool,
    /// When it stops being shown.
    pub ends_at: String,
    /// Its photos.
    pub photos: Vec<Photo>,
    /// Who posted it.
    pub posted_by: PersonRef,
    /// When posted.
    pub created_at: String,
    /// When last changed.
    pub updated_at: String,
    /// When withdrawn (then nobody but staff sees it).
    pub withdrawn_at: Option<String>,
    /// Whether the caller, one of its readers, has not read it yet (always false for staff).
    pub unread: bool,
}
