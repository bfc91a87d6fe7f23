//! Work orders (工单): who sees an order and how they stand to it. The workflows live in the
//! submodules: `report.rs` (随手拍 and patrol reports), `actions.rs` (every action through the
//! shared state machine and one conditional write), `deadlines.rs` (the working-day calendar and
//! the clocks), `scorecard.rs` (三率 from the event log), `departments.rs` and `jobs.rs`
//! (reminders and overdue flags). docs/WORK-ORDERS.md describes the rules.

pub mod actions;
pub mod deadlines;
pub mod departments;
pub mod jobs;
pub mod report;
pub mod scorecard;

use haolin_shared::api::Role;
use haolin_shared::domain::OrderRelations;
use haolin_shared::domain::calendar::shanghai_date;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::work_orders::{OrderQuery, OrderRecord};

/// The month (`YYYY-MM`, Asia/Shanghai) of an instant in UTC milliseconds.
pub fn month_of(ms: i64) -> String {
    let day = shanghai_date(ms);
    format!("{:04}-{:02}", day.year, day.month)
}

/// The caller with the places and departments that decide what they see of work orders.
#[derive(Debug, Clone)]
pub struct Viewer<'a> {
    /// The caller.
    pub caller: &'a Caller,
    /// Streets the caller is an officer of.
    pub streets: Vec<i64>,
    /// Grids the caller works (grid worker or grid leader).
    pub grids: Vec<i64>,
    /// Departments the caller is on the staff of.
    pub departments: Vec<i64>,
}

impl<'a> Viewer<'a> {
    /// Reads the caller's roles held at places (a role at a place needs no account-wide role) and,
    /// for department officers, their departments.
    pub async fn load(state: &AppState, caller: &'a Caller) -> Result<Self, ApiError> {
        let mut viewer = Self { caller, streets: Vec::new(), grids: Vec::new(), departments: Vec::new() };
        for (role, place) in state.store.place_grants_of(caller.id()).await? {
            match role {
                Role::StreetOfficer => viewer.streets.push(place),
                Role::GridWorker | Role::GridLeader => viewer.grids.push(place),
                _ => {}
            }
        }
        if caller.has_role(Role::DepartmentOfficer) {
            viewer.departments = state.store.departments_of(caller.id()).await?;
        }
        Ok(viewer)
    }

    /// Whether the caller oversees a street (an officer of it, or an admin).
    pub fn oversees_street(&self, street_id: Option<i64>) -> bool {
        self.caller.is_admin() || street_id.is_some_and(|s| self.streets.contains(&s))
    }

    /// Whether the caller may see an order: its reporter and whoever filed it, the grid workers of
    /// its grid and of the grid handling it, the community's dispatchers, the street's officers,
    /// the staff of every department it was whistled to, and admins.
    pub fn can_see(&self, o: &OrderRecord) -> bool {
        let me = self.caller.id();
        o.reporter_id == me
            || o.filed_by == me
            || self.grids.contains(&o.grid_id)
            || o.handler_grid_id.is_some_and(|g| self.grids.contains(&g))
            || self.caller.manages(o.community_id)
            || self.oversees_street(o.street_id)
            || o.all_departments.iter().any(|d| self.departments.contains(d))
    }

    /// How the caller stands to an order, for the state machine.
    pub fn relations(&self, o: &OrderRecord) -> OrderRelations {
        let street = self.oversees_street(o.street_id);
        let dispatcher = self.caller.dispatches_for(o.community_id);
        let by_street = o.dispatch_level.as_deref() == Some("street");
        let lead = if by_street {
            o.lead_department_id.is_some_and(|d| self.departments.contains(&d))
        } else {
            o.handler_grid_id.is_some_and(|g| self.grids.contains(&g))
        };
        OrderRelations {
            reporter: o.reporter_id == self.caller.id() || o.filed_by == self.caller.id(),
            grid_worker: self.grids.contains(&o.grid_id),
            dispatcher,
            street,
            lead,
            co_handler: by_street
                && o.departments
                    .iter()
                    .any(|d| !d.lead && d.signed_at.is_none() && self.departments.contains(&d.department_id)),
            dispatching_level: match o.dispatch_level.as_deref() {
                Some("street") => street,
                Some(_) => dispatcher || self.caller.is_admin(),
                None => false,
            },
            system: false,
        }
    }

    /// The list query of everything the caller may see, to narrow with filters.
    pub fn query(&self) -> OrderQuery {
        OrderQuery {
            sees_all: self.caller.is_admin(),
            viewer_id: self.caller.id(),
            communities: self.caller.communities(Role::Dispatcher),
            streets: self.streets.clone(),
            grids: self.grids.clone(),
            departments: self.departments.clone(),
            limit: 20,
            ..OrderQuery::default()
        }
    }
}
