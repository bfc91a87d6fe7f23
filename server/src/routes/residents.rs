//! Resident records: `POST /residents` (grid staff record someone without a phone or an account
//! of their own) and `GET /residents` (the residents living where the caller serves). The rules are
//! in `crate::residents`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use haolin_shared::api::{CreateResidentRequest, ErrorBody, Page, ResidentRecord};
use haolin_shared::domain::{PersonName, PhoneNumber};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, decode_cursor, field_id, keyset_page, page_limit};
use crate::residents::{self, NO_LOGIN, NewRecord};
use crate::routes::Routes;
use crate::routes::places::place_ref;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::store::UserRecord;
use crate::store::places::PlaceRecord;

/// Registers the resident-record routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(create_resident).service(list_residents);
}

fn view(user: &UserRecord, home: &PlaceRecord) -> ResidentRecord {
    ResidentRecord {
        id: user.id.to_string(),
        name: user.name.clone(),
        has_phone: !crate::accounts::is_placeholder_phone(&user.phone),
        can_log_in: user.password_hash != NO_LOGIN && user.password_hash.starts_with("$argon2"),
        home: place_ref(home),
    }
}

/// Records a resident who has no phone or no account of their own, at a home (a grid or unit) in a
/// grid the caller serves as grid worker or grid leader; wishes can then be filed for them.
#[utoipa::path(tag = "residents", request_body = CreateResidentRequest, responses(
    (status = 201, body = ResidentRecord),
    (status = 401, body = ErrorBody),
    (status = 403, description = "the home is not in a grid the caller serves", body = ErrorBody),
    (status = 409, description = "another account has this phone number (`already_exists`)", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/residents")]
pub async fn create_resident(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateResidentRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let record = NewRecord {
        name: PersonName::parse(&body.name).map_err(|e| ApiError::invalid_value("name", e))?,
        home_id: field_id("home_id", &body.home_id)?,
        phone: match body.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => Some(PhoneNumber::parse(p).map_err(|e| ApiError::invalid_value("phone", e))?),
        },
    };
    let (user, home) = residents::create(&state, &caller, record).await?;
    let place = state.store.place(home.place_id).await?.ok_or_else(ApiError::internal)?;
    Ok(HttpResponse::Created().json(view(&user, &place)))
}

/// The residents whose registered home is in a place the caller serves (grid staff: their grids
/// and the units in them; household heads: their units), newest first. Never their phone numbers.
#[utoipa::path(tag = "residents", params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses(
        (status = 200, body = Page<ResidentRecord>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "the caller serves no grid or unit", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/residents")]
pub async fn list_residents(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<ResidentRecord>>, ApiError> {
    let q = query_map(&req)?;
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let limit = page_limit(get("limit"))?;
    let before = get("cursor").map(decode_cursor).transpose()?;
    let (rows, next) = keyset_page(residents::served(&state, &caller, before, limit + 1).await?, limit, |(u, _)| u.id);
    Ok(web::Json(Page { items: rows.iter().map(|(u, p)| view(u, p)).collect(), next_cursor: next }))
}
