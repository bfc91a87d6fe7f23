//! Open311 partner keys: admins issue one per partner, scoped to a community or a street (the
//! secret shown once, stored as its SHA-256), list them without secrets, and revoke them. Each
//! key has its own system account, the resident of record of the wishes it files: a placeholder
//! phone (`o311:…`, never a valid login) and a random password nobody knows. Issuing and revoking
//! are audited in the same transaction.

use chrono::Utc;
use haolin_shared::api::{
    AuditAction, AuditTargetKind, CreateOpen311KeyRequest, IssuedOpen311Key, Open311Key, PlaceLevel,
};
use haolin_shared::domain::{PhoneNumber, parse_text_field};

use crate::audit;
use crate::auth::{Caller, password};
use crate::error::ApiError;
use crate::extract::{field_id, path_id};
use crate::state::AppState;
use crate::store::NewUser;
use crate::store::open311::{KeyRecord, NewKey};
use crate::views::rfc3339;

/// The longest partner name.
pub const PARTNER_MAX_CHARS: usize = 50;

/// The prefix of every secret, so a leaked one is recognisable.
const SECRET_PREFIX: &str = "o311_";

fn view(k: &KeyRecord) -> Open311Key {
    Open311Key {
        id: k.id.to_string(),
        partner: k.partner.clone(),
        place_id: k.place_id.to_string(),
        place_name: k.place_name.clone(),
        account_id: k.account_id.to_string(),
        created_at: rfc3339(k.created_at),
        revoked_at: k.revoked_at.map(rfc3339),
    }
}

/// Issues a key (admins only).
pub async fn issue(
    state: &AppState,
    caller: &Caller,
    req: &CreateOpen311KeyRequest,
) -> Result<IssuedOpen311Key, ApiError> {
    caller.require_admin()?;
    let partner =
        parse_text_field(&req.partner, PARTNER_MAX_CHARS, false).map_err(|e| ApiError::invalid_value("partner", e))?;
    let place_id = field_id("place_id", &req.place_id)?;
    match state.store.place(place_id).await? {
        Some(p) if matches!(p.level, PlaceLevel::Community | PlaceLevel::Street) && p.retired_at.is_none() => {}
        _ => return Err(ApiError::invalid_field("place_id", "须为在用的社区或街道")),
    }
    let contact_phone =
        PhoneNumber::parse(&req.contact_phone).map_err(|e| ApiError::invalid_value("contact_phone", e))?.into_inner();
    let (secret, _) = crate::auth::tokens::new_refresh_token();
    let api_key = format!("{SECRET_PREFIX}{secret}");
    let secret_hash = super::secret_hash(&api_key);
    let (unusable, _) = crate::auth::tokens::new_refresh_token();
    let account = NewUser {
        phone: format!("o311:{}", &secret_hash[..24]),
        name: partner.chars().take(30).collect(),
        password_hash: password::hash(unusable).await?,
        grants: Vec::new(),
    };
    let key = NewKey {
        partner: partner.clone(),
        place_id,
        contact_phone,
        secret_hash,
        created_by: caller.id(),
        at: Utc::now(),
    };
    let mut entry = audit::entry(
        caller,
        AuditAction::Open311KeyIssued,
        AuditTargetKind::Open311Key,
        None,
        serde_json::json!({"partner": partner, "place_id": place_id.to_string()}),
    );
    let record = state.store.issue_open311_key(key, account, &mut entry).await?;
    tracing::info!(key_id = record.id, place_id, "open311 key issued");
    Ok(IssuedOpen311Key { key: view(&record), api_key })
}

/// Every key, newest first (admins only).
pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<Open311Key>, ApiError> {
    caller.require_admin()?;
    Ok(state.store.open311_keys().await?.iter().map(view).collect())
}

/// Revokes a key (admins only); revoking a revoked key changes nothing and answers it as it is.
pub async fn revoke(state: &AppState, caller: &Caller, raw_id: &str) -> Result<Open311Key, ApiError> {
    caller.require_admin()?;
    let id = path_id(raw_id)?;
    let key = state.store.open311_key(id).await?.ok_or_else(ApiError::not_found)?;
    if key.revoked_at.is_none() {
        let entry = audit::entry(
            caller,
            AuditAction::Open311KeyRevoked,
            AuditTargetKind::Open311Key,
            Some(id),
            serde_json::json!({"partner": key.partner}),
        );
        state.store.revoke_open311_key(id, Utc::now(), &entry).await?;
    }
    let key = state.store.open311_key(id).await?.ok_or_else(ApiError::not_found)?;
    Ok(view(&key))
}
