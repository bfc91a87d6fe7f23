//! Party organisations of the four-level architecture: browsing (anyone logged in) and
//! administering (admins). The handlers parse and render; where an organisation may sit and
//! under whom is `crate::party`.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use haolin_shared::api::{
    CreatePartyOrgRequest, ErrorBody, Items, PartyOrg, PartyOrgRef, PersonRef, UpdatePartyOrgRequest,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id, path_id};
use crate::party::{self, Lineage};
use crate::places::parse_name;
use crate::routes::Routes;
use crate::routes::places::place_ref;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::store::party::{NewPartyOrg, PartyOrgRecord};
use crate::views::rfc3339;

/// Registers the routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(list_party_orgs)
        .service(get_party_org)
        .service(create_party_org)
        .service(update_party_org)
        .service(retire_party_org);
}

fn org_ref(o: &PartyOrgRecord) -> PartyOrgRef {
    PartyOrgRef { id: o.id.to_string(), name: o.name.clone(), level: o.level }
}

/// The API view of an organisation: its place and the organisations in service along its place's
/// path (so its parent is the one at the place above).
async fn render(state: &AppState, org: &PartyOrgRecord) -> Result<PartyOrg, ApiError> {
    let Lineage { place, path, parent_id } = party::lineage(state, org).await?;
    Ok(PartyOrg {
        id: org.id.to_string(),
        name: org.name.clone(),
        level: org.level,
        place: place_ref(&place),
        parent_id: parent_id.map(|id| id.to_string()),
        path: path.iter().map(org_ref).collect(),
        leader: org
            .leader_id
            .map(|id| PersonRef { id: id.to_string(), name: org.leader_name.clone().unwrap_or_default() }),
        retired_at: org.retired_at.map(rfc3339),
    })
}

async fn render_all(state: &AppState, orgs: &[PartyOrgRecord]) -> Result<Items<PartyOrg>, ApiError> {
    let mut items = Vec::with_capacity(orgs.len());
    for org in orgs {
        items.push(render(state, org).await?);
    }
    Ok(Items { items })
}

/// Lists organisations: those under the organisation `parent_id` (in service, at the places
/// directly under its place); every organisation at `place_id`, retired ones included, newest
/// first; or, with neither, every street committee.
#[utoipa::path(tag = "party", params(("parent_id" = Option<String>, Query), ("place_id" = Option<String>, Query)),
    responses((status = 200, body = Items<PartyOrg>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/party-orgs")]
pub async fn list_party_orgs(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Items<PartyOrg>>, ApiError> {
    let q = query_map(&req)?;
    let parent = q.get("parent_id").map(|raw| field_id("parent_id", raw)).transpose()?;
    let place = q.get("place_id").map(|raw| field_id("place_id", raw)).transpose()?;
    let orgs = party::list(&state, parent, place).await?;
    Ok(web::Json(render_all(&state, &orgs).await?))
}

/// One organisation with its place and path.
#[utoipa::path(tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = PartyOrg), (status = 404, body = ErrorBody)))]
#[get("/party-orgs/{id}")]
pub async fn get_party_org(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<PartyOrg>, ApiError> {
    let org = party::get(&state, path_id(&id)?).await?;
    Ok(web::Json(render(&state, &org).await?))
}

/// Creates an organisation at a place of its level, under the organisation in service at the
/// place above (which must exist, except for a street committee). One organisation in service
/// per place.
#[utoipa::path(tag = "admin", request_body = CreatePartyOrgRequest, responses(
    (status = 201, body = PartyOrg), (status = 403, body = ErrorBody),
    (status = 409, description = "the place already has one, or is retired", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/admin/party-orgs")]
pub async fn create_party_org(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreatePartyOrgRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let org = NewPartyOrg {
        name: parse_name(&body.name).map_err(|m| ApiError::invalid_field("name", m))?,
        level: body.level,
        place_id: field_id("place_id", &body.place_id)?,
        leader_id: body.leader_id.as_deref().map(|raw| field_id("leader_id", raw)).transpose()?,
    };
    let org = party::create(&state, &caller, org).await?;
    Ok(HttpResponse::Created().json(render(&state, &org).await?))
}

/// Renames an organisation or changes its leader.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), request_body = UpdatePartyOrgRequest, responses(
    (status = 200, body = PartyOrg), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "retired", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[patch("/admin/party-orgs/{id}")]
pub async fn update_party_org(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<UpdatePartyOrgRequest>,
) -> Result<web::Json<PartyOrg>, ApiError> {
    let body = body.0;
    let name = body.name.as_deref().map(parse_name).transpose().map_err(|m| ApiError::invalid_field("name", m))?;
    let leader_id = body.leader_id.as_deref().map(|raw| field_id("leader_id", raw)).transpose()?;
    let org = party::update(&state, &caller, path_id(&id)?, name, leader_id).await?;
    Ok(web::Json(render(&state, &org).await?))
}

/// Retires an organisation (it stays for history). Refused while organisations are in service
/// under it; retiring twice answers the first retirement.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = PartyOrg), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "organisations under it are in service", body = ErrorBody)))]
#[post("/admin/party-orgs/{id}/retire")]
pub async fn retire_party_org(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<PartyOrg>, ApiError> {
    let org = party::retire(&state, &caller, path_id(&id)?).await?;
    Ok(web::Json(render(&state, &org).await?))
}
