//! The authenticated caller, extracted from `Authorization: Bearer …` on every protected route.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use haolin_shared::api::{ErrorCode, Role};
use haolin_shared::domain::{Relations, WishStatus};

use super::tokens::invalid_token;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{UserRecord, WishRecord};

/// The account behind a valid access token of a live session.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account, with its roles.
    pub user: UserRecord,
    /// The session the token belongs to.
    pub session_id: i64,
}

impl Caller {
    /// The account's id.
    pub fn id(&self) -> i64 {
        self.user.id
    }

    /// Whether the account holds `role` anywhere.
    pub fn has_role(&self, role: Role) -> bool {
        self.user.grants.iter().any(|g| g.role == role)
    }

    /// Whether the account holds `role` in `community_id`.
    pub fn holds(&self, role: Role, community_id: i64) -> bool {
        self.user.grants.iter().any(|g| g.role == role && g.community_id == Some(community_id))
    }

    /// The communities where the account holds `role`.
    pub fn communities(&self, role: Role) -> Vec<i64> {
        self.user.grants.iter().filter(|g| g.role == role).filter_map(|g| g.community_id).collect()
    }

    /// Refuses anyone but an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.has_role(Role::Admin) { Ok(()) } else { Err(ApiError::forbidden()) }
    }

    /// How the caller stands to a wish, for the state machine.
    pub fn relations(&self, wish: &WishRecord) -> Relations {
        let me = Some(self.id());
        Relations {
            resident: wish.resident_id == self.id(),
            claimant: wish.member_id == me && matches!(wish.status, WishStatus::Claimed | WishStatus::Fulfilled),
            assignee: wish.member_id == me && wish.status == WishStatus::Assigned,
            dispatcher: self.holds(Role::Dispatcher, wish.community_id),
            member: self.holds(Role::Member, wish.community_id),
            system: false,
        }
    }

    /// Whether the caller may see a wish: its resident, whoever filed it for the resident, the
    /// member holding it, the community's dispatchers, its members while it is open, and admins.
    pub fn can_see(&self, wish: &WishRecord) -> bool {
        wish.resident_id == self.id()
            || wish.posted_by == self.id()
            || wish.member_id == Some(self.id())
            || self.holds(Role::Dispatcher, wish.community_id)
            || (wish.status == WishStatus::Open && self.holds(Role::Member, wish.community_id))
            || self.has_role(Role::Admin)
    }

    /// Whether the caller may see the resident's contact phone: the resident, the claimant and the
    /// community's dispatchers.
    pub fn can_see_contact(&self, wish: &WishRecord) -> bool {
        let r = self.relations(wish);
        r.resident || r.claimant || r.dispatcher
    }
}

/// The bearer token of a request: the `Authorization` header, or `?access_token=` (for
/// `EventSource`, which cannot set headers).
fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| invalid_token())?;
        let (scheme, token) = value.split_once(' ').ok_or_else(invalid_token)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(invalid_token());
        }
        return Ok(token.trim().to_owned());
    }
    if let Ok(query) = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        && let Some(token) = query.get("access_token")
    {
        return Ok(token.clone());
    }
    Err(ApiError::new(ErrorCode::MissingToken, "请先登录"))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token?;
            let state = state.ok_or_else(ApiError::internal)?;
            let (user_id, session_id) = state.tokens.verify(&token)?;
            let user = state.store.user_of_session(user_id, session_id).await?.ok_or_else(invalid_token)?;
            Ok(Caller { user, session_id })
        })
    }
}

/// The caller of a wish action and the wish named by the route's `{id}`, read in one round trip
/// (the session, the account, its grants and the wish). `wish` is `None` when the id is malformed
/// or there is no such wish; the handler answers 404 for it in its usual order, after the body.
#[derive(Debug, Clone)]
pub struct CallerWithWish {
    /// The caller.
    pub caller: Caller,
    /// The wish, as stored now.
    pub wish: Option<WishRecord>,
}

impl FromRequest for CallerWithWish {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let wish_id = req.match_info().get("id").and_then(|raw| crate::extract::path_id(raw).ok());
        Box::pin(async move {
            let token = token?;
            let state = state.ok_or_else(ApiError::internal)?;
            let (user_id, session_id) = state.tokens.verify(&token)?;
            let (user, wish) = match wish_id {
                Some(id) => state.store.caller_and_wish(user_id, session_id, id).await?.ok_or_else(invalid_token)?,
                None => (state.store.user_of_session(user_id, session_id).await?.ok_or_else(invalid_token)?, None),
            };
            Ok(Self { caller: Caller { user, session_id }, wish })
        })
    }
}
