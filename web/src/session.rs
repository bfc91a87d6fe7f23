//! The logged-in session: tokens (kept in `localStorage`), when to refresh them, which roles have
//! a home page, and how the caller stands to a wish.

use std::cell::RefCell;

use haolin_shared::api::{AuthResponse, Role, User, Wish};
use haolin_shared::domain::{Relations, WishAction, WishStatus, available_actions};
use serde::{Deserialize, Serialize};

/// Refresh this long before the access token expires.
const REFRESH_MARGIN_MS: f64 = 60_000.0;
/// Never schedule a refresh sooner than this (a token with a very short life).
const MIN_REFRESH_DELAY_MS: f64 = 1_000.0;

const TOKENS_KEY: &str = "haolin.session";
const ROLE_KEY: &str = "haolin.role";

/// The token pair of the session and when its access token expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// The bearer token.
    pub access_token: String,
    /// The single-use refresh token.
    pub refresh_token: String,
    /// When `access_token` expires, in milliseconds since the epoch (browser clock).
    pub expires_at_ms: f64,
}

impl Tokens {
    /// The tokens of a login, register or refresh answer received at `now_ms`.
    pub fn from_auth(auth: &AuthResponse, now_ms: f64) -> Self {
        Self {
            access_token: auth.access_token.clone(),
            refresh_token: auth.refresh_token.clone(),
            expires_at_ms: now_ms + auth.expires_in as f64 * 1000.0,
        }
    }
}

/// How long to wait, from `now_ms`, before refreshing tokens that expire at `expires_at_ms`: a
/// minute early, but at most half the remaining life for short-lived tokens, and never negative.
pub fn refresh_delay_ms(expires_at_ms: f64, now_ms: f64) -> f64 {
    let remaining = expires_at_ms - now_ms;
    let margin = REFRESH_MARGIN_MS.min(remaining / 2.0);
    (remaining - margin).max(MIN_REFRESH_DELAY_MS.min(remaining.max(0.0)))
}

/// The roles of `user` that have a home page, in a fixed order.
pub fn home_roles(user: &User) -> Vec<Role> {
    [Role::Resident, Role::Member, Role::Dispatcher, Role::Admin]
        .into_iter()
        .filter(|r| user.roles.contains(r))
        .collect()
}

/// The role to start in: the stored one if the account still has it, else the most specific one.
pub fn pick_role(user: &User, stored: Option<Role>) -> Role {
    let roles = home_roles(user);
    match stored {
        Some(r) if roles.contains(&r) => r,
        _ => roles.last().copied().unwrap_or(Role::Resident),
    }
}

/// The home page of a role.
pub fn home_path(role: Role) -> &'static str {
    match role {
        Role::Member => "/member",
        Role::Dispatcher => "/dispatcher",
        Role::Admin => "/admin",
        _ => "/resident",
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

thread_local! {
    static TOKENS: RefCell<Option<Tokens>> = const { RefCell::new(None) };
}

/// The current tokens, if logged in.
pub fn tokens() -> Option<Tokens> {
    TOKENS.with(|t| t.borrow().clone())
}

/// The current access token, if logged in.
pub fn access_token() -> Option<String> {
    TOKENS.with(|t| t.borrow().as_ref().map(|t| t.access_token.clone()))
}

/// Replaces the tokens in memory and in `localStorage`.
pub fn store_tokens(tokens: Option<Tokens>) {
    if let Some(storage) = storage() {
        let _ = match &tokens {
            Some(t) => match serde_json::to_string(t) {
                Ok(json) => storage.set_item(TOKENS_KEY, &json),
                Err(_) => Ok(()),
            },
            None => storage.remove_item(TOKENS_KEY).and_then(|()| storage.remove_item(ROLE_KEY)),
        };
    }
    TOKENS.with(|t| *t.borrow_mut() = tokens);
}

/// Loads the tokens saved by an earlier visit into memory.
pub fn load_tokens() -> Option<Tokens> {
    let saved = storage()
        .and_then(|s| s.get_item(TOKENS_KEY).ok().flatten())
        .and_then(|json| serde_json::from_str::<Tokens>(&json).ok());
    TOKENS.with(|t| *t.borrow_mut() = saved.clone());
    saved
}

/// The role chosen on an earlier visit.
pub fn stored_role() -> Option<Role> {
    storage().and_then(|s| s.get_item(ROLE_KEY).ok().flatten()).and_then(|r| Role::parse(&r))
}

/// Remembers the chosen role.
pub fn store_role(role: Role) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(ROLE_KEY, role.as_str());
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
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
        }
    }

    #[test]
    fn tokens_are_refreshed_a_minute_before_they_expire() {
        assert_eq!(refresh_delay_ms(1_000_000.0 + 900_000.0, 1_000_000.0), 840_000.0);
    }

    #[test]
    fn short_lived_tokens_are_refreshed_halfway() {
        assert_eq!(refresh_delay_ms(10_000.0, 0.0), 5_000.0);
    }

    #[test]
    fn expired_tokens_are_refreshed_at_once() {
        assert_eq!(refresh_delay_ms(0.0, 5_000.0), 0.0);
    }

    #[test]
    fn the_expiry_comes_from_expires_in() {
        let auth =
            AuthResponse { user: user("1", &[]), access_token: "a".into(), expires_in: 900, refresh_token: "r".into() };
        assert_eq!(Tokens::from_auth(&auth, 1000.0).expires_at_ms, 901_000.0);
    }

    #[test]
    fn a_dispatcher_starts_on_the_dispatcher_home_unless_they_chose_otherwise() {
        let u = user("2", &[(Role::Resident, None), (Role::Dispatcher, Some("1"))]);
        assert_eq!(home_roles(&u), vec![Role::Resident, Role::Dispatcher]);
        assert_eq!(pick_role(&u, None), Role::Dispatcher);
        assert_eq!(pick_role(&u, Some(Role::Resident)), Role::Resident);
        assert_eq!(pick_role(&u, Some(Role::Member)), Role::Dispatcher);
        assert_eq!(home_path(Role::Dispatcher), "/dispatcher");
    }

    #[test]
    fn an_admin_starts_on_the_place_tree() {
        let u = user("1", &[(Role::Resident, None), (Role::Admin, None)]);
        assert_eq!(home_roles(&u), vec![Role::Resident, Role::Admin]);
        assert_eq!(pick_role(&u, None), Role::Admin);
        assert_eq!(home_path(Role::Admin), "/admin");
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
