//! What can be exported: each source parses the filters of its JSON list, checks the caller's
//! scope like that list (plus: exports are for the office, so residents and members are refused),
//! and reads its rows in keyset pages through the list's own store query.
//!
//! Adding a source: a [`Kind`] variant, its name in
//! [`Kind::parse`], a type implementing [`Source`] built in [`Kind::source`], and two routes.

use std::collections::HashMap;

use async_trait::async_trait;
use haolin_shared::api::{FigureRow, Role};
use haolin_shared::domain::{CheckinStatus, OrderStatus, WishStatus};
use haolin_shared::labels::Label;

use super::{Cell, PAGE_ROWS, Row, Source};
use crate::auth::Caller;
use crate::checkins;
use crate::error::ApiError;
use crate::extract::{field_id, flag};
use crate::figures::{self, FigureQuery};
use crate::state::AppState;
use crate::store::WishQuery;
use crate::store::work_orders::OrderQuery;
use crate::views;
use crate::work_orders::Viewer;

/// An export's source, named by the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The wish list (`GET /api/v1/wishes`).
    Wishes,
    /// The members' check-ins (`GET /api/v1/checkins`).
    Checkins,
    /// The work orders (`GET /api/v1/work-orders`).
    WorkOrders,
    /// A place's figures by month (`GET /api/v1/figures`).
    Figures,
    /// A place's members' workload (`GET /api/v1/figures/workload`).
    Workload,
    /// The caller's own volunteer service record (`GET /api/v1/me/service-record`).
    ServiceRecord,
    /// A period's property-service results per estate (`GET /api/v1/property/results`).
    PropertyRatings,
}

impl Kind {
    /// The kind named `name` in a path (`wishes`, `checkins`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "wishes" => Some(Self::Wishes),
            "checkins" => Some(Self::Checkins),
            "work-orders" => Some(Self::WorkOrders),
            "figures" => Some(Self::Figures),
            "workload" => Some(Self::Workload),
            "service-record" => Some(Self::ServiceRecord),
            "property-ratings" => Some(Self::PropertyRatings),
            _ => None,
        }
    }

    /// The source for `caller` with the query `q`: bad filters 400/422, outside the scope 403.
    pub async fn source(
        self,
        state: &AppState,
        caller: &Caller,
        q: &HashMap<String, String>,
    ) -> Result<Box<dyn Source>, ApiError> {
        // An empty value is a bad value (422), as in the JSON lists.
        let get = |k: &str| q.get(k).map(String::as_str);
        Ok(match self {
            Self::Wishes => {
                office_only(caller)?;
                Box::new(Wishes::new(caller, get)?)
            }
            Self::Checkins => {
                office_only(caller)?;
                Box::new(Checkins::new(caller, get)?)
            }
            Self::WorkOrders => Box::new(WorkOrders::new(state, caller, get).await?),
            // Figures follow their own scope (street officers and grid workers read theirs too).
            Self::Figures => Box::new(figures_table(state, caller, &figure_query(get)).await?),
            Self::Workload => Box::new(workload_table(state, caller, &figure_query(get)).await?),
            // Anyone's own record (a volunteer prints it for a school or an employer).
            Self::ServiceRecord => Box::new(service_record_table(state, caller).await?),
            // Whoever oversees estates: admins, the street, the community's dispatchers, company staff.
            Self::PropertyRatings => Box::new(super::property::PropertyRatings::new(state, caller, get).await?),
        })
    }
}

/// Exports are office work: an admin, or a dispatcher (of the communities they serve).
fn office_only(caller: &Caller) -> Result<(), ApiError> {
    if caller.is_admin() || caller.has_role(Role::Dispatcher) {
        Ok(())
    } else {
        Err(ApiError::new(haolin_shared::api::ErrorCode::Forbidden, "只有社区派单员和管理员可以导出数据"))
    }
}

/// A community filter must be one the caller manages (else 403, not an empty file).
fn community_in_scope(caller: &Caller, community_id: Option<i64>) -> Result<(), ApiError> {
    match community_id {
        Some(c) if !caller.manages(c) => {
            Err(ApiError::new(haolin_shared::api::ErrorCode::Forbidden, "您无权导出该社区的数据"))
        }
        _ => Ok(()),
    }
}

/// The wish list with its filters (`status`, `community_id`, `mine`, `held`, `filed`) and its
/// visibility; the contact phone only where the caller may see it.
struct Wishes {
    caller: Caller,
    query: WishQuery,
    done: bool,
}

const WISH_HEADER: &[&str] = &[
    "编号",
    "标题",
    "描述",
    "类别",
    "状态",
    "社区",
    "网格",
    "居民",
    "联系电话",
    "认领党员",
    "派单党员",
    "期望时间",
    "完成说明",
    "评分",
    "评价",
    "时间币（分钟）",
    "发布时间",
    "更新时间",
];

impl Wishes {
    fn new<'a>(caller: &Caller, get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ApiError> {
        let status = get("status")
            .map(|s| WishStatus::parse(s).ok_or_else(|| ApiError::invalid_field("status", "未知的状态")))
            .transpose()?;
        let community_id = get("community_id").map(|c| field_id("community_id", c)).transpose()?;
        community_in_scope(caller, community_id)?;
        // The same query as the JSON list's (routes::wishes::list_wishes), so the file holds what
        // the list shows with the same filters.
        let within_scope = community_id.is_some_and(|c| caller.sees_all_wishes_in(c, status));
        let filed = flag("filed", get("filed"))?;
        let query = WishQuery {
            viewer_id: caller.id(),
            sees_all: caller.is_admin() || within_scope || filed,
            dispatcher_of: caller.communities(Role::Dispatcher),
            member_of: caller.communities(Role::Member),
            mine: flag("mine", get("mine"))?,
            held: flag("held", get("held"))?,
            filed,
            status,
            community_id,
            before_id: None,
            limit: PAGE_ROWS,
        };
        Ok(Self { caller: caller.clone(), query, done: false })
    }
}

#[async_trait]
impl Source for Wishes {
    fn title(&self) -> &'static str {
        "心愿清单"
    }

    fn ascii_name(&self) -> &'static str {
        "wishes"
    }

    fn header(&self) -> &'static [&'static str] {
        WISH_HEADER
    }

    async fn exceeds(&self, state: &AppState, bound: u64) -> Result<bool, ApiError> {
        Ok(state.store.wishes_exceed(&self.query, bound).await?)
    }

    async fn next_page(&mut self, state: &AppState) -> Result<Option<Vec<Row>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let page = state.store.list_wishes(&self.query).await?;
        self.done = page.len() < PAGE_ROWS as usize;
        self.query.before_id = page.last().map(|w| w.id);
        if page.is_empty() {
            return Ok(None);
        }
        let rows = page
            .iter()
            .map(|record| {
                let w = views::wish(&self.caller, record);
                vec![
                    Cell::Int(record.id),
                    Cell::Text(w.title),
                    Cell::Text(w.description),
                    Cell::Text(w.category),
                    Cell::Text(w.status.label().to_owned()),
                    Cell::text(w.community.map(|c| c.name)),
                    Cell::text(w.grid.map(|g| g.name)),
                    Cell::Text(w.resident.name),
                    Cell::text(w.contact_phone),
                    Cell::text(w.claimant.map(|p| p.name)),
                    Cell::text(w.assignee.map(|p| p.name)),
                    Cell::text(w.expected_by),
                    Cell::text(w.fulfilment_note),
                    w.rating.map_or(Cell::Empty, |r| Cell::Int(i64::from(r))),
                    Cell::text(w.comment),
                    Cell::Int(w.credit_minutes),
                    Cell::Time(record.created_at),
                    Cell::Time(record.updated_at),
                ]
            })
            .collect();
        Ok(Some(rows))
    }
}

/// The members' check-ins (双报到) with the list's filters (`community_id`, `status`) and scope.
/// The list is not paged (a community's check-ins are few), so neither is this source.
struct Checkins {
    caller: Caller,
    community_id: Option<i64>,
    status: Option<CheckinStatus>,
    done: bool,
}

const CHECKIN_HEADER: &[&str] = &[
    "编号",
    "党员",
    "社区编号",
    "单位党组织编号",
    "服务证号",
    "介绍信编号",
    "状态",
    "驳回理由",
    "申请时间",
    "审核时间",
];

impl Checkins {
    fn new<'a>(caller: &Caller, get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ApiError> {
        let status = get("status")
            .map(|s| {
                CheckinStatus::parse(s).ok_or_else(|| {
                    ApiError::invalid_field("status", "状态须为 pending、approved、rejected 或 withdrawn")
                })
            })
            .transpose()?;
        let community_id = get("community_id").map(|c| field_id("community_id", c)).transpose()?;
        community_in_scope(caller, community_id)?;
        Ok(Self { caller: caller.clone(), community_id, status, done: false })
    }
}

#[async_trait]
impl Source for Checkins {
    fn title(&self) -> &'static str {
        "党员报到"
    }

    fn ascii_name(&self) -> &'static str {
        "checkins"
    }

    fn header(&self) -> &'static [&'static str] {
        CHECKIN_HEADER
    }

    async fn exceeds(&self, state: &AppState, bound: u64) -> Result<bool, ApiError> {
        let rows = checkins::list(state, &self.caller, self.community_id, self.status).await?;
        Ok(rows.len() as u64 > bound)
    }

    async fn next_page(&mut self, state: &AppState) -> Result<Option<Vec<Row>>, ApiError> {
        if std::mem::replace(&mut self.done, true) {
            return Ok(None);
        }
        let rows = checkins::list(state, &self.caller, self.community_id, self.status).await?;
        Ok(Some(
            rows.into_iter()
                .map(|c| {
                    vec![
                        Cell::Int(c.id),
                        Cell::Text(c.member_name),
                        Cell::Int(c.community_id),
                        c.unit_branch_id.map_or(Cell::Empty, Cell::Int),
                        Cell::Text(c.certificate_no),
                        Cell::Text(c.letter_ref),
                        Cell::Text(c.status.label().to_owned()),
                        Cell::text(c.reason),
                        Cell::Time(c.created_at),
                        c.decided_at.map_or(Cell::Empty, Cell::Time),
                    ]
                })
                .collect(),
        ))
    }
}

/// The work orders with the list's filters (`mine`, `inbox`, `community_id`, `street_id`,
/// `grid_id`, `status`, `overdue`, `supervised`) and its visibility, for the office: admins,
/// dispatchers and street officers (a street officer sees their street's orders). A place filter
/// outside what the caller sees gives the same rows as the list: none.
struct WorkOrders {
    caller: Caller,
    query: OrderQuery,
    done: bool,
}

const ORDER_HEADER: &[&str] = &[
    "编号",
    "标题",
    "描述",
    "类别",
    "优先级",
    "状态",
    "来源",
    "网格",
    "报告人",
    "处置部门",
    "办结期限",
    "办结时间",
    "办理结果",
    "督办",
    "超期",
    "满意度",
    "上报时间",
    "更新时间",
];

impl WorkOrders {
    async fn new<'a>(
        state: &AppState,
        caller: &Caller,
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, ApiError> {
        let viewer = Viewer::load(state, caller).await?;
        if !(caller.is_admin() || caller.has_role(Role::Dispatcher) || !viewer.streets.is_empty()) {
            return Err(ApiError::new(
                haolin_shared::api::ErrorCode::Forbidden,
                "只有社区派单员、街道和管理员可以导出工单",
            ));
        }
        let mut query = viewer.query();
        query.mine = flag("mine", get("mine"))?;
        query.inbox = flag("inbox", get("inbox"))?;
        query.overdue = flag("overdue", get("overdue"))?;
        query.supervised = flag("supervised", get("supervised"))?;
        query.community_id = get("community_id").map(|r| field_id("community_id", r)).transpose()?;
        query.street_id = get("street_id").map(|r| field_id("street_id", r)).transpose()?;
        query.grid_id = get("grid_id").map(|r| field_id("grid_id", r)).transpose()?;
        query.status = get("status")
            .map(|s| OrderStatus::parse(s).ok_or_else(|| ApiError::invalid_field("status", "未知的工单状态")))
            .transpose()?;
        query.limit = PAGE_ROWS;
        Ok(Self { caller: caller.clone(), query, done: false })
    }
}

/// An RFC 3339 time of an API body as a cell.
fn time_cell(t: Option<&str>) -> Cell {
    t.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(Cell::Empty, |t| Cell::Time(t.with_timezone(&chrono::Utc)))
}

fn yes_no(b: bool) -> Cell {
    Cell::Text(if b { "是" } else { "否" }.to_owned())
}

#[async_trait]
impl Source for WorkOrders {
    fn title(&self) -> &'static str {
        "工单"
    }

    fn ascii_name(&self) -> &'static str {
        "work-orders"
    }

    fn header(&self) -> &'static [&'static str] {
        ORDER_HEADER
    }

    async fn exceeds(&self, state: &AppState, bound: u64) -> Result<bool, ApiError> {
        Ok(state.store.orders_exceed(&self.query, bound).await?)
    }

    async fn next_page(&mut self, state: &AppState) -> Result<Option<Vec<Row>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let page = state.store.orders(&self.query).await?;
        self.done = page.len() < PAGE_ROWS as usize;
        self.query.before_id = page.last().map(|o| o.id);
        if page.is_empty() {
            return Ok(None);
        }
        // The viewer's places are read again per page: rights are as of now.
        let viewer = Viewer::load(state, &self.caller).await?;
        let rows = page
            .iter()
            .map(|record| {
                let o = views::work_order(Some(&viewer), record);
                let departments: Vec<&str> = o.departments.iter().map(|d| d.name.as_str()).collect();
                vec![
                    Cell::Int(record.id),
                    Cell::Text(o.title.clone()),
                    Cell::Text(o.description.clone()),
                    Cell::Text(o.category.clone()),
                    Cell::Text(o.priority.label().to_owned()),
                    Cell::Text(o.status.label().to_owned()),
                    Cell::Text(o.source.clone()),
                    Cell::Text(o.grid.name.clone()),
                    Cell::Text(o.reporter.name.clone()),
                    if departments.is_empty() { Cell::Empty } else { Cell::Text(departments.join("、")) },
                    time_cell(o.resolve_due_at.as_deref()),
                    time_cell(o.resolved_at.as_deref()),
                    Cell::text(o.resolution_note.clone()),
                    yes_no(o.supervised),
                    yes_no(o.overdue),
                    Cell::text(o.satisfaction.map(|s| s.label())),
                    time_cell(Some(&o.created_at)),
                    time_cell(Some(&o.updated_at)),
                ]
            })
            .collect();
        Ok(Some(rows))
    }
}

/// A small export computed whole when it is asked for (so its refusals come before the file):
/// a place's figures, its members' workload.
struct Table {
    title: &'static str,
    ascii_name: &'static str,
    header: &'static [&'static str],
    rows: Option<Vec<Row>>,
}

#[async_trait]
impl Source for Table {
    fn title(&self) -> &'static str {
        self.title
    }

    fn ascii_name(&self) -> &'static str {
        self.ascii_name
    }

    fn header(&self) -> &'static [&'static str] {
        self.header
    }

    async fn exceeds(&self, _state: &AppState, bound: u64) -> Result<bool, ApiError> {
        Ok(self.rows.as_ref().is_some_and(|r| r.len() as u64 > bound))
    }

    async fn next_page(&mut self, _state: &AppState) -> Result<Option<Vec<Row>>, ApiError> {
        Ok(self.rows.take().filter(|r| !r.is_empty()))
    }
}

fn figure_query<'a>(get: impl Fn(&str) -> Option<&'a str>) -> FigureQuery {
    FigureQuery {
        place: get("place").map(str::to_owned),
        from: get("from").map(str::to_owned),
        to: get("to").map(str::to_owned),
        limit: get("limit").map(str::to_owned),
    }
}

const FIGURE_HEADER: &[&str] = &[
    "月份",
    "发布",
    "通过审核",
    "驳回",
    "认领",
    "完成",
    "确认",
    "自动确认",
    "自动确认占比",
    "撤回",
    "超时退回",
    "主动退回",
    "收回",
    "认领用时中位数（秒）",
    "认领用时P90（秒）",
    "确认用时中位数（秒）",
    "确认用时P90（秒）",
    "评价数",
    "平均评分",
    "报到数",
    "服务时长（分钟）",
    "工单上报",
    "响应率",
    "按时办结率",
    "解决率",
    "满意率",
    "物业评价人次",
    "物业平均星级",
    "物业满意度",
];

fn opt_int(v: Option<i64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Int)
}

fn opt_number(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Number)
}

fn figure_cells(r: &FigureRow) -> Row {
    let o = r.orders.as_ref();
    let p = r.property.as_ref();
    vec![
        Cell::Text(if r.month == "total" { "合计".to_owned() } else { r.month.clone() }),
        Cell::Int(r.posted),
        Cell::Int(r.approved),
        Cell::Int(r.rejected),
        Cell::Int(r.claimed),
        Cell::Int(r.fulfilled),
        Cell::Int(r.confirmed),
        Cell::Int(r.auto_confirmed),
        opt_number(r.auto_confirmed_share),
        Cell::Int(r.cancelled),
        Cell::Int(r.expired),
        Cell::Int(r.released),
        Cell::Int(r.revoked),
        opt_int(r.claim_p50_seconds),
        opt_int(r.claim_p90_seconds),
        opt_int(r.confirm_p50_seconds),
        opt_int(r.confirm_p90_seconds),
        Cell::Int(r.ratings),
        opt_number(r.rating_avg),
        Cell::Int(r.checkins),
        Cell::Int(r.service_minutes),
        o.map_or(Cell::Empty, |o| Cell::Int(o.received)),
        opt_number(o.and_then(|o| o.response_rate)),
        opt_number(o.and_then(|o| o.on_time_rate)),
        opt_number(o.and_then(|o| o.solve_rate)),
        opt_number(o.and_then(|o| o.satisfaction_rate)),
        p.map_or(Cell::Empty, |p| Cell::Int(p.raters)),
        opt_number(p.and_then(|p| p.star_avg)),
        opt_number(p.and_then(|p| p.satisfaction)),
    ]
}

/// A place's figures by month, then the total (`GET /api/v1/figures`: the same query and scope).
async fn figures_table(state: &AppState, caller: &Caller, q: &FigureQuery) -> Result<Table, ApiError> {
    let f = figures::figures(state, caller, q).await?;
    let rows = f.months.iter().chain(std::iter::once(&f.total)).map(figure_cells).collect();
    Ok(Table { title: "统计数据", ascii_name: "figures", header: FIGURE_HEADER, rows: Some(rows) })
}

const WORKLOAD_HEADER: &[&str] = &[
    "党员编号",
    "党员",
    "认领",
    "完成",
    "确认",
    "主动退回",
    "被收回",
    "超时",
    "退回率",
    "超时率",
    "评价数",
    "平均评分",
    "服务时长（分钟）",
];

/// Every member's workload in a place, the busiest first (`GET /api/v1/figures/workload`: the same
/// query and scope, without its list limit).
async fn workload_table(state: &AppState, caller: &Caller, q: &FigureQuery) -> Result<Table, ApiError> {
    let w = figures::workload_all(state, caller, q).await?;
    let rows = w
        .members
        .iter()
        .map(|m| {
            let l = &m.load;
            vec![
                Cell::Text(m.member.id.clone()),
                Cell::Text(m.member.name.clone()),
                Cell::Int(l.claimed),
                Cell::Int(l.fulfilled),
                Cell::Int(l.confirmed),
                Cell::Int(l.released),
                Cell::Int(l.revoked),
                Cell::Int(l.expired),
                opt_number(l.release_rate),
                opt_number(l.expiry_rate),
                Cell::Int(l.ratings),
                opt_number(l.rating_avg),
                Cell::Int(l.service_minutes),
            ]
        })
        .collect();
    Ok(Table { title: "党员工作量", ascii_name: "workload", header: WORKLOAD_HEADER, rows: Some(rows) })
}

const SERVICE_HEADER: &[&str] =
    &["姓名", "服务内容", "类别", "服务地点", "开始时间", "结束时间", "服务时长（分钟）", "记录人", "记录时间"];

/// The caller's service record, one row per credited service (the CSV of
/// `GET /api/v1/me/service-record.csv`, as a workbook too).
async fn service_record_table(state: &AppState, caller: &Caller) -> Result<Table, ApiError> {
    let record = crate::time_bank::certificates::record(state, caller).await?;
    let rows = record
        .items
        .iter()
        .map(|e| {
            vec![
                Cell::Text(record.holder.name.clone()),
                Cell::Text(e.service.clone()),
                Cell::Text(if e.source == "activity" { "志愿活动" } else { "微心愿" }.to_owned()),
                Cell::Text(e.place.clone()),
                time_cell(Some(&e.started_at)),
                time_cell(Some(&e.ended_at)),
                Cell::Int(e.minutes),
                Cell::Text(e.recorded_by.clone()),
                time_cell(Some(&e.credited_at)),
            ]
        })
        .collect();
    Ok(Table { title: "志愿服务记录", ascii_name: "service-record", header: SERVICE_HEADER, rows: Some(rows) })
}
