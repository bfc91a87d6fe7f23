//! Posting a wish: rate limits, the idempotent replay, the fields, where it goes and whom it is
//! for (`places::wish_place`), the contact phone, the content-safety check and the dispatchers'
//! notice, then one transaction (`Store::create_wish`) and the live event.

use chrono::{DateTime, NaiveDate, Utc};
use haolin_shared::api::{CreateWishRequest, ErrorCode, PhotoStage};
use haolin_shared::domain::{Category, PhoneNumber, WishDescription, WishTitle};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::events::WishChange;
use crate::state::AppState;
use crate::store::{IdempotencyWrite, IdempotentResponse, NewWish, WishRecord};
use crate::views;
use crate::wechat::content::{self, SCENE_POST};

/// A wish to post, as the request carried it.
#[derive(Debug, Clone, Copy)]
pub struct Posting<'a> {
    /// The body.
    pub request: &'a CreateWishRequest,
    /// The client's address (rate limits).
    pub client_ip: &'a str,
    /// The `Idempotency-Key`, already checked for its form.
    pub idempotency_key: Option<&'a str>,
    /// Whether the per-address and per-account limits of residents apply (an Open311 partner's
    /// key has a limit of its own, `limits.open311_posts_per_key`).
    pub resident_limits: bool,
}

/// What posting did.
#[derive(Debug)]
pub enum Posted {
    /// The wish was created (and published).
    Created(Box<WishRecord>),
    /// The same request came with the same key before: the wish it created, to render again for
    /// the caller (as any read of it would be rendered, never as it was rendered for someone else).
    Replayed(Box<WishRecord>),
}

/// China Standard Time, for "not in the past" on a date.
fn china_today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// `YYYY-MM-DD` (not before today in China) or an RFC 3339 time (not in the past), normalised.
fn parse_expected_by(raw: &str) -> Result<String, ApiError> {
    let raw = raw.trim();
    let invalid = || ApiError::invalid_field("expected_by", "期望时间须为今天或以后的日期（YYYY-MM-DD）");
    if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return if date >= china_today() { Ok(date.format("%Y-%m-%d").to_string()) } else { Err(invalid()) };
    }
    let time = DateTime::parse_from_rfc3339(raw).map_err(|_| invalid())?.with_timezone(&Utc);
    if time < Utc::now() - chrono::Duration::minutes(5) {
        return Err(invalid());
    }
    Ok(views::rfc3339(time))
}

/// The wish the first request created, if the request is the same; else a refusal of the reused key.
async fn replay(state: &AppState, first: IdempotentResponse, hash: &[u8]) -> Result<Posted, ApiError> {
    if first.request_hash != hash {
        return Err(ApiError::new(ErrorCode::IdempotencyKeyReused, "该 Idempotency-Key 已用于另一个请求"));
    }
    let wish = state.store.wish(first.wish_id).await?.ok_or_else(ApiError::internal)?;
    Ok(Posted::Replayed(Box::new(wish)))
}

/// The contact phone: the one given, else the resident's when filed for them, else the caller's
/// (a WeChat account without a real phone must give one).
fn contact_phone(given: Option<&str>, resident_phone: Option<String>, caller: &Caller) -> Result<String, ApiError> {
    match (given, resident_phone) {
        (Some(p), _) => {
            Ok(PhoneNumber::parse(p).map_err(|e| ApiError::invalid_value("contact_phone", e))?.into_inner())
        }
        (None, Some(phone)) => Ok(phone),
        (None, None) if crate::accounts::is_placeholder_phone(&caller.user.phone) => {
            Err(ApiError::invalid_field("contact_phone", "请填写联系电话"))
        }
        (None, None) => Ok(caller.user.phone.clone()),
    }
}

/// Posts a wish for the caller (or, filed by grid staff or a household head, for a resident of
/// theirs); it waits in `pending_review` for a dispatcher, who is told.
pub async fn post(state: &AppState, caller: &Caller, posting: Posting<'_>) -> Result<Posted, ApiError> {
    let limits = &state.settings.limits;
    if posting.resident_limits {
        state.limiter.hit(&format!("wish:ip:{}", posting.client_ip), limits.wishes_per_ip, limits.window).await?;
        state.limiter.hit(&format!("wish:account:{}", caller.id()), limits.wishes_per_account, limits.window).await?;
    }
    let body = posting.request;
    let hash = Sha256::digest(serde_json::to_vec(body).unwrap_or_default()).to_vec();
    if let Some(key) = posting.idempotency_key
        && let Some(first) = state.store.idempotent_response(caller.id(), key).await?
    {
        return replay(state, first, &hash).await;
    }
    let community_id = crate::extract::field_id("community_id", &body.community_id)?;
    if state.store.count_communities(&[community_id]).await? != 1 {
        return Err(ApiError::invalid_field("community_id", "社区不存在"));
    }
    let title = WishTitle::parse(&body.title).map_err(|e| ApiError::invalid_value("title", e))?;
    let description =
        WishDescription::parse(&body.description).map_err(|e| ApiError::invalid_value("description", e))?;
    let category = Category::parse(&body.category, &state.settings.wishes.categories)
        .map_err(|e| ApiError::invalid_value("category", e))?;
    let place = crate::places::wish_place(state, caller, community_id, body).await?;
    let contact_phone = contact_phone(body.contact_phone.as_deref(), place.resident_phone, caller)?;
    let expected_by = body.expected_by.as_deref().map(parse_expected_by).transpose()?;
    let paid_minutes = match body.paid_minutes {
        None => None,
        Some(m) if !(1..=6000).contains(&m) => {
            return Err(ApiError::invalid_field("paid_minutes", "支付时长须为 1 到 6000 分钟"));
        }
        Some(_) if place.resident_id != caller.id() => {
            return Err(ApiError::invalid_field("paid_minutes", "代他人发布的心愿不能用时长支付"));
        }
        Some(m) => Some(m),
    };
    let photos = crate::photos::attachment(state, caller, body.photos.as_deref(), PhotoStage::Post).await?;
    let texts = [("title", title.as_str(), SCENE_POST), ("description", description.as_str(), SCENE_POST)];
    let flagged = content::check(state, caller.id(), &texts).await?;
    let notices = crate::notify::with_messages(
        &state.settings.wechat,
        crate::notify::for_post(community_id, title.as_str(), caller.id(), flagged),
        None,
        title.as_str(),
    );
    let wish = NewWish {
        community_id,
        resident_id: place.resident_id,
        posted_by: caller.id(),
        title: title.into_inner(),
        description: description.into_inner(),
        category: category.into_inner(),
        contact_phone,
        expected_by,
        grid_id: place.grid_id,
        at: Utc::now(),
        notices,
        flagged,
        photos,
        credit_minutes: paid_minutes.unwrap_or(state.settings.time_bank.wish_minutes),
        paid_minutes,
    };
    let idem = posting.idempotency_key.map(|key| IdempotencyWrite {
        user_id: caller.id(),
        key: key.to_owned(),
        request_hash: hash.clone(),
    });
    match state.store.create_wish(wish, idem).await? {
        Ok(recorded) => {
            tracing::info!(wish_id = recorded.wish.id, community_id, "wish posted");
            let wish = recorded.wish.clone();
            state.events.publish(WishChange { event_id: recorded.event_id, wish: recorded.wish, before: None });
            Ok(Posted::Created(Box::new(wish)))
        }
        Err(first) => replay(state, first, &hash).await,
    }
}
