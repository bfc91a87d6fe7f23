//! Open311 GeoReport v2 partner keys (docs/OPEN311.md): the admins' bodies under
//! `/api/v1/admin/open311-keys`. The Open311 documents themselves (`/open311/v2/…`) follow the
//! GeoReport v2 field lists and are rendered by the server, in JSON or XML.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /api/v1/admin/open311-keys`: issue a key to a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOpen311KeyRequest {
    /// 1–50 characters: who the key is for (e.g. 区 12345 热线).
    pub partner: String,
    /// The community or street the key may file wishes in.
    pub place_id: String,
    /// The partner's desk phone: the wish's contact when a request carries no `phone`.
    pub contact_phone: String,
}

/// A partner's key as admins see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Open311Key {
    /// The key's id.
    pub id: String,
    /// Who it is for.
    pub partner: String,
    /// The community or street it may file wishes in.
    pub place_id: String,
    /// That place's name.
    pub place_name: String,
    /// The partner's system account: the resident of record of the wishes it files.
    pub account_id: String,
    /// When it was issued.
    pub created_at: String,
    /// When it was revoked; `null` while it works.
    #[serde(default)]
    pub revoked_at: Option<String>,
}

/// The answer to issuing a key: the key and its secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IssuedOpen311Key {
    /// The key.
    pub key: Open311Key,
    /// The secret the partner sends as `api_key`; only its hash is stored.
    pub api_key: String,
}
