//! The demo's work orders (工单) and whistle (吹哨报到): departments at the district and at the
//! street, a street officer, the staff of two departments, and an order in every status. The
//! orders are replayed over the last working days through the real workflow (`report_at`,
//! `act_at`), so their events, deadlines, working minutes and notices are those the server writes
//! itself; the overdue one is flagged by the job's own function.

use chrono::Utc;
use haolin_shared::api::{OrderActionRequest, ReportOrderRequest, Role};
use haolin_shared::domain::calendar::{Date, WorkCalendar, shanghai_date, shanghai_instant};
use haolin_shared::domain::{OrderAction, Priority, Satisfaction};

use super::caller;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Grant, NewUser};
use crate::work_orders::actions::{OrderActor, act_at};
use crate::work_orders::report::report_at;
use crate::work_orders::{Viewer, deadlines, jobs};

/// The work-order accounts: phone, name, what they do.
pub const ACCOUNTS: [(&str, &str, &str); 3] = [
    ("13800000007", "陈街道", "street_officer of 荷泉街道"),
    ("13800000008", "刘城管", "department_officer of 区城管局"),
    ("13800000009", "何水务", "department_officer of 区水务局"),
];

/// The district's departments.
pub const DISTRICT_DEPARTMENTS: [&str; 4] = ["区城管局", "区住建局", "区水务局", "区供电局"];
/// The street's own department.
pub const STREET_DEPARTMENT: &str = "荷泉街道综合执法队";

/// The demo's people, as workflow actors.
struct People<'a> {
    dispatcher: Viewer<'a>,
    worker: Viewer<'a>,
    zhao: Viewer<'a>,
    qian: Viewer<'a>,
    officer: Viewer<'a>,
    chengguan: Viewer<'a>,
    shuiwu: Viewer<'a>,
}

/// Instants on the working days before today (Asia/Shanghai).
struct Days {
    calendar: WorkCalendar,
    today: Date,
}

impl Days {
    /// `hh:mm` on the `back`-th working day before today.
    fn at(&self, back: u32, hh: u32, mm: u32) -> i64 {
        let mut day = self.today;
        let mut seen = 0;
        while seen < back {
            day = Date::from_days(day.days_since_epoch() - 1);
            if self.calendar.is_working_day(day) {
                seen += 1;
            }
        }
        shanghai_instant(day, hh * 60 + mm)
    }
}

/// One step of an order's history.
type Step<'a> = (&'a Viewer<'a>, OrderAction, OrderActionRequest, i64);

fn ask() -> OrderActionRequest {
    OrderActionRequest::default()
}

fn because(reason: &str) -> OrderActionRequest {
    OrderActionRequest { reason: Some(reason.into()), ..ask() }
}

fn noting(note: &str) -> OrderActionRequest {
    OrderActionRequest { note: Some(note.into()), ..ask() }
}

fn to_grid(grid: i64) -> OrderActionRequest {
    OrderActionRequest { grid_id: Some(grid.to_string()), ..ask() }
}

fn visit(answer: Satisfaction, note: Option<&str>) -> OrderActionRequest {
    OrderActionRequest { satisfaction: Some(answer), note: note.map(Into::into), ..ask() }
}

fn whistle(lead: i64, co: &[i64]) -> OrderActionRequest {
    OrderActionRequest {
        lead_department_id: Some(lead.to_string()),
        co_department_ids: Some(co.iter().map(i64::to_string).collect()),
        ..ask()
    }
}

fn problem(grid: i64, title: &str, description: &str, category: &str) -> ReportOrderRequest {
    ReportOrderRequest {
        title: title.into(),
        description: description.into(),
        category: category.into(),
        grid_id: grid.to_string(),
        location: None,
        priority: None,
        reporter_id: None,
        resolved_on_spot: None,
        photos: None,
    }
}

/// Creates the departments and the work-order accounts, then replays the demo orders. `grid` is
/// 第一网格, where the demo residents live and 孙网格员 works.
pub async fn seed_orders(state: &AppState, grid: i64) -> Result<(), ApiError> {
    let now = Utc::now();
    let at = now.timestamp_millis();
    let place = |code: &'static str| async move {
        state.store.place_by_code(code).await?.map(|p| p.id).ok_or_else(ApiError::internal)
    };
    let district = place(super::structure::DISTRICT_CODE).await?;
    let street = place(super::structure::STREET_CODE).await?;
    let mut departments = Vec::new();
    for name in DISTRICT_DEPARTMENTS {
        departments.push(state.store.create_department(name, district, at).await?);
    }
    state.store.create_department(STREET_DEPARTMENT, street, at).await?;
    let [chengguan, _, shuiwu, _] = departments[..] else { return Err(ApiError::internal()) };

    let hash = crate::auth::password::hash(super::PASSWORD.to_owned()).await?;
    let mut ids = Vec::new();
    for (phone, name, _) in ACCOUNTS {
        let grants = vec![Grant { role: Role::Resident, community_id: None }];
        let user = NewUser { phone: phone.into(), name: name.into(), password_hash: hash.clone(), grants };
        ids.push(state.store.create_user(user, None).await?.id);
    }
    let [officer, chengguan_staff, shuiwu_staff] = ids[..] else { return Err(ApiError::internal()) };
    state.store.grant_place_role(officer, Role::StreetOfficer, street, now).await?;
    state.store.add_department_staff(chengguan, chengguan_staff, at).await?;
    state.store.add_department_staff(shuiwu, shuiwu_staff, at).await?;

    // Everyone as the workflow sees them, with the roles just granted.
    let mut callers: Vec<Caller> = Vec::new();
    for phone in ["13800000001", "13800000004", "13800000011", "13800000012"] {
        callers.push(caller(state.store.user_by_phone(phone).await?.ok_or_else(ApiError::internal)?));
    }
    for id in ids {
        callers.push(caller(state.store.user_by_id(id).await?.ok_or_else(ApiError::internal)?));
    }
    let mut viewers = Vec::new();
    for c in &callers {
        viewers.push(Viewer::load(state, c).await?);
    }
    let [dispatcher, worker, zhao, qian, officer, chengguan_v, shuiwu_v] =
        <[Viewer; 7]>::try_from(viewers).map_err(|_| ApiError::internal())?;
    let people = People { dispatcher, worker, zhao, qian, officer, chengguan: chengguan_v, shuiwu: shuiwu_v };
    let days = Days { calendar: deadlines::calendar(state).await?, today: shanghai_date(at) };
    replay(state, &people, &days, grid, (chengguan, shuiwu), at).await?;
    // The order dispatched three working days ago has missed its sign deadline: the job's own
    // function flags it (overdue, supervised, everyone told), as it would on the next round.
    jobs::flag_overdue(state).await?;
    Ok(())
}

/// Reports each demo order and takes its steps, in the order they happened.
async fn replay(
    state: &AppState,
    p: &People<'_>,
    d: &Days,
    grid: i64,
    (chengguan, shuiwu): (i64, i64),
    now: i64,
) -> Result<(), ApiError> {
    use OrderAction as A;
    use Satisfaction as S;
    let mut patrol = problem(grid, "消防通道被电动车占用", "3栋消防通道停放多辆电动车，堵塞通道", "治安隐患");
    patrol.resolved_on_spot = Some("已联系车主将电动车挪至车棚".into());
    let mut manhole = problem(grid, "人行道井盖破损下沉", "和平路人行道井盖破损下沉，行人容易绊倒", "道路设施");
    manhole.priority = Some(Priority::Normal);
    let flood = problem(grid, "暴雨后路面积水严重", "和平路与荷城路交叉口积水过膝，排水口堵塞", "道路设施");
    let plan: Vec<(&Viewer, ReportOrderRequest, i64, Vec<Step>)> = vec![
        // reported
        (
            &p.zhao,
            problem(grid, "楼道堆放杂物", "三单元楼道堆满纸箱，存在消防隐患", "市容环境"),
            now - 3_600_000,
            vec![],
        ),
        // accepted
        (
            &p.qian,
            problem(grid, "小区路灯不亮", "2栋旁边两盏路灯坏了一周，晚上出行不便", "道路设施"),
            d.at(1, 16, 10),
            vec![(&p.dispatcher, A::Accept, ask(), d.at(1, 16, 40))],
        ),
        // declined
        (
            &p.qian,
            problem(grid, "楼上邻居晚上跳绳", "楼上住户每晚十点后跳绳，影响休息", "邻里纠纷"),
            d.at(3, 20, 15),
            vec![(&p.dispatcher, A::Decline, because("属于邻里纠纷，已转社区人民调解室调解"), d.at(2, 9, 20))],
        ),
        // escalated
        (
            &p.worker,
            manhole,
            d.at(1, 10, 5),
            vec![
                (&p.dispatcher, A::Accept, ask(), d.at(1, 10, 30)),
                (&p.dispatcher, A::Escalate, because("井盖权属不明，需街道协调住建和水务部门"), d.at(1, 11, 0)),
            ],
        ),
        // dispatched, past its sign deadline (flagged below)
        (
            &p.zhao,
            problem(grid, "垃圾桶满溢无人清运", "小区东门垃圾桶已满两天，气味很大", "市容环境"),
            d.at(3, 8, 40),
            vec![(&p.dispatcher, A::Dispatch, to_grid(grid), d.at(3, 9, 10))],
        ),
        // signed: whistled to a lead department with a co-handler, supervised by the street
        (
            &p.worker,
            flood,
            d.at(2, 9, 0),
            vec![
                (&p.dispatcher, A::Accept, ask(), d.at(2, 9, 15)),
                (&p.dispatcher, A::Escalate, because("排水管网属水务部门，需城管配合清淤"), d.at(2, 9, 30)),
                (&p.officer, A::Whistle, whistle(shuiwu, &[chengguan]), d.at(2, 10, 0)),
                (&p.shuiwu, A::Sign, ask(), d.at(2, 10, 40)),
                (&p.chengguan, A::Sign, ask(), d.at(2, 11, 20)),
                (&p.officer, A::Supervise, because("积水影响居民出行，请水务局加快处置"), d.at(1, 9, 30)),
            ],
        ),
        // returned
        (
            &p.qian,
            problem(grid, "商场门口占道经营", "万达广场北门有摊贩占道经营，行人只能走机动车道", "市容环境"),
            d.at(2, 14, 0),
            vec![
                (&p.dispatcher, A::Dispatch, to_grid(grid), d.at(2, 14, 20)),
                (&p.worker, A::Return, because("占道地点在万达广场专属网格内，请改派专属网格"), d.at(2, 15, 0)),
            ],
        ),
        // resolved
        (
            &p.zhao,
            problem(grid, "单元门禁损坏", "1栋2单元门禁坏了，外来人员随意进出", "物业管理"),
            d.at(4, 9, 30),
            vec![
                (&p.dispatcher, A::Accept, ask(), d.at(4, 10, 0)),
                (&p.dispatcher, A::Dispatch, to_grid(grid), d.at(4, 10, 5)),
                (&p.worker, A::Sign, ask(), d.at(4, 10, 30)),
                (&p.worker, A::Resolve, noting("已联系物业更换门禁电源，门禁恢复正常"), d.at(3, 15, 0)),
            ],
        ),
        // reopened
        (
            &p.qian,
            problem(grid, "楼顶水箱漏水", "2栋楼顶水箱漏水，顶楼住户天花板渗水", "供水供电"),
            d.at(6, 9, 0),
            vec![
                (&p.dispatcher, A::Accept, ask(), d.at(6, 9, 30)),
                (&p.dispatcher, A::Dispatch, to_grid(grid), d.at(6, 9, 40)),
                (&p.worker, A::Sign, ask(), d.at(6, 10, 10)),
                (&p.worker, A::Resolve, noting("已请物业更换水箱阀门"), d.at(5, 16, 0)),
                (&p.qian, A::Visit, visit(S::Unsatisfied, Some("还在滴水，楼道里都是水")), d.at(4, 10, 0)),
            ],
        ),
        // closed: a grid handled it
        (
            &p.zhao,
            problem(grid, "绿化带垃圾堆积", "小区中心绿化带堆了很多建筑垃圾", "市容环境"),
            d.at(8, 9, 0),
            vec![
                (&p.dispatcher, A::Accept, ask(), d.at(8, 9, 20)),
                (&p.dispatcher, A::Dispatch, to_grid(grid), d.at(8, 9, 30)),
                (&p.worker, A::Sign, ask(), d.at(8, 10, 0)),
                (&p.worker, A::Resolve, noting("已组织物业清运建筑垃圾"), d.at(8, 15, 30)),
                (&p.zhao, A::Visit, visit(S::Satisfied, None), d.at(7, 10, 0)),
            ],
        ),
        // closed: whistled, two departments signed, a 基本满意 call-back
        (
            &p.qian,
            problem(grid, "小区外道路坑洼", "和平路小区出口路面坑洼，雨天积水", "道路设施"),
            d.at(10, 9, 0),
            vec![
                (&p.dispatcher, A::Accept, ask(), d.at(10, 9, 30)),
                (&p.dispatcher, A::Escalate, because("市政道路需区级部门维修"), d.at(10, 10, 0)),
                (&p.officer, A::Whistle, whistle(chengguan, &[shuiwu]), d.at(10, 10, 30)),
                (&p.chengguan, A::Sign, ask(), d.at(10, 11, 0)),
                (&p.shuiwu, A::Sign, ask(), d.at(10, 11, 30)),
                (&p.chengguan, A::Resolve, noting("已协调市政养护队修补路面"), d.at(7, 16, 0)),
                (&p.qian, A::Visit, visit(S::Basic, Some("修好了，但施工占道时间较长")), d.at(6, 9, 0)),
            ],
        ),
        // closed on the spot (即报即办)
        (&p.worker, patrol, d.at(1, 15, 0), vec![]),
    ];
    for (reporter, report, reported_at, steps) in plan {
        let order = report_at(state, reporter, &report, reported_at).await?;
        for (who, action, input, taken_at) in steps {
            act_at(state, OrderActor::Person(who), order.id, action, &input, taken_at).await?;
        }
    }
    Ok(())
}
