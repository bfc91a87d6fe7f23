//! The dual check-in (双报到) state machine: a party member's check-in to a community, and a
//! work-unit branch's check-in to one.
//!
//! [`transition`] is the single source of truth for which actions move a check-in where and who
//! may take them. The server calls it before every write; the web client calls
//! [`available_actions`] to decide which buttons to offer.

use serde::{Deserialize, Serialize};

/// Where a check-in is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckinStatus {
    /// Filed, waiting for a dispatcher of the community.
    Pending,
    /// Approved: a member is checked in (may see and claim the community's wishes); a branch
    /// counts as one of the community's units.
    Approved,
    /// Refused by a dispatcher, with a reason. Terminal.
    Rejected,
    /// Withdrawn by the member. Terminal; only a member's check-in gets here.
    Withdrawn,
}

impl CheckinStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [CheckinStatus; 4] = [Self::Pending, Self::Approved, Self::Rejected, Self::Withdrawn];

    /// The API name (`pending`, …), also the stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether no action leads out of this status.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Rejected | Self::Withdrawn)
    }

    /// Whether the check-in is live: it blocks another one to the same community, and the member
    /// may still withdraw it.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Pending | Self::Approved)
    }
}

/// Whose check-in it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckinKind {
    /// A party member's own check-in (`/checkins`).
    Member,
    /// A work-unit branch's check-in, filed by an admin for the branch (`/unit-branches/{id}/checkins`).
    UnitBranch,
}

/// Something that happens to a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckinAction {
    /// The member (or an admin, for a branch) files the check-in. Creates it; never a transition.
    File,
    /// A dispatcher of the community approves a pending check-in.
    Approve,
    /// A dispatcher of the community rejects a pending check-in, with a reason.
    Reject,
    /// The member withdraws their pending or approved check-in.
    Withdraw,
}

impl CheckinAction {
    /// Every action.
    pub const ALL: [CheckinAction; 4] = [Self::File, Self::Approve, Self::Reject, Self::Withdraw];

    /// The API name, also the last segment of its URL (`/checkins/{id}/approve`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Withdraw => "withdraw",
        }
    }
}

/// How the actor stands to one check-in. Several may hold at once (a dispatcher checking in to
/// their own community is its member and its dispatcher).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CheckinRelations {
    /// The actor is the member the check-in is for (never, for a branch's check-in).
    pub member: bool,
    /// The actor is a dispatcher of the check-in's community.
    pub dispatcher: bool,
    /// The actor is an admin.
    pub admin: bool,
}

/// Why [`transition`] refused an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckinRefusal {
    /// The actor may never take this action on this check-in, whatever its status.
    #[error("no permission for this action")]
    Forbidden,
    /// A dispatcher may not approve or reject their own check-in (separation of duties).
    #[error("a dispatcher may not decide their own check-in")]
    OwnCheckin,
    /// The actor could take this action, but not while the check-in is in `current`.
    #[error("not allowed while the check-in is {}", current.as_str())]
    InvalidState {
        /// The check-in's status now.
        current: CheckinStatus,
    },
}

use CheckinStatus as S;

/// Who may take `action` on a check-in of `kind`, and from which statuses.
fn allowed_from(kind: CheckinKind, action: CheckinAction, who: &CheckinRelations) -> &'static [CheckinStatus] {
    use CheckinAction as A;
    match (kind, action) {
        (_, A::Approve | A::Reject) if who.dispatcher => &[S::Pending],
        (CheckinKind::Member, A::Withdraw) if who.member => &[S::Pending, S::Approved],
        _ => &[],
    }
}

/// Where `action` takes a check-in.
fn target(action: CheckinAction) -> CheckinStatus {
    match action {
        CheckinAction::File => S::Pending,
        CheckinAction::Approve => S::Approved,
        CheckinAction::Reject => S::Rejected,
        CheckinAction::Withdraw => S::Withdrawn,
    }
}

/// Whether `who` may file a check-in of `kind`: a member files their own (the filer is its
/// member), an admin files a branch's.
pub fn may_file(kind: CheckinKind, who: &CheckinRelations) -> bool {
    match kind {
        CheckinKind::Member => who.member,
        CheckinKind::UnitBranch => who.admin,
    }
}

/// The next status of a check-in of `kind` in `from` when an actor with relations `who` takes
/// `action`, or why not.
///
/// As for wishes, [`CheckinRefusal::Forbidden`] (HTTP 403) is "never yours to do" and
/// [`CheckinRefusal::InvalidState`] (HTTP 409) is "not now", so a dispatcher who loses a race to
/// decide learns the check-in's real status. Admins see every check-in but decide none: deciding
/// is the community's.
pub fn transition(
    kind: CheckinKind,
    from: CheckinStatus,
    action: CheckinAction,
    who: &CheckinRelations,
) -> Result<CheckinStatus, CheckinRefusal> {
    if matches!(action, CheckinAction::Approve | CheckinAction::Reject) && who.member && who.dispatcher {
        return Err(CheckinRefusal::OwnCheckin);
    }
    let allowed = allowed_from(kind, action, who);
    if allowed.is_empty() {
        return Err(CheckinRefusal::Forbidden);
    }
    if allowed.contains(&from) { Ok(target(action)) } else { Err(CheckinRefusal::InvalidState { current: from }) }
}

/// The actions `who` could take on a check-in of `kind` in `status` right now (for buttons).
pub fn available_actions(kind: CheckinKind, status: CheckinStatus, who: &CheckinRelations) -> Vec<CheckinAction> {
    CheckinAction::ALL.into_iter().filter(|a| transition(kind, status, *a, who).is_ok()).collect()
}

#[cfg(test)]
mod tests;
