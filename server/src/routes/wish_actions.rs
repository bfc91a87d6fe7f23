//! `POST /api/v1/wishes/{id}/<action>`: one handler per action of the state machine.
//!
//! Each handler only validates its body into an [`ActionInput`]; the decision and the write are
//! `crate::wishes::act`.

use actix_web::{post, web};
use haolin_shared::api::{
    ConfirmRequest, DispatchRequest, ErrorBody, FulfilRequest, OptionalReasonRequest, ReasonRequest, VersionGuard, Wish,
};
use haolin_shared::domain::{Comment, Note, Rating, Reason, WishAction};

use crate::auth::CallerWithWish;
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id, path_id};
use crate::routes::Routes;
use crate::state::AppState;
use crate::views;
use crate::wishes::{ActionInput, Actor, act_on};

/// Registers the action routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(approve)
        .service(reject)
        .service(dispatch)
        .service(accept)
        .service(decline)
        .service(claim)
        .service(release)
        .service(revoke)
        .service(fulfil)
        .service(dispute)
        .service(confirm)
        .service(cancel);
}

fn reason(raw: &str) -> Result<String, ApiError> {
    Reason::parse(raw).map(Reason::into_inner).map_err(|e| ApiError::invalid_value("reason", e))
}

impl TryFrom<VersionGuard> for ActionInput {
    type Error = ApiError;
    fn try_from(b: VersionGuard) -> Result<Self, ApiError> {
        Ok(Self { version: b.version, ..Self::default() })
    }
}

impl TryFrom<ReasonRequest> for ActionInput {
    type Error = ApiError;
    fn try_from(b: ReasonRequest) -> Result<Self, ApiError> {
        Ok(Self { version: b.version, reason: Some(reason(&b.reason)?), ..Self::default() })
    }
}

impl TryFrom<OptionalReasonRequest> for ActionInput {
    type Error = ApiError;
    fn try_from(b: OptionalReasonRequest) -> Result<Self, ApiError> {
        Ok(Self { version: b.version, reason: b.reason.as_deref().map(reason).transpose()?, ..Self::default() })
    }
}

impl TryFrom<DispatchRequest> for ActionInput {
    type Error = ApiError;
    fn try_from(b: DispatchRequest) -> Result<Self, ApiError> {
        Ok(Self { version: b.version, member_id: Some(field_id("member_id", &b.member_id)?), ..Self::default() })
    }
}

impl TryFrom<FulfilRequest> for ActionInput {
    type Error = ApiError;
    fn try_from(b: FulfilRequest) -> Result<Self, ApiError> {
        let note = Note::parse(&b.note).map_err(|e| ApiError::invalid_value("note", e))?;
        Ok(Self { version: b.version, note: Some(note.into_inner()), photo_ids: b.photos, ..Self::default() })
    }
}

impl TryFrom<ConfirmRequest> for ActionInput {
    type Error = ApiError;
    fn try_from(b: ConfirmRequest) -> Result<Self, ApiError> {
        let rating = Rating::parse(b.rating).map_err(|e| ApiError::invalid_value("rating", e))?;
        let comment = b
            .comment
            .as_deref()
            .map(|c| Comment::parse(c).map(Comment::into_inner).map_err(|e| ApiError::invalid_value("comment", e)))
            .transpose()?;
        Ok(Self { version: b.version, rating: Some(rating.get()), comment, ..Self::default() })
    }
}

/// Validates the body, takes the action and renders the wish for the caller.
async fn run<B>(
    state: &AppState,
    read: CallerWithWish,
    id: &str,
    action: WishAction,
    body: B,
) -> Result<web::Json<Wish>, ApiError>
where
    ActionInput: TryFrom<B, Error = ApiError>,
{
    path_id(id)?;
    let input = ActionInput::try_from(body)?;
    let wish = read.wish.ok_or_else(ApiError::not_found)?;
    let caller = &read.caller;
    let wish = act_on(state, Actor::Person(caller), wish, action, &input).await?;
    Ok(web::Json(views::wish(caller, &wish)))
}

macro_rules! action_route {
    ($name:ident, $path:literal, $action:expr, $body:ty, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(tag = "wish actions", params(("id" = String, Path)), request_body = $body, responses(
            (status = 200, description = "the wish after the action", body = Wish),
            (status = 403, description = "not allowed for the caller's role", body = ErrorBody),
            (status = 404, description = "no such wish visible to the caller", body = ErrorBody),
            (status = 409, description = "wrong status, stale version or claim limit; details.status is current", body = ErrorBody),
            (status = 422, description = "invalid field", body = ErrorBody)))]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            read: CallerWithWish,
            id: web::Path<String>,
            body: ApiJson<$body>,
        ) -> Result<web::Json<Wish>, ApiError> {
            run(&state, read, &id, $action, body.0).await
        }
    };
}

action_route!(
    approve,
    "/wishes/{id}/approve",
    WishAction::Approve,
    VersionGuard,
    "A dispatcher approves a posted wish into the claim pool."
);
action_route!(
    reject,
    "/wishes/{id}/reject",
    WishAction::Reject,
    ReasonRequest,
    "A dispatcher rejects a posted wish with a reason."
);
action_route!(
    dispatch,
    "/wishes/{id}/dispatch",
    WishAction::Dispatch,
    DispatchRequest,
    "A dispatcher dispatches the wish to a member checked in to its community."
);
action_route!(accept, "/wishes/{id}/accept", WishAction::Accept, VersionGuard, "The named member accepts a dispatch.");
action_route!(
    decline,
    "/wishes/{id}/decline",
    WishAction::Decline,
    OptionalReasonRequest,
    "The named member declines a dispatch; the wish returns to the pool."
);
action_route!(
    claim,
    "/wishes/{id}/claim",
    WishAction::Claim,
    VersionGuard,
    "A member claims an open wish; of concurrent claims exactly one wins."
);
action_route!(
    release,
    "/wishes/{id}/release",
    WishAction::Release,
    ReasonRequest,
    "The claimant gives the wish back with a reason."
);
action_route!(
    revoke,
    "/wishes/{id}/revoke",
    WishAction::Revoke,
    ReasonRequest,
    "A dispatcher takes the wish back from its assignee or claimant."
);
action_route!(
    fulfil,
    "/wishes/{id}/fulfil",
    WishAction::Fulfil,
    FulfilRequest,
    "The claimant reports the wish done, with a note and photos of the work (`photos`)."
);
action_route!(
    dispute,
    "/wishes/{id}/dispute",
    WishAction::Dispute,
    ReasonRequest,
    "The resident says the wish was not done; it returns to the claimant."
);
action_route!(
    confirm,
    "/wishes/{id}/confirm",
    WishAction::Confirm,
    ConfirmRequest,
    "The resident confirms and rates the wish."
);
action_route!(
    cancel,
    "/wishes/{id}/cancel",
    WishAction::Cancel,
    OptionalReasonRequest,
    "The resident (before a claim) or a dispatcher (until confirmation) withdraws the wish."
);
