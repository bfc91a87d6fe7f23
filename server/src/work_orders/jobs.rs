//! The work-order jobs: remind the handler before a deadline, and flag an order whose deadline
//! passed for supervision (超时督办). Each item moves by one conditional write (the reminder's
//! `reminded_at IS NULL`, the flag's version check), so several instances handle it once.

use chrono::Utc;

use super::actions::{self, OrderActor};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::wechat::{Notice, Recipient};
use haolin_shared::api::OrderActionRequest;
use haolin_shared::domain::{OrderAction, OrderStatus};

/// Orders handled per job round and kind.
const BATCH: u32 = 200;

/// Flags every order past a deadline; answers how many this instance flagged.
pub async fn flag_overdue(state: &AppState) -> Result<usize, ApiError> {
    let now = Utc::now().timestamp_millis();
    let mut flagged = 0;
    for due in state.store.overdue_orders(now, BATCH).await? {
        let input = OrderActionRequest { version: Some(due.version), ..OrderActionRequest::default() };
        match actions::act(state, OrderActor::System, due.id, OrderAction::FlagOverdue, &input).await {
            Ok(_) => flagged += 1,
            // Another instance flagged it, or a person moved it on first.
            Err(e) if e.code.http_status() == 409 || e.code == haolin_shared::api::ErrorCode::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(flagged)
}

/// Reminds the handlers of orders whose deadline is near; answers how many this instance wrote.
pub async fn remind(state: &AppState) -> Result<usize, ApiError> {
    let now = Utc::now().timestamp_millis();
    let horizon = now + state.settings.work_orders.remind_before_minutes * 60_000;
    let mut reminded = 0;
    for due in state.store.orders_to_remind(now, horizon, BATCH).await? {
        let Some(order) = state.store.order(due.id).await? else { continue };
        if order.version != due.version {
            continue;
        }
        let what = if order.status == OrderStatus::Dispatched { "签收" } else { "办结" };
        let to: Vec<Recipient> = match (order.dispatch_level.as_deref(), order.handler_grid_id) {
            (Some("street"), _) => order
                .departments
                .iter()
                .filter(|d| d.lead || d.signed_at.is_none())
                .map(|d| Recipient::DepartmentStaff { department_id: d.department_id, except: None })
                .collect(),
            (_, Some(grid)) => vec![Recipient::PlaceRole { role: "grid_worker", place_id: grid, except: None }],
            _ => Vec::new(),
        };
        let notices: Vec<Notice> = to
            .into_iter()
            .map(|r| Notice {
                to: r,
                kind: "order_due_soon",
                title: format!("工单「{}」即将超过{what}时限", order.title),
                body: String::new(),
                message: None,
            })
            .collect();
        let notices = crate::notify::with_order_messages(&state.settings.wechat, notices, order.id, &order.title);
        if state.store.remind_order(due, now, &notices).await? {
            reminded += 1;
        }
    }
    Ok(reminded)
}
