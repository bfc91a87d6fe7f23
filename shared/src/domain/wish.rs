//! The wish state machine of SPEC.md: "群众点单、社区派单、党员接单".
//!
//! [`transition`] is the single source of truth for which actions move a wish where and who may
//! take them. The server calls it before every write; the web client calls it to decide which
//! buttons to offer.

use serde::{Deserialize, Serialize};

/// Where a wish is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WishStatus {
    /// Posted, waiting for a dispatcher.
    PendingReview,
    /// Refused by a dispatcher, with a reason. Terminal.
    Rejected,
    /// Approved and in the community's claim pool.
    Open,
    /// Dispatched to one named member, who must accept or decline.
    Assigned,
    /// Held by one member until fulfilled, released, revoked or expired.
    Claimed,
    /// Reported done by the claimant; waiting for the resident.
    Fulfilled,
    /// Confirmed (and rated) by the resident, or by the system after the waiting period. Terminal.
    Confirmed,
    /// Withdrawn. Terminal.
    Cancelled,
}

impl WishStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [WishStatus; 8] = [
        Self::PendingReview,
        Self::Rejected,
        Self::Open,
        Self::Assigned,
        Self::Claimed,
        Self::Fulfilled,
        Self::Confirmed,
        Self::Cancelled,
    ];

    /// The API name (`pending_review`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingReview => "pending_review",
            Self::Rejected => "rejected",
            Self::Open => "open",
            Self::Assigned => "assigned",
            Self::Claimed => "claimed",
            Self::Fulfilled => "fulfilled",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether no action leads out of this status.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Rejected | Self::Confirmed | Self::Cancelled)
    }

    /// Whether a member holds the wish in this status (it counts against their live-claim limit).
    pub fn is_held(self) -> bool {
        matches!(self, Self::Assigned | Self::Claimed)
    }
}

/// Something that happens to a wish. Every one is recorded in the wish's event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WishAction {
    /// A resident (or a grid worker for them) posts the wish. Creates it; never a transition.
    Post,
    /// A dispatcher approves a posted wish into the claim pool.
    Approve,
    /// A dispatcher rejects a posted wish.
    Reject,
    /// A dispatcher dispatches the wish to a named member.
    Dispatch,
    /// The named member accepts the dispatch.
    Accept,
    /// The named member declines the dispatch.
    Decline,
    /// A member checked in to the community claims an open wish.
    Claim,
    /// The claimant gives the wish back.
    Release,
    /// A dispatcher takes the wish back from its assignee or claimant.
    Revoke,
    /// The claimant reports the wish done.
    Fulfil,
    /// The resident says the wish was not done.
    Dispute,
    /// The resident confirms and rates the wish.
    Confirm,
    /// The resident or a dispatcher withdraws the wish.
    Cancel,
    /// The system reopens a claim whose deadline passed.
    Expire,
    /// The system confirms a fulfilled wish the resident never answered.
    AutoConfirm,
}

impl WishAction {
    /// Every action.
    pub const ALL: [WishAction; 15] = [
        Self::Post,
        Self::Approve,
        Self::Reject,
        Self::Dispatch,
        Self::Accept,
        Self::Decline,
        Self::Claim,
        Self::Release,
        Self::Revoke,
        Self::Fulfil,
        Self::Dispute,
        Self::Confirm,
        Self::Cancel,
        Self::Expire,
        Self::AutoConfirm,
    ];

    /// The API name (`approve`, `auto_confirm`, …), also the last segment of its URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "post",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Dispatch => "dispatch",
            Self::Accept => "accept",
            Self::Decline => "decline",
            Self::Claim => "claim",
            Self::Release => "release",
            Self::Revoke => "revoke",
            Self::Fulfil => "fulfil",
            Self::Dispute => "dispute",
            Self::Confirm => "confirm",
            Self::Cancel => "cancel",
            Self::Expire => "expire",
            Self::AutoConfirm => "auto_confirm",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

/// How the actor stands to one wish. An actor may stand in several relations at once
/// (a dispatcher who also posted the wish).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Relations {
    /// The actor posted the wish (or it was posted for them).
    pub resident: bool,
    /// The actor holds the wish's current claim.
    pub claimant: bool,
    /// The actor is the member the wish is dispatched to.
    pub assignee: bool,
    /// The actor is a dispatcher of the wish's community.
    pub dispatcher: bool,
    /// The actor is a party member checked in to the wish's community.
    pub member: bool,
    /// The actor is the system (background jobs).
    pub system: bool,
}

impl Relations {
    /// No relation at all: the wish is none of the actor's business.
    pub fn is_none(&self) -> bool {
        *self == Self::default()
    }

    /// The system actor.
    pub fn system() -> Self {
        Self { system: true, ..Self::default() }
    }
}

/// Why [`transition`] refused an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor may never take this action on this wish, whatever its status.
    #[error("no permission for this action")]
    Forbidden,
    /// Members may not claim or be dispatched their own wish.
    #[error("a member may not take their own wish")]
    OwnWish,
    /// A dispatcher may not approve, reject or dispatch a wish they posted or that was posted for
    /// them (separation of duties).
    #[error("a dispatcher may not decide their own wish")]
    OwnDecision,
    /// The actor could take this action, but not while the wish is in `current`.
    #[error("not allowed while the wish is {}", current.as_str())]
    InvalidState {
        /// The wish's status now.
        current: WishStatus,
    },
}

use WishStatus as S;

/// Who may take `action`, and from which statuses, given the actor's relations.
fn allowed_from(action: WishAction, who: &Relations) -> &'static [WishStatus] {
    use WishAction as A;
    match action {
        A::Approve | A::Reject if who.dispatcher => &[S::PendingReview],
        A::Dispatch if who.dispatcher => &[S::PendingReview, S::Open],
        A::Accept | A::Decline if who.assignee => &[S::Assigned],
        A::Claim if who.member => &[S::Open],
        A::Release | A::Fulfil if who.claimant => &[S::Claimed],
        A::Revoke if who.dispatcher => &[S::Assigned, S::Claimed],
        A::Dispute | A::Confirm if who.resident => &[S::Fulfilled],
        A::Cancel if who.dispatcher => &[S::PendingReview, S::Open, S::Assigned, S::Claimed, S::Fulfilled],
        A::Cancel if who.resident => &[S::PendingReview, S::Open, S::Assigned],
        A::Expire if who.system => &[S::Claimed],
        A::AutoConfirm if who.system => &[S::Fulfilled],
        _ => &[],
    }
}

/// Where `action` takes a wish (the target status does not depend on the source, except where
/// `Post` has no source).
fn target(action: WishAction) -> WishStatus {
    use WishAction as A;
    match action {
        A::Post => S::PendingReview,
        A::Approve | A::Decline | A::Release | A::Revoke | A::Expire => S::Open,
        A::Reject => S::Rejected,
        A::Dispatch => S::Assigned,
        A::Accept | A::Claim | A::Dispute => S::Claimed,
        A::Fulfil => S::Fulfilled,
        A::Confirm | A::AutoConfirm => S::Confirmed,
        A::Cancel => S::Cancelled,
    }
}

/// The next status of a wish in `from` when an actor with relations `who` takes `action`,
/// or why not.
///
/// A refusal distinguishes "never yours to do" ([`Refusal::Forbidden`], HTTP 403) from "not now"
/// ([`Refusal::InvalidState`], HTTP 409), so that a member who loses a claim race learns the wish
/// is already claimed.
pub fn transition(from: WishStatus, action: WishAction, who: &Relations) -> Result<WishStatus, Refusal> {
    if matches!(action, WishAction::Claim | WishAction::Accept) && who.resident && !who.system {
        return Err(Refusal::OwnWish);
    }
    if matches!(action, WishAction::Approve | WishAction::Reject | WishAction::Dispatch)
        && who.resident
        && who.dispatcher
        && !who.system
    {
        return Err(Refusal::OwnDecision);
    }
    let allowed = allowed_from(action, who);
    if allowed.is_empty() {
        return Err(Refusal::Forbidden);
    }
    if allowed.contains(&from) { Ok(target(action)) } else { Err(Refusal::InvalidState { current: from }) }
}

/// The actions `who` could take on a wish in `status` right now (for offering buttons).
pub fn available_actions(status: WishStatus, who: &Relations) -> Vec<WishAction> {
    WishAction::ALL.into_iter().filter(|a| transition(status, *a, who).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use WishAction as A;
    use proptest::prelude::*;

    fn rel(f: impl FnOnce(&mut Relations)) -> Relations {
        let mut r = Relations::default();
        f(&mut r);
        r
    }

    /// SPEC.md's transition table, written out independently of the implementation.
    const SPEC: &[(WishStatus, WishAction, WishStatus)] = &[
        (S::PendingReview, A::Approve, S::Open),
        (S::PendingReview, A::Reject, S::Rejected),
        (S::PendingReview, A::Dispatch, S::Assigned),
        (S::Open, A::Dispatch, S::Assigned),
        (S::Assigned, A::Accept, S::Claimed),
        (S::Assigned, A::Decline, S::Open),
        (S::Open, A::Claim, S::Claimed),
        (S::Claimed, A::Release, S::Open),
        (S::Assigned, A::Revoke, S::Open),
        (S::Claimed, A::Revoke, S::Open),
        (S::Claimed, A::Fulfil, S::Fulfilled),
        (S::Fulfilled, A::Dispute, S::Claimed),
        (S::Fulfilled, A::Confirm, S::Confirmed),
        (S::PendingReview, A::Cancel, S::Cancelled),
        (S::Open, A::Cancel, S::Cancelled),
        (S::Assigned, A::Cancel, S::Cancelled),
        (S::Claimed, A::Cancel, S::Cancelled),
        (S::Fulfilled, A::Cancel, S::Cancelled),
        (S::Claimed, A::Expire, S::Open),
        (S::Fulfilled, A::AutoConfirm, S::Confirmed),
    ];

    #[test]
    fn a_dispatcher_approves_a_posted_wish() {
        let d = rel(|r| r.dispatcher = true);
        assert_eq!(transition(S::PendingReview, A::Approve, &d), Ok(S::Open));
    }

    #[test]
    fn a_resident_cannot_approve_their_own_wish() {
        let r = rel(|r| r.resident = true);
        assert_eq!(transition(S::PendingReview, A::Approve, &r), Err(Refusal::Forbidden));
    }

    #[test]
    fn a_second_claim_is_a_conflict_that_names_the_status() {
        let m = rel(|r| r.member = true);
        assert_eq!(transition(S::Claimed, A::Claim, &m), Err(Refusal::InvalidState { current: S::Claimed }));
    }

    #[test]
    fn a_member_may_not_claim_their_own_wish() {
        let m = rel(|r| {
            r.member = true;
            r.resident = true;
        });
        assert_eq!(transition(S::Open, A::Claim, &m), Err(Refusal::OwnWish));
    }

    #[test]
    fn a_resident_cancels_only_before_the_claim_but_a_dispatcher_until_confirmation() {
        let r = rel(|r| r.resident = true);
        let d = rel(|r| r.dispatcher = true);
        assert_eq!(transition(S::Assigned, A::Cancel, &r), Ok(S::Cancelled));
        assert_eq!(transition(S::Claimed, A::Cancel, &r), Err(Refusal::InvalidState { current: S::Claimed }));
        assert_eq!(transition(S::Fulfilled, A::Cancel, &d), Ok(S::Cancelled));
        assert_eq!(transition(S::Confirmed, A::Cancel, &d), Err(Refusal::InvalidState { current: S::Confirmed }));
    }

    #[test]
    fn only_the_system_expires_claims() {
        let d = rel(|r| r.dispatcher = true);
        assert_eq!(transition(S::Claimed, A::Expire, &d), Err(Refusal::Forbidden));
        assert_eq!(transition(S::Claimed, A::Expire, &Relations::system()), Ok(S::Open));
    }

    #[test]
    fn a_dispatcher_decides_no_wish_of_their_own() {
        let own = rel(|r| {
            r.dispatcher = true;
            r.resident = true;
        });
        for action in [A::Approve, A::Reject, A::Dispatch] {
            assert_eq!(transition(S::PendingReview, action, &own), Err(Refusal::OwnDecision), "{action:?}");
        }
        assert_eq!(transition(S::Open, A::Dispatch, &own), Err(Refusal::OwnDecision));
        // Cancelling one's own wish stays allowed, as for any resident.
        assert_eq!(transition(S::Open, A::Cancel, &own), Ok(S::Cancelled));
        let other = rel(|r| r.dispatcher = true);
        assert_eq!(transition(S::PendingReview, A::Approve, &other), Ok(S::Open));
        assert!(!available_actions(S::PendingReview, &own).contains(&A::Approve));
    }

    #[test]
    fn post_is_never_a_transition() {
        let all =
            Relations { resident: true, claimant: true, assignee: true, dispatcher: true, member: true, system: true };
        for s in WishStatus::ALL {
            assert!(transition(s, A::Post, &all).is_err());
        }
    }

    #[test]
    fn the_implementation_allows_exactly_the_spec_table_for_an_all_powerful_actor() {
        let all =
            Relations { resident: true, claimant: true, assignee: true, dispatcher: true, member: true, system: true };
        for from in WishStatus::ALL {
            for action in WishAction::ALL {
                let expected = SPEC.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                assert_eq!(transition(from, action, &all).ok(), expected, "{from:?} {action:?}");
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for s in WishStatus::ALL {
            assert_eq!(WishStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).ok(), Some(format!("\"{}\"", s.as_str())));
        }
        for a in WishAction::ALL {
            assert_eq!(WishAction::parse(a.as_str()), Some(a));
            assert_eq!(serde_json::to_string(&a).ok(), Some(format!("\"{}\"", a.as_str())));
        }
    }

    fn any_relations() -> impl Strategy<Value = Relations> {
        prop::array::uniform6(any::<bool>()).prop_map(|b| Relations {
            resident: b[0],
            claimant: b[1],
            assignee: b[2],
            dispatcher: b[3],
            member: b[4],
            system: b[5],
        })
    }

    proptest! {
        #[test]
        fn random_action_sequences_only_ever_take_steps_of_the_table(
            steps in prop::collection::vec(
                (prop::sample::select(WishAction::ALL.to_vec()), any_relations()),
                0..60,
            )
        ) {
            let mut status = S::PendingReview;
            for (action, who) in steps {
                match transition(status, action, &who) {
                    Ok(next) => {
                        prop_assert!(!status.is_terminal(), "left terminal {status:?}");
                        prop_assert!(
                            SPEC.contains(&(status, action, next)),
                            "{status:?} --{action:?}--> {next:?} is not in the table"
                        );
                        status = next;
                    }
                    Err(Refusal::InvalidState { current }) => prop_assert_eq!(current, status),
                    Err(_) => {}
                }
            }
        }
    }
}
