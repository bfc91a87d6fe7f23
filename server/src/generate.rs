//! `haolin generate --seed N --scale small|seed`: fills the database with a deterministic demo
//! district (docs/PLACES.md codes, district 520201), its people, dual check-ins, volunteer teams
//! with a year of activities (`volunteers.rs`), two years of wishes in realistic states with their
//! event logs (a few paid in hours), the time bank's ledger of all of it (`ledger.rs`), and
//! departments with a year of work orders with theirs (`orders.rs`). Rows go in as multi-row `INSERT`s of literal values, a few thousand
//! per transaction, with explicit ids, so the seed scale (≈ 500,000 wishes) takes minutes, not
//! hours. The same seed gives the same district.

mod ledger;
mod order_log;
mod order_story;
mod orders;
mod property;
mod service_points;
mod volunteers;

use std::fmt::Write as _;

use chrono::Utc;

use crate::settings::Settings;
use crate::store::bulk::{BulkLoader, BulkTable, int, text};
use crate::store::{DynStore, StoreError};

pub use orders::DISTRICT_DEPARTMENTS;

/// The district's administrative code (钟山区, 六盘水市).
pub const DISTRICT_CODE: &str = "520201";
/// The password of every generated account.
pub const PASSWORD: &str = "haolin123";

/// How big a district to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// Streets.
    pub streets: usize,
    /// Communities (spread over the streets).
    pub communities: usize,
    /// Comprehensive grids (spread over the communities).
    pub comprehensive_grids: usize,
    /// Dedicated grids.
    pub dedicated_grids: usize,
    /// Ten-household units (in comprehensive grids).
    pub units: usize,
    /// Work-unit party branches.
    pub unit_branches: usize,
    /// Checked-in party members.
    pub members: usize,
    /// Residents.
    pub residents: usize,
    /// Wishes over two years.
    pub wishes: usize,
    /// Departments of each street (the district has its twenty).
    pub departments_per_street: usize,
    /// Work orders over the last year.
    pub orders: usize,
    /// Orders left open in each live status (reported … reopened).
    pub live_per_status: usize,
    /// Volunteer teams of each community.
    pub teams_per_community: usize,
    /// Volunteer teams of each street.
    pub teams_per_street: usize,
    /// Volunteer teams of the district.
    pub district_teams: usize,
    /// Service points (红帆驿站), spread over the communities.
    pub service_points: usize,
}

impl Scale {
    /// A few of everything, for tests.
    pub const SMALL: Scale = Scale {
        streets: 2,
        communities: 4,
        comprehensive_grids: 18,
        dedicated_grids: 2,
        units: 150,
        unit_branches: 16,
        members: 60,
        residents: 500,
        wishes: 2_000,
        departments_per_street: 2,
        orders: 300,
        live_per_status: 2,
        teams_per_community: 3,
        teams_per_street: 4,
        district_teams: 4,
        service_points: 12,
    };
    /// The seed's district: 10 streets, 60 communities, 653 + 8 grids, 9,467 units, 512 unit
    /// branches, 4,872 members, 100,000 residents, 500,000 wishes; 20 + 30 departments, 4,695
    /// work orders; 9 + 10 × 12 + 60 × 5 = 429 volunteer teams.
    pub const SEED: Scale = Scale {
        streets: 10,
        communities: 60,
        comprehensive_grids: 653,
        dedicated_grids: 8,
        units: 9_467,
        unit_branches: 512,
        members: 4_872,
        residents: 100_000,
        wishes: 500_000,
        departments_per_street: 3,
        orders: 4_695,
        live_per_status: 3,
        teams_per_community: 5,
        teams_per_street: 12,
        district_teams: 9,
        service_points: 154,
    };

    /// `small` or `seed`.
    pub fn parse(raw: &str) -> Option<Scale> {
        match raw {
            "small" => Some(Self::SMALL),
            "seed" => Some(Self::SEED),
            _ => None,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// Places (district to units).
    pub places: usize,
    /// Accounts.
    pub users: usize,
    /// Wishes.
    pub wishes: usize,
    /// Wish events.
    pub events: usize,
    /// Party organisations.
    pub party_orgs: usize,
    /// Departments.
    pub departments: usize,
    /// Work orders.
    pub orders: usize,
    /// Work-order events.
    pub order_events: usize,
    /// Volunteer teams.
    pub teams: usize,
    /// Team members (pending ones included).
    pub team_members: usize,
    /// Activities.
    pub activities: usize,
    /// Activity sign-ups.
    pub signups: usize,
    /// Paid wishes.
    pub paid_wishes: usize,
    /// Family links.
    pub family_links: usize,
    /// Ledger accounts.
    pub ledger_accounts: usize,
    /// Ledger transfers.
    pub transfers: usize,
    /// Ledger movements.
    pub movements: usize,
    /// Finished days summed into the figures (docs/FIGURES.md), as the figures job would.
    pub figure_days: usize,
    /// Service points.
    pub service_points: usize,
    /// Property companies (docs/PROPERTY.md).
    pub property_companies: usize,
    /// Estates.
    pub estates: usize,
    /// Property ratings.
    pub property_ratings: usize,
    /// Seconds the property part took.
    pub property_seconds: f64,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The district is there already.
    #[error("the database already holds district {DISTRICT_CODE}")]
    AlreadyGenerated,
    /// The password could not be hashed.
    #[error("cannot hash the password")]
    Hash,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The time bank's ledger is in use: generated accounts would clash with it.
    #[error("the database's time bank ledger is not empty")]
    LedgerInUse,
    /// The generated ledger broke its own rules (a bug in the generator).
    #[error("the generated ledger would overdraw {0}")]
    Ledger(String),
}

/// SplitMix64: small, fast, and the same everywhere (the benchmarks draw from it too).
pub struct Rng(pub u64);

impl Rng {
    /// The next draw (for the benchmarks; the generator calls `next`).
    pub fn draw(&mut self) -> u64 {
        self.next()
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "罗", "高",
    "林",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华",
    "平",
];
const STREET_NAMES: [&str; 10] = ["荷泉", "黄土坡", "荷城", "凤凰", "杨柳", "德坞", "红岩", "大湾", "月照", "老鹰山"];
const CATEGORIES: [&str; 7] = ["生活帮扶", "助老助残", "儿童关爱", "就业帮扶", "医疗健康", "法律咨询", "其他"];
const WISHES: [(&str, &str); 8] = [
    ("帮忙买菜", "腿脚不便，想请人帮忙去菜市场买些蔬菜。"),
    ("陪同就医", "想请人陪同去医院复查。"),
    ("辅导功课", "孩子数学作业需要辅导。"),
    ("修理水龙头", "厨房水龙头漏水，想请人帮忙修理。"),
    ("代取快递", "快递放在小区门口驿站，想请人帮忙取一下。"),
    ("求职咨询", "想了解附近的招聘信息。"),
    ("法律咨询", "邻里纠纷想咨询法律意见。"),
    ("读报聊天", "独居老人，想请人来家里读报聊天。"),
];

/// One generated event: `(at, actor, action, from, to, reason)`.
type LogEntry = (i64, Option<i64>, &'static str, Option<&'static str>, &'static str, Option<&'static str>);

/// A generated account.
struct Person {
    id: i64,
    phone: String,
    name: String,
}

/// Fills the database behind `store` with a district of `scale` from `seed`, as the server's jobs
/// would leave it (a fulfilment unanswered for `wishes.auto_confirm_after` is auto-confirmed); work
/// orders follow the clocks and categories of `settings.work_orders`.
pub async fn generate(
    store: &DynStore,
    seed: u64,
    scale: Scale,
    settings: &Settings,
) -> Result<Generated, GenerateError> {
    let bulk = BulkLoader::for_generator(store);
    if store.place_by_code(DISTRICT_CODE).await?.is_some() {
        return Err(GenerateError::AlreadyGenerated);
    }
    if bulk.max_id(BulkTable::LedgerAccounts).await? > 0 {
        return Err(GenerateError::LedgerInUse);
    }
    let mut rng = Rng(seed ^ 0x4841_4F4C_494E);
    let hash = crate::auth::password::hash(PASSWORD.to_owned()).await.map_err(|_| GenerateError::Hash)?;
    let now = Utc::now();
    let now_ms = now.timestamp_millis();
    let mut done = Generated::default();

    // Places: ids continue after what is there; codes follow docs/PLACES.md.
    let mut next_place = bulk.max_id(BulkTable::Places).await?.max(bulk.max_id(BulkTable::Communities).await?) + 1;
    let mut places = bulk.table(BulkTable::Places);
    let mut communities = bulk.table(BulkTable::Communities);
    let district = next_place;
    next_place += 1;
    places.row(format!("({district}, '{DISTRICT_CODE}', '钟山区', 'district', NULL, NULL, {now_ms})")).await?;
    let mut community_ids = Vec::new();
    let mut grids: Vec<(i64, usize)> = Vec::new(); // (grid id, index of its community)
    let mut street_codes = Vec::new();
    for s in 0..scale.streets {
        let (id, code) = (next_place, format!("{DISTRICT_CODE}{:03}", s + 1));
        next_place += 1;
        let name = format!("{}街道", STREET_NAMES[s % STREET_NAMES.len()]);
        places.row(format!("({id}, {}, {}, 'street', NULL, {district}, {now_ms})", text(&code), text(&name))).await?;
        street_codes.push((id, code));
    }
    let mut community_codes = Vec::new();
    let mut community_names = Vec::new();
    for c in 0..scale.communities {
        let (street_id, street_code) = &street_codes[c % scale.streets];
        let code = format!("{street_code}{:03}", c / scale.streets + 1);
        let id = next_place;
        next_place += 1;
        let name = format!("{}{}社区", rng.pick(&SURNAMES), rng.pick(&GIVEN));
        places
            .row(format!("({id}, {}, {}, 'community', NULL, {street_id}, {now_ms})", text(&code), text(&name)))
            .await?;
        communities.row(format!("({id}, {}, {}, {}, {now_ms})", text(&name), text(&code), text(street_code))).await?;
        community_ids.push(id);
        community_names.push(name);
        community_codes.push((code, 0usize));
    }
    let total_grids = scale.comprehensive_grids + scale.dedicated_grids;
    let mut comprehensive = Vec::new();
    for g in 0..total_grids {
        let c = g % scale.communities;
        community_codes[c].1 += 1;
        let code = format!("{}{:03}", community_codes[c].0, community_codes[c].1);
        let id = next_place;
        next_place += 1;
        let dedicated = g >= scale.comprehensive_grids;
        let (kind, name) = if dedicated {
            ("dedicated", format!("专属网格{}", g - scale.comprehensive_grids + 1))
        } else {
            ("comprehensive", format!("第{}网格", community_codes[c].1))
        };
        places
            .row(format!("({id}, {}, {}, 'grid', '{kind}', {}, {now_ms})", text(&code), text(&name), community_ids[c]))
            .await?;
        grids.push((id, c));
        if !dedicated {
            comprehensive.push((id, code, 0usize));
        }
    }
    let mut units: Vec<(i64, usize)> = Vec::new(); // (unit id, index of its community)
    for u in 0..scale.units {
        let g = u % comprehensive.len().max(1);
        let Some(grid) = comprehensive.get_mut(g) else { break };
        grid.2 += 1;
        let code = format!("{}{:03}", grid.1, grid.2);
        let id = next_place;
        next_place += 1;
        let name = format!("{}号十联户", grid.2);
        places.row(format!("({id}, {}, {}, 'unit', NULL, {}, {now_ms})", text(&code), text(&name), grid.0)).await?;
        units.push((id, grids.iter().find(|(gid, _)| *gid == grid.0).map_or(0, |(_, c)| *c)));
    }
    done.places = places.finish().await?;
    communities.finish().await?;

    // Party organisations (docs/PLACES.md): a working committee per street, a branch per
    // community, a grid branch in the first comprehensive grid and a party group in every other
    // one; central households are added with the members below.
    let mut next_org = bulk.max_id(BulkTable::PartyOrgs).await? + 1;
    let mut orgs = bulk.table(BulkTable::PartyOrgs);
    let mut org = |name: String, level: &str, place: i64, leader: Option<i64>| {
        let id = next_org;
        next_org += 1;
        format!("({id}, {}, '{level}', {place}, {}, {now_ms})", text(&name), int(leader))
    };
    for (s, (street, _)) in street_codes.iter().enumerate() {
        let name = format!("{}街道党工委", STREET_NAMES[s % STREET_NAMES.len()]);
        orgs.row(org(name, "street_committee", *street, None)).await?;
    }
    for (c, community) in community_ids.iter().enumerate() {
        orgs.row(org(format!("社区党支部{}", c + 1), "community_branch", *community, None)).await?;
    }
    for (g, (grid, _, _)) in comprehensive.iter().enumerate() {
        let (level, name) = if g == 0 {
            ("grid_branch", "网格党支部".to_owned())
        } else {
            ("party_group", format!("网格党小组{g}"))
        };
        orgs.row(org(name, level, *grid, None)).await?;
    }

    // People: one dispatcher per community, one grid worker per grid, members, residents.
    let mut next_user = bulk.max_id(BulkTable::Users).await? + 1;
    let mut users = bulk.table(BulkTable::Users);
    let mut grants = bulk.table(BulkTable::RoleGrants);
    let mut place_grants = bulk.table(BulkTable::PlaceGrants);
    let mut person = |prefix: &str, n: usize, rng: &mut Rng, home: Option<i64>| {
        let id = next_user;
        next_user += 1;
        let phone = format!("{prefix}{n:08}");
        let name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
        let row = format!("({id}, '{phone}', {}, {}, {now_ms}, {})", text(&name), text(&hash), int(home));
        (Person { id, phone: phone.clone(), name }, row)
    };
    let mut dispatchers = Vec::new();
    for (c, community) in community_ids.iter().enumerate() {
        let (p, row) = person("134", c, &mut rng, None);
        users.row(row).await?;
        grants.row(format!("({}, 'resident', NULL, {now_ms})", p.id)).await?;
        grants.row(format!("({}, 'dispatcher', {community}, {now_ms})", p.id)).await?;
        dispatchers.push(p.id);
    }
    let mut grid_workers = Vec::new();
    for (g, (grid, _)) in grids.iter().enumerate() {
        let (p, row) = person("137", g, &mut rng, None);
        users.row(row).await?;
        grid_workers.push(p.id);
        grants.row(format!("({}, 'resident', NULL, {now_ms})", p.id)).await?;
        place_grants.row(format!("({}, 'grid_worker', {grid}, {now_ms})", p.id)).await?;
    }
    let mut branches = bulk.table(BulkTable::UnitBranches);
    let first_branch = bulk.max_id(BulkTable::UnitBranches).await? + 1;
    for b in 0..scale.unit_branches {
        branches.row(format!("({}, '区直单位{}党支部', {now_ms})", first_branch + b as i64, b + 1)).await?;
    }
    branches.finish().await?;
    // Each branch checks in (approved) to one community.
    let mut branch_checkins = bulk.table(BulkTable::UnitBranchCheckins);
    let first_branch_checkin = bulk.max_id(BulkTable::UnitBranchCheckins).await? + 1;
    for b in 0..scale.unit_branches {
        let c = b % scale.communities;
        let at = now_ms - 800 * 86_400_000;
        branch_checkins
            .row(format!(
                "({}, {}, {}, '钟组函{}号', 'approved', {}, {at}, {at})",
                first_branch_checkin + b as i64,
                first_branch + b as i64,
                community_ids[c],
                b + 1,
                dispatchers[c]
            ))
            .await?;
    }
    let mut checkins = bulk.table(BulkTable::Checkins);
    let first_checkin = bulk.max_id(BulkTable::Checkins).await? + 1;
    let mut members_of: Vec<Vec<i64>> = vec![Vec::new(); scale.communities];
    let two_years = 730 * 24 * 3600 * 1000_i64;
    for m in 0..scale.members {
        let (p, row) = person("136", m, &mut rng, None);
        users.row(row).await?;
        let c = m % scale.communities;
        grants.row(format!("({}, 'resident', NULL, {now_ms})", p.id)).await?;
        grants.row(format!("({}, 'member', {}, {now_ms})", p.id, community_ids[c])).await?;
        let at = now_ms - two_years - 86_400_000;
        let branch = if scale.unit_branches > 0 { Some(first_branch + (m % scale.unit_branches) as i64) } else { None };
        checkins
            .row(format!(
                "({}, {}, {}, {}, 'FWZ{:06}', '钟组介{}号', 'approved', {}, {at}, {at})",
                first_checkin + m as i64,
                p.id,
                community_ids[c],
                int(branch),
                m + 1,
                m + 1,
                dispatchers[c]
            ))
            .await?;
        members_of[c].push(p.id);
    }
    let mut residents: Vec<(Person, usize)> = Vec::with_capacity(scale.residents);
    for r in 0..scale.residents {
        let grid = r % grids.len().max(1);
        let (p, row) = person("135", r, &mut rng, grids.get(grid).map(|(id, _)| *id));
        users.row(row).await?;
        grants.row(format!("({}, 'resident', NULL, {now_ms})", p.id)).await?;
        residents.push((p, grid));
    }
    done.users = users.finish().await?;
    // One party member central household in every twentieth unit, led by a member of its community.
    for (u, (unit, c)) in units.iter().enumerate().step_by(20) {
        if let Some(leader) = members_of[*c].get(u / 20 % members_of[*c].len().max(1)) {
            orgs.row(org(format!("党员中心户{}", u / 20 + 1), "central_household", *unit, Some(*leader))).await?;
        }
    }
    grants.finish().await?;
    place_grants.finish().await?;
    done.party_orgs = orgs.finish().await?;
    checkins.finish().await?;
    branch_checkins.finish().await?;

    // Volunteer teams and a year of their activities; the attendances' credits.
    let mut residents_of: Vec<Vec<i64>> = vec![Vec::new(); scale.communities];
    for (p, g) in &residents {
        residents_of[grids[*g].1].push(p.id);
    }
    let streets: Vec<i64> = street_codes.iter().map(|(id, _)| *id).collect();
    let named: Vec<(i64, usize, String)> = community_names
        .iter()
        .enumerate()
        .map(|(c, name)| (community_ids[c], c % scale.streets, name.clone()))
        .collect();
    let area = volunteers::Area {
        district,
        streets: &streets,
        communities: &named,
        grids: &grids,
        dispatchers: &dispatchers,
        members_of: &members_of,
        residents_of: &residents_of,
    };
    let teams = volunteers::Teams {
        per_community: scale.teams_per_community,
        per_street: scale.teams_per_street,
        district: scale.district_teams,
    };
    let volunteering = volunteers::generate_volunteers(&bulk, &area, teams, seed, now_ms).await?;
    done.teams = volunteering.teams;
    done.team_members = volunteering.team_members;
    done.activities = volunteering.activities;
    done.signups = volunteering.signups;
    // A resident pays for a wish in hours only with what their attendances earned before it.
    let mut budget = ledger::Budget::new(&volunteering.credits);
    let mut paid_rng = Rng(seed ^ 0x5041_4944_5749_5348);
    let mut in_ledger: Vec<ledger::WishEntry> = Vec::new();

    // Wishes over two years: older ones finished, recent ones in every live state.
    let mut next_wish = bulk.max_id(BulkTable::Wishes).await? + 1;
    let mut next_event = bulk.max_id(BulkTable::WishEvents).await? + 1;
    let mut wishes = bulk.table(BulkTable::Wishes);
    let mut events = bulk.table(BulkTable::WishEvents);
    let hour = 3_600_000_i64;
    let auto_confirm_ms = i64::try_from(settings.wishes.auto_confirm_after.as_millis()).unwrap_or(i64::MAX);
    for n in 0..scale.wishes {
        if n % 5_000 == 0 {
            wishes.flush().await?;
            events.flush().await?;
        }
        let Some((resident, g)) = residents.get(rng.below(residents.len())) else { break };
        let (grid, c) = grids[*g];
        let community = community_ids[c];
        let age = (rng.next() % (two_years as u64)) as i64 + hour;
        let created = now_ms - age;
        let roll = rng.below(100);
        let recent = age < 30 * 24 * hour;
        let status = match (recent, roll) {
            (false, 0..=5) => "rejected",
            (false, 6..=11) => "cancelled",
            (false, _) => "confirmed",
            (true, 0..=14) => "pending_review",
            (true, 15..=39) => "open",
            (true, 40..=64) => "claimed",
            (true, 65..=79) => "fulfilled",
            (true, 80..=94) => "confirmed",
            (true, _) => "cancelled",
        };
        let members = &members_of[c];
        let status =
            if members.is_empty() && matches!(status, "claimed" | "fulfilled" | "confirmed") { "open" } else { status };
        let member = (!members.is_empty()).then(|| members[rng.below(members.len())]);
        let (title, description) = rng.pick(&WISHES);
        let category = rng.pick(&CATEGORIES);
        let id = next_wish;
        next_wish += 1;
        let mut log: Vec<LogEntry> = vec![(created, Some(resident.id), "post", None, "pending_review", None)];
        let step = |n: i64| created + n * hour.min(age / 6).max(1);
        let dispatcher = Some(dispatchers[c]);
        match status {
            "rejected" => {
                log.push((step(1), dispatcher, "reject", Some("pending_review"), "rejected", Some("不属于微心愿范围")))
            }
            "cancelled" => log.push((step(1), Some(resident.id), "cancel", Some("pending_review"), "cancelled", None)),
            "pending_review" => {}
            _ => {
                log.push((step(1), dispatcher, "approve", Some("pending_review"), "open", None));
                if status != "open" {
                    log.push((step(2), member, "claim", Some("open"), "claimed", None));
                }
                if matches!(status, "fulfilled" | "confirmed") {
                    log.push((step(3), member, "fulfil", Some("claimed"), "fulfilled", Some("已办好")));
                }
                if status == "confirmed" {
                    log.push((step(4), Some(resident.id), "confirm", Some("fulfilled"), "confirmed", None));
                }
            }
        }
        // A fulfilment the resident left unanswered for `auto_confirm_after` was confirmed by the
        // job on time, as on a running server (which would otherwise meet a backlog at start).
        let auto_confirm_at = step(3).saturating_add(auto_confirm_ms);
        let auto_confirmed = status == "fulfilled" && auto_confirm_at <= now_ms;
        let status = if auto_confirmed {
            log.push((auto_confirm_at, None, "auto_confirm", Some("fulfilled"), "confirmed", None));
            "confirmed"
        } else {
            status
        };
        let holder = matches!(status, "claimed" | "fulfilled" | "confirmed").then_some(member).flatten();
        let claim_expires = (status == "claimed").then(|| now_ms + 24 * hour + (rng.below(48) as i64) * hour);
        let price = (paid_rng.below(3) == 0).then(|| 30 * (1 + paid_rng.below(4) as i64));
        let paid = price.filter(|&p| budget.reserve(resident.id, created, p));
        if let Some(entry) = wish_entry(id, status, resident.id, member, dispatcher, title, created, &log, paid) {
            in_ledger.push(entry);
        }
        let fulfilled_at = matches!(status, "fulfilled" | "confirmed").then(|| step(3));
        // Drawn for every confirmed wish, so the district after it stays the same for the seed.
        let rating = (status == "confirmed").then(|| 3 + rng.below(3) as i64).filter(|_| !auto_confirmed);
        let updated = log.last().map_or(created, |e| e.0);
        let mut row = String::with_capacity(256);
        let _ = write!(
            row,
            "({id}, {community}, {grid}, {}, {}, {}, {}, {}, '{}', '{status}', {}, {}, {}, {}, {}, {}, NULL, {created}, {updated}, {}, {})",
            resident.id,
            resident.id,
            text(title),
            text(description),
            text(category),
            resident.phone,
            log.len(),
            int(holder),
            int(claim_expires),
            int(fulfilled_at),
            if fulfilled_at.is_some() { "'已办好'" } else { "NULL" },
            int(rating),
            ledger::WISH_MINUTES,
            int(paid),
        );
        wishes.row(row).await?;
        for (at, actor, action, from, to, reason) in log {
            let from = from.map_or_else(|| "NULL".to_owned(), text);
            let reason = reason.map_or_else(|| "NULL".to_owned(), text);
            events
                .row(format!(
                    "({next_event}, {id}, {community}, {at}, {}, '{action}', {from}, '{to}', {reason})",
                    int(actor)
                ))
                .await?;
            next_event += 1;
        }
    }
    done.wishes = wishes.finish().await?;
    done.events = events.finish().await?;
    drop(budget);

    // The time bank: family links, then the ledger of the credits, the paid wishes, the pools'
    // mints and the gifts.
    let mut ledger_rng = Rng(seed ^ 0x4C45_4447_4552);
    let family = ledger::Family::draw(&bulk, &mut ledger_rng, &members_of, &residents_of, now_ms).await?;
    done.family_links = family.count();
    done.paid_wishes = in_ledger.iter().filter(|e| matches!(e, ledger::WishEntry::Paid { .. })).count();
    let first_resident = residents.first().map_or(0, |(p, _)| p.id);
    let name_of = |id: i64| {
        let n = usize::try_from(id - first_resident).ok();
        n.and_then(|n| residents.get(n)).map_or_else(String::new, |(p, _)| p.name.clone())
    };
    let written = ledger::write_ledger(
        &bulk,
        &mut ledger_rng,
        &in_ledger,
        &volunteering.credits,
        &family,
        &community_ids,
        &name_of,
        now_ms,
    )
    .await?;
    drop(in_ledger);
    done.ledger_accounts = written.accounts;
    done.transfers = written.transfers;
    done.movements = written.movements;

    // Property companies, an estate per comprehensive grid and a year of monthly ratings.
    let street_list: Vec<(i64, String)> = street_codes
        .iter()
        .enumerate()
        .map(|(s, (id, _))| (*id, format!("{}街道", STREET_NAMES[s % STREET_NAMES.len()])))
        .collect();
    let community_list: Vec<(i64, usize)> =
        (0..scale.communities).map(|c| (community_ids[c], c % scale.streets)).collect();
    let estate_grids: Vec<(i64, usize)> =
        grids.iter().filter(|(id, _)| comprehensive.iter().any(|(g, _, _)| g == id)).copied().collect();
    let homes: Vec<(i64, i64)> = residents.iter().map(|(p, g)| (p.id, grids[*g].0)).collect();
    let area =
        property::Area { streets: &street_list, communities: &community_list, grids: &estate_grids, residents: &homes };
    let rated = property::generate_property(&bulk, &area, seed, now_ms).await?;
    done.property_companies = rated.companies;
    done.estates = rated.estates;
    done.property_ratings = rated.ratings;
    done.property_seconds = rated.seconds;

    let district = orders::District {
        district,
        streets: street_codes
            .iter()
            .enumerate()
            .map(|(s, (id, _))| (*id, format!("{}街道", STREET_NAMES[s % STREET_NAMES.len()])))
            .collect(),
        communities: (0..scale.communities).map(|c| (community_ids[c], c % scale.streets)).collect(),
        grids,
        dispatchers,
        grid_workers,
        residents: residents.iter().map(|(p, g)| (p.id, *g)).collect(),
    };
    let calendar = crate::work_orders::deadlines::calendar_of(store, &settings.work_orders).await?;
    let events_before = bulk.max_id(BulkTable::WorkOrderEvents).await?;
    let made = orders::generate_orders(&bulk, &district, &settings.work_orders, calendar, (seed, scale, now_ms, &hash))
        .await?;
    done.users += made.users;
    done.departments = made.departments;
    done.orders = made.orders;
    done.order_events = made.events;
    bulk.reset_sequences().await?;
    let mut point_rng = Rng(seed ^ 0x0053_4552_5649_4345);
    done.service_points = service_points::write(
        store,
        &mut point_rng,
        &district.grids,
        &community_ids,
        &community_names,
        scale.service_points,
        now_ms,
    )
    .await?;
    // The work-order log was loaded in bulk: its events are added to the scorecard's day sums.
    store.add_order_events_to_day_sums(events_before).await?;
    // Nothing else writes while the generator runs, so the log is settled up to now.
    done.figure_days = crate::figures::sum_finished_days(store, None, std::time::Duration::ZERO).await?;
    crate::figures::sum_today(store, std::time::Duration::ZERO).await?;
    Ok(done)
}

/// What wish `id` leaves in the ledger, from its status and log: a confirmed wish's credit to its
/// member, or a paid wish's escrow (paid on confirmation, returned when refused or cancelled,
/// held while live).
#[allow(clippy::too_many_arguments)]
fn wish_entry(
    id: i64,
    status: &str,
    resident: i64,
    member: Option<i64>,
    dispatcher: Option<i64>,
    title: &'static str,
    posted: i64,
    log: &[LogEntry],
    paid: Option<i64>,
) -> Option<ledger::WishEntry> {
    let last = log.last().map_or(posted, |e| e.0);
    let end = match (status, member) {
        ("confirmed", Some(member)) if paid.is_some() => ledger::PaidEnd::Pay { member, at: last },
        ("confirmed", Some(member)) => {
            return Some(ledger::WishEntry::Credit { wish: id, member, resident, at: last, title });
        }
        ("confirmed", None) => return None,
        ("rejected", _) => ledger::PaidEnd::Return { actor: dispatcher.unwrap_or(resident), at: last },
        ("cancelled", _) => ledger::PaidEnd::Return { actor: resident, at: last },
        _ => ledger::PaidEnd::Held,
    };
    paid.map(|price| ledger::WishEntry::Paid { wish: id, resident, posted, price, title, end })
}
