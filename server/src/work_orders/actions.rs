//! Acting on a work order: decide with the shared state machine, then one conditional write with
//! its event rows and notifications. A lost race re-reads and decides again, so the loser is told
//! the order's real status (409), never silently overwritten.

use chrono::Utc;
use haolin_shared::api::{ErrorCode, OrderActionRequest, PhotoStage, PlaceLevel};
use haolin_shared::domain::{
    ExtensionState, Note, OrderAction, OrderRefusal, OrderRelations, OrderStatus, Reason, Satisfaction,
};
use haolin_shared::labels::Label;

use super::deadlines::{self, Clocks};
use super::{Viewer, month_of};
use crate::error::ApiError;
use crate::extract::field_id;
use crate::state::AppState;
use crate::store::wechat::{Notice, Recipient};
use crate::store::work_orders::{EventRow, OrderRecord, OrderWrite, OrderWriteFailure, Val};

/// Who is acting.
#[derive(Debug, Clone, Copy)]
pub enum OrderActor<'a> {
    /// A person.
    Person(&'a Viewer<'a>),
    /// A background job.
    System,
}

impl OrderActor<'_> {
    fn id(&self) -> Option<i64> {
        match self {
            Self::Person(v) => Some(v.caller.id()),
            Self::System => None,
        }
    }
}

/// How many times a lost race is decided again.
const ATTEMPTS: usize = 3;

/// The most co-handling departments of one whistle.
pub const MAX_CO_DEPARTMENTS: usize = 8;

fn refusal(r: OrderRefusal, o: &OrderRecord) -> ApiError {
    match r {
        OrderRefusal::Forbidden => ApiError::forbidden(),
        OrderRefusal::InvalidState { current } => ApiError::order_conflict(ErrorCode::InvalidState, current, o.version),
    }
}

fn reason(input: &OrderActionRequest, field: &str) -> Result<String, ApiError> {
    let raw = input.reason.as_deref().ok_or_else(|| ApiError::invalid_field(field, "请填写原因"))?;
    Reason::parse(raw).map(Reason::into_inner).map_err(|e| ApiError::invalid_value(field, e))
}

/// Takes `action` on order `id` for `actor`; answers the order after the change.
pub async fn act(
    state: &AppState,
    actor: OrderActor<'_>,
    id: i64,
    action: OrderAction,
    input: &OrderActionRequest,
) -> Result<OrderRecord, ApiError> {
    act_at(state, actor, id, action, input, Utc::now().timestamp_millis()).await
}

/// [`act`] as if taken at `at` (UTC ms): its deadlines, minutes and event rows are those of that
/// instant. The demo data replays a few days of history with it; requests and jobs act now.
pub async fn act_at(
    state: &AppState,
    actor: OrderActor<'_>,
    id: i64,
    action: OrderAction,
    input: &OrderActionRequest,
    at: i64,
) -> Result<OrderRecord, ApiError> {
    let mut order = state.store.order(id).await?.ok_or_else(ApiError::not_found)?;
    if let OrderActor::Person(viewer) = actor
        && !viewer.can_see(&order)
    {
        return Err(ApiError::not_found());
    }
    let stage = match action {
        OrderAction::Resolve => Some(PhotoStage::Resolve),
        OrderAction::Visit => Some(PhotoStage::Visit),
        _ => None,
    };
    let photos = match (actor, stage, input.photos.as_deref()) {
        (_, _, None) => None,
        (_, _, Some([])) => None,
        (OrderActor::Person(viewer), Some(stage), raw) => {
            crate::photos::attachment(state, viewer.caller, raw, stage).await?
        }
        _ => return Err(ApiError::invalid_field("photos", "此操作不能附照片")),
    };
    for _ in 0..ATTEMPTS {
        let mut write = plan(state, actor, &order, action, input, at).await?;
        write.photos.clone_from(&photos);
        match state.store.write_order(&write).await {
            Ok((after, _event)) => return Ok(after),
            Err(OrderWriteFailure::Stale(now)) => order = *now,
            Err(OrderWriteFailure::Missing) => return Err(ApiError::not_found()),
            Err(OrderWriteFailure::Store(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::order_conflict(ErrorCode::InvalidState, order.status, order.version))
}

/// Those who hear about what the handler does: the level that dispatched the round.
fn dispatching_level(o: &OrderRecord, except: Option<i64>) -> Recipient {
    match (o.dispatch_level.as_deref(), o.street_id) {
        (Some("street"), Some(street)) => Recipient::PlaceRole { role: "street_officer", place_id: street, except },
        _ => Recipient::Dispatchers { community_id: o.community_id, except },
    }
}

/// The handlers of the current round (the grid's workers, or every department's staff).
fn handlers(o: &OrderRecord, except: Option<i64>) -> Vec<Recipient> {
    match (o.dispatch_level.as_deref(), o.handler_grid_id) {
        (Some("street"), _) => o
            .departments
            .iter()
            .map(|d| Recipient::DepartmentStaff { department_id: d.department_id, except })
            .collect(),
        (_, Some(grid)) => vec![Recipient::PlaceRole { role: "grid_worker", place_id: grid, except }],
        _ => Vec::new(),
    }
}

fn notice(to: Recipient, kind: &'static str, title: String, body: String) -> Notice {
    Notice { to, kind, title, body, message: None }
}

/// The columns a new round resets: its handler, deadlines, signatures and extension.
fn new_round(
    o: &OrderRecord,
    level: &str,
    grid: Option<i64>,
    lead: Option<i64>,
    clocks: Clocks,
    at: i64,
) -> Vec<(&'static str, Val)> {
    vec![
        ("round", Val::Int(Some(o.round + 1))),
        ("dispatch_level", Val::Text(Some(level.to_owned()))),
        ("handler_grid_id", Val::Int(grid)),
        ("lead_department_id", Val::Int(lead)),
        ("dispatched_at", Val::Int(Some(at))),
        ("sign_due_at", Val::Int(Some(clocks.sign_due))),
        ("resolve_due_at", Val::Int(Some(clocks.resolve_due))),
        ("return_until", Val::Int(Some(clocks.return_until))),
        ("signed_at", Val::Int(None)),
        ("resolved_at", Val::Int(None)),
        ("resolution_note", Val::Text(None)),
        ("extension_state", Val::Text(None)),
        ("extension_days", Val::Int(None)),
        ("extension_reason", Val::Text(None)),
        ("overdue_at", Val::Int(None)),
        ("reminded_at", Val::Int(None)),
        ("satisfaction", Val::Text(None)),
        ("visit_note", Val::Text(None)),
    ]
}

/// Decides `action` on `o` for `actor` and builds the write that carries it out.
async fn plan(
    state: &AppState,
    actor: OrderActor<'_>,
    o: &OrderRecord,
    action: OrderAction,
    input: &OrderActionRequest,
    at: i64,
) -> Result<OrderWrite, ApiError> {
    let who = match actor {
        OrderActor::Person(viewer) => viewer.relations(o),
        OrderActor::System => OrderRelations::system(),
    };
    if let Some(v) = input.version
        && v != o.version
    {
        return Err(ApiError::order_conflict(ErrorCode::VersionConflict, o.status, o.version));
    }
    let mut to = haolin_shared::domain::work_order::transition(o.status, action, &who).map_err(|r| refusal(r, o))?;
    let me = actor.id();
    let title = &o.title;
    let settings = &state.settings.work_orders;
    let mut write = OrderWrite {
        order_id: o.id,
        expected_version: o.version,
        from: o.status,
        to,
        at,
        month: month_of(at),
        actor_id: me,
        set: Vec::new(),
        new_departments: Vec::new(),
        department_signs: None,
        events: Vec::new(),
        notices: Vec::new(),
        photos: None,
    };
    let mut event = EventRow { action: action.as_str(), from: Some(o.status), to: Some(to), ..EventRow::default() };
    let reporter = Recipient::User(o.reporter_id);
    match action {
        OrderAction::Accept => {
            if let Some(p) = input.priority {
                write.set.push(("priority", Val::Text(Some(p.as_str().to_owned()))));
            }
            write.notices.push(notice(reporter, "order_accepted", format!("您上报的「{title}」已受理"), String::new()));
        }
        OrderAction::Decline => {
            let why = reason(input, "reason")?;
            write.notices.push(notice(reporter, "order_declined", format!("您上报的「{title}」不予受理"), why.clone()));
            event.note = Some(why);
        }
        OrderAction::Dispatch => {
            let raw = input.grid_id.as_deref().ok_or_else(|| ApiError::invalid_field("grid_id", "请选择处理的网格"))?;
            let grid_id = field_id("grid_id", raw)?;
            match state.store.place(grid_id).await? {
                Some(g)
                    if g.level == PlaceLevel::Grid && g.parent_id == Some(o.community_id) && g.retired_at.is_none() => {
                }
                _ => return Err(ApiError::invalid_field("grid_id", "网格不存在，或不属于该社区")),
            }
            let priority = input.priority.unwrap_or(o.priority);
            let calendar = deadlines::calendar(state).await?;
            let clocks = deadlines::clocks(settings, &calendar, priority, at);
            write.set = new_round(o, "community", Some(grid_id), None, clocks, at);
            write.set.push(("priority", Val::Text(Some(priority.as_str().to_owned()))));
            write.notices.push(notice(
                Recipient::PlaceRole { role: "grid_worker", place_id: grid_id, except: me },
                "order_dispatched",
                format!("新派工单「{title}」，请及时签收"),
                format!("{}优先级", priority.label()),
            ));
        }
        OrderAction::Escalate => {
            let why = reason(input, "reason")?;
            let street =
                o.street_id.ok_or_else(|| ApiError::new(ErrorCode::InvalidField, "该社区不属于任何街道，无法上报"))?;
            write.notices.push(notice(
                Recipient::PlaceRole { role: "street_officer", place_id: street, except: me },
                "order_escalated",
                format!("社区上报工单「{title}」，请吹哨派单"),
                why.clone(),
            ));
            event.note = Some(why);
        }
        OrderAction::Whistle => {
            let raw = input
                .lead_department_id
                .as_deref()
                .ok_or_else(|| ApiError::invalid_field("lead_department_id", "请选择牵头部门"))?;
            let lead = field_id("lead_department_id", raw)?;
            let mut co = Vec::new();
            for (i, raw) in input.co_department_ids.iter().flatten().enumerate() {
                let id = field_id(&format!("co_department_ids[{i}]"), raw)?;
                if id == lead || co.contains(&id) {
                    return Err(ApiError::invalid_field(
                        format!("co_department_ids[{i}]"),
                        "协办部门不能重复，也不能是牵头部门",
                    ));
                }
                co.push(id);
            }
            if co.len() > MAX_CO_DEPARTMENTS {
                return Err(ApiError::invalid_field(
                    "co_department_ids",
                    format!("协办部门最多 {MAX_CO_DEPARTMENTS} 个"),
                ));
            }
            // A department of the district, or of the order's own street.
            for (field, id) in std::iter::once(("lead_department_id".to_owned(), lead))
                .chain(co.iter().enumerate().map(|(i, id)| (format!("co_department_ids[{i}]"), *id)))
            {
                let Some(d) = state.store.department(id).await? else {
                    return Err(ApiError::invalid_field(field, "部门不存在"));
                };
                let place = state.store.place(d.place_id).await?;
                let ok = place.is_some_and(|p| p.level == PlaceLevel::District || Some(p.id) == o.street_id);
                if !ok {
                    return Err(ApiError::invalid_field(field, "只能向区级部门或本街道的部门吹哨"));
                }
            }
            let priority = input.priority.unwrap_or(o.priority);
            let calendar = deadlines::calendar(state).await?;
            let clocks = deadlines::clocks(settings, &calendar, priority, at);
            write.set = new_round(o, "street", None, Some(lead), clocks, at);
            write.set.push(("priority", Val::Text(Some(priority.as_str().to_owned()))));
            write.new_departments.push((lead, true, clocks.sign_due));
            write.new_departments.extend(co.iter().map(|d| (*d, false, clocks.sign_due)));
            event.department_id = Some(lead);
            for d in std::iter::once(lead).chain(co.iter().copied()) {
                let role = if d == lead { "牵头" } else { "协办" };
                write.notices.push(notice(
                    Recipient::DepartmentStaff { department_id: d, except: me },
                    "order_whistled",
                    format!("街道吹哨：工单「{title}」请{role}并按时报到"),
                    format!("{}优先级", priority.label()),
                ));
            }
            write.notices = crate::notify::with_order_messages(&state.settings.wechat, write.notices, o.id, title);
            write.events.push(event);
            for d in &co {
                write.events.push(EventRow {
                    action: action.as_str(),
                    from: Some(to),
                    to: Some(to),
                    department_id: Some(*d),
                    ..EventRow::default()
                });
            }
            return Ok(write);
        }
        OrderAction::Sign => {
            let calendar = deadlines::calendar(state).await?;
            let from = o.dispatched_at.unwrap_or(at);
            event.minutes = Some(deadlines::minutes_taken(&calendar, o.priority, from, at));
            let (department, due) = if who.lead && o.status == OrderStatus::Dispatched {
                write.set.push(("signed_at", Val::Int(Some(at))));
                // The resolve deadline's reminder comes next.
                write.set.push(("reminded_at", Val::Int(None)));
                write.notices.push(notice(
                    reporter,
                    "order_signed",
                    format!("您上报的「{title}」已有人签收办理"),
                    String::new(),
                ));
                (o.lead_department_id.filter(|_| o.dispatch_level.as_deref() == Some("street")), o.sign_due_at)
            } else {
                let OrderActor::Person(viewer) = actor else { return Err(ApiError::forbidden()) };
                let mine = o
                    .departments
                    .iter()
                    .find(|d| !d.lead && d.signed_at.is_none() && viewer.departments.contains(&d.department_id))
                    .ok_or_else(ApiError::forbidden)?;
                (Some(mine.department_id), Some(mine.sign_due_at))
            };
            write.department_signs = department;
            event.department_id = department;
            event.on_time = Some(due.is_none_or(|d| at <= d));
        }
        OrderAction::Return => {
            let why = reason(input, "reason")?;
            if o.return_until.is_some_and(|until| at > until) {
                return Err(ApiError::new(
                    ErrorCode::ReturnWindowClosed,
                    "已超过退单时限（派单后 2 个工作小时内），请签收办理或申请延期",
                ));
            }
            write.notices.push(notice(
                dispatching_level(o, me),
                "order_returned",
                format!("工单「{title}」被退回"),
                why.clone(),
            ));
            event.department_id = o.lead_department_id.filter(|_| o.dispatch_level.as_deref() == Some("street"));
            event.note = Some(why);
        }
        OrderAction::Resolve => {
            let raw = input.note.as_deref().ok_or_else(|| ApiError::invalid_field("note", "请填写办结情况"))?;
            let note = Note::parse(raw).map(Note::into_inner).map_err(|e| ApiError::invalid_value("note", e))?;
            let calendar = deadlines::calendar(state).await?;
            let from = o.dispatched_at.unwrap_or(at);
            event.minutes = Some(deadlines::minutes_taken(&calendar, o.priority, from, at));
            event.on_time = Some(o.resolve_due_at.is_none_or(|d| at <= d));
            event.department_id = o.lead_department_id.filter(|_| o.dispatch_level.as_deref() == Some("street"));
            write.set.push(("resolved_at", Val::Int(Some(at))));
            write.set.push(("resolution_note", Val::Text(Some(note.clone()))));
            write.notices.push(notice(
                reporter,
                "order_resolved",
                format!("您上报的「{title}」已办结，请评价"),
                note.clone(),
            ));
            write.notices.push(notice(
                dispatching_level(o, me),
                "order_resolved",
                format!("工单「{title}」已办结"),
                String::new(),
            ));
            event.note = Some(note);
        }
        OrderAction::Visit => {
            let answer: Satisfaction = input
                .satisfaction
                .ok_or_else(|| ApiError::invalid_field("satisfaction", "请选择满意、基本满意或不满意"))?;
            let note = input
                .note
                .as_deref()
                .map(|n| Note::parse(n).map(Note::into_inner).map_err(|e| ApiError::invalid_value("note", e)))
                .transpose()?;
            to = answer.outcome();
            write.to = to;
            event.to = Some(to);
            event.satisfaction = Some(answer);
            event.department_id = o.lead_department_id.filter(|_| o.dispatch_level.as_deref() == Some("street"));
            event.note = note.clone();
            write.set.push(("satisfaction", Val::Text(Some(answer.as_str().to_owned()))));
            write.set.push(("visit_note", Val::Text(note)));
            if to == OrderStatus::Reopened {
                write.notices.push(notice(
                    Recipient::Dispatchers { community_id: o.community_id, except: me },
                    "order_reopened",
                    format!("工单「{title}」回访不满意，需重办"),
                    String::new(),
                ));
            }
        }
        OrderAction::RequestExtension => {
            if o.extension.is_some() {
                return Err(ApiError::new(ErrorCode::ExtensionUsed, "每张工单只能申请一次延期"));
            }
            let max = settings.max_extension_days;
            let days = input.days.ok_or_else(|| ApiError::invalid_field("days", "请填写延期的工作日天数"))?;
            if days == 0 || days > max {
                return Err(ApiError::invalid_field("days", format!("延期须为 1 到 {max} 个工作日")));
            }
            let why = reason(input, "reason")?;
            write.set.push(("extension_state", Val::Text(Some(ExtensionState::Requested.as_str().to_owned()))));
            write.set.push(("extension_days", Val::Int(Some(i64::from(days)))));
            write.set.push(("extension_reason", Val::Text(Some(why.clone()))));
            write.notices.push(notice(
                dispatching_level(o, me),
                "order_extension_requested",
                format!("工单「{title}」申请延期 {days} 个工作日"),
                why.clone(),
            ));
            event.note = Some(why);
        }
        OrderAction::GrantExtension | OrderAction::RefuseExtension => {
            let Some((ExtensionState::Requested, days, _)) = &o.extension else {
                return Err(match o.extension {
                    Some(_) => ApiError::new(ErrorCode::ExtensionUsed, "该工单的延期申请已处理"),
                    None => ApiError::new(ErrorCode::InvalidState, "该工单没有待处理的延期申请"),
                });
            };
            let grant = action == OrderAction::GrantExtension;
            let state_after = if grant { ExtensionState::Granted } else { ExtensionState::Refused };
            write.set.push(("extension_state", Val::Text(Some(state_after.as_str().to_owned()))));
            if grant {
                let calendar = deadlines::calendar(state).await?;
                let due = o.resolve_due_at.unwrap_or(at);
                write.set.push(("resolve_due_at", Val::Int(Some(calendar.add_working_days(due, *days)))));
                write.set.push(("reminded_at", Val::Int(None)));
            } else {
                event.note = Some(reason(input, "reason")?);
            }
            let summary = if grant { "已同意" } else { "未获同意" };
            for to in handlers(o, me) {
                write.notices.push(notice(
                    to,
                    "order_extension_decided",
                    format!("工单「{title}」的延期申请{summary}"),
                    String::new(),
                ));
            }
        }
        OrderAction::Supervise => {
            let note = reason(input, "reason")?;
            if o.supervised_at.is_none() {
                write.set.push(("supervised_at", Val::Int(Some(at))));
            }
            write.set.push(("supervision_note", Val::Text(Some(note.clone()))));
            for to in
                handlers(o, me).into_iter().chain([Recipient::Dispatchers { community_id: o.community_id, except: me }])
            {
                write.notices.push(notice(to, "order_supervised", format!("工单「{title}」被督办"), note.clone()));
            }
            event.note = Some(note);
        }
        OrderAction::FlagOverdue => {
            if o.supervised_at.is_none() {
                write.set.push(("supervised_at", Val::Int(Some(at))));
                write.set.push(("supervision_note", Val::Text(Some("超过时限，系统自动督办".to_owned()))));
            }
            write.set.push(("overdue_at", Val::Int(Some(at))));
            let what = if o.status == OrderStatus::Dispatched { "签收" } else { "办结" };
            let mut to = handlers(o, None);
            to.push(Recipient::Dispatchers { community_id: o.community_id, except: None });
            if let Some(street) = o.street_id {
                to.push(Recipient::PlaceRole { role: "street_officer", place_id: street, except: None });
            }
            for r in to {
                write.notices.push(notice(
                    r,
                    "order_overdue",
                    format!("工单「{title}」超过{what}时限，已督办"),
                    String::new(),
                ));
            }
            event.note = Some(format!("超过{what}时限"));
        }
        OrderAction::Report | OrderAction::ResolveOnSpot => return Err(ApiError::forbidden()),
    }
    write.events.insert(0, event);
    // Nobody is told of their own act.
    write.notices.retain(|n| !matches!(n.to, Recipient::User(id) if Some(id) == me));
    write.notices = crate::notify::with_order_messages(&state.settings.wechat, write.notices, o.id, title);
    Ok(write)
}
