//! Acting on a wish: deciding with the shared state machine, then one conditional write.
//!
//! Every action, by a person or by a job, goes through [`act`]: load the wish, work out the actor's
//! relations, ask `haolin_shared::domain::transition`, and write the change only if the wish is
//! still at the version the decision was made on. A lost race re-reads and decides again, so the
//! loser is told the wish's real status (409), never silently overwritten.

use chrono::{DateTime, Duration, Utc};
use haolin_shared::api::{ErrorCode, PhotoStage, Role};
use haolin_shared::domain::{Refusal, Relations, WishAction, WishStatus, transition};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::events::WishChange;
use crate::state::AppState;
use crate::store::{Recorded, TransitionFailure, TransitionWrite, WishChanges, WishRecord};
use crate::wechat::content::{self, SCENE_COMMENT};

/// What an action request carried, already validated.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    /// Act only on this version.
    pub version: Option<i64>,
    /// Reason (reject, release, revoke, dispute, decline, cancel).
    pub reason: Option<String>,
    /// The member to dispatch to.
    pub member_id: Option<i64>,
    /// The fulfilment note.
    pub note: Option<String>,
    /// The rating (confirm).
    pub rating: Option<u8>,
    /// The comment (confirm).
    pub comment: Option<String>,
    /// Photo ids sent with a fulfilment, not yet checked.
    pub photo_ids: Option<Vec<String>>,
}

/// Who is acting.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A person, through the API.
    Person(&'a Caller),
    /// A background job.
    System,
}

/// How many times a lost race is decided again before giving up with the current state.
const ATTEMPTS: usize = 3;

fn duration(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::MAX)
}

fn refusal(r: Refusal, wish: &WishRecord) -> ApiError {
    match r {
        Refusal::Forbidden => ApiError::forbidden(),
        Refusal::OwnWish => ApiError::new(ErrorCode::OwnWish, "不能认领或接受自己发布的心愿"),
        Refusal::OwnDecision => ApiError::new(ErrorCode::OwnWish, "不能审核或派发自己的心愿，请由社区其他调度员处理"),
        Refusal::InvalidState { current } => ApiError::wish_conflict(ErrorCode::InvalidState, current, wish.version),
    }
}

/// Takes `action` on wish `id` for `actor`, returning the wish after the change.
pub async fn act(
    state: &AppState,
    actor: Actor<'_>,
    id: i64,
    action: WishAction,
    input: &ActionInput,
) -> Result<WishRecord, ApiError> {
    let wish = state.store.wish(id).await?.ok_or_else(ApiError::not_found)?;
    act_on(state, actor, wish, action, input).await
}

/// [`act`] on a wish already read (as the wish-action routes read it with their caller).
pub async fn act_on(
    state: &AppState,
    actor: Actor<'_>,
    mut wish: WishRecord,
    action: WishAction,
    input: &ActionInput,
) -> Result<WishRecord, ApiError> {
    let (flag, photos) = match actor {
        // Checked once the caller is known to see the wish, so a stranger learns nothing from it.
        Actor::Person(caller) if caller.can_see(&wish) => {
            let texts = [
                ("note", input.note.as_deref().unwrap_or_default(), SCENE_COMMENT),
                ("comment", input.comment.as_deref().unwrap_or_default(), SCENE_COMMENT),
            ];
            let flag = content::check(state, caller.id(), &texts).await?;
            let photos = match action {
                WishAction::Fulfil => {
                    crate::photos::attachment(state, caller, input.photo_ids.as_deref(), PhotoStage::Fulfil).await?
                }
                _ => None,
            };
            (flag, photos)
        }
        _ => (false, None),
    };
    for _ in 0..ATTEMPTS {
        let mut write = plan(state, actor, &wish, action, input, flag).await?;
        write.photos.clone_from(&photos);
        match state.store.transition_wish(write).await {
            Ok(done) => {
                publish(state, &done, action, wish);
                return Ok(done.wish);
            }
            Err(TransitionFailure::Stale(now)) => wish = *now,
            Err(TransitionFailure::LimitReached) => {
                let max = state.settings.wishes.max_live_claims;
                return Err(ApiError::new(
                    ErrorCode::ClaimLimitReached,
                    format!("同时进行中的心愿最多 {max} 个，请先完成手头的心愿"),
                ));
            }
            Err(TransitionFailure::Missing) => return Err(ApiError::not_found()),
            Err(TransitionFailure::Store(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::wish_conflict(ErrorCode::InvalidState, wish.status, wish.version))
}

/// Decides `action` on `wish` for `actor` with the shared state machine, and builds the write
/// that carries it out if the wish is still as read (`flag`: the content check asked for review).
/// Someone who may not see the wish learns nothing about it (404).
pub(crate) async fn plan(
    state: &AppState,
    actor: Actor<'_>,
    wish: &WishRecord,
    action: WishAction,
    input: &ActionInput,
    flag: bool,
) -> Result<TransitionWrite, ApiError> {
    let (who, actor_id) = match actor {
        Actor::Person(caller) => {
            // Except a member of its community claiming it: a lost race must say "already
            // claimed", not "not found".
            let claiming = action == WishAction::Claim && caller.holds(Role::Member, wish.community_id);
            if !caller.can_see(wish) && !claiming {
                return Err(ApiError::not_found());
            }
            (caller.relations(wish), Some(caller.id()))
        }
        Actor::System => (Relations::system(), None),
    };
    if let Some(v) = input.version
        && v != wish.version
    {
        return Err(ApiError::wish_conflict(ErrorCode::VersionConflict, wish.status, wish.version));
    }
    let next = transition(wish.status, action, &who).map_err(|r| refusal(r, wish))?;
    let (changes, limit) = changes(state, wish, next, action, actor_id, input).await?;
    let text = input.reason.as_deref().or(input.note.as_deref());
    let notices = crate::notify::with_messages(
        &state.settings.wechat,
        crate::notify::for_transition(wish, action, actor_id, changes.member_id, text),
        Some(wish.id),
        &wish.title,
    );
    let at = Utc::now();
    let after = after(wish, &changes, actor, at, flag);
    let ledger = crate::time_bank::settlement(state, wish, action, next);
    Ok(TransitionWrite {
        wish_id: wish.id,
        from: wish.status,
        expected_version: wish.version,
        changes,
        action,
        actor_id,
        reason: input.reason.clone().or_else(|| input.note.clone()).or_else(|| input.comment.clone()),
        live_claim_limit: limit,
        at,
        notices,
        flag,
        after,
        photos: None,
        ledger,
    })
}

/// Logs a committed transition and publishes it to live streams.
pub(crate) fn publish(state: &AppState, done: &Recorded, action: WishAction, before: WishRecord) {
    tracing::info!(wish_id = done.wish.id, action = action.as_str(), to = done.wish.status.as_str(), "wish transition");
    state.events.publish(WishChange { event_id: done.event_id, wish: done.wish.clone(), before: Some(before) });
}

/// The wish as a successful write of `changes` leaves it, when every name in it is known: the
/// member holding it is nobody, the same as before, or the acting caller. (A dispatch to another
/// member leaves it to the transaction to read the wish back.) Times are kept to the millisecond,
/// as stored.
fn after(
    wish: &WishRecord,
    changes: &WishChanges,
    actor: Actor<'_>,
    at: DateTime<Utc>,
    flag: bool,
) -> Option<WishRecord> {
    let member_name = match (changes.member_id, actor) {
        (None, _) => None,
        (same, _) if same == wish.member_id => wish.member_name.clone(),
        (Some(id), Actor::Person(caller)) if id == caller.id() => Some(caller.user.name.clone()),
        _ => return None,
    };
    let ms = |t: DateTime<Utc>| DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t);
    Some(WishRecord {
        status: changes.status,
        version: wish.version + 1,
        member_id: changes.member_id,
        member_name,
        claim_expires_at: changes.claim_expires_at.map(ms),
        fulfilled_at: changes.fulfilled_at.map(ms),
        fulfilment_note: changes.fulfilment_note.clone(),
        rating: changes.rating,
        comment: changes.comment.clone(),
        updated_at: ms(at),
        flagged: wish.flagged || flag,
        ..wish.clone()
    })
}

/// The wish's new mutable state after `action`, and the live-claim limit the write must respect.
async fn changes(
    state: &AppState,
    wish: &WishRecord,
    next: WishStatus,
    action: WishAction,
    actor_id: Option<i64>,
    input: &ActionInput,
) -> Result<(WishChanges, Option<(i64, u32)>), ApiError> {
    let now = Utc::now();
    let max = state.settings.wishes.max_live_claims;
    let claim_deadline = Some(now + duration(state.settings.wishes.claim_ttl));
    let mut c = WishChanges {
        status: next,
        member_id: wish.member_id,
        claim_expires_at: wish.claim_expires_at,
        fulfilled_at: wish.fulfilled_at,
        fulfilment_note: wish.fulfilment_note.clone(),
        rating: wish.rating,
        comment: wish.comment.clone(),
    };
    let mut limit = None;
    match action {
        WishAction::Dispatch => {
            let member = input.member_id.ok_or_else(|| ApiError::invalid_field("member_id", "请选择党员"))?;
            if member == wish.resident_id {
                return Err(ApiError::new(ErrorCode::OwnWish, "不能把心愿派给发布者本人"));
            }
            if !state.store.has_grant(member, Role::Member, wish.community_id).await? {
                return Err(ApiError::invalid_field("member_id", "该党员未在本社区报到"));
            }
            c.member_id = Some(member);
            c.claim_expires_at = None;
            limit = Some((member, max));
        }
        WishAction::Claim => {
            let member = actor_id.ok_or_else(ApiError::internal)?;
            c.member_id = Some(member);
            c.claim_expires_at = claim_deadline;
            limit = Some((member, max));
        }
        WishAction::Accept | WishAction::Dispute => {
            c.claim_expires_at = claim_deadline;
            c.fulfilled_at = None;
        }
        WishAction::Decline | WishAction::Release | WishAction::Revoke | WishAction::Expire | WishAction::Cancel => {
            c.member_id = None;
            c.claim_expires_at = None;
        }
        WishAction::Fulfil => {
            c.fulfilment_note = input.note.clone();
            c.fulfilled_at = Some(now);
            c.claim_expires_at = None;
        }
        WishAction::Confirm => {
            c.rating = input.rating;
            c.comment = input.comment.clone();
        }
        WishAction::Post | WishAction::Approve | WishAction::Reject | WishAction::AutoConfirm => {}
    }
    Ok((c, limit))
}

/// Reopens claims whose deadline passed; returns how many.
pub async fn expire_claims(state: &AppState) -> Result<usize, ApiError> {
    let due = state.store.expired_claims(Utc::now(), 200).await?;
    run_system(state, due, WishAction::Expire).await
}

/// Confirms fulfilled wishes the resident never answered; returns how many.
pub async fn auto_confirm(state: &AppState) -> Result<usize, ApiError> {
    let cutoff = Utc::now() - duration(state.settings.wishes.auto_confirm_after);
    let due = state.store.unanswered_fulfilments(cutoff, 200).await?;
    run_system(state, due, WishAction::AutoConfirm).await
}

async fn run_system(state: &AppState, due: Vec<(i64, i64)>, action: WishAction) -> Result<usize, ApiError> {
    let mut done = 0;
    for (id, version) in due {
        let input = ActionInput { version: Some(version), ..ActionInput::default() };
        match act(state, Actor::System, id, action, &input).await {
            Ok(_) => done += 1,
            // Someone else (a person, or another instance's job) got there first: nothing to do.
            Err(e) if e.code.http_status() == 409 => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}
