//! The work-order state machine (工单): grid incidents reported by residents or found on patrol,
//! handled by grids and, when the street blows the whistle (街道吹哨、部门报到), by departments.
//!
//! The closed loop follows the national hotline conventions (GB/T 33358-2016, 国办发〔2020〕53号):
//! 受理 (accept) or 不予受理 (decline) → 派单 (dispatch to a grid) or 上报街道 (escalate) → 吹哨
//! (whistle: a lead department and co-handlers) → 签收 (sign) or 退单 (return) → 办结 (resolve)
//! → 回访 (visit: 满意 / 基本满意 close it, 不满意 reopens it for 重办).
//!
//! [`transition`] is the single source of truth for which actions move an order where and who may
//! take them; the server calls it before every write and the web client to offer buttons.
//! Extensions (延期), supervision (督办) and a co-handler's signature are actions that leave the
//! status where it is (see [`OrderAction::keeps_status`]).

use serde::{Deserialize, Serialize};

/// Where a work order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Reported, waiting for the community to accept it (待受理).
    Reported,
    /// Accepted by the community (已受理), to be dispatched or escalated.
    Accepted,
    /// Not accepted, with a reason (不予受理). Terminal.
    Declined,
    /// Sent up to the street (已上报街道), waiting for its whistle.
    Escalated,
    /// Dispatched to a grid or whistled to departments (已派单), waiting for the lead to sign.
    Dispatched,
    /// Signed for by the lead handler (已签收), being handled.
    Signed,
    /// Returned by the lead handler with a reason (已退单), back with whoever dispatched it.
    Returned,
    /// Resolved with a note (已办结), waiting for the call-back.
    Resolved,
    /// Reopened after an unsatisfied call-back (重办), to be dispatched again.
    Reopened,
    /// Closed after a satisfied call-back, or resolved on the spot (已关闭). Terminal.
    Closed,
}

impl OrderStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [OrderStatus; 10] = [
        Self::Reported,
        Self::Accepted,
        Self::Declined,
        Self::Escalated,
        Self::Dispatched,
        Self::Signed,
        Self::Returned,
        Self::Resolved,
        Self::Reopened,
        Self::Closed,
    ];

    /// The API name (`reported`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Escalated => "escalated",
            Self::Dispatched => "dispatched",
            Self::Signed => "signed",
            Self::Returned => "returned",
            Self::Resolved => "resolved",
            Self::Reopened => "reopened",
            Self::Closed => "closed",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether no action leads out of this status.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Declined | Self::Closed)
    }

    /// Whether a handler holds the order (its deadlines run).
    pub fn is_with_handler(self) -> bool {
        matches!(self, Self::Dispatched | Self::Signed)
    }
}

/// Something that happens to a work order. Every one is recorded in the order's event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderAction {
    /// A resident or a grid worker reports a problem. Creates the order; never a transition.
    Report,
    /// A grid worker reports a small problem already solved on the spot (即报即办). Creates the
    /// order closed; never a transition.
    ResolveOnSpot,
    /// A community dispatcher accepts a reported order (受理).
    Accept,
    /// A community dispatcher declines it with a reason (不予受理).
    Decline,
    /// A community dispatcher dispatches it to one of the community's grids (派单).
    Dispatch,
    /// A community dispatcher sends it up to the street (上报街道).
    Escalate,
    /// A street officer whistles it to a lead department and co-handlers (吹哨).
    Whistle,
    /// A handler signs for it (签收 / 报到). The lead's signature moves it to `signed`; a
    /// co-handler's is recorded without moving it.
    Sign,
    /// The lead handler returns it with a reason, within the return window (退单).
    Return,
    /// The lead handler resolves it with a note (办结).
    Resolve,
    /// The reporter (or the grid worker for them) answers the call-back (回访): 满意 or 基本满意
    /// close it, 不满意 reopens it.
    Visit,
    /// The lead handler asks for more time, with a reason (申请延期); once per order.
    RequestExtension,
    /// Whoever dispatched it grants the extension.
    GrantExtension,
    /// Whoever dispatched it refuses the extension.
    RefuseExtension,
    /// A street officer or an admin supervises it with a note (督办).
    Supervise,
    /// The system flags an order whose deadline passed (超时督办).
    FlagOverdue,
}

impl OrderAction {
    /// Every action.
    pub const ALL: [OrderAction; 16] = [
        Self::Report,
        Self::ResolveOnSpot,
        Self::Accept,
        Self::Decline,
        Self::Dispatch,
        Self::Escalate,
        Self::Whistle,
        Self::Sign,
        Self::Return,
        Self::Resolve,
        Self::Visit,
        Self::RequestExtension,
        Self::GrantExtension,
        Self::RefuseExtension,
        Self::Supervise,
        Self::FlagOverdue,
    ];

    /// The actions a person takes through `POST /work-orders/{id}/{action}`.
    pub const ROUTED: [OrderAction; 13] = [
        Self::Accept,
        Self::Decline,
        Self::Dispatch,
        Self::Escalate,
        Self::Whistle,
        Self::Sign,
        Self::Return,
        Self::Resolve,
        Self::Visit,
        Self::RequestExtension,
        Self::GrantExtension,
        Self::RefuseExtension,
        Self::Supervise,
    ];

    /// The API name (`accept`, `request_extension`, …), also the last segment of its URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::ResolveOnSpot => "resolve_on_spot",
            Self::Accept => "accept",
            Self::Decline => "decline",
            Self::Dispatch => "dispatch",
            Self::Escalate => "escalate",
            Self::Whistle => "whistle",
            Self::Sign => "sign",
            Self::Return => "return",
            Self::Resolve => "resolve",
            Self::Visit => "visit",
            Self::RequestExtension => "request_extension",
            Self::GrantExtension => "grant_extension",
            Self::RefuseExtension => "refuse_extension",
            Self::Supervise => "supervise",
            Self::FlagOverdue => "flag_overdue",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    /// Whether the action leaves the status where it is (a co-handler's signature, extensions,
    /// supervision).
    pub fn keeps_status(self) -> bool {
        matches!(
            self,
            Self::RequestExtension | Self::GrantExtension | Self::RefuseExtension | Self::Supervise | Self::FlagOverdue
        )
    }
}

/// The reporter's answer to the call-back (回访).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 满意.
    Satisfied,
    /// 基本满意.
    Basic,
    /// 不满意: the order is reopened.
    Unsatisfied,
}

impl Satisfaction {
    /// Every answer.
    pub const ALL: [Satisfaction; 3] = [Self::Satisfied, Self::Basic, Self::Unsatisfied];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Basic => "basic",
            Self::Unsatisfied => "unsatisfied",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Where a visit with this answer takes a resolved order.
    pub fn outcome(self) -> OrderStatus {
        match self {
            Self::Satisfied | Self::Basic => OrderStatus::Closed,
            Self::Unsatisfied => OrderStatus::Reopened,
        }
    }
}

/// How urgent an order is; it decides the clocks (settings `work_orders.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Safety and utilities: counted in clock time (sign within 1 hour, resolve within 24).
    Urgent,
    /// Sign within 4 working hours, resolve within 5 working days.
    #[default]
    Normal,
    /// Resolve within 15 working days.
    Complex,
}

impl Priority {
    /// Every priority.
    pub const ALL: [Priority; 3] = [Self::Urgent, Self::Normal, Self::Complex];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Urgent => "urgent",
            Self::Normal => "normal",
            Self::Complex => "complex",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// Where an extension request stands (at most one per order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExtensionState {
    /// Asked, waiting for a decision.
    Requested,
    /// Granted: the resolve deadline moved.
    Granted,
    /// Refused.
    Refused,
}

impl ExtensionState {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Granted => "granted",
            Self::Refused => "refused",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Requested, Self::Granted, Self::Refused].into_iter().find(|s| s.as_str() == raw)
    }
}

/// How the actor stands to one work order. An actor may stand in several relations at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OrderRelations {
    /// The actor reported the order, or it was reported for them.
    pub reporter: bool,
    /// The actor is a grid worker of the order's grid (answers the call-back for a reporter).
    pub grid_worker: bool,
    /// The actor dispatches for the order's community.
    pub dispatcher: bool,
    /// The actor is a street officer of the order's street (or an admin).
    pub street: bool,
    /// The actor is the lead handler now: a grid worker of the grid it was dispatched to, or staff
    /// of the lead department it was whistled to.
    pub lead: bool,
    /// The actor is staff of a co-handling department (协办) that has not signed yet.
    pub co_handler: bool,
    /// The actor decides the order's extension: whoever holds the level that dispatched it (the
    /// community for a grid, the street for a whistle).
    pub dispatching_level: bool,
    /// The system (background jobs).
    pub system: bool,
}

impl OrderRelations {
    /// No relation at all.
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
pub enum OrderRefusal {
    /// The actor may never take this action on this order, whatever its status.
    #[error("no permission for this action")]
    Forbidden,
    /// The actor could take this action, but not while the order is in `current`.
    #[error("not allowed while the order is {}", current.as_str())]
    InvalidState {
        /// The order's status now.
        current: OrderStatus,
    },
}

use OrderStatus as S;

const LIVE: &[OrderStatus] =
    &[S::Reported, S::Accepted, S::Escalated, S::Dispatched, S::Signed, S::Returned, S::Resolved, S::Reopened];

/// Who may take `action`, and from which statuses, given the actor's relations.
fn allowed_from(action: OrderAction, who: &OrderRelations) -> &'static [OrderStatus] {
    use OrderAction as A;
    match action {
        A::Accept | A::Decline if who.dispatcher => &[S::Reported],
        A::Dispatch if who.dispatcher => &[S::Reported, S::Accepted, S::Returned, S::Reopened],
        A::Escalate if who.dispatcher => &[S::Reported, S::Accepted, S::Returned, S::Reopened],
        A::Whistle if who.street => &[S::Escalated, S::Returned, S::Reopened],
        A::Sign if who.lead => &[S::Dispatched],
        A::Sign if who.co_handler => &[S::Dispatched, S::Signed, S::Resolved],
        A::Return if who.lead => &[S::Dispatched],
        A::Resolve if who.lead => &[S::Signed],
        A::Visit if who.reporter || who.grid_worker => &[S::Resolved],
        A::RequestExtension if who.lead => &[S::Signed],
        A::GrantExtension | A::RefuseExtension if who.dispatching_level => &[S::Dispatched, S::Signed],
        A::Supervise if who.street => LIVE,
        A::FlagOverdue if who.system => &[S::Dispatched, S::Signed],
        _ => &[],
    }
}

/// The next status of an order in `from` when an actor with relations `who` takes `action`, or
/// why not. A visit answers the satisfied outcome (`closed`); [`Satisfaction::outcome`] gives the
/// status for the answer actually given. A refusal distinguishes "never yours to do" (HTTP 403)
/// from "not now" (HTTP 409, naming the status).
pub fn transition(from: OrderStatus, action: OrderAction, who: &OrderRelations) -> Result<OrderStatus, OrderRefusal> {
    let allowed = allowed_from(action, who);
    if allowed.is_empty() {
        return Err(OrderRefusal::Forbidden);
    }
    if !allowed.contains(&from) {
        return Err(OrderRefusal::InvalidState { current: from });
    }
    use OrderAction as A;
    Ok(match action {
        A::Accept => S::Accepted,
        A::Decline => S::Declined,
        A::Dispatch | A::Whistle => S::Dispatched,
        A::Escalate => S::Escalated,
        // A co-handler's signature leaves the lead's status as it is.
        A::Sign if who.lead && from == S::Dispatched => S::Signed,
        A::Return => S::Returned,
        A::Resolve => S::Resolved,
        A::Visit => S::Closed,
        A::Report => S::Reported,
        A::ResolveOnSpot => S::Closed,
        A::Sign | A::RequestExtension | A::GrantExtension | A::RefuseExtension | A::Supervise | A::FlagOverdue => from,
    })
}

/// The actions `who` could take on an order in `status` right now (for offering buttons).
pub fn available_order_actions(status: OrderStatus, who: &OrderRelations) -> Vec<OrderAction> {
    OrderAction::ROUTED.into_iter().filter(|a| transition(status, *a, who).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderAction as A;
    use proptest::prelude::*;

    const ALL_POWERFUL: OrderRelations = OrderRelations {
        reporter: true,
        grid_worker: true,
        dispatcher: true,
        street: true,
        lead: true,
        co_handler: false,
        dispatching_level: true,
        system: true,
    };

    /// The transition table, written out independently of the implementation (status changes
    /// only; actions that keep the status are checked separately).
    const TABLE: &[(OrderStatus, OrderAction, OrderStatus)] = &[
        (S::Reported, A::Accept, S::Accepted),
        (S::Reported, A::Decline, S::Declined),
        (S::Reported, A::Dispatch, S::Dispatched),
        (S::Accepted, A::Dispatch, S::Dispatched),
        (S::Returned, A::Dispatch, S::Dispatched),
        (S::Reopened, A::Dispatch, S::Dispatched),
        (S::Reported, A::Escalate, S::Escalated),
        (S::Accepted, A::Escalate, S::Escalated),
        (S::Returned, A::Escalate, S::Escalated),
        (S::Reopened, A::Escalate, S::Escalated),
        (S::Escalated, A::Whistle, S::Dispatched),
        (S::Returned, A::Whistle, S::Dispatched),
        (S::Reopened, A::Whistle, S::Dispatched),
        (S::Dispatched, A::Sign, S::Signed),
        (S::Dispatched, A::Return, S::Returned),
        (S::Signed, A::Resolve, S::Resolved),
        (S::Resolved, A::Visit, S::Closed),
    ];

    #[test]
    fn the_implementation_moves_exactly_as_the_table_for_an_all_powerful_actor() {
        for from in OrderStatus::ALL {
            for action in OrderAction::ALL {
                let got = transition(from, action, &ALL_POWERFUL).ok();
                let expected = TABLE.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                match got {
                    Some(to) if to == from => assert!(action.keeps_status(), "{from:?} {action:?}"),
                    other => assert_eq!(other, expected, "{from:?} {action:?}"),
                }
            }
        }
    }

    #[test]
    fn a_co_handler_signs_without_moving_the_order() {
        let co = OrderRelations { co_handler: true, ..OrderRelations::default() };
        assert_eq!(transition(S::Dispatched, A::Sign, &co), Ok(S::Dispatched));
        assert_eq!(transition(S::Signed, A::Sign, &co), Ok(S::Signed));
        assert_eq!(transition(S::Dispatched, A::Return, &co), Err(OrderRefusal::Forbidden));
        assert_eq!(transition(S::Signed, A::Resolve, &co), Err(OrderRefusal::Forbidden));
    }

    #[test]
    fn only_the_street_whistles_and_only_the_community_dispatches() {
        let d = OrderRelations { dispatcher: true, ..OrderRelations::default() };
        let s = OrderRelations { street: true, ..OrderRelations::default() };
        assert_eq!(transition(S::Escalated, A::Whistle, &d), Err(OrderRefusal::Forbidden));
        assert_eq!(transition(S::Accepted, A::Dispatch, &s), Err(OrderRefusal::Forbidden));
        assert_eq!(transition(S::Escalated, A::Whistle, &s), Ok(S::Dispatched));
        assert_eq!(transition(S::Closed, A::Supervise, &s), Err(OrderRefusal::InvalidState { current: S::Closed }));
    }

    #[test]
    fn an_unsatisfied_visit_reopens() {
        assert_eq!(Satisfaction::Unsatisfied.outcome(), S::Reopened);
        assert_eq!(Satisfaction::Basic.outcome(), S::Closed);
    }

    #[test]
    fn creating_actions_are_never_transitions() {
        for s in OrderStatus::ALL {
            assert!(transition(s, A::Report, &ALL_POWERFUL).is_err());
            assert!(transition(s, A::ResolveOnSpot, &ALL_POWERFUL).is_err());
        }
    }

    #[test]
    fn names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).ok(), Some(format!("\"{}\"", s.as_str())));
        }
        for a in OrderAction::ALL {
            assert_eq!(OrderAction::parse(a.as_str()), Some(a));
            assert_eq!(serde_json::to_string(&a).ok(), Some(format!("\"{}\"", a.as_str())));
        }
    }

    fn any_relations() -> impl Strategy<Value = OrderRelations> {
        prop::array::uniform8(any::<bool>()).prop_map(|b| OrderRelations {
            reporter: b[0],
            grid_worker: b[1],
            dispatcher: b[2],
            street: b[3],
            lead: b[4],
            co_handler: b[5],
            dispatching_level: b[6],
            system: b[7],
        })
    }

    proptest! {
        #[test]
        fn random_sequences_only_take_steps_of_the_table(
            steps in prop::collection::vec(
                (prop::sample::select(OrderAction::ALL.to_vec()), any_relations(),
                 prop::sample::select(Satisfaction::ALL.to_vec())),
                0..60,
            )
        ) {
            let mut status = S::Reported;
            for (action, who, answer) in steps {
                match transition(status, action, &who) {
                    Ok(next) => {
                        prop_assert!(!status.is_terminal(), "left terminal {status:?}");
                        let next = if action == A::Visit { answer.outcome() } else { next };
                        let in_table = TABLE.contains(&(status, action, next))
                            || (action == A::Visit && next == S::Reopened)
                            || next == status;
                        prop_assert!(in_table, "{status:?} --{action:?}--> {next:?}");
                        status = next;
                    }
                    Err(OrderRefusal::InvalidState { current }) => prop_assert_eq!(current, status),
                    Err(OrderRefusal::Forbidden) => {}
                }
            }
        }
    }
}
