//! `/teams` and `/activities`: volunteer teams, their activities, sign-up and check-in
//! (docs/TIME-BANK.md). Used by the volunteer bundle only.

use std::future::Future;

use haolin_shared::api::{
    Activity, CheckinCode, ConfirmHoursRequest, CreateActivityRequest, Items, JoinTeamRequest, MarkAttendanceRequest,
    Page, RosterEntry, ScanRequest, Signup, Team, TeamMember, TeamRole,
};

use super::{Empty, get, post};
use crate::error::ApiError;

/// `cursor` as a query parameter after `sep` (`?` or `&`), or nothing.
fn cursor_param(sep: char, cursor: Option<&str>) -> String {
    cursor.map(|c| format!("{sep}cursor={}", js_sys::encode_uri_component(c))).unwrap_or_default()
}

/// `GET /teams[?mine=true]`: the teams (or only mine), a page at a time.
pub fn teams(mine: bool, cursor: Option<&str>) -> impl Future<Output = Result<Page<Team>, ApiError>> + use<> {
    get(if mine {
        format!("/teams?mine=true{}", cursor_param('&', cursor))
    } else {
        format!("/teams{}", cursor_param('?', cursor))
    })
}

/// `GET /teams/{id}`.
pub fn team(id: &str) -> impl Future<Output = Result<Team, ApiError>> + use<> {
    get(format!("/teams/{id}"))
}

/// `POST /teams/{id}/join` with a word to the leaders.
pub fn join(id: &str, note: Option<String>) -> impl Future<Output = Result<Team, ApiError>> + use<> {
    post(format!("/teams/{id}/join"), &JoinTeamRequest { note })
}

/// `POST /teams/{id}/leave` (204).
pub fn leave(id: &str) -> impl Future<Output = Result<(), ApiError>> + use<> {
    post(format!("/teams/{id}/leave"), &Empty {})
}

/// `GET /teams/{id}/members[?role=…]`: the members (leaders also see `pending` requests).
pub fn members(id: &str, role: Option<TeamRole>) -> impl Future<Output = Result<Page<TeamMember>, ApiError>> + use<> {
    get(match role {
        Some(r) => format!("/teams/{id}/members?role={}&limit=100", r.as_str()),
        None => format!("/teams/{id}/members?limit=100"),
    })
}

/// `POST /teams/{id}/members/{user}/{decision}` (`approve`, `refuse`, `leader`, `remove`): the
/// member as it now stands, or `None` when the answer is 204 (refused, removed).
pub fn decide(
    team: &str,
    user: &str,
    decision: &'static str,
) -> impl Future<Output = Result<Option<TeamMember>, ApiError>> + use<> {
    post(format!("/teams/{team}/members/{user}/{decision}"), &Empty {})
}

/// `POST /teams/{id}/activities`: a leader publishes an activity.
pub fn create_activity(
    team: &str,
    request: &CreateActivityRequest,
) -> impl Future<Output = Result<Activity, ApiError>> + use<> {
    post(format!("/teams/{team}/activities"), request)
}

/// `GET /activities[?team_id=…]`: activities near me (or a team's), upcoming first.
pub fn activities(
    team: Option<&str>,
    cursor: Option<&str>,
) -> impl Future<Output = Result<Page<Activity>, ApiError>> + use<> {
    get(match team {
        Some(t) => format!("/activities?team_id={t}{}", cursor_param('&', cursor)),
        None => format!("/activities{}", cursor_param('?', cursor)),
    })
}

/// `GET /me/activities`: the activities I signed up for, with my sign-up.
pub fn mine(cursor: Option<&str>) -> impl Future<Output = Result<Page<Activity>, ApiError>> + use<> {
    get(format!("/me/activities{}", cursor_param('?', cursor)))
}

/// `GET /activities/{id}`.
pub fn activity(id: &str) -> impl Future<Output = Result<Activity, ApiError>> + use<> {
    get(format!("/activities/{id}"))
}

/// `POST /activities/{id}/signup`: a seat, or a place on the waitlist.
pub fn signup(id: &str) -> impl Future<Output = Result<Signup, ApiError>> + use<> {
    post(format!("/activities/{id}/signup"), &Empty {})
}

/// `POST /activities/{id}/withdraw`.
pub fn withdraw(id: &str) -> impl Future<Output = Result<Signup, ApiError>> + use<> {
    post(format!("/activities/{id}/withdraw"), &Empty {})
}

/// `POST /activities/{id}/cancel`: the organiser cancels the activity.
pub fn cancel(id: &str) -> impl Future<Output = Result<Activity, ApiError>> + use<> {
    post(format!("/activities/{id}/cancel"), &Empty {})
}

/// `GET /activities/{id}/code`: the check-in code the organiser shows.
pub fn code(id: &str) -> impl Future<Output = Result<CheckinCode, ApiError>> + use<> {
    get(format!("/activities/{id}/code"))
}

/// `POST /activities/{id}/scan`: checks in (first scan) or out (second) with the six digits or
/// the QR code's token.
pub fn scan(id: &str, code: String) -> impl Future<Output = Result<Signup, ApiError>> + use<> {
    post(format!("/activities/{id}/scan"), &ScanRequest { code })
}

/// `GET /activities/{id}/roster`: seated first, then the waitlist in order.
pub fn roster(id: &str) -> impl Future<Output = Result<Items<RosterEntry>, ApiError>> + use<> {
    get(format!("/activities/{id}/roster"))
}

/// `POST /activities/{id}/roster/{user}`: the organiser marks attendance by hand.
pub fn mark(
    id: &str,
    user: &str,
    request: &MarkAttendanceRequest,
) -> impl Future<Output = Result<RosterEntry, ApiError>> + use<> {
    post(format!("/activities/{id}/roster/{user}"), request)
}

/// `POST /activities/{id}/confirm`: confirms the hours of everyone checked out.
pub fn confirm(id: &str) -> impl Future<Output = Result<Items<RosterEntry>, ApiError>> + use<> {
    post(format!("/activities/{id}/confirm"), &ConfirmHoursRequest::default())
}
