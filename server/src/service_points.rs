//! Service points (红帆驿站, docs/SERVICE-POINTS.md): who maintains them (an admin everywhere, a
//! dispatcher in their own communities; audited), the checks on every field, and the reads —
//! the list sorted by distance from a location or the caller's home grid with "open now"
//! (Asia/Shanghai, with the working-day calendar for points that follow it), one point, and the
//! map's grid outlines (`service_points/map.rs`).

pub mod map;

use chrono::{DateTime, Utc};
use haolin_shared::api::{
    AuditAction, AuditTargetKind, CreateServicePointRequest, ErrorCode, GeoPoint, OpeningHours, Page, PlaceLevel,
    ServiceContact, ServicePoint, UpdateServicePointRequest,
};
use haolin_shared::domain::service_point::{
    MAX_ADDRESS_CHARS, WeeklyHours, distance_m, is_valid_position, parse_contact_phone, parse_services,
};
use haolin_shared::domain::{PersonName, PlaceName, WorkCalendar};
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, encode_cursor, field_id};
use crate::places::geo;
use crate::state::AppState;
use crate::store::service_points::{PointFields, PointRecord};
use crate::views::rfc3339;
use crate::work_orders::deadlines;

/// The hours as stored (the wire form, checked).
#[derive(Serialize, Deserialize)]
struct StoredHours {
    weekly: Vec<Vec<String>>,
    follows_calendar: bool,
}

/// Where the list measures distances from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Origin {
    /// No origin: the points in id order, without distances.
    None,
    /// A location `[lng, lat]`.
    At([f64; 2]),
    /// The centre of the caller's home grid.
    Home,
}

/// The list's filters, already parsed.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Where distances are measured from.
    pub origin: Origin,
    /// Only this community's points.
    pub community_id: Option<i64>,
    /// Only points offering this service (exact label).
    pub service: Option<String>,
    /// Only points open (`true`) or closed (`false`) at `at`.
    pub open_now: Option<bool>,
    /// The instant "open now" is about (UTC milliseconds).
    pub at: i64,
    /// The cursor (the position of the next item).
    pub cursor: Option<String>,
    /// The page size.
    pub limit: u32,
}

/// Checks every field of a point; `community_id` is the point's community (a grid must be one of
/// its grids).
async fn check_fields(
    state: &AppState,
    community_id: i64,
    req: &UpdateServicePointRequest,
) -> Result<PointFields, ApiError> {
    let UpdateServicePointRequest { grid_id, name, address, location, hours, services, contact } = req;
    let location = *location;
    let grid_id = grid_id.as_deref();
    let name = PlaceName::parse(name).map_err(|e| ApiError::invalid_value("name", e))?.into_inner();
    let address = crate::volunteers::text("address", address, MAX_ADDRESS_CHARS, false)?;
    if !is_valid_position(location.lng, location.lat) {
        return Err(ApiError::invalid_field("location", "位置的经纬度无效"));
    }
    let weekly = WeeklyHours::parse(&hours.weekly, hours.follows_calendar)
        .map_err(|m| ApiError::invalid_field("hours.weekly", m))?;
    let services = parse_services(services).map_err(|m| ApiError::invalid_field("services", m))?;
    let contact_name =
        PersonName::parse(&contact.name).map_err(|e| ApiError::invalid_value("contact.name", e))?.into_inner();
    let contact_phone = parse_contact_phone(&contact.phone)
        .map_err(|_| ApiError::invalid_field("contact.phone", "请输入手机号码或带区号的固定电话"))?;
    let grid_id = match grid_id.filter(|g| !g.trim().is_empty()) {
        None => None,
        Some(raw) => {
            let id = field_id("grid_id", raw)?;
            match state.store.place(id).await? {
                Some(g)
                    if g.level == PlaceLevel::Grid && g.retired_at.is_none() && g.parent_id == Some(community_id) =>
                {
                    Some(id)
                }
                _ => return Err(ApiError::invalid_field("grid_id", "网格不存在、已撤销或不属于该社区")),
            }
        }
    };
    let stored = StoredHours { weekly: weekly.weekly(), follows_calendar: weekly.follows_calendar() };
    Ok(PointFields {
        grid_id,
        name,
        address,
        location: [location.lng, location.lat],
        hours: serde_json::to_string(&stored).map_err(|_| ApiError::internal())?,
        services: serde_json::to_string(&services).map_err(|_| ApiError::internal())?,
        contact_name,
        contact_phone,
    })
}

/// What an entry records of a point.
fn details(fields: &PointFields, community_id: i64) -> serde_json::Value {
    serde_json::json!({
        "community_id": community_id.to_string(),
        "name": fields.name,
        "address": fields.address,
        "location": fields.location,
    })
}

/// Creates a point: an admin anywhere, a dispatcher in their communities; others 403.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    req: &CreateServicePointRequest,
) -> Result<ServicePoint, ApiError> {
    let community_id = field_id("community_id", &req.community_id)?;
    if !caller.manages(community_id) {
        return Err(ApiError::forbidden());
    }
    match state.store.place(community_id).await? {
        Some(c) if c.level == PlaceLevel::Community && c.retired_at.is_none() => {}
        _ => return Err(ApiError::invalid_field("community_id", "社区不存在或已撤销")),
    }
    let fields = UpdateServicePointRequest {
        grid_id: req.grid_id.clone(),
        name: req.name.clone(),
        address: req.address.clone(),
        location: req.location,
        hours: req.hours.clone(),
        services: req.services.clone(),
        contact: req.contact.clone(),
    };
    let fields = check_fields(state, community_id, &fields).await?;
    let entry = crate::audit::entry(
        caller,
        AuditAction::ServicePointCreated,
        AuditTargetKind::ServicePoint,
        None,
        details(&fields, community_id),
    );
    let id = state.store.create_service_point(community_id, &fields, Utc::now(), &entry).await?;
    let point = state.store.service_point(id).await?.ok_or_else(ApiError::internal)?;
    view_now(state, &point).await
}

/// The point `id` for a change by the caller: 404 when there is none, 403 when the caller does
/// not maintain its community.
async fn maintained(state: &AppState, caller: &Caller, id: i64) -> Result<PointRecord, ApiError> {
    let point = state.store.service_point(id).await?.ok_or_else(ApiError::not_found)?;
    if !caller.manages(point.community_id) {
        return Err(if point.retired_at.is_some() { ApiError::not_found() } else { ApiError::forbidden() });
    }
    Ok(point)
}

/// Rewrites a point's fields (its community stays).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    req: &UpdateServicePointRequest,
) -> Result<ServicePoint, ApiError> {
    let point = maintained(state, caller, id).await?;
    if point.retired_at.is_some() {
        return Err(ApiError::new(ErrorCode::PlaceInUse, "该驿站已撤销，不能再修改"));
    }
    let fields = check_fields(state, point.community_id, req).await?;
    let entry = crate::audit::entry(
        caller,
        AuditAction::ServicePointUpdated,
        AuditTargetKind::ServicePoint,
        Some(id),
        details(&fields, point.community_id),
    );
    if !state.store.update_service_point(id, &fields, Utc::now(), &entry).await? {
        return Err(ApiError::not_found());
    }
    let point = state.store.service_point(id).await?.ok_or_else(ApiError::internal)?;
    view_now(state, &point).await
}

/// Retires a point: it is no longer listed. Retiring a retired point changes nothing and answers
/// it as it is.
pub async fn retire(state: &AppState, caller: &Caller, id: i64) -> Result<ServicePoint, ApiError> {
    let point = maintained(state, caller, id).await?;
    if point.retired_at.is_some() {
        return view_now(state, &point).await;
    }
    let entry = crate::audit::entry(
        caller,
        AuditAction::ServicePointRetired,
        AuditTargetKind::ServicePoint,
        Some(id),
        serde_json::json!({ "community_id": point.community_id.to_string(), "name": point.name }),
    );
    // A concurrent retirement may have won: either way the point is retired now.
    state.store.retire_service_point(id, Utc::now(), &entry).await?;
    let point = state.store.service_point(id).await?.ok_or_else(ApiError::internal)?;
    view_now(state, &point).await
}

/// One point: anyone signed in reads a point in service; a retired one only those who maintain
/// its community (404 for the rest).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<ServicePoint, ApiError> {
    let point = state.store.service_point(id).await?.ok_or_else(ApiError::not_found)?;
    if point.retired_at.is_some() && !caller.manages(point.community_id) {
        return Err(ApiError::not_found());
    }
    view_now(state, &point).await
}

/// The centre of the caller's home grid (a unit's grid for a unit): the mean of its boundary's
/// outer-ring positions. 422 when the caller has no home or the grid has no boundary.
pub async fn home_centre(state: &AppState, caller: &Caller) -> Result<[f64; 2], ApiError> {
    let no_home = || ApiError::invalid_field("near", "尚未登记家庭所在网格，请改用位置");
    let home = state.store.home_place(caller.id()).await?.ok_or_else(no_home)?;
    let mut place = state.store.place(home).await?.ok_or_else(no_home)?;
    if place.level == PlaceLevel::Unit {
        let grid = place.parent_id.ok_or_else(no_home)?;
        place = state.store.place(grid).await?.ok_or_else(no_home)?;
    }
    let boundary = geo::boundary_of(place.boundary.as_deref())
        .ok_or_else(|| ApiError::invalid_field("near", "家庭所在网格没有边界，请改用位置"))?;
    map::centre(&boundary).ok_or_else(|| ApiError::invalid_field("near", "家庭所在网格没有边界，请改用位置"))
}

/// The list: points in service, filtered, sorted by distance from the origin (ties and a list
/// without origin by id), paged by position. One read of the points, one of the calendar.
pub async fn list(state: &AppState, caller: &Caller, query: &ListQuery) -> Result<Page<ServicePoint>, ApiError> {
    let origin = match query.origin {
        Origin::None => None,
        Origin::At(p) => Some(p),
        Origin::Home => Some(home_centre(state, caller).await?),
    };
    let skip = match query.cursor.as_deref() {
        Some(raw) => usize::try_from(decode_cursor(raw)? - 1).map_err(|_| ApiError::malformed("cursor 无效"))?,
        None => 0,
    };
    let calendar = deadlines::calendar(state).await?;
    let points = state.store.live_service_points(query.community_id).await?;
    let mut shown: Vec<ServicePoint> = points
        .iter()
        .filter(|p| query.service.as_ref().is_none_or(|s| services_of(p).iter().any(|x| x == s)))
        .map(|p| view(p, &calendar, query.at, origin))
        .collect::<Result<_, _>>()?;
    if let Some(open) = query.open_now {
        shown.retain(|p| p.open_now == open);
    }
    if origin.is_some() {
        // Stable: equal distances keep id order.
        shown.sort_by_key(|p| p.distance_m.unwrap_or(i64::MAX));
    }
    let limit = query.limit as usize;
    let rest = shown.len().saturating_sub(skip);
    let items: Vec<ServicePoint> = shown.into_iter().skip(skip).take(limit).collect();
    let next = (rest > limit).then(|| encode_cursor(i64::try_from(skip + limit + 1).unwrap_or(i64::MAX)));
    Ok(Page { items, next_cursor: next })
}

fn services_of(point: &PointRecord) -> Vec<String> {
    serde_json::from_str(&point.services).unwrap_or_default()
}

/// A point as read now, without a distance.
async fn view_now(state: &AppState, point: &PointRecord) -> Result<ServicePoint, ApiError> {
    let calendar = deadlines::calendar(state).await?;
    view(point, &calendar, Utc::now().timestamp_millis(), None)
}

/// A point as the API shows it: open at `at`, with its distance from `origin`.
fn view(
    point: &PointRecord,
    calendar: &WorkCalendar,
    at: i64,
    origin: Option<[f64; 2]>,
) -> Result<ServicePoint, ApiError> {
    let stored: StoredHours = serde_json::from_str(&point.hours).map_err(|_| ApiError::internal())?;
    let open_now =
        WeeklyHours::parse(&stored.weekly, stored.follows_calendar).map(|h| h.is_open(calendar, at)).unwrap_or(false);
    let time = |ms: i64| DateTime::from_timestamp_millis(ms).map(rfc3339).ok_or_else(ApiError::internal);
    Ok(ServicePoint {
        id: point.id.to_string(),
        community_id: point.community_id.to_string(),
        community_name: point.community_name.clone(),
        grid_id: point.grid_id.map(|g| g.to_string()),
        name: point.name.clone(),
        address: point.address.clone(),
        location: GeoPoint { lng: point.lng, lat: point.lat },
        hours: OpeningHours { weekly: stored.weekly, follows_calendar: stored.follows_calendar },
        services: services_of(point),
        contact: ServiceContact { name: point.contact_name.clone(), phone: point.contact_phone.clone() },
        open_now,
        // Rounded to the metre; the float is far below i64's range for any two points on Earth.
        #[allow(clippy::cast_possible_truncation)]
        distance_m: origin.map(|o| distance_m(o, [point.lng, point.lat]).round() as i64),
        retired_at: point.retired_at.map(time).transpose()?,
        created_at: time(point.created_at)?,
        updated_at: time(point.updated_at)?,
    })
}
