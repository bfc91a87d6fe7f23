//! The check-in state machine against a table written out independently of it.

use super::*;
use CheckinAction as A;
use CheckinKind as K;
use proptest::prelude::*;

const ALL_POWERFUL: CheckinRelations = CheckinRelations { member: true, dispatcher: true, admin: true };
/// Every power over a check-in that is not one's own.
const DECIDER: CheckinRelations = CheckinRelations { member: false, dispatcher: true, admin: true };
/// The check-in's own member.
const OWNER: CheckinRelations = CheckinRelations { member: true, dispatcher: false, admin: false };

/// The life of a check-in, by kind.
const SPEC: &[(CheckinKind, CheckinStatus, CheckinAction, CheckinStatus)] = &[
    (K::Member, S::Pending, A::Approve, S::Approved),
    (K::Member, S::Pending, A::Reject, S::Rejected),
    (K::Member, S::Pending, A::Withdraw, S::Withdrawn),
    (K::Member, S::Approved, A::Withdraw, S::Withdrawn),
    (K::UnitBranch, S::Pending, A::Approve, S::Approved),
    (K::UnitBranch, S::Pending, A::Reject, S::Rejected),
];

fn rel(f: impl FnOnce(&mut CheckinRelations)) -> CheckinRelations {
    let mut r = CheckinRelations::default();
    f(&mut r);
    r
}

#[test]
fn a_dispatcher_approves_a_pending_check_in() {
    let d = rel(|r| r.dispatcher = true);
    assert_eq!(transition(K::Member, S::Pending, A::Approve, &d), Ok(S::Approved));
    assert_eq!(transition(K::UnitBranch, S::Pending, A::Reject, &d), Ok(S::Rejected));
}

#[test]
fn an_admin_sees_check_ins_but_does_not_decide_them() {
    let a = rel(|r| r.admin = true);
    assert_eq!(transition(K::Member, S::Pending, A::Approve, &a), Err(CheckinRefusal::Forbidden));
    assert_eq!(transition(K::UnitBranch, S::Pending, A::Reject, &a), Err(CheckinRefusal::Forbidden));
}

#[test]
fn a_member_cannot_approve_their_own_check_in() {
    let m = rel(|r| r.member = true);
    assert_eq!(transition(K::Member, S::Pending, A::Approve, &m), Err(CheckinRefusal::Forbidden));
}

#[test]
fn a_dispatcher_does_not_decide_their_own_check_in() {
    for action in [A::Approve, A::Reject] {
        assert_eq!(transition(K::Member, S::Pending, action, &ALL_POWERFUL), Err(CheckinRefusal::OwnCheckin));
    }
    assert_eq!(available_actions(K::Member, S::Pending, &ALL_POWERFUL), vec![A::Withdraw]);
    // Withdrawing stays theirs.
    assert_eq!(transition(K::Member, S::Approved, A::Withdraw, &ALL_POWERFUL), Ok(S::Withdrawn));
}

#[test]
fn a_second_decision_is_a_conflict_that_names_the_status() {
    let d = rel(|r| r.dispatcher = true);
    assert_eq!(
        transition(K::Member, S::Approved, A::Reject, &d),
        Err(CheckinRefusal::InvalidState { current: S::Approved })
    );
}

#[test]
fn only_the_member_withdraws_and_only_while_it_is_live() {
    let m = rel(|r| r.member = true);
    let d = rel(|r| r.dispatcher = true);
    assert_eq!(transition(K::Member, S::Approved, A::Withdraw, &m), Ok(S::Withdrawn));
    assert_eq!(transition(K::Member, S::Approved, A::Withdraw, &d), Err(CheckinRefusal::Forbidden));
    assert_eq!(
        transition(K::Member, S::Rejected, A::Withdraw, &m),
        Err(CheckinRefusal::InvalidState { current: S::Rejected })
    );
}

#[test]
fn a_branch_check_in_is_never_withdrawn() {
    assert_eq!(transition(K::UnitBranch, S::Approved, A::Withdraw, &ALL_POWERFUL), Err(CheckinRefusal::Forbidden));
}

#[test]
fn members_file_their_own_and_admins_file_a_branchs() {
    assert!(may_file(K::Member, &rel(|r| r.member = true)));
    assert!(!may_file(K::UnitBranch, &rel(|r| r.dispatcher = true)));
    assert!(may_file(K::UnitBranch, &rel(|r| r.admin = true)));
}

#[test]
fn filing_is_never_a_transition() {
    for kind in [K::Member, K::UnitBranch] {
        for s in CheckinStatus::ALL {
            assert!(transition(kind, s, A::File, &ALL_POWERFUL).is_err());
        }
    }
}

#[test]
fn the_implementation_allows_exactly_the_spec_table_for_an_all_powerful_actor() {
    for kind in [K::Member, K::UnitBranch] {
        for from in CheckinStatus::ALL {
            for action in CheckinAction::ALL {
                let expected = SPEC.iter().find(|t| t.0 == kind && t.1 == from && t.2 == action).map(|t| t.3);
                // A dispatcher and admin deciding someone else's check-in, or its own member:
                // together they may do everything anyone may (one person holding both is refused
                // a decision on their own check-in, below).
                let got = [DECIDER, OWNER].iter().find_map(|who| transition(kind, from, action, who).ok());
                assert_eq!(got, expected, "{kind:?} {from:?} {action:?}");
            }
        }
    }
}

#[test]
fn the_buttons_are_the_allowed_actions() {
    let d = rel(|r| r.dispatcher = true);
    assert_eq!(available_actions(K::Member, S::Pending, &d), vec![A::Approve, A::Reject]);
    assert_eq!(available_actions(K::Member, S::Approved, &d), Vec::<CheckinAction>::new());
    let m = rel(|r| r.member = true);
    assert_eq!(available_actions(K::Member, S::Approved, &m), vec![A::Withdraw]);
}

#[test]
fn names_round_trip() {
    for s in CheckinStatus::ALL {
        assert_eq!(CheckinStatus::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::to_string(&s).ok(), Some(format!("\"{}\"", s.as_str())));
    }
    for a in CheckinAction::ALL {
        assert_eq!(serde_json::to_string(&a).ok(), Some(format!("\"{}\"", a.as_str())));
    }
    assert_eq!(CheckinStatus::parse("approve"), None);
}

fn any_relations() -> impl Strategy<Value = CheckinRelations> {
    prop::array::uniform3(any::<bool>()).prop_map(|b| CheckinRelations { member: b[0], dispatcher: b[1], admin: b[2] })
}

proptest! {
    #[test]
    fn random_action_sequences_only_ever_take_steps_of_the_table(
        kind in prop::sample::select(vec![K::Member, K::UnitBranch]),
        steps in prop::collection::vec(
            (prop::sample::select(CheckinAction::ALL.to_vec()), any_relations()),
            0..30,
        )
    ) {
        let mut status = S::Pending;
        for (action, who) in steps {
            match transition(kind, status, action, &who) {
                Ok(next) => {
                    prop_assert!(!status.is_terminal(), "left terminal {status:?}");
                    prop_assert!(SPEC.contains(&(kind, status, action, next)), "{kind:?} {status:?} --{action:?}--> {next:?}");
                    prop_assert!(available_actions(kind, status, &who).contains(&action));
                    status = next;
                }
                Err(CheckinRefusal::InvalidState { current }) => prop_assert_eq!(current, status),
                Err(CheckinRefusal::Forbidden) => {
                    prop_assert!(!available_actions(kind, status, &who).contains(&action));
                }
                Err(CheckinRefusal::OwnCheckin) => {
                    prop_assert!(who.member && who.dispatcher, "own-check-in refusal for {who:?}");
                    prop_assert!(!available_actions(kind, status, &who).contains(&action));
                }
            }
        }
    }

    #[test]
    fn a_branch_check_in_never_reaches_withdrawn(
        steps in prop::collection::vec(
            (prop::sample::select(CheckinAction::ALL.to_vec()), any_relations()),
            0..30,
        )
    ) {
        let mut status = S::Pending;
        for (action, who) in steps {
            if let Ok(next) = transition(K::UnitBranch, status, action, &who) {
                status = next;
            }
            prop_assert_ne!(status, S::Withdrawn);
        }
    }
}
