//! Volunteer teams (志愿服务队), their activities (五联 and others), sign-up with a waitlist, and
//! check-in at the place with a rotating code. The rules are in docs/TIME-BANK.md.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::{PersonRef, PlaceRef};
use crate::domain::time_bank::{ActivityStatus, SignupStatus};

/// A volunteer team (红马甲, 蓝天使 …), at a district, street or community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Team {
    /// The id.
    pub id: String,
    /// Its name, unique at its place.
    pub name: String,
    /// What it does.
    pub description: String,
    /// The district, street or community it belongs to.
    pub place: PlaceRef,
    /// Its leaders.
    pub leaders: Vec<PersonRef>,
    /// How many approved members (leaders included).
    pub member_count: i64,
    /// The caller's standing: `null` (none), `pending`, `member` or `leader`.
    #[serde(default)]
    pub my_role: Option<TeamRole>,
    /// When it was created.
    pub created_at: String,
}

/// A person's standing in a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    /// Asked to join; a leader has not decided.
    Pending,
    /// An approved member.
    Member,
    /// A leader: approves members, publishes activities, organises them.
    Leader,
}

impl TeamRole {
    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Member => "member",
            Self::Leader => "leader",
        }
    }

    /// Parses the wire and database spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "member" => Some(Self::Member),
            "leader" => Some(Self::Leader),
            _ => None,
        }
    }
}

/// `POST /api/v1/teams`: an admin anywhere, a street officer in their street, a dispatcher in
/// their community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTeamRequest {
    /// 1–50 characters, unique at its place.
    pub name: String,
    /// 1–500 characters, if given.
    #[serde(default)]
    pub description: Option<String>,
    /// A district, street or community in service.
    pub place_id: String,
    /// The first leader's account.
    pub leader_id: String,
}

/// `POST /api/v1/teams/{id}/join`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinTeamRequest {
    /// 1–200 characters, if given: a word to the leaders (skills, availability).
    #[serde(default)]
    pub note: Option<String>,
}

/// One person on a team's list (leaders see the pending requests too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TeamMember {
    /// The person (name only: no phone number).
    pub person: PersonRef,
    /// Their standing.
    pub role: TeamRole,
    /// Their note when asking to join.
    #[serde(default)]
    pub note: Option<String>,
    /// When they asked.
    pub requested_at: String,
    /// When a leader approved them.
    #[serde(default)]
    pub joined_at: Option<String>,
}

/// `POST /api/v1/teams/{id}/members/{user_id}/{decision}` (`approve`, `refuse`, `leader`,
/// `remove`), by a leader of the team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamDecisionRequest {
    /// 1–500 characters, if given: why (refuse, remove).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A volunteer activity as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Activity {
    /// The id.
    pub id: String,
    /// The team that organises it.
    pub team: TeamRef,
    /// 1–50 characters.
    pub title: String,
    /// 1–2,000 characters.
    pub description: String,
    /// The community or grid where it happens (or a street or district for a large one).
    pub place: PlaceRef,
    /// The street address people go to.
    pub address: String,
    /// When it starts (RFC 3339).
    pub starts_at: String,
    /// When it ends.
    pub ends_at: String,
    /// How many seats.
    pub capacity: i64,
    /// How many are taken.
    pub seats_taken: i64,
    /// How many wait for a seat.
    pub waitlist: i64,
    /// Skills that help (free words, may be empty).
    pub skills: Vec<String>,
    /// Where it is in its life.
    pub status: ActivityStatus,
    /// Who published it.
    pub organiser: PersonRef,
    /// The caller's own sign-up, if any (withdrawn ones included).
    #[serde(default)]
    pub my_signup: Option<Signup>,
    /// Whether the caller organises it (a leader of its team): may see the roster and the code.
    pub organising: bool,
}

/// A team as an activity names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TeamRef {
    /// The id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// `POST /api/v1/teams/{id}/activities`, by a leader of the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateActivityRequest {
    /// 1–50 characters.
    pub title: String,
    /// 1–2,000 characters.
    pub description: String,
    /// A place in service at or below the team's place.
    pub place_id: String,
    /// 1–200 characters.
    pub address: String,
    /// RFC 3339, not more than an hour ago (an activity that just began can still be recorded).
    pub starts_at: String,
    /// RFC 3339, after `starts_at`, at most 24 hours later.
    pub ends_at: String,
    /// 1–10,000 seats.
    pub capacity: i64,
    /// Up to 10 words of 1–20 characters.
    #[serde(default)]
    pub skills: Vec<String>,
}

/// A person's sign-up for an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Signup {
    /// The activity.
    pub activity_id: String,
    /// Seated, waitlisted or withdrawn.
    pub status: SignupStatus,
    /// While waitlisted: 1 is next in line.
    #[serde(default)]
    pub waitlist_position: Option<i64>,
    /// When they signed up.
    pub signed_up_at: String,
    /// When they checked in at the place.
    #[serde(default)]
    pub checked_in_at: Option<String>,
    /// When they checked out.
    #[serde(default)]
    pub checked_out_at: Option<String>,
    /// The minutes the attendance counts (check-in to check-out, capped by the activity's length).
    #[serde(default)]
    pub minutes: Option<i64>,
    /// When the organiser confirmed the hours (they are then in the time bank).
    #[serde(default)]
    pub confirmed_at: Option<String>,
}

/// One line of an activity's roster, for its organisers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RosterEntry {
    /// The person (name only).
    pub person: PersonRef,
    /// Their sign-up.
    pub signup: Signup,
}

/// `GET /api/v1/activities/{id}/code`: the code the organiser shows at the place. It changes
/// every minute; a scan is accepted while it is current or one minute old.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckinCode {
    /// Six digits, typed when the camera cannot scan.
    pub code: String,
    /// What the QR code carries: the web app's scan page with the signed token.
    pub url: String,
    /// The QR code of `url`, as SVG.
    pub qr_svg: String,
    /// When the next code takes over (RFC 3339).
    pub refresh_at: String,
}

/// `POST /api/v1/activities/{id}/scan`: a participant checks in (first scan) or out (second).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// The six digits shown, or the token from the QR code's URL.
    pub code: String,
}

/// `POST /api/v1/activities/{id}/roster/{user_id}`: the organiser marks attendance by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkAttendanceRequest {
    /// RFC 3339, within the activity (from its start, before its end), not in the future.
    pub checked_in_at: String,
    /// RFC 3339, after `checked_in_at`, at the latest the activity's end.
    pub checked_out_at: String,
}

/// `POST /api/v1/activities/{id}/confirm`: the organiser confirms the hours of everyone who
/// checked out (or of the listed people), crediting each in one transaction per person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmHoursRequest {
    /// Only these accounts; everyone checked out when absent.
    #[serde(default)]
    pub user_ids: Option<Vec<String>>,
}
