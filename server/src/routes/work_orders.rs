//! Work orders (工单): reporting, lists, one order and its event log, every action of the state
//! machine (one handler each), the scorecard, departments and the working-day calendar. The
//! handlers parse and render; the rules are `crate::work_orders`.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use haolin_shared::api::{
    CalendarInfo, CreateDepartmentRequest, Department, DepartmentStaffRequest, ErrorBody, Items, OrderActionRequest,
    OrderEvent, Page, ReportOrderRequest, Scorecard, WorkOrder,
};
use haolin_shared::domain::{OrderAction, OrderStatus};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, decode_cursor, field_id, flag, keyset_page, page_limit, path_id};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::store::work_orders::OrderRecord;
use crate::views;
use crate::work_orders::actions::{OrderActor, act};
use crate::work_orders::scorecard::{ScoreQuery, scorecard};
use crate::work_orders::{Viewer, deadlines, departments, report};

/// Registers the work-order routes (fixed paths before `{id}`).
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(categories)
        .service(report_order)
        .service(list_orders)
        .service(order_scorecard)
        .service(crate::routes::order_stream::order_stream)
        .service(get_order)
        .service(order_events)
        .service(accept)
        .service(decline)
        .service(dispatch)
        .service(escalate)
        .service(whistle)
        .service(sign)
        .service(return_order)
        .service(resolve)
        .service(visit)
        .service(request_extension)
        .service(grant_extension)
        .service(refuse_extension)
        .service(supervise)
        .service(list_departments)
        .service(create_department)
        .service(add_staff)
        .service(remove_staff)
        .service(calendar)
        .service(upload_calendar);
}

/// The categories a reporter chooses from.
#[utoipa::path(tag = "work orders", responses((status = 200, body = Items<String>)))]
#[get("/work-orders/categories")]
pub async fn categories(state: web::Data<AppState>, _caller: Caller) -> web::Json<Items<String>> {
    web::Json(Items { items: state.settings.work_orders.categories.clone() })
}

/// Reports a problem: a resident in their registered grid (随手拍), a grid worker in their grid
/// (for themselves or a resident of it; `resolved_on_spot` creates it closed: 即报即办), a
/// dispatcher in their community.
#[utoipa::path(tag = "work orders", request_body = ReportOrderRequest, responses(
    (status = 201, body = WorkOrder), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/work-orders")]
pub async fn report_order(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ReportOrderRequest>,
) -> Result<HttpResponse, ApiError> {
    let viewer = Viewer::load(&state, &caller).await?;
    let order = report::report(&state, &viewer, &body.0).await?;
    Ok(HttpResponse::Created().json(views::work_order(Some(&viewer), &order)))
}

/// The orders the caller may see, newest first, narrowed by the filters: `mine` (reported or
/// filed by the caller), `inbox` (waiting for the caller as handler), a place, a status,
/// `overdue`, `supervised`.
#[utoipa::path(tag = "work orders", params(
    ("mine" = Option<bool>, Query), ("inbox" = Option<bool>, Query), ("community_id" = Option<String>, Query),
    ("street_id" = Option<String>, Query), ("grid_id" = Option<String>, Query), ("status" = Option<String>, Query),
    ("overdue" = Option<bool>, Query), ("supervised" = Option<bool>, Query), ("cursor" = Option<String>, Query),
    ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page<WorkOrder>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/work-orders")]
pub async fn list_orders(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<WorkOrder>>, ApiError> {
    let q = query_map(&req)?;
    let viewer = Viewer::load(&state, &caller).await?;
    let mut query = viewer.query();
    query.mine = flag("mine", q.get("mine").map(String::as_str))?;
    query.inbox = flag("inbox", q.get("inbox").map(String::as_str))?;
    query.overdue = flag("overdue", q.get("overdue").map(String::as_str))?;
    query.supervised = flag("supervised", q.get("supervised").map(String::as_str))?;
    query.community_id = q.get("community_id").map(|r| field_id("community_id", r)).transpose()?;
    query.street_id = q.get("street_id").map(|r| field_id("street_id", r)).transpose()?;
    query.grid_id = q.get("grid_id").map(|r| field_id("grid_id", r)).transpose()?;
    query.status = q
        .get("status")
        .map(|s| OrderStatus::parse(s).ok_or_else(|| ApiError::invalid_field("status", "未知的工单状态")))
        .transpose()?;
    query.before_id = q.get("cursor").map(|c| decode_cursor(c)).transpose()?;
    let limit = page_limit(q.get("limit").map(String::as_str))?;
    query.limit = limit + 1;
    let rows = state.store.orders(&query).await?;
    let (rows, next_cursor) = keyset_page(rows, limit, |o| o.id);
    Ok(web::Json(Page { items: rows.iter().map(|o| views::work_order(Some(&viewer), o)).collect(), next_cursor }))
}

/// The scorecard of a street, community, grid or department for a date range, by month
/// (formulas in docs/WORK-ORDERS.md).
#[utoipa::path(tag = "work orders", params(
    ("unit" = String, Query, description = "street, community, grid or department"), ("id" = String, Query),
    ("from" = Option<String>, Query, description = "YYYY-MM-DD, Asia/Shanghai; default the first of this month"),
    ("to" = Option<String>, Query, description = "YYYY-MM-DD; default today")),
    responses((status = 200, body = Scorecard), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/work-orders/scorecard")]
pub async fn order_scorecard(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ScoreQuery>,
) -> Result<web::Json<Scorecard>, ApiError> {
    Ok(web::Json(scorecard(&state, &caller, &q).await?))
}

async fn visible(state: &AppState, viewer: &Viewer<'_>, raw: &str) -> Result<OrderRecord, ApiError> {
    let id = path_id(raw)?;
    match state.store.order(id).await? {
        Some(o) if viewer.can_see(&o) => Ok(o),
        _ => Err(ApiError::not_found()),
    }
}

/// One order.
#[utoipa::path(tag = "work orders", params(("id" = String, Path)),
    responses((status = 200, body = WorkOrder), (status = 404, body = ErrorBody)))]
#[get("/work-orders/{id}")]
pub async fn get_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<WorkOrder>, ApiError> {
    let viewer = Viewer::load(&state, &caller).await?;
    let order = visible(&state, &viewer, &id).await?;
    Ok(web::Json(views::work_order(Some(&viewer), &order)))
}

/// An order's event log, oldest first.
#[utoipa::path(tag = "work orders", params(("id" = String, Path)),
    responses((status = 200, body = Items<OrderEvent>), (status = 404, body = ErrorBody)))]
#[get("/work-orders/{id}/events")]
pub async fn order_events(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Items<OrderEvent>>, ApiError> {
    let viewer = Viewer::load(&state, &caller).await?;
    let order = visible(&state, &viewer, &id).await?;
    let events = state.store.order_events(order.id).await?;
    let mut photos = crate::photos::by_event(&state, crate::store::wechat::Subject::Order(order.id)).await?;
    let mut items = events.iter().map(views::order_event).collect::<Result<Vec<_>, _>>()?;
    for (event, item) in events.iter().zip(&mut items) {
        item.photo_ids = photos.remove(&event.id).unwrap_or_default();
    }
    Ok(web::Json(Items { items }))
}

async fn run(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    action: OrderAction,
    body: OrderActionRequest,
) -> Result<web::Json<WorkOrder>, ApiError> {
    let id = path_id(raw)?;
    let viewer = Viewer::load(state, caller).await?;
    let order = act(state, OrderActor::Person(&viewer), id, action, &body).await?;
    Ok(web::Json(views::work_order(Some(&viewer), &order)))
}

macro_rules! order_action {
    ($name:ident, $path:literal, $action:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(tag = "work order actions", params(("id" = String, Path)), request_body = OrderActionRequest, responses(
            (status = 200, description = "the order after the action", body = WorkOrder),
            (status = 403, description = "not allowed for the caller", body = ErrorBody),
            (status = 404, description = "no such order visible to the caller", body = ErrorBody),
            (status = 409, description = "wrong status or stale version (details.status is current), return window closed, extension used", body = ErrorBody),
            (status = 422, description = "invalid field", body = ErrorBody)))]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            caller: Caller,
            id: web::Path<String>,
            body: ApiJson<OrderActionRequest>,
        ) -> Result<web::Json<WorkOrder>, ApiError> {
            run(&state, &caller, &id, $action, body.0).await
        }
    };
}

order_action!(
    accept,
    "/work-orders/{id}/accept",
    OrderAction::Accept,
    "A community dispatcher accepts a reported order (受理); `priority` may be set."
);
order_action!(
    decline,
    "/work-orders/{id}/decline",
    OrderAction::Decline,
    "A community dispatcher declines a reported order with a `reason` (不予受理)."
);
order_action!(
    dispatch,
    "/work-orders/{id}/dispatch",
    OrderAction::Dispatch,
    "A community dispatcher dispatches the order to a grid of the community (`grid_id`; 派单); its clocks start."
);
order_action!(
    escalate,
    "/work-orders/{id}/escalate",
    OrderAction::Escalate,
    "A community dispatcher sends the order up to the street with a `reason` (上报街道)."
);
order_action!(
    whistle,
    "/work-orders/{id}/whistle",
    OrderAction::Whistle,
    "A street officer whistles the order to a lead department (`lead_department_id`) and co-handlers (`co_department_ids`); each must sign within the deadline (吹哨报到)."
);
order_action!(
    sign,
    "/work-orders/{id}/sign",
    OrderAction::Sign,
    "The lead handler signs for the order (签收); a co-handling department's staff record its 报到."
);
order_action!(
    return_order,
    "/work-orders/{id}/return",
    OrderAction::Return,
    "The lead handler returns the order with a `reason` within the return window (退单)."
);
order_action!(
    resolve,
    "/work-orders/{id}/resolve",
    OrderAction::Resolve,
    "The lead handler resolves the order with a `note` (办结)."
);
order_action!(
    visit,
    "/work-orders/{id}/visit",
    OrderAction::Visit,
    "The reporter (or a grid worker of the grid for them) answers the call-back (回访): `satisfaction` satisfied or basic closes it, unsatisfied reopens it."
);
order_action!(
    request_extension,
    "/work-orders/{id}/request_extension",
    OrderAction::RequestExtension,
    "The lead handler asks once for `days` more working days with a `reason` (申请延期)."
);
order_action!(
    grant_extension,
    "/work-orders/{id}/grant_extension",
    OrderAction::GrantExtension,
    "Whoever dispatched the round grants the extension: the resolve deadline moves."
);
order_action!(
    refuse_extension,
    "/work-orders/{id}/refuse_extension",
    OrderAction::RefuseExtension,
    "Whoever dispatched the round refuses the extension with a `reason`."
);
order_action!(
    supervise,
    "/work-orders/{id}/supervise",
    OrderAction::Supervise,
    "A street officer or an admin supervises the order with a note in `reason` (督办)."
);

/// Every department (for the whistle's picker); staff only.
#[utoipa::path(tag = "work orders", responses((status = 200, body = Items<Department>), (status = 403, body = ErrorBody)))]
#[get("/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Items<Department>>, ApiError> {
    Ok(web::Json(Items { items: departments::list(&state, &caller).await? }))
}

/// Creates a department at the district or a street (admin).
#[utoipa::path(tag = "work orders", request_body = CreateDepartmentRequest, responses(
    (status = 201, body = Department), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/admin/departments")]
pub async fn create_department(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateDepartmentRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(departments::create(&state, &caller, &body.0).await?))
}

/// Puts an account on a department's staff (admin); it then holds the department-officer role.
#[utoipa::path(tag = "work orders", params(("id" = String, Path)), request_body = DepartmentStaffRequest, responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/admin/departments/{id}/staff")]
pub async fn add_staff(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<DepartmentStaffRequest>,
) -> Result<HttpResponse, ApiError> {
    departments::staff(&state, &caller, &id, &body.0.user_id, true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes an account off a department's staff (admin).
#[utoipa::path(tag = "work orders", params(("id" = String, Path)), request_body = DepartmentStaffRequest, responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[delete("/admin/departments/{id}/staff")]
pub async fn remove_staff(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<DepartmentStaffRequest>,
) -> Result<HttpResponse, ApiError> {
    departments::staff(&state, &caller, &id, &body.0.user_id, false).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The working-day calendar: the years with holiday data, those counted Monday–Friday for want
/// of it, and the working hours (admin).
#[utoipa::path(tag = "work orders", responses((status = 200, body = CalendarInfo), (status = 403, body = ErrorBody)))]
#[get("/admin/calendar")]
pub async fn calendar(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<CalendarInfo>, ApiError> {
    Ok(web::Json(deadlines::info(&state, &caller).await?))
}

/// Uploads a year's holidays and make-up working days in the holiday-cn layout
/// (`{"year", "days": [{"name", "date", "isOffDay"}]}`), replacing that year (admin). A malformed
/// file is refused with the line at fault (`details.errors`) and nothing changes.
#[utoipa::path(tag = "work orders", params(("year" = String, Path)), request_body(content = Object, content_type = "application/json"),
    responses((status = 200, body = CalendarInfo), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/admin/calendar/{year}")]
pub async fn upload_calendar(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<String>,
    body: web::Bytes,
) -> Result<web::Json<CalendarInfo>, ApiError> {
    Ok(web::Json(deadlines::upload(&state, &caller, &year, &body).await?))
}
