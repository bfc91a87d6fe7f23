//! The generator's volunteer teams and their activities (docs/TIME-BANK.md): teams at the
//! district, its streets and its communities (429 at seed scale), their leaders and members drawn
//! from the generated party members and residents, and a year of activities (the last month still
//! to come) with their sign-ups, waitlists, withdrawals and attendance as the workflow leaves them:
//! the first live sign-ups seated up to the capacity and the rest waitlisted in order, check-in and
//! check-out in the scan window, minutes per `attended_minutes`, and the organiser's confirmation a
//! few hours to two days after the end. Each confirmed attendance is a credit for the ledger
//! (`ledger.rs`).

use std::collections::HashSet;

use haolin_shared::domain::time_bank::attended_minutes;

use super::Rng;
use crate::store::StoreError;
use crate::store::bulk::{BulkLoader, BulkTable, int, text};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Team names; a place never has two teams of one name.
const TEAM_NAMES: [&str; 24] = [
    "红马甲志愿服务队",
    "蓝天使志愿服务队",
    "党员先锋队",
    "夕阳红志愿服务队",
    "巾帼志愿服务队",
    "青年志愿服务队",
    "邻里守望队",
    "平安巡逻队",
    "文明劝导队",
    "爱心帮扶队",
    "银龄互助队",
    "环保护绿队",
    "法律援助服务队",
    "医疗义诊队",
    "助学圆梦队",
    "心理疏导服务队",
    "应急救援队",
    "便民维修队",
    "文艺宣传队",
    "禁毒宣传队",
    "交通劝导队",
    "垃圾分类督导队",
    "关爱留守儿童服务队",
    "退役军人志愿服务队",
];

/// Activities: title, description, skills (a JSON array).
const ACTIVITIES: [(&str, &str, &str); 16] = [
    ("五联共建·小区环境大扫除", "清理楼道杂物和公共区域垃圾，共建整洁家园。", "[]"),
    ("五联共治·邻里纠纷调解日", "社区调解员与志愿者一起听取居民诉求，化解邻里矛盾。", "[\"调解\"]"),
    ("五联联防·平安巡逻", "沿小区主要道路巡逻，排查消防通道、电动车充电等安全隐患。", "[]"),
    ("五联联学·党史学习分享会", "党员和居民一起学习党史，分享身边的好故事。", "[]"),
    ("五联联谊·重阳敬老慰问", "走访慰问辖区高龄老人，陪老人聊天、打扫卫生。", "[]"),
    ("义诊进社区", "联系社区卫生服务中心医生为居民免费测血压、血糖。", "[\"医疗\"]"),
    ("周末课堂·作业辅导", "为双职工家庭的孩子辅导作业、陪伴阅读。", "[\"教育\"]"),
    ("独居老人探访", "上门探访独居老人，了解生活困难并登记需求。", "[]"),
    ("垃圾分类宣传", "在小区门口设点宣传垃圾分类知识，指导居民正确投放。", "[]"),
    ("防范电信诈骗宣传", "发放宣传资料，讲解常见诈骗手法，帮助居民安装反诈软件。", "[]"),
    ("文明交通劝导", "在路口劝导行人和非机动车遵守交通信号。", "[]"),
    ("爱心义剪", "为老人和行动不便的居民免费理发。", "[\"理发\"]"),
    ("家电义务维修", "为居民免费检修小家电、更换灯泡和水龙头。", "[\"维修\"]"),
    ("消防安全演练", "组织居民开展消防疏散演练，学习灭火器使用。", "[\"急救\"]"),
    ("植树护绿", "在社区绿地补种花木、清除杂草。", "[]"),
    ("关爱留守儿童", "陪伴留守儿童做手工、读绘本。", "[\"教育\"]"),
];

/// Where in a community an activity meets.
const VENUES: [&str; 6] =
    ["党群服务中心", "文化广场", "新时代文明实践站", "居委会二楼会议室", "老年活动中心", "小区东门"];

/// Start times in China time, minutes after midnight (daytime only).
const STARTS: [i64; 8] = [8 * 60 + 30, 9 * 60, 9 * 60 + 30, 10 * 60, 14 * 60, 14 * 60 + 30, 15 * 60, 16 * 60];
/// Activity lengths in minutes.
const LENGTHS: [i64; 6] = [60, 90, 120, 150, 180, 240];

/// The places and people the teams are drawn from.
pub struct Area<'a> {
    /// The district's place id.
    pub district: i64,
    /// The streets' place ids.
    pub streets: &'a [i64],
    /// Communities: place id, index of its street, name.
    pub communities: &'a [(i64, usize, String)],
    /// Grids: place id and index of its community.
    pub grids: &'a [(i64, usize)],
    /// The dispatcher of each community.
    pub dispatchers: &'a [i64],
    /// The party members of each community.
    pub members_of: &'a [Vec<i64>],
    /// The residents of each community.
    pub residents_of: &'a [Vec<i64>],
}

/// How many teams: at each community, at each street, and at the district.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Teams {
    /// Teams of each community.
    pub per_community: usize,
    /// Teams of each street.
    pub per_street: usize,
    /// Teams of the district.
    pub district: usize,
}

/// A confirmed attendance: the participant's credit.
#[derive(Debug, Clone, Copy)]
pub struct Credit {
    /// When the organiser confirmed it.
    pub at: i64,
    /// The participant.
    pub user: i64,
    /// The activity.
    pub activity: i64,
    /// Minutes confirmed.
    pub minutes: i64,
    /// The organiser who confirmed it.
    pub organiser: i64,
    /// The activity's title.
    pub title: &'static str,
}

/// What was made here.
#[derive(Debug, Default)]
pub struct Volunteering {
    /// Teams.
    pub teams: usize,
    /// Team members (pending ones included).
    pub team_members: usize,
    /// Activities.
    pub activities: usize,
    /// Sign-ups.
    pub signups: usize,
    /// Confirmed attendances, in no particular order.
    pub credits: Vec<Credit>,
}

/// A team as the activities need it.
struct Team {
    id: i64,
    created: i64,
    /// Communities (indexes) its activities meet in.
    communities: Vec<usize>,
    leaders: Vec<i64>,
    members: Vec<i64>,
}

/// Midnight (China time) of the day of `ms`, in UTC milliseconds.
fn china_midnight(ms: i64) -> i64 {
    (ms + 8 * HOUR).div_euclid(DAY) * DAY - 8 * HOUR
}

/// Writes the teams, their members, the activities and their sign-ups.
pub async fn generate_volunteers(
    bulk: &BulkLoader,
    area: &Area<'_>,
    teams: Teams,
    seed: u64,
    now: i64,
) -> Result<Volunteering, StoreError> {
    let mut rng = Rng(seed ^ 0x564F_4C55_4E54_4545);
    let mut made = Volunteering::default();
    let mut places: Vec<(i64, Vec<usize>, usize)> =
        vec![(area.district, (0..area.communities.len()).collect(), teams.district)];
    for (s, street) in area.streets.iter().enumerate() {
        let within = area.communities.iter().enumerate().filter(|(_, c)| c.1 == s).map(|(i, _)| i).collect();
        places.push((*street, within, teams.per_street));
    }
    for (c, community) in area.communities.iter().enumerate() {
        places.push((community.0, vec![c], teams.per_community));
    }
    let mut next_team = bulk.max_id(BulkTable::Teams).await? + 1;
    let mut team_rows = bulk.table(BulkTable::Teams);
    let mut member_rows = bulk.table(BulkTable::TeamMembers);
    let mut all = Vec::new();
    for (place, communities, count) in places {
        if communities.is_empty() {
            continue;
        }
        let mut names: Vec<&str> = TEAM_NAMES.to_vec();
        for _ in 0..count.min(TEAM_NAMES.len()) {
            let name = names.swap_remove(rng.below(names.len()));
            let team = team(&mut rng, area, next_team, communities.clone(), now);
            next_team += 1;
            let creator = if communities.len() == 1 { area.dispatchers[communities[0]] } else { team.leaders[0] };
            let description = format!("{name}，欢迎热心居民和党员加入，一起服务邻里。");
            let approved = team.leaders.len() + team.members.len();
            team_rows
                .row(format!(
                    "({}, {}, {}, {place}, {creator}, {}, {approved})",
                    team.id,
                    text(name),
                    text(&description),
                    team.created
                ))
                .await?;
            let mut seen = HashSet::new();
            for (role, people) in [("leader", &team.leaders), ("member", &team.members)] {
                for user in people {
                    seen.insert(*user);
                    let requested = team.created + (rng.below(30 * 24) as i64) * HOUR;
                    let joined = requested + HOUR + (rng.below(72) as i64) * HOUR;
                    member_rows.row(format!("({}, {user}, '{role}', NULL, {requested}, {joined})", team.id)).await?;
                }
            }
            // A few asking to join, not yet approved.
            for _ in 0..rng.below(4) {
                let user = candidate(&mut rng, area, &team.communities);
                if seen.insert(user) {
                    let requested = now - (rng.below(20 * 24) as i64 + 1) * HOUR;
                    member_rows
                        .row(format!("({}, {user}, 'pending', {}, {requested}, NULL)", team.id, text("想参加志愿服务")))
                        .await?;
                }
            }
            all.push(team);
        }
    }
    made.teams = team_rows.finish().await?;
    made.team_members = member_rows.finish().await?;

    let mut next_activity = bulk.max_id(BulkTable::Activities).await? + 1;
    let mut next_signup = bulk.max_id(BulkTable::ActivitySignups).await? + 1;
    let mut activities = bulk.table(BulkTable::Activities);
    let mut signups = bulk.table(BulkTable::ActivitySignups);
    for team in &all {
        let mut day = now - 365 * DAY + (rng.below(20) as i64) * DAY;
        while day < now + 30 * DAY {
            let id = next_activity;
            next_activity += 1;
            let a = Activity::draw(&mut rng, area, team, day, now);
            day += (8 + rng.below(23) as i64) * DAY;
            let (seated, waiting) =
                a.signups(&mut rng, area, team, id, now, &mut next_signup, &mut signups, &mut made).await?;
            activities.row(a.row(id, team.id, seated, waiting)).await?;
            if next_activity % 1_000 == 0 {
                activities.flush().await?;
                signups.flush().await?;
            }
        }
    }
    made.activities = activities.finish().await?;
    made.signups = signups.finish().await?;
    Ok(made)
}

/// A team at the communities `communities`: a leader or two from their party members, members
/// from their party members and residents.
fn team(rng: &mut Rng, area: &Area<'_>, id: i64, communities: Vec<usize>, now: i64) -> Team {
    let created = now - 400 * DAY - (rng.below(200) as i64) * DAY;
    let mut seen = HashSet::new();
    let mut leaders = Vec::new();
    for _ in 0..1 + rng.below(2) {
        let c = *rng.pick(&communities);
        let pool = if area.members_of[c].is_empty() { &area.residents_of[c] } else { &area.members_of[c] };
        if let Some(&user) = pool.get(rng.below(pool.len()))
            && seen.insert(user)
        {
            leaders.push(user);
        }
    }
    let mut members = Vec::new();
    for _ in 0..12 + rng.below(34) {
        let user = candidate(rng, area, &communities);
        if seen.insert(user) {
            members.push(user);
        }
    }
    if leaders.is_empty() {
        leaders.push(members.pop().unwrap_or(area.dispatchers[communities[0]]));
    }
    Team { id, created, communities, leaders, members }
}

/// A party member (two in five) or a resident of one of `communities`.
fn candidate(rng: &mut Rng, area: &Area<'_>, communities: &[usize]) -> i64 {
    let c = *rng.pick(communities);
    let (members, residents) = (&area.members_of[c], &area.residents_of[c]);
    let pool = if (rng.below(5) < 2 && !members.is_empty()) || residents.is_empty() { members } else { residents };
    pool.get(rng.below(pool.len())).copied().unwrap_or(area.dispatchers[c])
}

/// One activity's facts.
struct Activity {
    kind: usize,
    /// The index of its community.
    c: usize,
    place: i64,
    community: i64,
    address: String,
    starts: i64,
    ends: i64,
    capacity: i64,
    status: &'static str,
    organiser: i64,
    created: i64,
    /// When the organiser confirmed (or will confirm) the hours.
    confirm_at: i64,
}

impl Activity {
    fn draw(rng: &mut Rng, area: &Area<'_>, team: &Team, day: i64, now: i64) -> Self {
        let kind = rng.below(ACTIVITIES.len());
        let c = *rng.pick(&team.communities);
        let (community, _, name) = &area.communities[c];
        let grids: Vec<i64> = area.grids.iter().filter(|g| g.1 == c).map(|g| g.0).collect();
        let place = if rng.below(2) == 0 || grids.is_empty() { *community } else { *rng.pick(&grids) };
        let address = format!("{name}{}", rng.pick(&VENUES));
        let starts = china_midnight(day) + rng.pick(&STARTS) * MINUTE;
        let ends = starts + rng.pick(&LENGTHS) * MINUTE;
        let capacity = 10 + 5 * rng.below(7) as i64;
        let confirm_at = ends + HOUR + (rng.below(46 * 60) as i64) * MINUTE;
        let status = if rng.below(100) < 3 {
            "cancelled"
        } else if confirm_at <= now {
            "confirmed"
        } else {
            "published"
        };
        let created = (starts - (3 + rng.below(19) as i64) * DAY).min(now - HOUR).max(team.created + DAY);
        Self {
            kind,
            c,
            place,
            community: *community,
            address,
            starts,
            ends,
            capacity,
            status,
            organiser: *rng.pick(&team.leaders),
            created,
            confirm_at,
        }
    }

    /// Writes the sign-ups in order: each live one seated while seats are left, else waitlisted;
    /// attendance where the activity has begun; a credit for each confirmed one. Returns the seats
    /// taken and the waitlist's length.
    #[allow(clippy::too_many_arguments)]
    async fn signups(
        &self,
        rng: &mut Rng,
        area: &Area<'_>,
        team: &Team,
        id: i64,
        now: i64,
        next_id: &mut i64,
        rows: &mut crate::store::bulk::TableLoader<'_>,
        made: &mut Volunteering,
    ) -> Result<(i64, i64), StoreError> {
        let wanted = self.capacity * (50 + rng.below(100) as i64) / 100;
        let (from, to) = (self.created + MINUTE, self.starts.min(now) - MINUTE);
        let mut people = HashSet::new();
        let mut times = Vec::new();
        for _ in 0..wanted {
            let user = if rng.below(10) < 7 && !team.members.is_empty() {
                *rng.pick(&team.members)
            } else {
                candidate(rng, area, &[self.c])
            };
            if people.insert(user) {
                times.push((from + (rng.next() % (to - from).max(1) as u64) as i64, user));
            }
        }
        times.sort_unstable();
        let (mut seated, mut waiting) = (0, 0);
        let begun = self.status != "cancelled" && self.starts <= now;
        for (signed_up, user) in times {
            let sid = *next_id;
            *next_id += 1;
            let status = if rng.below(100) < 6 {
                "withdrawn"
            } else if seated < self.capacity {
                seated += 1;
                "seated"
            } else {
                waiting += 1;
                "waitlisted"
            };
            let (mut checked_in, mut checked_out, mut minutes, mut confirmed) = (None, None, None, None);
            if status == "seated" && begun && rng.below(100) < 85 {
                let into = self.starts + (rng.below(31) as i64 - 20) * MINUTE;
                let out = self.ends + (rng.below(51) as i64 - 30) * MINUTE;
                if into <= now {
                    checked_in = Some(into);
                }
                if into <= now && out <= now && rng.below(100) >= 4 {
                    checked_out = Some(out);
                    let m = attended_minutes(into, out, self.starts, self.ends);
                    minutes = Some(m);
                    if self.status == "confirmed" && m > 0 {
                        confirmed = Some(self.confirm_at);
                        made.credits.push(Credit {
                            at: self.confirm_at,
                            user,
                            activity: id,
                            minutes: m,
                            organiser: self.organiser,
                            title: ACTIVITIES[self.kind].0,
                        });
                    }
                }
            }
            rows.row(format!(
                "({sid}, {id}, {user}, '{status}', {signed_up}, {}, {}, {}, {}, {})",
                int(checked_in),
                int(checked_out),
                int(minutes),
                int(confirmed),
                int(confirmed.map(|_| self.organiser)),
            ))
            .await?;
        }
        Ok((seated, waiting))
    }

    fn row(&self, id: i64, team: i64, seated: i64, waiting: i64) -> String {
        let (title, description, skills) = ACTIVITIES[self.kind];
        format!(
            "({id}, {team}, {}, {}, {}, {}, {}, {}, {}, {}, {seated}, {waiting}, {}, '{}', {}, {})",
            text(title),
            text(description),
            self.place,
            self.community,
            text(&self.address),
            self.starts,
            self.ends,
            self.capacity,
            text(skills),
            self.status,
            self.organiser,
            self.created,
        )
    }
}
