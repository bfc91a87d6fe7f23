//! Reporting a problem: a resident's 随手拍 in their own grid, a grid worker's patrol find (for
//! themselves or a resident they serve), or a small problem solved on the spot (即报即办).

use chrono::Utc;
use haolin_shared::api::{ErrorCode, PhotoStage, PlaceLevel, ReportOrderRequest, Role};
use haolin_shared::domain::{Note, Priority, WishDescription, WishTitle};
use haolin_shared::labels::Label;

use super::{Viewer, month_of};
use crate::error::ApiError;
use crate::extract::field_id;
use crate::places::geo;
use crate::residents;
use crate::state::AppState;
use crate::store::wechat::{Notice, Recipient};
use crate::store::work_orders::{NewOrder, OrderRecord};
use crate::wechat::content::{self, SCENE_POST};

/// Checks a report and stores it; answers the new order.
pub async fn report(state: &AppState, viewer: &Viewer<'_>, req: &ReportOrderRequest) -> Result<OrderRecord, ApiError> {
    report_at(state, viewer, req, Utc::now().timestamp_millis()).await
}

/// [`report`] as if made at `at` (UTC ms): the demo data replays a few days of history with it.
pub async fn report_at(
    state: &AppState,
    viewer: &Viewer<'_>,
    req: &ReportOrderRequest,
    at: i64,
) -> Result<OrderRecord, ApiError> {
    let caller = viewer.caller;
    let title = WishTitle::parse(&req.title).map_err(|e| ApiError::invalid_value("title", e))?;
    let description =
        WishDescription::parse(&req.description).map_err(|e| ApiError::invalid_value("description", e))?;
    let category = req.category.trim();
    if !state.settings.work_orders.categories.iter().any(|c| c == category) {
        return Err(ApiError::invalid_field("category", "请选择有效的问题类别"));
    }
    let location = match req.location {
        Some(p) if p.lng.is_finite() && p.lat.is_finite() && p.lng.abs() <= 180.0 && p.lat.abs() <= 90.0 => {
            Some((p.lng, p.lat))
        }
        Some(_) => return Err(ApiError::invalid_field("location", "位置的经纬度无效")),
        None => None,
    };
    let on_spot_note = req
        .resolved_on_spot
        .as_deref()
        .map(|n| Note::parse(n).map(Note::into_inner).map_err(|e| ApiError::invalid_value("resolved_on_spot", e)))
        .transpose()?;
    let grid_id = field_id("grid_id", &req.grid_id)?;
    let grid = match state.store.place(grid_id).await? {
        Some(g) if g.level == PlaceLevel::Grid && g.retired_at.is_none() => g,
        _ => return Err(ApiError::invalid_field("grid_id", "网格不存在或已撤销")),
    };
    let community_id = grid.parent_id.ok_or_else(|| ApiError::invalid_field("grid_id", "该网格不属于任何社区"))?;
    let street_id = match state.store.place(community_id).await? {
        Some(c) => c.parent_id.filter(|_| c.level == PlaceLevel::Community),
        None => None,
    };
    let street_id = match street_id {
        Some(s) => state.store.place(s).await?.filter(|p| p.level == PlaceLevel::Street).map(|p| p.id),
        None => None,
    };
    if let (Some(point), Some(boundary)) = (location, geo::boundary_of(grid.boundary.as_deref()))
        && !geo::contains(&boundary, [point.0, point.1])
    {
        return Err(ApiError::invalid_field(
            "location",
            format!("该位置不在{}「{}」范围内", PlaceLevel::Grid.label(), grid.name),
        ));
    }

    let staff = viewer.grids.contains(&grid_id) || caller.manages(community_id);
    let (source, reporter_id) = if staff {
        let reporter_id = match &req.reporter_id {
            None => caller.id(),
            Some(raw) => {
                let id = field_id("reporter_id", raw)?;
                let home = residents::home_of(state, id).await?;
                if home.is_none_or(|h| h.grid_id != grid_id) {
                    return Err(ApiError::new(ErrorCode::Forbidden, "只能为登记在本网格的居民代为上报"));
                }
                id
            }
        };
        (if on_spot_note.is_some() { "on_spot" } else { "patrol" }, reporter_id)
    } else {
        // A resident reports where they live.
        if req.priority.is_some() {
            return Err(ApiError::invalid_field("priority", "紧急程度由社区受理时确定"));
        }
        if on_spot_note.is_some() {
            return Err(ApiError::invalid_field("resolved_on_spot", "只有网格员可以即报即办"));
        }
        if req.reporter_id.is_some() {
            return Err(ApiError::new(ErrorCode::Forbidden, "只有本网格的网格员可以代为上报"));
        }
        let home = residents::home_of(state, caller.id()).await?;
        match home {
            Some(h) if h.grid_id == grid_id => {}
            Some(_) => return Err(ApiError::invalid_field("grid_id", "只能上报您登记的网格内的问题")),
            None => return Err(ApiError::invalid_field("grid_id", "请先在「我的网格」登记您居住的网格")),
        }
        ("resident", caller.id())
    };
    if on_spot_note.is_some() && !viewer.grids.contains(&grid_id) && !caller.has_role(Role::Admin) {
        return Err(ApiError::invalid_field("resolved_on_spot", "只有本网格的网格员可以即报即办"));
    }
    // The content check runs like a wish's: a risky text is refused before anything is stored.
    content::check(
        state,
        caller.id(),
        &[("title", title.as_str(), SCENE_POST), ("description", description.as_str(), SCENE_POST)],
    )
    .await?;
    let photos = crate::photos::attachment(state, caller, req.photos.as_deref(), PhotoStage::Report).await?;
    let notices = if on_spot_note.is_some() {
        Vec::new()
    } else {
        vec![Notice {
            to: Recipient::Dispatchers { community_id, except: Some(caller.id()) },
            kind: "order_reported",
            title: format!("新工单「{}」待受理", title.as_str()),
            body: format!("{}：{}", grid.name, category),
            message: None,
        }]
    };
    let new = NewOrder {
        community_id,
        street_id,
        grid_id,
        reporter_id,
        filed_by: caller.id(),
        source,
        title: title.into_inner(),
        description: description.into_inner(),
        category: category.to_owned(),
        priority: req.priority.unwrap_or(Priority::Normal),
        location,
        on_spot_note,
        at,
        month: month_of(at),
        notices,
        photos,
    };
    let id = state.store.create_order(&new).await?;
    tracing::info!(order_id = id, source, "work order reported");
    state.store.order(id).await?.ok_or_else(ApiError::internal)
}
