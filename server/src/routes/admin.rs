//! District administration: accounts with roles, and communities.

use actix_web::{HttpResponse, post, web};
use haolin_shared::api::{Community, CreateCommunityRequest, CreateUserRequest, ErrorBody, User};
use haolin_shared::domain::PlaceName;

use crate::accounts;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::places;
use crate::routes::Routes;
use crate::state::AppState;
use crate::views;

/// Registers the admin routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(create_user).service(create_community);
}

/// Creates an account with roles; scoped roles are held in each of `community_ids`.
#[utoipa::path(tag = "admin", request_body = CreateUserRequest, responses(
    (status = 201, body = User),
    (status = 403, body = ErrorBody),
    (status = 409, description = "phone taken", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/admin/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = accounts::create_with_roles(&state, &caller, body.0).await?;
    Ok(HttpResponse::Created().json(views::user(&user)))
}

/// Checks a unified code: 6–32 ASCII letters or digits.
fn parse_code(field: &str, raw: &str) -> Result<String, ApiError> {
    let code = raw.trim();
    if (6..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(code.to_owned())
    } else {
        Err(ApiError::invalid_field(field, "编码须为 6 到 32 位字母或数字"))
    }
}

/// Creates a community.
#[utoipa::path(tag = "admin", request_body = CreateCommunityRequest, responses(
    (status = 201, body = Community),
    (status = 403, body = ErrorBody),
    (status = 409, description = "code taken", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/admin/communities")]
pub async fn create_community(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateCommunityRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let req = body.0;
    let name = PlaceName::parse(&req.name).map_err(|e| ApiError::invalid_value("name", e))?;
    let code = parse_code("code", &req.code)?;
    let street = req.street_code.as_deref().map(|s| parse_code("street_code", s)).transpose()?;
    let community = places::admin::create_community(&state, &caller, name.as_str(), &code, street.as_deref()).await?;
    Ok(HttpResponse::Created().json(views::community(&community)))
}
