//! Notices (通知公告, docs/NOTICES.md): who may post where, the limits, the audience, reading and
//! marking read, and the poster's edits and withdrawal.
//!
//! - Posting: admins anywhere; street officers at their street, its communities and grids;
//!   dispatchers at their communities and those communities' grids. Title 1–50 characters, text
//!   1–2000, an end date in the future and at most a year ahead; the text passes the content check
//!   where it is on (refused → 422, nothing stored). One transaction writes the notice, its photos,
//!   its audit entry and a notification (with a subscribe message where subscribed) for everyone
//!   in the audience.
//! - Audience (`store::notices::AUDIENCE_SQL`): residents whose home lies in the addressed place,
//!   members checked in to a community in or under it. They see it until its end date; nobody else
//!   but staff of its place (and its poster) does: 404.
//! - The poster and admins edit or withdraw it (audited).

use chrono::{DateTime, Utc};
use haolin_shared::api::{
    AuditAction, AuditTargetKind, CreateNoticeRequest, Notice, Page, PersonRef, PlaceLevel, PlaceRef, Role,
    UpdateNoticeRequest,
};
use haolin_shared::domain::{NoticeText, NoticeTitle};
use serde_json::json;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, field_id, page_limit};
use crate::state::AppState;
use crate::store::notices::{NewNotice, NoticeAfter, NoticeChange, NoticeRecord};
use crate::store::places::PlaceRecord;
use crate::store::wechat::{Notice as InboxNotice, Recipient};
use crate::wechat::content::{self, SCENE_POST};
use crate::work_orders::Viewer;

/// The notification kind (and subscribe-message template kind) of a new notice.
pub const NOTIFICATION_KIND: &str = "notice_posted";
/// How far ahead an end date may lie.
const MAX_DAYS_AHEAD: i64 = 366;

/// Whether the caller may post (and, as staff, read everything) at `place`: admins anywhere,
/// street officers in their street, dispatchers in their communities (and their grids).
async fn may_post_at(state: &AppState, caller: &Caller, place: &PlaceRecord) -> Result<bool, ApiError> {
    if !matches!(place.level, PlaceLevel::Street | PlaceLevel::Community | PlaceLevel::Grid) {
        return Ok(false);
    }
    if caller.is_admin() {
        return Ok(true);
    }
    let viewer = Viewer::load(state, caller).await?;
    let path = state.store.place_path(place.id).await?;
    Ok(path.iter().any(|p| match p.level {
        PlaceLevel::Street => viewer.streets.contains(&p.id),
        PlaceLevel::Community => caller.dispatches_for(p.id),
        _ => false,
    }))
}

/// The places within the caller's staff scope (`None`: everywhere, for admins).
async fn staff_places(state: &AppState, caller: &Caller) -> Result<Option<Vec<i64>>, ApiError> {
    if caller.is_admin() {
        return Ok(None);
    }
    let viewer = Viewer::load(state, caller).await?;
    let mut roots = viewer.streets.clone();
    roots.extend(caller.communities(Role::Dispatcher));
    Ok(Some(state.store.places_under(&roots).await?))
}

fn is_staff(caller: &Caller) -> bool {
    caller.is_admin() || caller.has_role(Role::Dispatcher) || caller.has_role(Role::StreetOfficer)
}

fn title(raw: &str) -> Result<String, ApiError> {
    NoticeTitle::parse(raw).map(NoticeTitle::into_inner).map_err(|e| ApiError::invalid_value("title", e))
}

fn body(raw: &str) -> Result<String, ApiError> {
    NoticeText::parse(raw).map(NoticeText::into_inner).map_err(|e| ApiError::invalid_value("body", e))
}

/// An end date: RFC 3339, in the future, at most a year ahead; UTC ms.
fn ends_at(raw: &str, now: DateTime<Utc>) -> Result<i64, ApiError> {
    let at = DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ApiError::invalid_field("ends_at", "截止时间须为 RFC 3339 时间，如 2026-12-31T16:00:00Z"))?;
    if at <= now {
        return Err(ApiError::invalid_field("ends_at", "截止时间须晚于现在"));
    }
    if at > now + chrono::Duration::days(MAX_DAYS_AHEAD) {
        return Err(ApiError::invalid_field("ends_at", "截止时间最多在一年以内"));
    }
    Ok(at.timestamp_millis())
}

fn rfc3339(ms: i64) -> String {
    crate::views::rfc3339(DateTime::from_timestamp_millis(ms).unwrap_or_else(Utc::now))
}

/// A notice as its reader sees it (`reader`: the caller reads it as one of its audience).
pub fn view(n: &NoticeRecord, reader: bool) -> Notice {
    Notice {
        id: n.id.to_string(),
        place: PlaceRef {
            id: n.place_id.to_string(),
            code: n.place_code.clone(),
            name: n.place_name.clone(),
            level: n.place_level,
        },
        title: n.title.clone(),
        body: n.body.clone(),
        pinned: n.pinned,
        ends_at: rfc3339(n.ends_at),
        photos: n.photos.iter().map(crate::photos::view).collect(),
        posted_by: PersonRef { id: n.posted_by.to_string(), name: n.poster_name.clone() },
        created_at: rfc3339(n.created_at),
        updated_at: rfc3339(n.updated_at),
        withdrawn_at: n.withdrawn_at.map(rfc3339),
        unread: reader && n.read_at.is_none(),
    }
}

/// Posts a notice for the caller; the notice as stored.
pub async fn post(state: &AppState, caller: &Caller, req: &CreateNoticeRequest) -> Result<NoticeRecord, ApiError> {
    if !is_staff(caller) {
        return Err(ApiError::forbidden());
    }
    let place_id = field_id("place_id", &req.place_id)?;
    let place = state
        .store
        .place(place_id)
        .await?
        .filter(|p| p.retired_at.is_none())
        .ok_or_else(|| ApiError::invalid_field("place_id", "请选择一个在用的街道、社区或网格"))?;
    if !matches!(place.level, PlaceLevel::Street | PlaceLevel::Community | PlaceLevel::Grid) {
        return Err(ApiError::invalid_field("place_id", "通知只能发往街道、社区或网格"));
    }
    if !may_post_at(state, caller, &place).await? {
        return Err(ApiError::forbidden());
    }
    let title = title(&req.title)?;
    let body = body(&req.body)?;
    let now = Utc::now();
    let ends_at = ends_at(&req.ends_at, now)?;
    let photos =
        crate::photos::attachment(state, caller, req.photos.as_deref(), haolin_shared::api::PhotoStage::Post).await?;
    content::check(state, caller.id(), &[("title", &title, SCENE_POST), ("body", &body, SCENE_POST)]).await?;
    let summary = format!("新通知：{title}");
    let inbox = InboxNotice {
        to: Recipient::User(0),
        kind: NOTIFICATION_KIND,
        title: summary.clone(),
        body: String::new(),
        message: None,
    };
    let new = NewNotice {
        place_id,
        title: title.clone(),
        body,
        pinned: req.pinned,
        ends_at,
        posted_by: caller.id(),
        photos,
        notification: (NOTIFICATION_KIND, summary),
        message: crate::notify::notice_message(&state.settings.wechat, inbox, &title),
        audit: crate::audit::entry(
            caller,
            AuditAction::NoticePosted,
            AuditTargetKind::Notice,
            None,
            json!({"place_id": place_id.to_string(), "title": title, "pinned": req.pinned}),
        ),
        at: now.timestamp_millis(),
    };
    let (id, notified) = state.store.post_notice(&new).await?;
    tracing::info!(notice_id = id, place_id, notified, "notice posted");
    state.store.notice(id, caller.id()).await?.ok_or_else(ApiError::internal)
}

/// Whether the caller may read notice `id` (photos follow the notice).
pub async fn may_read(state: &AppState, caller: &Caller, id: i64) -> Result<bool, ApiError> {
    let Some(n) = state.store.notice(id, caller.id()).await? else { return Ok(false) };
    Ok(reads_as(state, caller, &n).await?.is_some())
}

/// How the caller reads a notice: `Some(true)` as one of its live audience, `Some(false)` as its
/// poster or staff of its place, `None` not at all.
async fn reads_as(state: &AppState, caller: &Caller, n: &NoticeRecord) -> Result<Option<bool>, ApiError> {
    let now = Utc::now().timestamp_millis();
    if n.is_live(now) && state.store.notice_reaches(n.place_id, caller.id()).await? {
        return Ok(Some(true));
    }
    if n.posted_by == caller.id() || caller.is_admin() {
        return Ok(Some(false));
    }
    if is_staff(caller)
        && let Some(place) = state.store.place(n.place_id).await?
        && may_post_at(state, caller, &place).await?
    {
        return Ok(Some(false));
    }
    Ok(None)
}

/// One notice for the caller (404 outside its audience and staff).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Notice, ApiError> {
    let n = state.store.notice(id, caller.id()).await?.ok_or_else(ApiError::not_found)?;
    let reader = reads_as(state, caller, &n).await?.ok_or_else(ApiError::not_found)?;
    Ok(view(&n, reader))
}

/// Marks a notice read by the caller, one of its audience (again: nothing changes).
pub async fn mark_read(state: &AppState, caller: &Caller, id: i64) -> Result<Notice, ApiError> {
    let n = state.store.notice(id, caller.id()).await?.ok_or_else(ApiError::not_found)?;
    let reader = reads_as(state, caller, &n).await?.ok_or_else(ApiError::not_found)?;
    if reader {
        state.store.mark_notice_read(id, caller.id(), Utc::now().timestamp_millis()).await?;
    }
    let n = state.store.notice(id, caller.id()).await?.ok_or_else(ApiError::not_found)?;
    Ok(view(&n, reader))
}

/// The raw list query.
#[derive(Debug, Clone, Default)]
pub struct ListQuery<'a> {
    /// `cursor`.
    pub cursor: Option<&'a str>,
    /// `limit`.
    pub limit: Option<&'a str>,
}

/// A list's cursor carries the last notice's id and pin (`id * 2 + pinned`), the keyset of
/// "pinned first, then newest", so a page needs no lookup of the notice it continues after.
fn position(cursor: Option<&str>) -> Result<Option<NoticeAfter>, ApiError> {
    let Some(raw) = cursor else { return Ok(None) };
    let key = decode_cursor(raw)?;
    Ok(Some(NoticeAfter { pinned: key % 2 == 1, id: key / 2 }))
}

fn page(rows: Vec<NoticeRecord>, limit: u32, reader: bool) -> Page<Notice> {
    let (rows, next) = crate::extract::keyset_page(rows, limit, |n| n.id * 2 + i64::from(n.pinned));
    Page { items: rows.iter().map(|n| view(n, reader)).collect(), next_cursor: next }
}

/// The live notices for the caller's places (home and member communities), pinned first, then
/// newest; unread ones marked.
pub async fn list_mine(state: &AppState, caller: &Caller, q: &ListQuery<'_>) -> Result<Page<Notice>, ApiError> {
    let limit = page_limit(q.limit)?;
    let after = position(q.cursor)?;
    let places = state.store.notice_places(caller.id()).await?;
    let now = Utc::now().timestamp_millis();
    let rows = state.store.notices_for(&places, caller.id(), now, after, limit + 1).await?;
    Ok(page(rows, limit, true))
}

/// Staff: the notices they posted and those addressed within their scope (admins: all), withdrawn
/// and ended ones included.
pub async fn list_posted(state: &AppState, caller: &Caller, q: &ListQuery<'_>) -> Result<Page<Notice>, ApiError> {
    if !is_staff(caller) {
        return Err(ApiError::forbidden());
    }
    let limit = page_limit(q.limit)?;
    let after = position(q.cursor)?;
    let places = staff_places(state, caller).await?;
    let poster = places.as_ref().map(|_| caller.id());
    let rows = state.store.notices_posted(poster, places.as_deref(), after, limit + 1).await?;
    Ok(page(rows, limit, false))
}

/// The poster (or an admin) changes a notice not withdrawn (404 for anyone else who may read it
/// too: 403; a withdrawn one: 409).
pub async fn update(state: &AppState, caller: &Caller, id: i64, req: &UpdateNoticeRequest) -> Result<Notice, ApiError> {
    let n = editable(state, caller, id).await?;
    let now = Utc::now();
    let change = NoticeChange {
        title: req.title.as_deref().map(title).transpose()?,
        body: req.body.as_deref().map(body).transpose()?,
        pinned: req.pinned,
        ends_at: req.ends_at.as_deref().map(|r| ends_at(r, now)).transpose()?,
        withdraw: false,
        audit: crate::audit::entry(
            caller,
            AuditAction::NoticeUpdated,
            AuditTargetKind::Notice,
            Some(id),
            json!({"before": {"title": n.title, "pinned": n.pinned, "ends_at": rfc3339(n.ends_at)}}),
        ),
        at: now.timestamp_millis(),
    };
    let texts: Vec<(&str, &str, u8)> = [("title", change.title.as_deref()), ("body", change.body.as_deref())]
        .into_iter()
        .filter_map(|(f, t)| t.map(|t| (f, t, SCENE_POST)))
        .collect();
    content::check(state, caller.id(), &texts).await?;
    apply(state, caller, id, &change).await
}

/// The poster (or an admin) withdraws a notice: nobody in its audience sees it any more.
pub async fn withdraw(state: &AppState, caller: &Caller, id: i64) -> Result<Notice, ApiError> {
    let n = editable(state, caller, id).await?;
    let now = Utc::now();
    let change = NoticeChange {
        title: None,
        body: None,
        pinned: None,
        ends_at: None,
        withdraw: true,
        audit: crate::audit::entry(
            caller,
            AuditAction::NoticeWithdrawn,
            AuditTargetKind::Notice,
            Some(id),
            json!({"title": n.title}),
        ),
        at: now.timestamp_millis(),
    };
    apply(state, caller, id, &change).await
}

async fn editable(state: &AppState, caller: &Caller, id: i64) -> Result<NoticeRecord, ApiError> {
    let n = state.store.notice(id, caller.id()).await?.ok_or_else(ApiError::not_found)?;
    let reader = reads_as(state, caller, &n).await?.ok_or_else(ApiError::not_found)?;
    if n.posted_by != caller.id() && !caller.is_admin() {
        return Err(if reader { ApiError::not_found() } else { ApiError::forbidden() });
    }
    if n.withdrawn_at.is_some() {
        return Err(withdrawn());
    }
    Ok(n)
}

fn withdrawn() -> ApiError {
    ApiError::new(haolin_shared::api::ErrorCode::InvalidState, "该通知已撤回")
}

async fn apply(state: &AppState, caller: &Caller, id: i64, change: &NoticeChange) -> Result<Notice, ApiError> {
    if !state.store.change_notice(id, change).await? {
        return Err(withdrawn());
    }
    let n = state.store.notice(id, caller.id()).await?.ok_or_else(ApiError::not_found)?;
    Ok(view(&n, false))
}
