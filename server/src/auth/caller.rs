//! The authenticated caller, extracted from `Authorization: Bearer …` on every protected route.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header, web};
use haolin_shared::api::{ErrorCode, Role};
use haolin_shared::domain::{CheckinRelations, Relations, WishStatus};

use super::tokens::invalid_token;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::checkins::{BranchCheckinRecord, CheckinRecord};
use crate::store::{UserRecord, WishRecord};

/// The account behind a valid access token of a live session.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account, with its roles.
    pub user: UserRecord,
    /// The session the token belongs to.
    pub session_id: i64,
    /// Where the request came from (for the audit log).
    pub origin: Origin,
}

/// Where a request came from: the client's address (as `crate::extract::client_ip` computes it)
/// and the request's `X-Request-Id`, if it carried a sane one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The client's address.
    pub ip: String,
    /// The `X-Request-Id` header: 1–128 visible ASCII characters, else none.
    pub request_id: Option<String>,
}

impl Origin {
    /// The origin of `req`.
    pub fn of(req: &HttpRequest, trust_forwarded_for: bool) -> Self {
        // The id the request-id middleware settled on (the client's own when sane, else a new one),
        // the same one its response and log lines carry.
        let request_id = req
            .extensions()
            .get::<crate::observe::RequestId>()
            .map(|id| id.as_str().to_owned())
            .filter(|id| !id.is_empty());
        Self { ip: crate::extract::client_ip(req, trust_forwarded_for), request_id }
    }
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

    /// Whether the account is an admin.
    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    /// Refuses anyone but an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() { Ok(()) } else { Err(ApiError::forbidden()) }
    }

    /// Whether the account dispatches for `community_id` (reviews, dispatches, decides check-ins).
    pub fn dispatches_for(&self, community_id: i64) -> bool {
        self.holds(Role::Dispatcher, community_id)
    }

    /// Whether the account manages a community: a dispatcher of it, or an admin. They see all of
    /// its wishes (with the content-safety flag), its check-ins and its members.
    pub fn manages(&self, community_id: i64) -> bool {
        self.dispatches_for(community_id) || self.is_admin()
    }

    /// Whether the account oversees a community (reads its figures): those who manage it, and the
    /// street officers of its street. `street_id` is the community's street and `place_roles` the
    /// roles the account holds at places, both read only when [`Self::manages`] is not enough.
    pub fn oversees(&self, community_id: i64, street_id: Option<i64>, place_roles: &[(Role, i64)]) -> bool {
        self.manages(community_id)
            || street_id.is_some_and(|s| place_roles.iter().any(|(r, p)| *r == Role::StreetOfficer && *p == s))
    }

    /// Whether a filter on one community (and maybe a status) stays inside what the account may
    /// see anyway: a community it dispatches for, or the open wishes of one it is a member of.
    pub fn sees_all_wishes_in(&self, community_id: i64, status: Option<WishStatus>) -> bool {
        self.dispatches_for(community_id)
            || (status == Some(WishStatus::Open) && self.holds(Role::Member, community_id))
    }

    /// Whether the account takes part in a community's wishes (a member or a dispatcher of it):
    /// who hears of a change whose earlier state is unknown.
    pub fn follows(&self, community_id: i64) -> bool {
        self.holds(Role::Member, community_id) || self.dispatches_for(community_id)
    }

    /// How the caller stands to a wish, for the state machine.
    pub fn relations(&self, wish: &WishRecord) -> Relations {
        let me = Some(self.id());
        Relations {
            resident: wish.resident_id == self.id(),
            claimant: wish.member_id == me && matches!(wish.status, WishStatus::Claimed | WishStatus::Fulfilled),
            assignee: wish.member_id == me && wish.status == WishStatus::Assigned,
            dispatcher: self.dispatches_for(wish.community_id),
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
            || self.manages(wish.community_id)
            || (wish.status == WishStatus::Open && self.holds(Role::Member, wish.community_id))
    }

    /// Whether the caller may see the resident's contact phone: the resident, the claimant and the
    /// community's dispatchers.
    pub fn can_see_contact(&self, wish: &WishRecord) -> bool {
        let r = self.relations(wish);
        r.resident || r.claimant || r.dispatcher
    }

    /// Whether the caller may see a wish's content-safety flag: those who manage its community.
    pub fn can_see_flag(&self, wish: &WishRecord) -> bool {
        self.manages(wish.community_id)
    }

    /// How the caller stands to a member's check-in, for the check-in state machine.
    pub fn checkin_relations(&self, checkin: &CheckinRecord) -> CheckinRelations {
        CheckinRelations {
            member: checkin.member_id == self.id(),
            dispatcher: self.dispatches_for(checkin.community_id),
            admin: self.is_admin(),
        }
    }

    /// How the caller stands to a work-unit branch's check-in (nobody is its member).
    pub fn branch_checkin_relations(&self, checkin: &BranchCheckinRecord) -> CheckinRelations {
        CheckinRelations {
            member: false,
            dispatcher: self.dispatches_for(checkin.community_id),
            admin: self.is_admin(),
        }
    }

    /// Whether the caller may see a member's check-in: its member and those who manage its community.
    pub fn can_see_checkin(&self, checkin: &CheckinRecord) -> bool {
        checkin.member_id == self.id() || self.manages(checkin.community_id)
    }

    /// Whether the caller may see a branch's check-in: those who manage its community.
    pub fn can_see_branch_checkin(&self, checkin: &BranchCheckinRecord) -> bool {
        self.manages(checkin.community_id)
    }
}

/// The bearer token of a request's `Authorization` header. A token in the URL is accepted only by
/// the event stream ([`StreamCaller`]): URLs end up in logs, proxies and browser history.
fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(ApiError::new(ErrorCode::MissingToken, "请先登录"));
    };
    let value = value.to_str().map_err(|_| invalid_token())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(invalid_token)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(invalid_token());
    }
    Ok(token.trim().to_owned())
}

/// The bearer token of the event stream: the `Authorization` header, or `?access_token=` for
/// `EventSource`, which cannot set headers.
fn stream_bearer(req: &HttpRequest) -> Result<String, ApiError> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        return bearer(req);
    }
    if let Ok(query) = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        && let Some(token) = query.get("access_token")
    {
        return Ok(token.clone());
    }
    Err(ApiError::new(ErrorCode::MissingToken, "请先登录"))
}

/// The caller of a live session whose token came in `token`.
fn caller_of(
    req: &HttpRequest,
    token: Result<String, ApiError>,
) -> Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let origin = state.as_ref().map(|s| Origin::of(req, s.settings.http.trust_forwarded_for)).unwrap_or_default();
    Box::pin(async move {
        let token = token?;
        let state = state.ok_or_else(ApiError::internal)?;
        let (user_id, session_id) = state.tokens.verify(&token)?;
        let user = state.store.user_of_session(user_id, session_id).await?.ok_or_else(invalid_token)?;
        Ok(Caller { user, session_id, origin })
    })
}

/// The caller of the event stream, who may give the token in the URL (see [`stream_bearer`]).
#[derive(Debug, Clone)]
pub struct StreamCaller(pub Caller);

impl FromRequest for StreamCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = caller_of(req, stream_bearer(req));
        Box::pin(async move { caller.await.map(StreamCaller) })
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        caller_of(req, bearer(req))
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
        let origin = state.as_ref().map(|s| Origin::of(req, s.settings.http.trust_forwarded_for)).unwrap_or_default();
        Box::pin(async move {
            let token = token?;
            let state = state.ok_or_else(ApiError::internal)?;
            let (user_id, session_id) = state.tokens.verify(&token)?;
            let (user, wish) = match wish_id {
                Some(id) => state.store.caller_and_wish(user_id, session_id, id).await?.ok_or_else(invalid_token)?,
                None => (state.store.user_of_session(user_id, session_id).await?.ok_or_else(invalid_token)?, None),
            };
            Ok(Self { caller: Caller { user, session_id, origin }, wish })
        })
    }
}
