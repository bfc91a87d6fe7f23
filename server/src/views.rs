//! Records rendered as API bodies, applying what the viewer may see.

use chrono::{DateTime, SecondsFormat, Utc};
use haolin_shared::api::{
    Community, GeoPoint, OrderDepartment, OrderEvent, OrderExtension, PersonRef, PlaceLevel, PlaceRef, RoleGrant, User,
    Wish, WishEvent, WorkOrder,
};
use haolin_shared::domain::{OrderAction, OrderStatus, WishStatus, available_order_actions};

use crate::error::ApiError;

use crate::auth::Caller;
use crate::store::work_orders::{OrderEventRecord, OrderRecord};
use crate::store::{CommunityRecord, EventRecord, UserRecord, WishRecord};
use crate::work_orders::Viewer;

/// RFC 3339 in UTC with milliseconds, as API.md promises.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A wish as `viewer` may see it.
pub fn wish(viewer: &Caller, w: &WishRecord) -> Wish {
    let mut out = wish_with_contact(w, viewer.can_see_contact(w));
    if viewer.can_see_flag(w) {
        out.flagged = Some(w.flagged);
    }
    out
}

fn place(id: i64, names: &Option<(String, String)>, level: PlaceLevel) -> Option<PlaceRef> {
    names.as_ref().map(|(code, name)| PlaceRef { id: id.to_string(), code: code.clone(), name: name.clone(), level })
}

fn wish_with_contact(w: &WishRecord, show_contact: bool) -> Wish {
    let member = match (w.member_id, &w.member_name) {
        (Some(id), Some(name)) => Some(PersonRef { id: id.to_string(), name: name.clone() }),
        _ => None,
    };
    let (claimant, assignee) = match w.status {
        WishStatus::Assigned => (None, member),
        WishStatus::Claimed | WishStatus::Fulfilled | WishStatus::Confirmed => (member, None),
        _ => (None, None),
    };
    Wish {
        id: w.id.to_string(),
        community_id: w.community_id.to_string(),
        grid_id: w.grid_id.map(|g| g.to_string()),
        community: place(w.community_id, &w.community_place, PlaceLevel::Community),
        grid: w.grid_id.and_then(|g| place(g, &w.grid_place, PlaceLevel::Grid)),
        title: w.title.clone(),
        description: w.description.clone(),
        category: w.category.clone(),
        status: w.status,
        version: w.version,
        created_at: rfc3339(w.created_at),
        updated_at: rfc3339(w.updated_at),
        resident: PersonRef { id: w.resident_id.to_string(), name: w.resident_name.clone() },
        claimant,
        assignee,
        claim_expires_at: w.claim_expires_at.map(rfc3339),
        expected_by: w.expected_by.clone(),
        fulfilment_note: w.fulfilment_note.clone(),
        rating: w.rating,
        comment: w.comment.clone(),
        contact_phone: show_contact.then(|| w.contact_phone.clone()),
        flagged: None,
        photos: w.photos.iter().map(crate::photos::view).collect(),
        credit_minutes: w.credit_minutes,
        paid: w.paid_minutes.is_some(),
    }
}

/// One event of a wish's log.
pub fn event(e: &EventRecord) -> WishEvent {
    WishEvent {
        id: e.id.to_string(),
        at: rfc3339(e.at),
        actor_id: e.actor_id.map(|id| id.to_string()),
        action: e.action,
        from: e.from,
        to: e.to,
        reason: e.reason.clone(),
        photo_ids: Vec::new(),
    }
}

/// An account as its owner or an admin sees it.
pub fn user(u: &UserRecord) -> User {
    let mut roles: Vec<_> = u.grants.iter().map(|g| g.role).collect();
    roles.sort();
    roles.dedup();
    let mut communities: Vec<i64> = u.grants.iter().filter_map(|g| g.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    User {
        id: u.id.to_string(),
        name: u.name.clone(),
        phone: if crate::accounts::is_placeholder_phone(&u.phone) { String::new() } else { u.phone.clone() },
        roles,
        community_ids: communities.iter().map(i64::to_string).collect(),
        grants: u
            .grants
            .iter()
            .map(|g| RoleGrant { role: g.role, community_id: g.community_id.map(|c| c.to_string()) })
            .collect(),
    }
}

/// A community.
pub fn community(c: &CommunityRecord) -> Community {
    Community { id: c.id.to_string(), name: c.name.clone(), code: c.code.clone(), street_code: c.street_code.clone() }
}

fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(rfc3339).unwrap_or_default()
}

/// A work order as `viewer` may see it, with the actions they may take now.
pub fn work_order(viewer: Option<&Viewer<'_>>, o: &OrderRecord) -> WorkOrder {
    let actions = viewer.map(|v| available_order_actions(o.status, &v.relations(o))).unwrap_or_default();
    WorkOrder {
        id: o.id.to_string(),
        status: o.status,
        version: o.version,
        title: o.title.clone(),
        description: o.description.clone(),
        category: o.category.clone(),
        priority: o.priority,
        source: o.source.clone(),
        grid: PlaceRef {
            id: o.grid_id.to_string(),
            code: o.grid_code.clone(),
            name: o.grid_name.clone(),
            level: PlaceLevel::Grid,
        },
        community_id: o.community_id.to_string(),
        street_id: o.street_id.map(|s| s.to_string()),
        location: o.location.map(|(lng, lat)| GeoPoint { lng, lat }),
        reporter: PersonRef { id: o.reporter_id.to_string(), name: o.reporter_name.clone() },
        handler_grid: o.handler_grid_id.zip(o.handler_grid.as_ref()).map(|(id, (code, name))| PlaceRef {
            id: id.to_string(),
            code: code.clone(),
            name: name.clone(),
            level: PlaceLevel::Grid,
        }),
        departments: o
            .departments
            .iter()
            .map(|d| OrderDepartment {
                id: d.department_id.to_string(),
                name: d.name.clone(),
                lead: d.lead,
                sign_due_at: time(d.sign_due_at),
                signed_at: d.signed_at.map(time),
            })
            .collect(),
        dispatched_at: o.dispatched_at.map(time),
        sign_due_at: o.sign_due_at.map(time),
        resolve_due_at: o.resolve_due_at.map(time),
        signed_at: o.signed_at.map(time),
        resolved_at: o.resolved_at.map(time),
        resolution_note: o.resolution_note.clone(),
        extension: o.extension.as_ref().map(|(state, days, reason)| OrderExtension {
            state: *state,
            days: u32::try_from(*days).unwrap_or(0),
            reason: reason.clone(),
        }),
        supervised: o.supervised_at.is_some(),
        supervision_note: o.supervision_note.clone(),
        overdue: o.overdue_at.is_some() && o.status.is_with_handler(),
        satisfaction: o.satisfaction,
        created_at: time(o.created_at),
        updated_at: time(o.updated_at),
        actions,
        photos: o.photos.iter().map(crate::photos::view).collect(),
    }
}

/// One entry of a work order's event log.
pub fn order_event(e: &OrderEventRecord) -> Result<OrderEvent, ApiError> {
    let bad = || ApiError::internal();
    Ok(OrderEvent {
        id: e.id.to_string(),
        at: time(e.at),
        actor: e.actor.as_ref().map(|(id, name)| PersonRef { id: id.to_string(), name: name.clone() }),
        action: OrderAction::parse(&e.action).ok_or_else(bad)?,
        from_status: e.from_status.as_deref().and_then(OrderStatus::parse),
        to_status: OrderStatus::parse(&e.to_status).ok_or_else(bad)?,
        note: e.note.clone(),
        department_id: e.department_id.map(|d| d.to_string()),
        photo_ids: Vec::new(),
    })
}

/// A volunteer team; `my_role` is the caller's standing in it.
pub fn team(
    t: &crate::store::volunteers::TeamRecord,
    my_role: Option<haolin_shared::api::TeamRole>,
) -> haolin_shared::api::Team {
    haolin_shared::api::Team {
        id: t.id.to_string(),
        name: t.name.clone(),
        description: t.description.clone(),
        place: PlaceRef {
            id: t.place_id.to_string(),
            code: t.place_code.clone(),
            name: t.place_name.clone(),
            level: t.place_level,
        },
        leaders: t.leaders.iter().map(|(id, name)| PersonRef { id: id.to_string(), name: name.clone() }).collect(),
        member_count: t.member_count,
        my_role,
        created_at: rfc3339(t.created_at),
    }
}

/// One person on a team's list (name only).
pub fn team_member(m: &crate::store::volunteers::MemberRecord) -> haolin_shared::api::TeamMember {
    haolin_shared::api::TeamMember {
        person: PersonRef { id: m.user_id.to_string(), name: m.name.clone() },
        role: m.role,
        note: m.note.clone(),
        requested_at: rfc3339(m.requested_at),
        joined_at: m.joined_at.map(rfc3339),
    }
}

/// A sign-up.
pub fn signup(s: &crate::store::volunteers::SignupRecord) -> haolin_shared::api::Signup {
    haolin_shared::api::Signup {
        activity_id: s.activity_id.to_string(),
        status: s.status,
        waitlist_position: s.waitlist_position,
        signed_up_at: rfc3339(s.signed_up_at),
        checked_in_at: s.checked_in_at.map(rfc3339),
        checked_out_at: s.checked_out_at.map(rfc3339),
        minutes: s.minutes,
        confirmed_at: s.confirmed_at.map(rfc3339),
    }
}

/// An activity, with the caller's sign-up and whether they organise it.
pub fn activity(
    a: &crate::store::volunteers::ActivityRecord,
    my_signup: Option<&crate::store::volunteers::SignupRecord>,
    organising: bool,
) -> haolin_shared::api::Activity {
    haolin_shared::api::Activity {
        id: a.id.to_string(),
        team: haolin_shared::api::TeamRef { id: a.team_id.to_string(), name: a.team_name.clone() },
        title: a.title.clone(),
        description: a.description.clone(),
        place: PlaceRef {
            id: a.place_id.to_string(),
            code: a.place_code.clone(),
            name: a.place_name.clone(),
            level: a.place_level,
        },
        address: a.address.clone(),
        starts_at: rfc3339(a.starts_at),
        ends_at: rfc3339(a.ends_at),
        capacity: a.capacity,
        seats_taken: a.seats_taken,
        waitlist: a.waitlist,
        skills: a.skills.clone(),
        status: a.status,
        organiser: PersonRef { id: a.organiser_id.to_string(), name: a.organiser_name.clone() },
        my_signup: my_signup.map(signup),
        organising,
    }
}

/// One line of a roster.
pub fn roster_entry(s: &crate::store::volunteers::SignupRecord) -> haolin_shared::api::RosterEntry {
    haolin_shared::api::RosterEntry {
        person: PersonRef { id: s.user_id.to_string(), name: s.name.clone() },
        signup: signup(s),
    }
}
