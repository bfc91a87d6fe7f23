//! Party organisations of the four-level architecture: browsing (anyone logged in) and
//! administering (admins). Where an organisation may sit is a rule of the place tree: a street
//! committee at a street, a community branch at a community, a grid branch or party group at a
//! grid, a central household at a ten-household unit; its parent is the organisation in service
//! at the place above, which must exist when it is created.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::Utc;
use haolin_shared::api::{
    CreatePartyOrgRequest, ErrorBody, ErrorCode, Items, PartyOrg, PartyOrgLevel, PartyOrgRef, PersonRef,
    UpdatePartyOrgRequest,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id, path_id};
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

/// The API view of an organisation: its place and the organisations in service along its place's
/// path (so its parent is the one at the place above).
async fn render(state: &AppState, org: &PartyOrgRecord) -> Result<PartyOrg, ApiError> {
    let places = state.store.place_path(org.place_id).await?;
    let place = places.last().ok_or_else(ApiError::internal)?;
    let ids: Vec<i64> = places.iter().map(|p| p.id).collect();
    let live = state.store.live_party_orgs_at(&ids).await?;
    let mut path: Vec<PartyOrgRef> = Vec::new();
    let mut parent_id = None;
    for p in &places[..places.len() - 1] {
        if let Some(o) = live.iter().find(|o| o.place_id == p.id) {
            path.push(PartyOrgRef { id: o.id.to_string(), name: o.name.clone(), level: o.level });
            parent_id = (p.id == place.parent_id.unwrap_or_default()).then(|| o.id.to_string());
        }
    }
    path.push(PartyOrgRef { id: org.id.to_string(), name: org.name.clone(), level: org.level });
    Ok(PartyOrg {
        id: org.id.to_string(),
        name: org.name.clone(),
        level: org.level,
        place: place_ref(place),
        parent_id,
        path,
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
    let orgs = match (parent, place) {
        (Some(_), Some(_)) => return Err(ApiError::invalid_field("place_id", "parent_id 与 place_id 只能给出一个")),
        (Some(parent), None) => {
            let org = state
                .store
                .party_org(parent)
                .await?
                .ok_or_else(|| ApiError::invalid_field("parent_id", "上级党组织不存在"))?;
            state.store.party_orgs_under(org.place_id).await?
        }
        (None, Some(place)) => state.store.party_orgs_at(place).await?,
        (None, None) => state.store.party_orgs_of_level(PartyOrgLevel::StreetCommittee).await?,
    };
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
    let org = state.store.party_org(path_id(&id)?).await?.ok_or_else(ApiError::not_found)?;
    Ok(web::Json(render(&state, &org).await?))
}

/// A leader named in a request, which must be an account.
async fn leader(state: &AppState, raw: &str) -> Result<i64, ApiError> {
    let id = field_id("leader_id", raw)?;
    match state.store.user_by_id(id).await? {
        Some(u) => Ok(u.id),
        None => Err(ApiError::invalid_field("leader_id", "账号不存在")),
    }
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
    caller.require_admin()?;
    let name = parse_name(&body.name).map_err(|m| ApiError::invalid_field("name", m))?;
    let place_id = field_id("place_id", &body.place_id)?;
    let place = state.store.place(place_id).await?.ok_or_else(|| ApiError::invalid_field("place_id", "地点不存在"))?;
    if place.level != body.level.place_level() {
        return Err(ApiError::invalid_field("place_id", "该层级的党组织须建在对应层级的地点上"));
    }
    if place.retired_at.is_some() {
        return Err(ApiError::new(ErrorCode::PlaceInUse, "该地点已撤销"));
    }
    if body.level != PartyOrgLevel::StreetCommittee {
        let above = place.parent_id.map(|p| vec![p]).unwrap_or_default();
        if state.store.live_party_orgs_at(&above).await?.is_empty() {
            return Err(ApiError::invalid_field("place_id", "上一级地点尚未建立党组织，须先建上级"));
        }
    }
    let leader_id = match &body.leader_id {
        Some(raw) => Some(leader(&state, raw).await?),
        None if body.level == PartyOrgLevel::CentralHousehold => {
            return Err(ApiError::invalid_field("leader_id", "党员中心户须指明户主党员"));
        }
        None => None,
    };
    let org = NewPartyOrg { name, level: body.level, place_id, leader_id };
    let id = state
        .store
        .create_party_org(org, Utc::now())
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::PlaceInUse, "该地点已撤销"))?;
    let org = state.store.party_org(id).await?.ok_or_else(ApiError::internal)?;
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
    caller.require_admin()?;
    let org = state.store.party_org(path_id(&id)?).await?.ok_or_else(ApiError::not_found)?;
    let name = body.name.as_deref().map(parse_name).transpose().map_err(|m| ApiError::invalid_field("name", m))?;
    let leader_id = match &body.leader_id {
        Some(raw) => Some(leader(&state, raw).await?),
        None => None,
    };
    if org.retired_at.is_some() {
        return Err(ApiError::new(ErrorCode::PlaceInUse, "该党组织已撤销，不能再修改"));
    }
    state.store.update_party_org(org.id, name.as_deref(), leader_id).await?;
    let org = state.store.party_org(org.id).await?.ok_or_else(ApiError::internal)?;
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
    caller.require_admin()?;
    let org = state.store.party_org(path_id(&id)?).await?.ok_or_else(ApiError::not_found)?;
    if org.retired_at.is_none() && !state.store.retire_party_org(org.id, Utc::now()).await? {
        let under = state.store.party_orgs_under(org.place_id).await?.len();
        return Err(ApiError::new(ErrorCode::PlaceInUse, format!("该党组织下还有 {under} 个在用的下级组织，须先撤销")));
    }
    let org = state.store.party_org(org.id).await?.ok_or_else(ApiError::internal)?;
    Ok(web::Json(render(&state, &org).await?))
}
