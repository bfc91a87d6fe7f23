//! What the logged-in account may do, read from its roles and grants (pure, so it is unit
//! tested): which roles have a home page, the role to start in, and how the account stands to a
//! wish — hence the actions the shared state machine offers it.

use haolin_shared::api::{Role, User, Wish};
use haolin_shared::domain::{Relations, WishAction, WishStatus, available_actions};

/// The roles with a home page, from the least to the most specific (the login page's script
/// lists them in the same order: web/login/index.html).
pub const HOME_ROLES: [Role; 7] = [
    Role::Resident,
    Role::Member,
    Role::GridWorker,
    Role::Dispatcher,
    Role::DepartmentOfficer,
    Role::StreetOfficer,
    Role::Admin,
];

/// The roles of `user` that have a home page, in a fixed order.
pub fn home_roles(user: &User) -> Vec<Role> {
    HOME_ROLES.into_iter().filter(|r| user.roles.contains(r)).collect()
}

/// The role to start in: the stored one if the account still has it, else the most specific one.
pub fn pick_role(user: &User, stored: Option<Role>) -> Role {
    let roles = home_roles(user);
    match stored {
        Some(r) if roles.contains(&r) => r,
        _ => roles.last().copied().unwrap_or(Role::Resident),
    }
}

/// Whether `user` holds `role` in `community_id`.
pub fn holds(user: &User, role: Role, community_id: &str) -> bool {
    user.grants.iter().any(|g| g.role == role && g.community_id.as_deref() == Some(community_id))
}

/// The communities where `user` holds `role`.
pub fn communities_of(user: &User, role: Role) -> Vec<String> {
    user.grants.iter().filter(|g| g.role == role).filter_map(|g| g.community_id.clone()).collect()
}

/// How `user` stands to `wish`.
pub fn relations(user: &User, wish: &Wish) -> Relations {
    Relations {
        resident: wish.resident.id == user.id,
        claimant: wish.claimant.as_ref().is_some_and(|p| p.id == user.id),
        assignee: wish.assignee.as_ref().is_some_and(|p| p.id == user.id),
        dispatcher: holds(user, Role::Dispatcher, &wish.community_id),
        member: holds(user, Role::Member, &wish.community_id),
        system: false,
    }
}

/// The actions `user` may take on `wish` now, exactly as the shared state machine allows.
pub fn actions_for(user: &User, wish: &Wish) -> Vec<WishAction> {
    available_actions(wish.status, &relations(user, wish))
}

/// Whether `user` may claim `wish` now.
pub fn may_claim(user: &User, wish: &Wish) -> bool {
    wish.status == WishStatus::Open && actions_for(user, wish).contains(&WishAction::Claim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use haolin_shared::api::{PersonRef, RoleGrant};

    fn user(id: &str, grants: &[(Role, Option<&str>)]) -> User {
        User {
            id: id.into(),
            name: "x".into(),
            phone: "13800000001".into(),
            roles: grants.iter().map(|g| g.0).collect(),
            community_ids: vec![],
            grants: grants.iter().map(|(r, c)| RoleGrant { role: *r, community_id: c.map(Into::into) }).collect(),
        }
    }

    fn wish(status: WishStatus, resident: &str, claimant: Option<&str>) -> Wish {
        let person = |id: &str| PersonRef { id: id.into(), name: "p".into() };
        Wish {
            id: "9".into(),
            community_id: "1".into(),
            grid_id: None,
            community: None,
            grid: None,
            title: "t".into(),
            description: "d".into(),
            category: "其他".into(),
            status,
            version: 1,
            created_at: "2026-11-28T10:00:00Z".into(),
            updated_at: "2026-11-28T10:00:00Z".into(),
            resident: person(resident),
            claimant: claimant.map(person),
            assignee: None,
            claim_expires_at: None,
            expected_by: None,
            fulfilment_note: None,
            rating: None,
            comment: None,
            contact_phone: None,
            flagged: None,
            photos: vec![],
            credit_minutes: 60,
            paid: false,
        }
    }

    #[test]
    fn a_dispatcher_starts_on_the_dispatcher_home_unless_they_chose_otherwise() {
        let u = user("2", &[(Role::Resident, None), (Role::Dispatcher, Some("1"))]);
        assert_eq!(home_roles(&u), vec![Role::Resident, Role::Dispatcher]);
        assert_eq!(pick_role(&u, None), Role::Dispatcher);
        assert_eq!(pick_role(&u, Some(Role::Resident)), Role::Resident);
        assert_eq!(pick_role(&u, Some(Role::Member)), Role::Dispatcher);
    }

    #[test]
    fn the_work_order_roles_start_on_their_own_pages() {
        let worker = user("4", &[(Role::Resident, None), (Role::GridWorker, Some("1"))]);
        assert_eq!(pick_role(&worker, None), Role::GridWorker);
        let street = user("5", &[(Role::Resident, None), (Role::StreetOfficer, None)]);
        assert_eq!(pick_role(&street, None), Role::StreetOfficer);
        let department = user("6", &[(Role::DepartmentOfficer, None)]);
        assert_eq!(home_roles(&department), vec![Role::DepartmentOfficer]);
        // Grid leaders and household heads have no page of their own: they start as residents.
        let leader = user("7", &[(Role::Resident, None), (Role::GridLeader, None)]);
        assert_eq!(pick_role(&leader, None), Role::Resident);
    }

    #[test]
    fn the_login_page_picks_the_role_and_its_home_as_the_app_does() {
        let page = include_str!("../login/index.html");
        let names: Vec<String> = HOME_ROLES.iter().map(|r| format!("'{}'", r.as_str())).collect();
        assert!(page.contains(&format!("var roles = [{}]", names.join(", "))), "the login page's role list");
        for role in HOME_ROLES.into_iter().filter(|r| *r != Role::Resident) {
            let entry = format!("{}: '{}'", role.as_str(), crate::route::Route::home(role).href());
            assert!(page.contains(&entry), "the login page's HOME lacks {entry}");
        }
    }

    #[test]
    fn an_admin_starts_on_the_place_tree() {
        let u = user("1", &[(Role::Resident, None), (Role::Admin, None)]);
        assert_eq!(home_roles(&u), vec![Role::Resident, Role::Admin]);
        assert_eq!(pick_role(&u, None), Role::Admin);
    }

    #[test]
    fn relations_come_from_the_wish_and_the_grants_of_its_community() {
        let member = user("3", &[(Role::Member, Some("1"))]);
        let elsewhere = user("3", &[(Role::Member, Some("2"))]);
        let w = wish(WishStatus::Open, "5", None);
        assert!(relations(&member, &w).member);
        assert!(!relations(&elsewhere, &w).member);
        assert!(may_claim(&member, &w));
        assert!(!may_claim(&elsewhere, &w));
    }

    #[test]
    fn a_member_is_not_offered_their_own_wish() {
        let member = user("5", &[(Role::Member, Some("1"))]);
        assert!(!may_claim(&member, &wish(WishStatus::Open, "5", None)));
    }

    #[test]
    fn the_claimant_is_offered_fulfil_and_release_only() {
        let member = user("3", &[(Role::Member, Some("1"))]);
        let w = wish(WishStatus::Claimed, "5", Some("3"));
        assert_eq!(actions_for(&member, &w), vec![WishAction::Release, WishAction::Fulfil]);
    }

    #[test]
    fn the_resident_confirms_or_disputes_a_fulfilled_wish() {
        let resident = user("5", &[(Role::Resident, None)]);
        let w = wish(WishStatus::Fulfilled, "5", Some("3"));
        assert_eq!(actions_for(&resident, &w), vec![WishAction::Dispute, WishAction::Confirm]);
    }
}
