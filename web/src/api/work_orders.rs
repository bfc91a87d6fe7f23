//! `/work-orders` (工单) and `/departments`: reporting (随手拍, a patrol's find), the lists, one
//! order, the actions of the closed loop, the whistle's departments and the
//! scorecard.

use std::future::Future;

use haolin_shared::api::{Department, Items, OrderActionRequest, Page, ReportOrderRequest, Scorecard, WorkOrder};
use haolin_shared::domain::{OrderAction, OrderStatus};

use super::post;
use crate::error::ApiError;
use crate::http::BASE;

/// Whose orders a list shows (`GET /work-orders?…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderScope {
    /// The orders I reported.
    Mine,
    /// The orders I must handle now (a department's inbox, a grid worker's dispatched orders).
    Inbox,
    /// A community's orders.
    Community(String),
    /// A grid's orders.
    Grid(String),
    /// A street's orders.
    Street(String),
}

/// One list of orders: a scope and its optional filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderQuery {
    /// Whose orders.
    pub scope: OrderScope,
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Only orders past a deadline.
    pub overdue: bool,
}

impl OrderQuery {
    /// The orders of `scope`, unfiltered.
    pub fn of(scope: OrderScope) -> Self {
        Self { scope, status: None, overdue: false }
    }

    /// Whether `order`, as it is now, belongs in this list (for live updates). Whose orders `Mine`
    /// holds is for the page to say, which knows who is asking; the inbox holds what the caller
    /// may act on.
    pub fn admits(&self, order: &WorkOrder) -> bool {
        let in_scope = match &self.scope {
            OrderScope::Mine => true,
            OrderScope::Inbox => !order.actions.is_empty(),
            OrderScope::Community(id) => order.community_id == *id,
            OrderScope::Grid(id) => order.grid.id == *id,
            OrderScope::Street(id) => order.street_id.as_deref() == Some(id.as_str()),
        };
        in_scope && self.status.is_none_or(|s| s == order.status) && (!self.overdue || order.overdue)
    }

    /// The filters as a query string (without `?`): the export of the same orders.
    pub fn filters(&self) -> String {
        self.query(None)
    }

    /// The query string (without `?`) of one page after `cursor`.
    fn query(&self, cursor: Option<&str>) -> String {
        let mut q = match &self.scope {
            OrderScope::Mine => "mine=true".to_owned(),
            OrderScope::Inbox => "inbox=true".to_owned(),
            OrderScope::Community(id) => format!("community_id={id}"),
            OrderScope::Grid(id) => format!("grid_id={id}"),
            OrderScope::Street(id) => format!("street_id={id}"),
        };
        if let Some(s) = self.status {
            q.push_str("&status=");
            q.push_str(s.as_str());
        }
        if self.overdue {
            q.push_str("&overdue=true");
        }
        if let Some(c) = cursor {
            q.push_str("&cursor=");
            q.push_str(c);
        }
        q
    }
}

/// `GET /work-orders/categories`: the categories an order may have.
pub fn categories() -> impl Future<Output = Result<Items<String>, ApiError>> {
    super::get("/work-orders/categories".to_owned())
}

/// `POST /work-orders`: reports a problem (随手拍, a patrol's find, or one solved on the spot).
pub fn report(request: &ReportOrderRequest) -> impl Future<Output = Result<WorkOrder, ApiError>> + use<> {
    post("/work-orders".to_owned(), request)
}

/// `GET /work-orders?…[&cursor=…]`: one page of `query`, newest first.
pub fn list(
    query: &OrderQuery,
    cursor: Option<&str>,
) -> impl Future<Output = Result<Page<WorkOrder>, ApiError>> + use<> {
    super::get(format!("/work-orders?{}", query.query(cursor)))
}

/// `GET /work-orders/{id}`.
pub fn get(id: &str) -> impl Future<Output = Result<WorkOrder, ApiError>> + use<> {
    super::get(format!("/work-orders/{id}"))
}

/// `POST /work-orders/{id}/{action}` with what the action needs.
pub fn act(
    id: &str,
    action: OrderAction,
    request: &OrderActionRequest,
) -> impl Future<Output = Result<WorkOrder, ApiError>> + use<> {
    post(format!("/work-orders/{id}/{}", action.as_str()), request)
}

/// `GET /departments`: the departments a street may whistle.
pub fn departments() -> impl Future<Output = Result<Items<Department>, ApiError>> {
    super::get("/departments".to_owned())
}

/// The path of a scorecard: `unit` (`street`, `community`, `grid`, `department`) `id`, from
/// `from` to `to` (`YYYY-MM-DD`).
fn scorecard_path(unit: &str, id: &str, from: &str, to: &str) -> String {
    format!("/work-orders/scorecard?unit={unit}&id={id}&from={from}&to={to}")
}

/// `GET /work-orders/scorecard?…`: a unit's figures by month and in total.
pub fn scorecard(
    unit: &str,
    id: &str,
    from: &str,
    to: &str,
) -> impl Future<Output = Result<Scorecard, ApiError>> + use<> {
    super::get(scorecard_path(unit, id, from, to))
}

/// The URL of the work-order event stream for `access_token` (an `EventSource` cannot send headers).
pub fn stream_url(access_token: &str) -> String {
    format!("{BASE}/work-orders/stream?access_token={access_token}")
}

/// Orders for the unit tests of the layers above.
#[cfg(test)]
pub mod fixtures {
    use haolin_shared::api::{PersonRef, PlaceLevel, PlaceRef, WorkOrder};
    use haolin_shared::domain::{OrderStatus, Priority};

    /// An order `id` of grid 4 in community 2 (street 1), reported by account 5, in `status`.
    pub fn order(id: &str, status: OrderStatus) -> WorkOrder {
        WorkOrder {
            id: id.into(),
            status,
            version: 1,
            title: format!("工单{id}"),
            description: "井盖缺失".into(),
            category: "市容环境".into(),
            priority: Priority::Normal,
            source: "resident".into(),
            grid: PlaceRef { id: "4".into(), code: "c4".into(), name: "一网格".into(), level: PlaceLevel::Grid },
            community_id: "2".into(),
            street_id: Some("1".into()),
            location: None,
            reporter: PersonRef { id: "5".into(), name: "赵阿姨".into() },
            handler_grid: None,
            departments: vec![],
            dispatched_at: None,
            sign_due_at: None,
            resolve_due_at: None,
            signed_at: None,
            resolved_at: None,
            resolution_note: None,
            extension: None,
            supervised: false,
            supervision_note: None,
            overdue: false,
            satisfaction: None,
            created_at: format!("2026-11-28T10:00:0{}Z", id.len() % 10),
            updated_at: "2026-11-28T10:00:00Z".into(),
            actions: vec![],
            photos: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_asks_for_what_it_shows() {
        let q = |scope| OrderQuery::of(scope).query(None);
        assert_eq!(q(OrderScope::Mine), "mine=true");
        assert_eq!(q(OrderScope::Inbox), "inbox=true");
        assert_eq!(q(OrderScope::Grid("4".into())), "grid_id=4");
        let tab =
            OrderQuery { status: Some(OrderStatus::Reported), ..OrderQuery::of(OrderScope::Community("2".into())) };
        assert_eq!(tab.query(Some("c9")), "community_id=2&status=reported&cursor=c9");
        let board = OrderQuery { overdue: true, ..OrderQuery::of(OrderScope::Street("1".into())) };
        assert_eq!(board.query(None), "street_id=1&overdue=true");
    }

    #[test]
    fn a_live_order_is_kept_where_the_query_would_list_it() {
        use super::fixtures::order;
        let mut o = order("7", OrderStatus::Reported);
        let tab =
            OrderQuery { status: Some(OrderStatus::Reported), ..OrderQuery::of(OrderScope::Community("2".into())) };
        assert!(tab.admits(&o));
        assert!(!OrderQuery::of(OrderScope::Community("3".into())).admits(&o));
        assert!(OrderQuery::of(OrderScope::Grid("4".into())).admits(&o));
        assert!(OrderQuery::of(OrderScope::Street("1".into())).admits(&o));
        assert!(!OrderQuery::of(OrderScope::Inbox).admits(&o), "nothing for me to do");
        o.actions = vec![haolin_shared::domain::OrderAction::Sign];
        assert!(OrderQuery::of(OrderScope::Inbox).admits(&o));
        o.status = OrderStatus::Accepted;
        assert!(!tab.admits(&o), "it left the tab");
        let board = OrderQuery { overdue: true, ..OrderQuery::of(OrderScope::Street("1".into())) };
        assert!(!board.admits(&o));
        o.overdue = true;
        assert!(board.admits(&o));
    }

    #[test]
    fn the_scorecard_and_the_stream_have_their_paths() {
        assert_eq!(
            scorecard_path("street", "1", "2026-11-01", "2026-11-30"),
            "/work-orders/scorecard?unit=street&id=1&from=2026-11-01&to=2026-11-30"
        );
        assert_eq!(stream_url("t0k"), "/api/v1/work-orders/stream?access_token=t0k");
    }
}
