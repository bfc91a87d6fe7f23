//! Volunteer teams and activities: creating and joining teams, the leaders' decisions, publishing
//! activities, sign-up, check-in, the roster and confirming hours. The handlers parse and render;
//! the rules are `crate::volunteers`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use haolin_shared::api::{
    Activity, CheckinCode, ConfirmHoursRequest, CreateActivityRequest, CreateTeamRequest, ErrorBody, Items,
    JoinTeamRequest, MarkAttendanceRequest, Page, RosterEntry, ScanRequest, Signup, Team, TeamDecisionRequest,
    TeamMember, TeamRole,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id, flag, page_limit, path_id};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::store::volunteers::MemberChange;
use crate::volunteers::{self, activities};

/// Registers the team and activity routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(create_team)
        .service(list_teams)
        .service(get_team)
        .service(join_team)
        .service(leave_team)
        .service(team_members)
        .service(decide_member)
        .service(create_activity)
        .service(list_activities)
        .service(my_activities)
        .service(get_activity)
        .service(sign_up)
        .service(withdraw)
        .service(cancel_activity)
        .service(checkin_code)
        .service(scan)
        .service(roster)
        .service(mark_attendance)
        .service(confirm_hours);
}

/// The address the caller reached this server at (for links in QR codes).
pub fn public_base(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// Creates a volunteer team at a district, street or community with its first leader: admins
/// anywhere, street officers in their street, dispatchers in their community (audited).
#[utoipa::path(tag = "volunteers", request_body = CreateTeamRequest, responses(
    (status = 201, body = Team), (status = 403, body = ErrorBody), (status = 409, description = "the name is taken at the place", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/teams")]
pub async fn create_team(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateTeamRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(volunteers::create(&state, &caller, &body.0).await?))
}

/// Teams by id: at a place, or the caller's own (`mine`: on their list in any standing).
#[utoipa::path(tag = "volunteers", params(("place_id" = Option<String>, Query), ("mine" = Option<bool>, Query),
    ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page<Team>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/teams")]
pub async fn list_teams(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<Team>>, ApiError> {
    let q = query_map(&req)?;
    let place = q.get("place_id").map(|r| field_id("place_id", r)).transpose()?;
    let mine = flag("mine", q.get("mine").map(String::as_str))?;
    let limit = page_limit(q.get("limit").map(String::as_str))?;
    Ok(web::Json(
        volunteers::list(
            &state,
            &caller,
            place,
            mine,
            q.get("cursor").map(String::as_str).filter(|c| !c.is_empty()),
            limit,
        )
        .await?,
    ))
}

/// One team, with the caller's standing in it.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)),
    responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
#[get("/teams/{id}")]
pub async fn get_team(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Team>, ApiError> {
    Ok(web::Json(volunteers::get(&state, &caller, path_id(&id)?).await?))
}

/// Asks to join a team; a leader decides. Asking again changes nothing.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), request_body = JoinTeamRequest,
    responses((status = 200, body = Team), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/teams/{id}/join")]
pub async fn join_team(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<JoinTeamRequest>,
) -> Result<web::Json<Team>, ApiError> {
    Ok(web::Json(volunteers::join(&state, &caller, path_id(&id)?, &body.0).await?))
}

/// Leaves a team (the last leader cannot).
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), responses(
    (status = 204, description = "left"), (status = 404, body = ErrorBody),
    (status = 409, description = "not on the team, or its last leader", body = ErrorBody)))]
#[post("/teams/{id}/leave")]
pub async fn leave_team(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    volunteers::decide(&state, &caller, path_id(&id)?, caller.id(), MemberChange::Remove).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A team's list, leaders first: members see members and leaders, leaders also the pending
/// requests (`role` narrows). Names only, never phone numbers.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path),
    ("role" = Option<String>, Query, description = "pending, member or leader"),
    ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page<TeamMember>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[get("/teams/{id}/members")]
pub async fn team_members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<web::Json<Page<TeamMember>>, ApiError> {
    let team = path_id(&id)?;
    let q = query_map(&req)?;
    let role = q
        .get("role")
        .map(|r| {
            TeamRole::parse(r).ok_or_else(|| ApiError::invalid_field("role", "role 须为 pending、member 或 leader"))
        })
        .transpose()?;
    let limit = page_limit(q.get("limit").map(String::as_str))?;
    Ok(web::Json(
        volunteers::members(
            &state,
            &caller,
            team,
            role,
            q.get("cursor").map(String::as_str).filter(|c| !c.is_empty()),
            limit,
        )
        .await?,
    ))
}

/// A leader's decision about a person on the team's list: `approve` or `refuse` a request, make
/// a member a `leader`, `remove` a member.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path), ("user_id" = String, Path),
    ("decision" = String, Path, description = "approve, refuse, leader or remove")), request_body = TeamDecisionRequest,
    responses((status = 200, body = TeamMember), (status = 204, description = "refused or removed"),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "the person is not in the standing the decision needs", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/teams/{id}/members/{user_id}/{decision}")]
pub async fn decide_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
    body: ApiJson<TeamDecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (team, user, decision) = path.into_inner();
    let change = match decision.as_str() {
        "approve" => MemberChange::Approve,
        "refuse" => MemberChange::Refuse,
        "leader" => MemberChange::MakeLeader,
        "remove" => MemberChange::Remove,
        _ => return Err(ApiError::not_found()),
    };
    if let Some(reason) = &body.0.reason {
        volunteers::text("reason", reason, 500, true)?;
    }
    match volunteers::decide(&state, &caller, path_id(&team)?, path_id(&user)?, change).await? {
        Some(member) => Ok(HttpResponse::Ok().json(member)),
        None => Ok(HttpResponse::NoContent().finish()),
    }
}

/// A leader publishes an activity of the team, at a place in the team's area.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), request_body = CreateActivityRequest,
    responses((status = 201, body = Activity), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/teams/{id}/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<CreateActivityRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(activities::create(&state, &caller, path_id(&id)?, &body.0).await?))
}

/// Activities that have not ended, soonest first: at a place, of a team, or (without either)
/// near the caller: their communities (home, and where they serve) and the places above.
#[utoipa::path(tag = "volunteers", params(("place_id" = Option<String>, Query), ("team_id" = Option<String>, Query),
    ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page<Activity>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<Activity>>, ApiError> {
    let q = query_map(&req)?;
    let place = q.get("place_id").map(|r| field_id("place_id", r)).transpose()?;
    let team = q.get("team_id").map(|r| field_id("team_id", r)).transpose()?;
    let limit = page_limit(q.get("limit").map(String::as_str))?;
    let cursor = q.get("cursor").map(String::as_str).filter(|c| !c.is_empty());
    Ok(web::Json(activities::list(&state, &caller, place, team, cursor, limit).await?))
}

/// The activities the caller signed up for (withdrawn ones too), latest sign-up first.
#[utoipa::path(tag = "volunteers", params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page<Activity>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/me/activities")]
pub async fn my_activities(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<Activity>>, ApiError> {
    let q = query_map(&req)?;
    let limit = page_limit(q.get("limit").map(String::as_str))?;
    Ok(web::Json(
        activities::mine(&state, &caller, q.get("cursor").map(String::as_str).filter(|c| !c.is_empty()), limit).await?,
    ))
}

/// One activity, with its live seat counts and the caller's sign-up.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)),
    responses((status = 200, body = Activity), (status = 404, body = ErrorBody)))]
#[get("/activities/{id}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Activity>, ApiError> {
    Ok(web::Json(activities::get(&state, &caller, path_id(&id)?).await?))
}

/// Signs the caller up: a seat while there is one, else the waitlist (201). Signing up again
/// answers the live sign-up (200).
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), responses(
    (status = 201, body = Signup), (status = 200, description = "already signed up", body = Signup),
    (status = 404, body = ErrorBody), (status = 409, description = "cancelled or over", body = ErrorBody)))]
#[post("/activities/{id}/signup")]
pub async fn sign_up(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (signup, created) = activities::sign_up(&state, &caller, path_id(&id)?).await?;
    Ok(if created { HttpResponse::Created().json(signup) } else { HttpResponse::Ok().json(signup) })
}

/// Withdraws the caller's sign-up before they check in; a freed seat goes to the first on the
/// waitlist at once.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), responses(
    (status = 200, body = Signup), (status = 404, body = ErrorBody),
    (status = 409, description = "not signed up, or checked in", body = ErrorBody)))]
#[post("/activities/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Signup>, ApiError> {
    Ok(web::Json(activities::withdraw(&state, &caller, path_id(&id)?).await?))
}

/// The organiser cancels an activity open for sign-up.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), responses(
    (status = 200, body = Activity), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody)))]
#[post("/activities/{id}/cancel")]
pub async fn cancel_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Activity>, ApiError> {
    Ok(web::Json(activities::cancel(&state, &caller, path_id(&id)?).await?))
}

/// The check-in code the organiser shows now: six digits and a QR code, changing every minute.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), responses(
    (status = 200, body = CheckinCode), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody)))]
#[get("/activities/{id}/code")]
pub async fn checkin_code(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<web::Json<CheckinCode>, ApiError> {
    Ok(web::Json(activities::code(&state, &caller, path_id(&id)?, &public_base(&req)).await?))
}

/// A seated participant scans the code (or types its six digits): the first scan checks in, the
/// second checks out. Accepted from 30 minutes before the start to an hour after the end.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), request_body = ScanRequest, responses(
    (status = 200, body = Signup), (status = 404, body = ErrorBody),
    (status = 409, description = "no seat, outside the check-in time, or checked out already", body = ErrorBody),
    (status = 422, description = "`invalid_checkin_code`: wrong, forged or expired", body = ErrorBody),
    (status = 429, description = "too many scans", body = ErrorBody)))]
#[post("/activities/{id}/scan")]
pub async fn scan(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<ScanRequest>,
) -> Result<web::Json<Signup>, ApiError> {
    let id = path_id(&id)?;
    let limits = &state.settings.limits;
    // Six digits are guessable in a million tries; a person gets a few a minute.
    state.limiter.hit(&format!("scan:{}", caller.id()), 10, limits.window).await?;
    Ok(web::Json(activities::scan(&state, &caller, id, &body.0.code).await?))
}

/// The roster, for the organisers: seated in sign-up order, then the waitlist in order.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), responses(
    (status = 200, body = Items<RosterEntry>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/activities/{id}/roster")]
pub async fn roster(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Items<RosterEntry>>, ApiError> {
    Ok(web::Json(Items { items: activities::roster(&state, &caller, path_id(&id)?).await? }))
}

/// The organiser marks a seated participant's attendance by hand.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path), ("user_id" = String, Path)),
    request_body = MarkAttendanceRequest, responses(
    (status = 200, body = RosterEntry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/activities/{id}/roster/{user_id}")]
pub async fn mark_attendance(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: ApiJson<MarkAttendanceRequest>,
) -> Result<web::Json<RosterEntry>, ApiError> {
    let (id, user) = path.into_inner();
    Ok(web::Json(activities::mark(&state, &caller, path_id(&id)?, path_id(&user)?, &body.0).await?))
}

/// The organiser confirms the hours of everyone checked out (or of `user_ids`): each is credited
/// to the time bank once, in its own transaction.
#[utoipa::path(tag = "volunteers", params(("id" = String, Path)), request_body = ConfirmHoursRequest, responses(
    (status = 200, body = Items<RosterEntry>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/activities/{id}/confirm")]
pub async fn confirm_hours(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<ConfirmHoursRequest>,
) -> Result<web::Json<Items<RosterEntry>>, ApiError> {
    Ok(web::Json(Items { items: activities::confirm(&state, &caller, path_id(&id)?, &body.0).await? }))
}
