//! Party organisations of the four-level architecture (街道党工委 → 社区党支部 → 网格党支部 /
//! 网格党小组 → 党员中心户). Each sits at one place and under the organisation of the place above.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::{PersonRef, PlaceLevel, PlaceRef};

/// A level of the party organisation, from the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PartyOrgLevel {
    /// 街道党工委, at a street.
    StreetCommittee,
    /// 社区党支部, at a community.
    CommunityBranch,
    /// 网格党支部, at a grid.
    GridBranch,
    /// 网格党小组, at a grid.
    PartyGroup,
    /// 党员中心户, at a ten-household unit; its leader is the party member of the household.
    CentralHousehold,
}

impl PartyOrgLevel {
    /// Every level, from the top.
    pub const ALL: [Self; 5] =
        [Self::StreetCommittee, Self::CommunityBranch, Self::GridBranch, Self::PartyGroup, Self::CentralHousehold];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StreetCommittee => "street_committee",
            Self::CommunityBranch => "community_branch",
            Self::GridBranch => "grid_branch",
            Self::PartyGroup => "party_group",
            Self::CentralHousehold => "central_household",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == raw)
    }

    /// The level of place an organisation of this level sits at.
    pub fn place_level(self) -> PlaceLevel {
        match self {
            Self::StreetCommittee => PlaceLevel::Street,
            Self::CommunityBranch => PlaceLevel::Community,
            Self::GridBranch | Self::PartyGroup => PlaceLevel::Grid,
            Self::CentralHousehold => PlaceLevel::Unit,
        }
    }
}

/// One step of an organisation's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PartyOrgRef {
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The level.
    pub level: PartyOrgLevel,
}

/// A party organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PartyOrg {
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The level.
    pub level: PartyOrgLevel,
    /// The place it sits at.
    pub place: PlaceRef,
    /// The organisation above (the one in service at the place above); `null` for a street
    /// committee, or when the place above has none in service.
    pub parent_id: Option<String>,
    /// The organisations in service from the top down to this one, itself included.
    pub path: Vec<PartyOrgRef>,
    /// The secretary, group leader, or the central household's party member.
    pub leader: Option<PersonRef>,
    /// When it was retired (RFC 3339); `null` while in service.
    pub retired_at: Option<String>,
}

/// `POST /api/v1/admin/party-orgs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePartyOrgRequest {
    /// The level; it fixes the level of the place.
    pub level: PartyOrgLevel,
    /// 1–50 characters.
    pub name: String,
    /// The place in service it sits at (a street, community, grid or unit).
    pub place_id: String,
    /// The leader's account; required for a central household.
    #[serde(default)]
    pub leader_id: Option<String>,
}

/// `PATCH /api/v1/admin/party-orgs/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdatePartyOrgRequest {
    /// A new name.
    #[serde(default)]
    pub name: Option<String>,
    /// A new leader.
    #[serde(default)]
    pub leader_id: Option<String>,
}
