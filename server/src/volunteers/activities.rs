//! Volunteer activities (docs/TIME-BANK.md): publishing, the lists (near me, a team's, mine),
//! sign-up and withdrawal (seats and the waitlist are the store's, under the activity's row
//! lock), check-in and check-out with the rotating code, hand-marked attendance, and the
//! organiser's confirmation that credits each attendance once.

use chrono::{DateTime, Duration, Utc};
use haolin_shared::api::{
    Activity, CheckinCode, ConfirmHoursRequest, CreateActivityRequest, ErrorCode, MarkAttendanceRequest, Page,
    PlaceLevel, Role, RosterEntry, Signup, TeamRole, TransferKind,
};
use haolin_shared::domain::time_bank::{ActivityStatus, SignupStatus, attended_minutes};

use super::text;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, encode_cursor, field_id};
use crate::state::AppState;
use crate::store::time_bank::{Account, CreditSource, NewTransfer, Refusal};
use crate::store::volunteers::{ActivityQuery, ActivityRecord, NewActivity, SignupRecord, SignupRefusal};
use crate::time_bank::codes::{self, Verdict};
use crate::views;

/// Scans are accepted from this long before the start …
const SCAN_OPENS_BEFORE: Duration = Duration::minutes(30);
/// … until this long after the end.
const SCAN_CLOSES_AFTER: Duration = Duration::minutes(60);

fn parse_time(field: &str, raw: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ApiError::invalid_field(field, format!("{field} 须为 RFC 3339 时间")))
}

async fn leads(state: &AppState, caller: &Caller, team_id: i64) -> Result<bool, ApiError> {
    Ok(state.store.team_roles(caller.id(), &[team_id]).await?.first().is_some_and(|(_, r)| *r == TeamRole::Leader))
}

async fn load(state: &AppState, id: i64) -> Result<ActivityRecord, ApiError> {
    state.store.activity(id).await?.ok_or_else(ApiError::not_found)
}

/// The activity and the caller's standing to it, as its body.
async fn render(state: &AppState, caller: &Caller, a: &ActivityRecord) -> Result<Activity, ApiError> {
    let signup = state.store.signups_of(caller.id(), &[a.id]).await?.pop();
    Ok(views::activity(a, signup.as_ref(), leads(state, caller, a.team_id).await?))
}

/// Publishes an activity of a team the caller leads.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    team_id: i64,
    req: &CreateActivityRequest,
) -> Result<Activity, ApiError> {
    let team = state.store.team(team_id).await?.ok_or_else(ApiError::not_found)?;
    if !leads(state, caller, team_id).await? {
        return Err(ApiError::forbidden());
    }
    let title = text("title", &req.title, 50, false)?;
    let description = text("description", &req.description, 2000, true)?;
    let address = text("address", &req.address, 200, false)?;
    let place_id = field_id("place_id", &req.place_id)?;
    let starts_at = parse_time("starts_at", &req.starts_at)?;
    let ends_at = parse_time("ends_at", &req.ends_at)?;
    let now = Utc::now();
    if starts_at < now - Duration::hours(1) {
        return Err(ApiError::invalid_field("starts_at", "开始时间不能早于一小时前"));
    }
    if ends_at <= starts_at {
        return Err(ApiError::invalid_field("ends_at", "结束时间须晚于开始时间"));
    }
    if ends_at - starts_at > Duration::hours(24) {
        return Err(ApiError::invalid_field("ends_at", "一次活动最长 24 小时"));
    }
    if !(1..=10_000).contains(&req.capacity) {
        return Err(ApiError::invalid_field("capacity", "名额须为 1 到 10000"));
    }
    if req.skills.len() > 10 {
        return Err(ApiError::invalid_field("skills", "技能最多 10 项"));
    }
    let skills = req
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| text(&format!("skills[{i}]"), s, 20, false))
        .collect::<Result<Vec<_>, _>>()?;
    let path = state.store.place_path(place_id).await?;
    let place = path.last().filter(|p| p.id == place_id && p.retired_at.is_none());
    if place.is_none() || !path.iter().any(|p| p.id == team.place_id) {
        return Err(ApiError::invalid_field("place_id", "活动地点须在本队所属区域内"));
    }
    let community_id = path.iter().find(|p| p.level == PlaceLevel::Community).map(|p| p.id);
    let new = NewActivity {
        team_id,
        title,
        description,
        place_id,
        community_id,
        address,
        starts_at,
        ends_at,
        capacity: req.capacity,
        skills,
        organiser_id: caller.id(),
        at: now,
    };
    let id = state.store.create_activity(&new).await?;
    tracing::info!(activity_id = id, team_id, "activity published");
    let a = load(state, id).await?;
    render(state, caller, &a).await
}

/// One activity (any signed-in person).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Activity, ApiError> {
    let a = load(state, id).await?;
    render(state, caller, &a).await
}

/// Where the caller lives and serves: (places above their community, their communities).
async fn near(state: &AppState, caller: &Caller) -> Result<(Vec<i64>, Vec<i64>), ApiError> {
    let mut above = Vec::new();
    let mut communities = caller.communities(Role::Member);
    communities.extend(caller.communities(Role::Dispatcher));
    if let Some(home) = state.store.home_place(caller.id()).await? {
        for p in state.store.place_path(home).await? {
            match p.level {
                PlaceLevel::District | PlaceLevel::Street => above.push(p.id),
                PlaceLevel::Community => communities.push(p.id),
                _ => {}
            }
        }
    }
    for (_, place) in state.store.place_roles(caller.id()).await? {
        for p in state.store.place_path(place).await? {
            match p.level {
                PlaceLevel::District | PlaceLevel::Street => above.push(p.id),
                PlaceLevel::Community => communities.push(p.id),
                _ => {}
            }
        }
    }
    above.sort_unstable();
    above.dedup();
    communities.sort_unstable();
    communities.dedup();
    Ok((above, communities))
}

/// Activities that have not ended, soonest first: at a place, of a team, or near the caller (at
/// their communities and the places above; everywhere when they have none).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    place_id: Option<i64>,
    team_id: Option<i64>,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<Activity>, ApiError> {
    let after = cursor.map(decode_cursor).transpose()?;
    let mut query =
        ActivityQuery { team_id, not_ended_before: Some(Utc::now()), after, limit, ..ActivityQuery::default() };
    match place_id {
        Some(p) => {
            query.places = vec![p];
            query.communities = vec![p];
        }
        None if team_id.is_none() => (query.places, query.communities) = near(state, caller).await?,
        None => {}
    }
    let mut rows = state.store.activities(&query).await?;
    let next = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|a| encode_cursor(a.id))
    } else {
        None
    };
    page(state, caller, &rows, next).await
}

async fn page(
    state: &AppState,
    caller: &Caller,
    rows: &[ActivityRecord],
    next: Option<String>,
) -> Result<Page<Activity>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let signups = state.store.signups_of(caller.id(), &ids).await?;
    let led = state.store.led_teams(caller.id()).await?;
    let items = rows
        .iter()
        .map(|a| views::activity(a, signups.iter().find(|s| s.activity_id == a.id), led.contains(&a.team_id)))
        .collect();
    Ok(Page { items, next_cursor: next })
}

/// The activities the caller signed up for, latest sign-up first.
pub async fn mine(
    state: &AppState,
    caller: &Caller,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<Activity>, ApiError> {
    let before = cursor.map(decode_cursor).transpose()?;
    let mut rows = state.store.signed_up_activities(caller.id(), before, limit).await?;
    let next = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|(s, _)| encode_cursor(*s))
    } else {
        None
    };
    let activities: Vec<ActivityRecord> = rows.into_iter().map(|(_, a)| a).collect();
    page(state, caller, &activities, next).await
}

fn signup_refusal(r: SignupRefusal) -> ApiError {
    match r {
        SignupRefusal::Missing => ApiError::not_found(),
        SignupRefusal::Closed => ApiError::new(ErrorCode::InvalidState, "活动已取消或已结束，不能报名"),
        SignupRefusal::NotSignedUp => ApiError::new(ErrorCode::InvalidState, "你没有报名这个活动"),
        SignupRefusal::CheckedIn => ApiError::new(ErrorCode::InvalidState, "已签到，不能退出活动"),
    }
}

/// Signs the caller up: a seat, or the waitlist. Returns the sign-up and whether it is new.
pub async fn sign_up(state: &AppState, caller: &Caller, id: i64) -> Result<(Signup, bool), ApiError> {
    let (signup, created) = state.store.sign_up(id, caller.id(), Utc::now()).await?.map_err(signup_refusal)?;
    if created {
        tracing::info!(activity_id = id, status = signup.status.as_str(), "signed up");
    }
    Ok((views::signup(&signup), created))
}

/// Withdraws the caller's sign-up (the first on the waitlist takes a freed seat).
pub async fn withdraw(state: &AppState, caller: &Caller, id: i64) -> Result<Signup, ApiError> {
    let signup = state.store.withdraw(id, caller.id()).await?.map_err(signup_refusal)?;
    Ok(views::signup(&signup))
}

/// The organiser cancels an activity.
pub async fn cancel(state: &AppState, caller: &Caller, id: i64) -> Result<Activity, ApiError> {
    let a = load(state, id).await?;
    if !leads(state, caller, a.team_id).await? {
        return Err(ApiError::forbidden());
    }
    if !state.store.cancel_activity(id).await? {
        return Err(ApiError::new(ErrorCode::InvalidState, "只能取消报名中的活动"));
    }
    let a = load(state, id).await?;
    render(state, caller, &a).await
}

async fn organised(state: &AppState, caller: &Caller, id: i64) -> Result<ActivityRecord, ApiError> {
    let a = load(state, id).await?;
    if !leads(state, caller, a.team_id).await? {
        return Err(ApiError::forbidden());
    }
    Ok(a)
}

fn window_ms(state: &AppState) -> i64 {
    i64::try_from(state.settings.time_bank.code_window.as_millis()).unwrap_or(60_000).max(1000)
}

/// The code the organiser shows now.
pub async fn code(state: &AppState, caller: &Caller, id: i64, base_url: &str) -> Result<CheckinCode, ApiError> {
    let a = organised(state, caller, id).await?;
    if a.status == ActivityStatus::Cancelled {
        return Err(ApiError::new(ErrorCode::InvalidState, "活动已取消"));
    }
    let length = window_ms(state);
    let now = Utc::now();
    let w = codes::window(now, length);
    let url = format!("{base_url}/volunteer/scan?activity={id}&token={}", codes::token(&state.signer, id, w));
    let refresh = DateTime::from_timestamp_millis((w + 1) * length).unwrap_or(now);
    Ok(CheckinCode {
        code: codes::digits(&state.signer, id, w),
        qr_svg: crate::time_bank::certificates::qr_svg(&url),
        url,
        refresh_at: views::rfc3339(refresh),
    })
}

fn minutes_of(a: &ActivityRecord, checked_in: DateTime<Utc>, checked_out: DateTime<Utc>) -> i64 {
    // Only the time at the activity counts: travel before the start or after the end does not.
    let start = a.starts_at.timestamp_millis();
    let end = a.ends_at.timestamp_millis();
    let from = checked_in.timestamp_millis().max(start);
    let to = checked_out.timestamp_millis().min(end);
    attended_minutes(from, to, start, end)
}

/// A participant scans the code: the first scan checks in, the second checks out.
pub async fn scan(state: &AppState, caller: &Caller, id: i64, code: &str) -> Result<Signup, ApiError> {
    let a = load(state, id).await?;
    let now = Utc::now();
    let verdict = codes::verify(&state.signer, id, code, codes::window(now, window_ms(state)));
    match verdict {
        Verdict::Valid => {}
        Verdict::Expired => {
            return Err(ApiError::new(ErrorCode::InvalidCheckinCode, "签到码已过期，请扫描现场最新的二维码"));
        }
        Verdict::Wrong => return Err(ApiError::new(ErrorCode::InvalidCheckinCode, "签到码不正确，请核对后重试")),
    }
    if a.status == ActivityStatus::Cancelled {
        return Err(ApiError::new(ErrorCode::InvalidState, "活动已取消"));
    }
    if now < a.starts_at - SCAN_OPENS_BEFORE || now > a.ends_at + SCAN_CLOSES_AFTER {
        return Err(ApiError::new(ErrorCode::InvalidState, "不在活动签到时间内（开始前 30 分钟至结束后 1 小时）"));
    }
    for _ in 0..3 {
        let s = state
            .store
            .live_signup(id, caller.id())
            .await?
            .filter(|s| s.status == SignupStatus::Seated)
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidState, "你没有这个活动的名额，不能签到"))?;
        let (checked_in, checked_out, minutes) = match (s.checked_in_at, s.checked_out_at) {
            _ if s.confirmed_at.is_some() => {
                return Err(ApiError::new(ErrorCode::InvalidState, "时长已确认，无需再签到"));
            }
            (None, _) => (Some(now), None, None),
            (Some(i), None) => (Some(i), Some(now), Some(minutes_of(&a, i, now))),
            (Some(_), Some(_)) => return Err(ApiError::new(ErrorCode::InvalidState, "已签退")),
        };
        if state
            .store
            .record_attendance(s.id, (s.checked_in_at, s.checked_out_at), checked_in, checked_out, minutes)
            .await?
        {
            let s = state.store.live_signup(id, caller.id()).await?.ok_or_else(ApiError::internal)?;
            return Ok(views::signup(&s));
        }
    }
    Err(ApiError::new(ErrorCode::InvalidState, "签到状态刚刚变化，请刷新后重试"))
}

/// The roster, for organisers (and admins).
pub async fn roster(state: &AppState, caller: &Caller, id: i64) -> Result<Vec<RosterEntry>, ApiError> {
    let a = load(state, id).await?;
    if !caller.is_admin() && !leads(state, caller, a.team_id).await? {
        return Err(ApiError::forbidden());
    }
    Ok(state.store.roster(id).await?.iter().map(views::roster_entry).collect())
}

/// The organiser marks a seated participant's attendance by hand.
pub async fn mark(
    state: &AppState,
    caller: &Caller,
    id: i64,
    user_id: i64,
    req: &MarkAttendanceRequest,
) -> Result<RosterEntry, ApiError> {
    let a = organised(state, caller, id).await?;
    let checked_in = parse_time("checked_in_at", &req.checked_in_at)?;
    let checked_out = parse_time("checked_out_at", &req.checked_out_at)?;
    if checked_in < a.starts_at || checked_in >= a.ends_at {
        return Err(ApiError::invalid_field("checked_in_at", "签到时间须在活动时间内"));
    }
    if checked_out <= checked_in || checked_out > a.ends_at {
        return Err(ApiError::invalid_field("checked_out_at", "签退时间须晚于签到时间，且在活动时间内"));
    }
    if checked_in > Utc::now() {
        return Err(ApiError::invalid_field("checked_in_at", "签到时间不能在将来"));
    }
    let s: SignupRecord = state
        .store
        .live_signup(id, user_id)
        .await?
        .filter(|s| s.status == SignupStatus::Seated)
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidState, "这位没有本活动的名额"))?;
    if s.confirmed_at.is_some() {
        return Err(ApiError::new(ErrorCode::InvalidState, "时长已确认，不能再修改"));
    }
    let minutes = minutes_of(&a, checked_in, checked_out);
    if !state
        .store
        .record_attendance(
            s.id,
            (s.checked_in_at, s.checked_out_at),
            Some(checked_in),
            Some(checked_out),
            Some(minutes),
        )
        .await?
    {
        return Err(ApiError::new(ErrorCode::InvalidState, "签到状态刚刚变化，请刷新后重试"));
    }
    let s = state.store.live_signup(id, user_id).await?.ok_or_else(ApiError::internal)?;
    Ok(views::roster_entry(&s))
}

/// The organiser confirms the hours of everyone checked out (or of the listed people): each is
/// credited in its own transaction, once.
pub async fn confirm(
    state: &AppState,
    caller: &Caller,
    id: i64,
    req: &ConfirmHoursRequest,
) -> Result<Vec<RosterEntry>, ApiError> {
    let a = organised(state, caller, id).await?;
    if a.status == ActivityStatus::Cancelled {
        return Err(ApiError::new(ErrorCode::InvalidState, "活动已取消"));
    }
    let now = Utc::now();
    if now < a.starts_at {
        return Err(ApiError::new(ErrorCode::InvalidState, "活动开始后才能确认时长"));
    }
    let only = match &req.user_ids {
        Some(ids) => Some(
            ids.iter()
                .enumerate()
                .map(|(i, raw)| field_id(&format!("user_ids[{i}]"), raw))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        None => None,
    };
    let settings = &state.settings.time_bank;
    for s in state.store.roster(id).await? {
        if s.status != SignupStatus::Seated || s.confirmed_at.is_some() || s.minutes.unwrap_or(0) <= 0 {
            continue;
        }
        if only.as_ref().is_some_and(|ids| !ids.contains(&s.user_id)) {
            continue;
        }
        let from = match (settings.credit_source, a.community_id) {
            (CreditSource::Pool, Some(c)) => Account::Pool(c),
            _ => Account::Issue,
        };
        let (to, minutes) = (Account::Person(s.user_id), s.minutes.unwrap_or(0));
        let credit = NewTransfer {
            activity_id: Some(a.id),
            actor_id: Some(caller.id()),
            ..NewTransfer::new(TransferKind::ActivityCredit, from, to, minutes, a.title.clone())
        }
        .credit(format!("activity:{}:{}", a.id, s.user_id), settings.cap_minutes());
        match state.store.confirm_attendance(s.id, a.id, caller.id(), &credit).await? {
            None | Some(Ok(_) | Err(Refusal::Nothing | Refusal::Duplicate)) => {}
            Some(Err(other)) => return Err(crate::time_bank::refusal(other)),
        }
    }
    roster(state, caller, id).await
}
