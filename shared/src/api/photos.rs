//! Photos on wishes and work orders: what an upload answers and how a photo is shown.
//! The rules (types, sizes, who sees what) are described in docs/PHOTOS.md.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Where in its subject's life a photo was attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhotoStage {
    /// Uploaded, not attached yet (only its uploader sees it; deleted after a day).
    Unattached,
    /// With the wish when it was posted.
    Post,
    /// Added by the resident while the wish was live.
    Added,
    /// With the member's fulfilment note.
    Fulfil,
    /// With a work order's report.
    Report,
    /// With a work order's resolution.
    Resolve,
    /// With a work order's call-back (回访).
    Visit,
}

impl PhotoStage {
    /// Every stage.
    pub const ALL: [PhotoStage; 7] =
        [Self::Unattached, Self::Post, Self::Added, Self::Fulfil, Self::Report, Self::Resolve, Self::Visit];

    /// The stored and wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unattached => "unattached",
            Self::Post => "post",
            Self::Added => "added",
            Self::Fulfil => "fulfil",
            Self::Report => "report",
            Self::Resolve => "resolve",
            Self::Visit => "visit",
        }
    }

    /// The stage with this name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The resident's own pictures of a wish (at posting and added later) share one quota.
    pub const fn is_residents(self) -> bool {
        matches!(self, Self::Post | Self::Added)
    }
}

/// A stored photo, as its viewer may fetch it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Photo {
    /// The id; send it in `photos` to attach the photo.
    pub id: String,
    /// Where it was attached.
    pub stage: PhotoStage,
    /// `image/jpeg`, `image/png` (as stored: metadata removed, orientation applied).
    pub content_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size in bytes.
    pub bytes: u64,
    /// The picture: a short-lived signed URL (no token needed, for `<img>` and `wx.previewImage`);
    /// the same path without its query answers a bearer token.
    pub url: String,
    /// The thumbnail (longest side at most 320 px, JPEG), signed likewise.
    pub thumb_url: String,
    /// When it was uploaded.
    pub created_at: String,
}

/// `POST /api/v1/wishes/{id}/photos`: the resident adds photos to a live wish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttachPhotosRequest {
    /// Ids of the caller's own unattached uploads, 1 to the configured maximum.
    pub photos: Vec<String>,
}
