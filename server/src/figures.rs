//! Figures for leaders (docs/FIGURES.md): who may read which place, the date range, a place's
//! figures by month and its members' workload, a member's own figures, and the job that sums each
//! finished day.
//!
//! A request adds the summed days (`figure_days`, written by [`sum_days`] once a day is over), today
//! as the job has summed it so far ([`sum_today`], every round up to a minute ago) and the log after
//! that, counted with the same statements in `store/figures.rs` ([`Plan`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use haolin_shared::api::{
    FigurePlaces, FigureRow, Figures, LoadCounts, LoadDistribution, MemberLoad, MonthLoad, MyWorkload, PersonRef,
    PlaceLevel, PlaceRef, PropertyFigures, Role, Workload,
};
use haolin_shared::domain::calendar::{Date, shanghai_date, shanghai_instant};
use haolin_shared::domain::property::{Period, StarSums};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::field_id;
use crate::state::AppState;
use crate::store::figures::{DaySums, Durations, Histogram, MemberLine, MemberSums, Scope, SoFar};
use crate::store::places::PlaceRecord;
use crate::store::{Store, StoreError};
use crate::work_orders::Viewer;
use crate::work_orders::scorecard;

/// The longest range one request covers.
const MAX_DAYS: i64 = 3 * 366;
/// How long one round of the job may keep summing days (it continues next round).
const JOB_BUDGET: Duration = Duration::from_secs(5);

/// What a figures request asks for, as the query string has it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FigureQuery {
    /// The place's id; default: the caller's widest place.
    pub place: Option<String>,
    /// The first day (`YYYY-MM-DD`); default: the first day of the month eleven months ago.
    pub from: Option<String>,
    /// The last day; default: today.
    pub to: Option<String>,
    /// Workload: how many members to list (1–100, default 100).
    pub limit: Option<String>,
}

/// A checked range: days since 1970-01-01 (Asia/Shanghai).
#[derive(Debug, Clone, Copy)]
struct Range {
    from: Date,
    to: Date,
}

fn day(field: &str, raw: &str) -> Result<Date, ApiError> {
    Date::parse(raw.trim()).ok_or_else(|| ApiError::invalid_field(field, "日期格式应为 YYYY-MM-DD"))
}

fn range(q: &FigureQuery) -> Result<Range, ApiError> {
    let today = shanghai_date(Utc::now().timestamp_millis());
    let to = q.to.as_deref().map(|r| day("to", r)).transpose()?.unwrap_or(today);
    let from = match q.from.as_deref() {
        Some(r) => day("from", r)?,
        None => {
            let months = i32::from(to.month) - 1 + to.year * 12 - 11;
            Date { year: months.div_euclid(12), month: (months.rem_euclid(12) + 1) as u8, day: 1 }
        }
    };
    if from > to {
        return Err(ApiError::invalid_field("from", "开始日期不能晚于结束日期"));
    }
    if to.days_since_epoch() - from.days_since_epoch() > MAX_DAYS {
        return Err(ApiError::invalid_field("to", "统计区间最长三年"));
    }
    Ok(Range { from, to })
}

fn month_of(d: Date) -> String {
    format!("{:04}-{:02}", d.year, d.month)
}

/// Every month of the range, oldest first.
fn months(r: Range) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (r.from.year, r.from.month);
    while (y, m) <= (r.to.year, r.to.month) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

fn place_ref(p: &PlaceRecord) -> PlaceRef {
    PlaceRef { id: p.id.to_string(), code: p.code.clone(), name: p.name.clone(), level: p.level }
}

fn scope_of(p: &PlaceRecord) -> Result<Scope, ApiError> {
    Ok(match p.level {
        PlaceLevel::Grid => Scope::Grid(p.id),
        PlaceLevel::Community => Scope::Community(p.id),
        PlaceLevel::Street => Scope::Street(p.id),
        PlaceLevel::District => Scope::District(p.id),
        PlaceLevel::Unit => return Err(ApiError::invalid_field("place", "统计对象须为网格、社区、街道或区")),
    })
}

/// The places the caller reads figures of without naming one: an admin the districts; a street
/// officer their streets; a dispatcher their communities; a grid worker their grids.
async fn top_places(state: &AppState, caller: &Caller) -> Result<Vec<PlaceRecord>, ApiError> {
    if caller.is_admin() {
        return Ok(state.store.child_places(None, Some(PlaceLevel::District), None, 100).await?);
    }
    let viewer = Viewer::load(state, caller).await?;
    let mut ids = viewer.streets.clone();
    ids.extend(caller.communities(Role::Dispatcher));
    ids.extend(viewer.grids.iter().copied());
    let mut out = Vec::new();
    for id in ids {
        if let Some(p) = state.store.place(id).await?
            && !out.iter().any(|o: &PlaceRecord| o.id == p.id)
        {
            out.push(p);
        }
    }
    Ok(out)
}

/// Whether the caller may read the figures of `place`: admins everything; street officers their
/// street and everything in it; dispatchers their communities and their grids; grid workers and
/// leaders their grids.
async fn may_read(state: &AppState, caller: &Caller, place: &PlaceRecord) -> Result<bool, ApiError> {
    if caller.is_admin() {
        return Ok(true);
    }
    let viewer = Viewer::load(state, caller).await?;
    let path = state.store.place_path(place.id).await?;
    Ok(path.iter().any(|p| match p.level {
        PlaceLevel::Street => viewer.streets.contains(&p.id),
        PlaceLevel::Community => caller.holds(Role::Dispatcher, p.id),
        PlaceLevel::Grid => viewer.grids.contains(&p.id),
        _ => false,
    }))
}

/// The place asked for (or the caller's widest), if the caller may read it. A caller with no
/// place to read (a resident, a member) is refused with 403; a place they may not read is not
/// found.
async fn readable_place(state: &AppState, caller: &Caller, raw: Option<&str>) -> Result<PlaceRecord, ApiError> {
    match raw {
        Some(raw) => {
            let id = field_id("place", raw)?;
            let place = state.store.place(id).await?.ok_or_else(ApiError::not_found)?;
            if !may_read(state, caller, &place).await? {
                return Err(if top_places(state, caller).await?.is_empty() {
                    ApiError::forbidden()
                } else {
                    ApiError::not_found()
                });
            }
            Ok(place)
        }
        None => top_places(state, caller).await?.into_iter().next().ok_or_else(ApiError::forbidden),
    }
}

/// How a range is read: its summed days, the day after the watermark as far as the job summed it
/// so far, and the rest counted from the log.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    /// The summed days (`from ..= to`), read from the month and day tables.
    summed: Option<(i64, i64)>,
    /// Whether the rows of the day after the watermark count (it is in the range and the job has
    /// summed part of it).
    so_far: bool,
    /// What is counted from the log: `(day, start, end)`, UTC ms, the day's rest after the rows
    /// summed so far or the whole day.
    live: Vec<(Date, i64, i64)>,
}

fn plan<T>(r: Range, mark: &SoFar<T>) -> Plan {
    let (from, to) = (r.from.days_since_epoch(), r.to.days_since_epoch());
    let watermark = mark.watermark;
    let summed = (watermark >= from).then_some((from, to.min(watermark)));
    let mut so_far = false;
    let mut live = Vec::new();
    for d in from.max(watermark + 1)..=to {
        let date = Date::from_days(d);
        let (mut start, end) = (shanghai_instant(date, 0), shanghai_instant(date.succ(), 0));
        if d == watermark + 1 && mark.upto > start {
            so_far = true;
            start = mark.upto.min(end);
        }
        if start < end {
            live.push((date, start, end));
        }
    }
    Plan { summed, so_far, live }
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

fn average(sum: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| (sum as f64 / n as f64 * 100.0).round() / 100.0)
}

/// The nearest-rank percentile `p` (0–100) of a histogram: the smallest bucket with at least
/// `p`% of the values at or below it.
pub fn percentile(h: &Histogram, p: i64) -> Option<i64> {
    let n: i64 = h.values().sum();
    if n == 0 {
        return None;
    }
    let mut upto = 0;
    for (seconds, count) in h {
        upto += count;
        if upto * 100 >= p * n {
            return Some(*seconds);
        }
    }
    h.keys().next_back().copied()
}

/// The rating periods a range counts, each with the month it counts in: every period overlapping
/// the range, in the month it ends, or in the range's last month if it ends after it.
fn property_periods(state: &AppState, r: Range) -> Vec<(String, String)> {
    let length = state.settings.property.period;
    let last_month = month_of(r.to);
    let mut out: Vec<(String, String)> = Vec::new();
    for month in months(r) {
        let first = Date::parse(&format!("{month}-01")).unwrap_or(r.to);
        let period = Period::of_date(first, length);
        let ends = month_of(period.last_day());
        let counted_in = if ends > last_month { last_month.clone() } else { ends };
        if period.last_day() >= r.from && !out.iter().any(|(key, _)| *key == period.key()) {
            out.push((period.key(), counted_in));
        }
    }
    out
}

fn add_stars(to: &mut StarSums, s: &StarSums) {
    to.raters += s.raters;
    for (a, b) in to.stars.iter_mut().zip(s.stars) {
        *a += b;
    }
    to.satisfied += s.satisfied;
}

fn property_figures(s: &StarSums) -> PropertyFigures {
    let has = s.raters > 0;
    let stars: i64 = s.stars.iter().sum();
    PropertyFigures {
        raters: s.raters,
        star_avg: has.then(|| (stars as f64 / (s.raters * 5) as f64 * 100.0).round() / 100.0),
        satisfaction: has.then(|| s.satisfaction()),
    }
}

fn figure_row(
    month: String,
    s: &DaySums,
    d: &Durations,
    orders: Option<haolin_shared::api::ScoreRow>,
    property: Option<PropertyFigures>,
) -> FigureRow {
    FigureRow {
        month,
        posted: s.posted,
        approved: s.approved,
        rejected: s.rejected,
        claimed: s.claimed,
        fulfilled: s.fulfilled,
        confirmed: s.confirmed,
        auto_confirmed: s.auto_confirmed,
        auto_confirmed_share: ratio(s.auto_confirmed, s.confirmed),
        cancelled: s.cancelled,
        expired: s.expired,
        released: s.released,
        revoked: s.revoked,
        claim_p50_seconds: percentile(&d.claim, 50),
        claim_p90_seconds: percentile(&d.claim, 90),
        confirm_p50_seconds: percentile(&d.confirm, 50),
        confirm_p90_seconds: percentile(&d.confirm, 90),
        ratings: s.ratings,
        rating_avg: average(s.rating_sum, s.ratings),
        checkins: s.checkins,
        service_minutes: s.service_minutes,
        orders,
        property,
    }
}

/// `GET /api/v1/figures`.
pub async fn figures(state: &AppState, caller: &Caller, q: &FigureQuery) -> Result<Figures, ApiError> {
    let r = range(q)?;
    let place = readable_place(state, caller, q.place.as_deref()).await?;
    let scope = scope_of(&place)?;
    let mark = state.store.figures_so_far(place.id).await?;
    let Plan { summed, so_far, live } = plan(r, &mark);
    // The summed days, the days counted from the log and the work orders are independent reads:
    // they run at once, each on its own connection, so the answer waits for the slowest only.
    let summed_reads = async {
        match summed {
            Some((from, to)) => tokio::try_join!(
                state.store.figure_months(place.id, from, to),
                state.store.figure_month_durations(place.id, from, to),
            ),
            None => Ok((BTreeMap::new(), BTreeMap::new())),
        }
    };
    let live_reads = futures_util::future::try_join_all(live.iter().map(|&(date, start, end)| async move {
        state.store.live_figures(scope, start, end).await.map(|(s, d)| (date, s, d))
    }));
    // Work orders: the scorecard's sums of the same range (a district has none).
    let column = match place.level {
        PlaceLevel::Grid => Some("grid_id"),
        PlaceLevel::Community => Some("community_id"),
        PlaceLevel::Street => Some("street_id"),
        _ => None,
    };
    let order_reads = async {
        match column {
            Some(column) => state.store.score_sums(column, place.id, r.from, r.to).await.map(Some),
            None => Ok(None),
        }
    };
    // Property ratings: the periods the range counts, of the estates here (a grid has none).
    let periods = property_periods(state, r);
    let property_reads = async {
        if place.level == PlaceLevel::Grid {
            return Ok(None);
        }
        let keys: Vec<String> = periods.iter().map(|(key, _)| key.clone()).collect();
        state.store.property_period_sums(scope, &keys).await.map(Some)
    };
    let ((mut sums, mut durations), live, orders, property) =
        tokio::try_join!(summed_reads, live_reads, order_reads, property_reads)?;
    let mut property_months: Option<BTreeMap<String, StarSums>> = property.map(|found| {
        let mut by_month = BTreeMap::new();
        for (key, stars) in found {
            if let Some((_, month)) = periods.iter().find(|(k, _)| *k == key) {
                add_stars(by_month.entry(month.clone()).or_default(), &stars);
            }
        }
        by_month
    });
    if so_far {
        let month = month_of(Date::from_days(mark.watermark + 1));
        sums.entry(month.clone()).or_default().add(&mark.rows.0);
        durations.entry(month).or_default().add(&mark.rows.1);
    }
    for (date, s, d) in live {
        sums.entry(month_of(date)).or_default().add(&s);
        durations.entry(month_of(date)).or_default().add(&d);
    }
    let order_row = |month: &str| {
        orders.as_ref().map(|all| {
            let found = all.iter().find(|s| s.month == month).cloned().unwrap_or_else(|| {
                crate::store::work_orders::ScoreSums { month: month.to_owned(), ..Default::default() }
            });
            scorecard::row(&found, false)
        })
    };
    let mut total = DaySums::default();
    let mut total_durations = Durations::default();
    let mut total_stars = StarSums::default();
    let mut rows = Vec::new();
    for month in months(r) {
        let s = sums.get(&month).copied().unwrap_or_default();
        let d = durations.remove(&month).unwrap_or_default();
        total.add(&s);
        total_durations.add(&d);
        let o = order_row(&month);
        let p = property_months.as_mut().map(|by_month| {
            let stars = by_month.remove(&month).unwrap_or_default();
            add_stars(&mut total_stars, &stars);
            property_figures(&stars)
        });
        rows.push(figure_row(month, &s, &d, o, p));
    }
    let total_orders = orders.as_ref().map(|all| scorecard::row(&scorecard::total(all), false));
    let total_property = property_months.is_some().then(|| property_figures(&total_stars));
    Ok(Figures {
        place: place_ref(&place),
        from: r.from.to_string(),
        to: r.to.to_string(),
        total: figure_row("total".to_owned(), &total, &total_durations, total_orders, total_property),
        months: rows,
    })
}

fn load(s: &MemberSums) -> LoadCounts {
    LoadCounts {
        claimed: s.claimed,
        fulfilled: s.fulfilled,
        confirmed: s.confirmed,
        released: s.released,
        revoked: s.revoked,
        expired: s.expired,
        release_rate: ratio(s.released, s.claimed),
        expiry_rate: ratio(s.expired, s.claimed),
        ratings: s.ratings,
        rating_avg: average(s.rating_sum, s.ratings),
        service_minutes: s.service_minutes,
    }
}

/// How the takings spread over members (`claimed`, busiest first).
pub fn distribution(claimed_desc: &[i64]) -> LoadDistribution {
    let active: Vec<i64> = claimed_desc.iter().copied().filter(|c| *c > 0).collect();
    let all: i64 = active.iter().sum();
    let mut half = 0;
    let mut upto = 0;
    for c in &active {
        if upto * 2 >= all {
            break;
        }
        upto += c;
        half += 1;
    }
    let tenth = active.len().div_ceil(10).max(1);
    let top: i64 = active.iter().take(tenth).sum();
    LoadDistribution {
        active_members: active.len() as i64,
        claimed: all,
        half_load_members: half,
        top_tenth_share: ratio(top, all),
    }
}

/// `GET /api/v1/figures/workload`: the busiest `limit` members (1–100, default 100).
pub async fn workload(state: &AppState, caller: &Caller, q: &FigureQuery) -> Result<Workload, ApiError> {
    let limit = match q.limit.as_deref().map(str::trim) {
        None => 100,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => return Err(ApiError::invalid_field("limit", "limit 须为 1 到 100 的整数")),
        },
    };
    workload_of(state, caller, q, limit).await
}

/// The workload with every active member listed (the export).
pub async fn workload_all(state: &AppState, caller: &Caller, q: &FigureQuery) -> Result<Workload, ApiError> {
    workload_of(state, caller, q, usize::MAX).await
}

async fn workload_of(state: &AppState, caller: &Caller, q: &FigureQuery, limit: usize) -> Result<Workload, ApiError> {
    let r = range(q)?;
    let place = readable_place(state, caller, q.place.as_deref()).await?;
    let scope = scope_of(&place)?;
    let mark = state.store.member_lines_so_far(scope).await?;
    let Plan { summed, so_far, live } = plan(r, &mark);
    let mut by_member: BTreeMap<i64, (String, MemberSums)> = BTreeMap::new();
    let mut put = |lines: Vec<MemberLine>| {
        for l in lines {
            by_member.entry(l.member_id).or_insert_with(|| (l.name.clone(), MemberSums::default())).1.add(&l.sums);
        }
    };
    // The summed days and the days counted from the log, read at once.
    let summed_lines = async {
        match summed {
            Some((from, to)) => state.store.member_lines(scope, from, to).await,
            None => Ok(Vec::new()),
        }
    };
    let live_lines = futures_util::future::try_join_all(
        live.iter().map(|&(_, start, end)| state.store.live_member_lines(scope, start, end)),
    );
    let (summed_lines, live_lines) = tokio::try_join!(summed_lines, live_lines)?;
    put(summed_lines);
    if so_far {
        put(mark.rows);
    }
    for lines in live_lines {
        put(lines);
    }
    let mut lines: Vec<(i64, String, MemberSums)> = by_member.into_iter().map(|(id, (n, s))| (id, n, s)).collect();
    lines.sort_by(|a, b| b.2.claimed.cmp(&a.2.claimed).then(a.0.cmp(&b.0)));
    let claimed: Vec<i64> = lines.iter().map(|l| l.2.claimed).collect();
    let total_members = lines.len() as i64;
    Ok(Workload {
        place: place_ref(&place),
        from: r.from.to_string(),
        to: r.to.to_string(),
        distribution: distribution(&claimed),
        total_members,
        members: lines
            .into_iter()
            .take(limit)
            .map(|(id, name, s)| MemberLoad { member: PersonRef { id: id.to_string(), name }, load: load(&s) })
            .collect(),
    })
}

/// `GET /api/v1/me/workload`: what the caller did as a member, wherever they served.
pub async fn my_workload(state: &AppState, caller: &Caller, q: &FigureQuery) -> Result<MyWorkload, ApiError> {
    let r = range(q)?;
    let mark = state.store.member_sums_so_far(caller.id()).await?;
    let Plan { summed, so_far, live } = plan(r, &mark);
    let mut by_month = match summed {
        Some((from, to)) => state.store.member_months(caller.id(), from, to).await?,
        None => BTreeMap::new(),
    };
    if so_far {
        by_month.entry(month_of(Date::from_days(mark.watermark + 1))).or_default().add(&mark.rows);
    }
    for (date, start, end) in live {
        let s = state.store.live_member_sums(caller.id(), start, end).await?;
        by_month.entry(month_of(date)).or_default().add(&s);
    }
    let mut total = MemberSums::default();
    let months = months(r)
        .into_iter()
        .map(|month| {
            let s = by_month.get(&month).copied().unwrap_or_default();
            total.add(&s);
            MonthLoad { month, load: load(&s) }
        })
        .collect();
    Ok(MyWorkload { from: r.from.to_string(), to: r.to.to_string(), months, total: load(&total) })
}

/// `GET /api/v1/figures/places`: the caller's top places, or the places under `parent` when the
/// caller may read it (units are not counted separately, so a grid has no children here).
pub async fn places(state: &AppState, caller: &Caller, parent: Option<&str>) -> Result<FigurePlaces, ApiError> {
    match parent {
        None => {
            let places = top_places(state, caller).await?;
            if places.is_empty() {
                return Err(ApiError::forbidden());
            }
            Ok(FigurePlaces { parent: None, places: places.iter().map(place_ref).collect() })
        }
        Some(raw) => {
            let parent = readable_place(state, caller, Some(raw)).await?;
            let mut places = if parent.level == PlaceLevel::Grid {
                Vec::new()
            } else {
                state.store.child_places(Some(parent.id), None, None, 1000).await?
            };
            places.retain(|p| p.level != PlaceLevel::Unit);
            places.sort_by(|a, b| a.code.cmp(&b.code));
            Ok(FigurePlaces { parent: Some(place_ref(&parent)), places: places.iter().map(place_ref).collect() })
        }
    }
}

/// The job: sums every finished day after the watermark into the summary tables, for up to
/// [`JOB_BUDGET`] a round (the rest next round), then adds today's log so far (up to
/// `jobs.figures_settle` ago) to today's rows.
pub async fn sum_days(state: &AppState) -> Result<usize, ApiError> {
    let settle = state.settings.jobs.figures_settle;
    let done = sum_finished_days(&state.store, Some(JOB_BUDGET), settle).await?;
    sum_today(&state.store, settle).await?;
    Ok(done)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Sums every finished day after the watermark, oldest first, within `budget` if given. A day is
/// finished once it ended `settle` ago (a transaction that took its time before midnight has
/// committed by then). Starts at the first day anything was recorded. Several instances may run
/// it at once: each day moves the watermark conditionally, so one of them sums it and the others
/// find it done. Returns how many days this call summed.
pub async fn sum_finished_days(store: &Store, budget: Option<Duration>, settle: Duration) -> Result<usize, StoreError> {
    let started = Instant::now();
    let settled = Utc::now().timestamp_millis() - millis(settle);
    let yesterday = shanghai_date(settled).days_since_epoch() - 1;
    let (mut watermark, _) = store.figures_mark().await?;
    if watermark == 0 {
        let Some(first) = store.first_record_at().await? else { return Ok(0) };
        // Start the day before the first record (so that day is summed next, or summed so far).
        let first = shanghai_date(first).days_since_epoch().min(yesterday + 1);
        if !store.start_figures(first - 1).await? {
            return Ok(0);
        }
        watermark = first - 1;
    }
    let mut done = 0;
    while watermark < yesterday && budget.is_none_or(|b| started.elapsed() < b) {
        let date = Date::from_days(watermark + 1);
        let (start, end) = (shanghai_instant(date, 0), shanghai_instant(date.succ(), 0));
        if !store.sum_figure_day(watermark + 1, &month_of(date), start, end).await? {
            break;
        }
        watermark += 1;
        done += 1;
    }
    Ok(done)
}

/// Adds the log from where today's rows hold it up to `settle` ago to today's rows, once every
/// day before today is summed; a request then counts only the log after that instant. Several
/// instances may run it at once: the instant moves conditionally. Returns whether it added.
pub async fn sum_today(store: &Store, settle: Duration) -> Result<bool, StoreError> {
    let upto = Utc::now().timestamp_millis() - millis(settle);
    let today = shanghai_date(upto);
    let (watermark, held) = store.figures_mark().await?;
    if watermark == 0 || watermark + 1 != today.days_since_epoch() {
        return Ok(false);
    }
    let start = held.max(shanghai_instant(today, 0));
    if upto <= start {
        return Ok(false);
    }
    store.add_figure_partial(watermark + 1, &month_of(today), held, start, upto).await
}
