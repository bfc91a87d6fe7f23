//! The generator's work orders (工单, docs/WORK-ORDERS.md): twenty departments at the district
//! and a few in every street with their staff, a street officer per street, and a year of orders
//! in realistic shares (`order_story`), each with the event log the workflow would have written
//! (`order_log`): about 99 % closed after a call-back (one in ten through the street's whistle,
//! one in twenty on the spot, a few reopened or returned first), one in 150 declined, and the last
//! `8 × live_per_status` left open, a few in each live status.

use haolin_shared::domain::calendar::WorkCalendar;

use super::order_log::OrderLog;
use super::order_story::{LIVE, Story};
use super::{GIVEN, Rng, SURNAMES, Scale};
use crate::settings::WorkOrderSettings;
use crate::store::StoreError;
use crate::store::bulk::{BulkLoader, BulkTable, int, text};
use crate::work_orders::month_of;

/// The district's departments (区级职能部门).
pub const DISTRICT_DEPARTMENTS: [&str; 20] = [
    "区城管局",
    "区住建局",
    "区水务局",
    "区供电局",
    "区生态环境分局",
    "区市场监管局",
    "区公安分局",
    "区交通运输局",
    "区民政局",
    "区卫生健康局",
    "区教育局",
    "区应急管理局",
    "区自然资源局",
    "区农业农村局",
    "区文体广电旅游局",
    "区人社局",
    "区消防救援大队",
    "区司法局",
    "区园林绿化管理所",
    "区房屋征收管理中心",
];
/// A street's own departments, after the street's name.
const STREET_DEPARTMENTS: [&str; 4] = ["综合执法队", "社会事务办", "平安办", "城建办"];
/// Staff accounts per department.
pub(super) const STAFF: usize = 2;

/// What the generator made before the orders: the places and the people who act on them.
pub struct District {
    /// The district's place id.
    pub district: i64,
    /// Streets: place id and name (`荷泉街道`).
    pub streets: Vec<(i64, String)>,
    /// Communities: place id and the index of their street.
    pub communities: Vec<(i64, usize)>,
    /// Grids: place id and the index of their community.
    pub grids: Vec<(i64, usize)>,
    /// The dispatcher of each community.
    pub dispatchers: Vec<i64>,
    /// The grid worker of each grid.
    pub grid_workers: Vec<i64>,
    /// Residents: account and the index of their home grid.
    pub residents: Vec<(i64, usize)>,
}

/// What was made here.
#[derive(Debug, Clone, Copy, Default)]
pub struct Made {
    /// Accounts (street officers and department staff).
    pub users: usize,
    /// Departments.
    pub departments: usize,
    /// Work orders.
    pub orders: usize,
    /// Work-order events.
    pub events: usize,
}

/// A department with its staff.
pub(super) struct Department {
    /// Its id.
    pub(super) id: i64,
    /// Its staff accounts.
    pub(super) staff: [i64; STAFF],
}

/// Problems by category: title and description.
pub(super) fn problems(category: &str) -> &'static [(&'static str, &'static str)] {
    match category {
        "市容环境" => &[
            ("垃圾清运不及时", "小区垃圾桶满溢，两天无人清运"),
            ("占道经营", "路口摊贩占道经营，行人只能走机动车道"),
            ("建筑垃圾乱堆", "绿化带旁堆放大量装修垃圾"),
        ],
        "道路设施" => &[
            ("路灯不亮", "路段多盏路灯夜间不亮，出行不便"),
            ("井盖破损", "人行道井盖破损下沉，行人容易绊倒"),
            ("路面坑洼", "道路坑洼不平，雨天积水"),
        ],
        "供水供电" => &[
            ("停水无通知", "整栋楼突然停水，未见任何通知"),
            ("楼道电线老化", "楼道电线裸露老化，存在安全隐患"),
            ("水管爆裂", "小区主水管爆裂，路面冒水"),
        ],
        "燃气安全" => &[("闻到燃气味", "单元楼道有明显燃气味"), ("燃气管道锈蚀", "外墙燃气管道锈蚀严重")],
        "治安隐患" => &[("消防通道堵塞", "消防通道被车辆长期占用"), ("电动车楼道充电", "有居民在楼道给电动车充电")],
        "邻里纠纷" => &[("噪音扰民", "楼上住户深夜噪音扰民"), ("漏水纠纷", "楼上漏水导致楼下天花板渗水，协商未果")],
        "物业管理" => &[("门禁损坏", "单元门禁损坏，外来人员随意进出"), ("电梯故障", "电梯频繁故障，老人出行困难")],
        _ => &[("流浪犬隐患", "小区出现多只流浪犬，居民担心被咬"), ("小广告乱贴", "楼道墙面小广告乱贴")],
    }
}

/// The district departments (indexes into [`DISTRICT_DEPARTMENTS`]) that lead a category.
pub(super) fn leads(category: &str) -> &'static [usize] {
    match category {
        "市容环境" => &[0, 18, 4],
        "道路设施" => &[1, 7, 0],
        "供水供电" => &[2, 3],
        "燃气安全" => &[11, 16, 1],
        "治安隐患" => &[6, 16],
        "邻里纠纷" => &[17, 8],
        "物业管理" => &[1, 5],
        _ => &[0, 5, 9],
    }
}

/// Reasons and notes the generated people write.
pub(super) const DECLINE: [&str; 3] =
    ["不属于网格事项，已告知居民向相关单位反映", "重复上报，已并入此前工单", "经核实问题不存在"];
pub(super) const ESCALATE: [&str; 3] = ["涉及多个部门，社区无法协调", "需区级职能部门处置", "超出社区处置能力"];
pub(super) const RETURN: [&str; 2] = ["不属于本网格范围，请改派", "该地点属于相邻网格"];
pub(super) const RESOLVE: [&str; 4] =
    ["已现场处置完毕", "已协调物业处理", "已联系相关单位修复", "已清理完毕并加强巡查"];
pub(super) const ON_SPOT: [&str; 2] = ["当场劝离，已清理", "已现场协调解决"];
pub(super) const SUPERVISE: [&str; 2] = ["居民反映强烈，请加快处置", "请牵头部门按时办结"];

/// Writes the departments, their staff, the street officers and the orders.
pub async fn generate_orders(
    bulk: &BulkLoader,
    district: &District,
    settings: &WorkOrderSettings,
    calendar: WorkCalendar,
    (seed, scale, now, hash): (u64, Scale, i64, &str),
) -> Result<Made, StoreError> {
    let mut made = Made::default();
    let mut rng = Rng(seed ^ 0x574F_524B_4F52_4453);
    let mut users = bulk.table(BulkTable::Users);
    let mut grants = bulk.table(BulkTable::RoleGrants);
    let mut place_grants = bulk.table(BulkTable::PlaceGrants);
    let mut departments = bulk.table(BulkTable::Departments);
    let mut staff_rows = bulk.table(BulkTable::DepartmentStaff);
    let mut next_user = bulk.max_id(BulkTable::Users).await? + 1;
    let mut next_department = bulk.max_id(BulkTable::Departments).await? + 1;
    let mut account = |prefix: &str, n: usize, rng: &mut Rng| {
        let id = next_user;
        next_user += 1;
        let name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
        (id, format!("({id}, '{prefix}{n:08}', {}, {}, {now}, NULL)", text(&name), text(hash)))
    };
    let mut officers = Vec::new();
    for (s, (street, _)) in district.streets.iter().enumerate() {
        let (id, row) = account("133", s, &mut rng);
        users.row(row).await?;
        grants.row(format!("({id}, 'resident', NULL, {now})")).await?;
        place_grants.row(format!("({id}, 'street_officer', {street}, {now})")).await?;
        officers.push(id);
    }
    let mut all: Vec<Department> = Vec::new();
    let mut place_of = Vec::new();
    for name in DISTRICT_DEPARTMENTS {
        place_of.push((name.to_owned(), district.district));
    }
    let mut street_departments: Vec<Vec<usize>> = vec![Vec::new(); district.streets.len()];
    for (s, (street, street_name)) in district.streets.iter().enumerate() {
        for k in 0..scale.departments_per_street {
            street_departments[s].push(place_of.len());
            place_of.push((format!("{street_name}{}", STREET_DEPARTMENTS[k % STREET_DEPARTMENTS.len()]), *street));
        }
    }
    for (n, (name, place)) in place_of.iter().enumerate() {
        let id = next_department;
        next_department += 1;
        departments.row(format!("({id}, {}, {place}, {now})", text(name))).await?;
        let mut staff = [0; STAFF];
        for (k, member) in staff.iter_mut().enumerate() {
            let (user, row) = account("132", n * STAFF + k, &mut rng);
            users.row(row).await?;
            grants.row(format!("({user}, 'resident', NULL, {now})")).await?;
            grants.row(format!("({user}, 'department_officer', NULL, {now})")).await?;
            staff_rows.row(format!("({user}, {id}, {now})")).await?;
            *member = user;
        }
        all.push(Department { id, staff });
    }
    made.users = users.finish().await?;
    made.departments = departments.finish().await?;
    grants.finish().await?;
    place_grants.finish().await?;
    staff_rows.finish().await?;

    let story = Story {
        district,
        settings,
        calendar,
        officers,
        departments: all,
        street_departments,
        categories: settings.categories.clone(),
        now,
        seed,
        first_live: scale.orders.saturating_sub(LIVE.len() * scale.live_per_status),
    };
    let mut orders = bulk.table(BulkTable::WorkOrders);
    let mut rounds = bulk.table(BulkTable::WorkOrderDepartments);
    let mut events = bulk.table(BulkTable::WorkOrderEvents);
    let mut next_order = bulk.max_id(BulkTable::WorkOrders).await? + 1;
    let mut next_event = bulk.max_id(BulkTable::WorkOrderEvents).await? + 1;
    for n in 0..scale.orders {
        if n % 1_000 == 0 {
            orders.flush().await?;
            rounds.flush().await?;
            events.flush().await?;
        }
        let (o, log) = story.order(n);
        let id = next_order;
        next_order += 1;
        orders.row(order_row(id, &o, &log)).await?;
        for (round, department, lead, due, signed) in &log.departments {
            rounds.row(format!("({id}, {round}, {department}, {}, {due}, {})", i64::from(*lead), int(*signed))).await?;
        }
        for e in &log.events {
            let row = format!(
                "({next_event}, {id}, {}, '{}', {}, '{}', '{}', '{}', {}, {}, {}, {}, {}, {}, {}, {}, {})",
                e.at,
                month_of(e.at),
                int(e.actor),
                e.action,
                e.from,
                e.to,
                e.note.map_or_else(|| "NULL".to_owned(), text),
                e.round,
                o.community,
                o.street,
                o.grid,
                int(e.department),
                int(e.on_time.map(i64::from)),
                int(e.minutes),
                e.satisfaction.map_or_else(|| "NULL".to_owned(), |s| format!("'{s}'")),
            );
            events.row(row).await?;
            next_event += 1;
        }
    }
    made.orders = orders.finish().await?;
    rounds.finish().await?;
    made.events = events.finish().await?;
    Ok(made)
}

/// The columns of an order that do not change after its report.
pub(super) struct Reported {
    pub(super) community: i64,
    pub(super) street: i64,
    pub(super) grid: i64,
    pub(super) reporter: i64,
    pub(super) filed_by: i64,
    pub(super) source: &'static str,
    pub(super) title: &'static str,
    pub(super) description: &'static str,
    pub(super) category: String,
    pub(super) created: i64,
}

fn order_row(id: i64, o: &Reported, log: &OrderLog) -> String {
    let t = |v: Option<&str>| v.map_or_else(|| "NULL".to_owned(), text);
    let c = log.clocks;
    format!(
        "({id}, {}, {}, {}, {}, {}, '{}', {}, {}, {}, '{}', '{}', {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, \
         {}, {}, {}, {}, {})",
        o.community,
        o.street,
        o.grid,
        o.reporter,
        o.filed_by,
        o.source,
        text(o.title),
        text(o.description),
        text(&o.category),
        log.priority.as_str(),
        log.status,
        log.version,
        log.round,
        t(log.level),
        int(log.handler_grid),
        int(log.lead),
        int(log.dispatched_at),
        int(c.map(|c| c.sign_due)),
        int(c.map(|c| c.resolve_due)),
        int(c.map(|c| c.return_until)),
        int(log.signed_at),
        int(log.resolved_at),
        t(log.resolution_note),
        int(log.supervised_at),
        t(log.supervision_note),
        int(log.overdue_at),
        t(log.satisfaction),
        t(log.visit_note),
        o.created,
        log.updated_at,
    )
}
