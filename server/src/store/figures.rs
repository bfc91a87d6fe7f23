//! Storage of the figures for leaders (docs/FIGURES.md): the daily summaries the figures job
//! writes from the event log once a day (Asia/Shanghai) is over, and the same sums counted from the
//! log for the days after the watermark (today's last minutes). One set of statements does both: the job groups a
//! day's rows by place at every level and inserts them; a request filters a day's rows to its
//! place and reads them. So a summarised day and a counted day can never disagree.
//!
//! Every figure is counted by the day of its event: the wish's event in `wish_events`, the check-in's
//! filing, the time bank's credit. Durations are kept as histograms whose buckets are exact below a
//! minute and coarser above ([`BUCKET_SQL`]).
//!
//! Each summed day is also added to its month (`figure_months`, `figure_month_durations`,
//! `figure_member_months`) in the same transaction, so a range is read as its whole months plus
//! the days of its partial months at either end ([`MonthSplit`]): a street's year is a dozen
//! month rows and a few dozen day rows, not 365 days of rows.
//!
//! Today is summed as it goes: every round the job adds the log since the last round, up to a
//! settled instant, to the day after the watermark in the same day tables, and records the
//! instant (`figure_watermark.partial_upto`). A request reads those rows with the instant in one
//! statement ([`SoFar`]) and counts only the log after it; when the day is over, the job deletes
//! them and sums the day afresh.
//!
//! The day's rows (`src`, `dur`, `mem`) are CTEs `AS MATERIALIZED` (both backends): read once
//! through the time indexes, then grouped by place. Left to itself, SQLite 3.46 pushed the join to
//! the places into the durations and walked every wish of every community for each day (16 s a day
//! at seed scale instead of 30 ms).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use haolin_shared::domain::calendar::Date;
use sqlx::Row;

use super::{Backend, Store, StoreError, adding, opaque};

/// A range of summed days (`from ..= to`) cut into the whole months inside it, read from the
/// month tables, and the days before and after them, read from the day tables. A statement binds
/// it as `$2 ..= $3` (the months, `YYYY-MM`), `$4 ..= $5` (the days before) and `$6 ..= $7` (the
/// days after); an empty part is a range whose start is after its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthSplit {
    /// The first and last whole month.
    pub months: (String, String),
    /// The days before the first whole month.
    pub head: (i64, i64),
    /// The days after the last whole month.
    pub tail: (i64, i64),
}

fn month_of_day(day: i64) -> String {
    let d = Date::from_days(day);
    format!("{:04}-{:02}", d.year, d.month)
}

impl MonthSplit {
    /// Splits `from ..= to` (days since 1970-01-01).
    pub fn of(from: i64, to: i64) -> Self {
        let first = Date::from_days(from);
        let start = if first.day == 1 {
            from
        } else {
            let (year, month) = if first.month == 12 { (first.year + 1, 1) } else { (first.year, first.month + 1) };
            Date { year, month, day: 1 }.days_since_epoch()
        };
        let last = Date::from_days(to);
        let end = if last.succ().day == 1 { to } else { Date { day: 1, ..last }.days_since_epoch() - 1 };
        if start > end {
            return Self { months: ("9999-12".to_owned(), "0000-01".to_owned()), head: (from, to), tail: (1, 0) };
        }
        Self { months: (month_of_day(start), month_of_day(end)), head: (from, start - 1), tail: (end + 1, to) }
    }
}

/// The rows of a month table and its day table over a [`MonthSplit`] (`$2 ..= $7`) that pass
/// `filter`, each with its `month` and `columns`.
fn split_rows(month_table: &str, day_table: &str, columns: &str, filter: &str) -> String {
    let [m2, m3] = ["$2", "$3"].map(|p| opaque(p, "TEXT"));
    let [d4, d5, d6, d7] = ["$4", "$5", "$6", "$7"].map(|p| opaque(p, "BIGINT"));
    format!(
        "SELECT month, {columns} FROM {month_table} WHERE {filter} AND month >= {m2} AND month <= {m3} \
         UNION ALL SELECT month, {columns} FROM {day_table} WHERE {filter} AND day >= {d4} AND day <= {d5} \
         UNION ALL SELECT month, {columns} FROM {day_table} WHERE {filter} AND day >= {d6} AND day <= {d7}"
    )
}

/// Adds day `$1`'s rows of `day_table` to their months in `month_table` (keyed by `keys` and the
/// month).
fn month_upsert(month_table: &str, day_table: &str, keys: &str, columns: &[&str]) -> String {
    let cols = columns.join(", ");
    format!(
        "INSERT INTO {month_table} ({keys}, month, {cols}) SELECT {keys}, month, {cols} FROM {day_table} WHERE day = $1{}",
        adding(month_table, &format!("{keys}, month"), columns)
    )
}

/// The day tables, with their keys and summed columns.
const DAY_TABLES: [(&str, &str, &[&str]); 3] = [
    ("figure_days", "place_id, day", &SUM_COLUMNS),
    ("figure_day_durations", "place_id, day, metric, seconds", &["n"]),
    ("figure_member_days", "community_id, day, member_id, grid_id", &MEMBER_COLUMNS),
];

/// The summed counts of a place (one day, one month or a range).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DaySums {
    /// Wishes posted.
    pub posted: i64,
    /// Wishes approved.
    pub approved: i64,
    /// Wishes rejected.
    pub rejected: i64,
    /// Takings (claims and accepted dispatches).
    pub claimed: i64,
    /// Wishes reported done.
    pub fulfilled: i64,
    /// Confirmations, automatic ones included.
    pub confirmed: i64,
    /// Automatic confirmations.
    pub auto_confirmed: i64,
    /// Wishes withdrawn.
    pub cancelled: i64,
    /// Claims that ran out.
    pub expired: i64,
    /// Claims given back.
    pub released: i64,
    /// Claims or assignments taken back.
    pub revoked: i64,
    /// Ratings given.
    pub ratings: i64,
    /// Their sum.
    pub rating_sum: i64,
    /// Check-ins filed.
    pub checkins: i64,
    /// Service minutes credited.
    pub service_minutes: i64,
}

/// The columns of [`DaySums`], in order, as the tables and statements name them.
const SUM_COLUMNS: [&str; 15] = [
    "posted",
    "approved",
    "rejected",
    "claimed",
    "fulfilled",
    "confirmed",
    "auto_confirmed",
    "cancelled",
    "expired",
    "released",
    "revoked",
    "ratings",
    "rating_sum",
    "checkins",
    "service_minutes",
];

impl DaySums {
    fn from_values(v: &[i64]) -> Self {
        Self {
            posted: v[0],
            approved: v[1],
            rejected: v[2],
            claimed: v[3],
            fulfilled: v[4],
            confirmed: v[5],
            auto_confirmed: v[6],
            cancelled: v[7],
            expired: v[8],
            released: v[9],
            revoked: v[10],
            ratings: v[11],
            rating_sum: v[12],
            checkins: v[13],
            service_minutes: v[14],
        }
    }

    /// Adds another period's sums.
    pub fn add(&mut self, o: &Self) {
        self.posted += o.posted;
        self.approved += o.approved;
        self.rejected += o.rejected;
        self.claimed += o.claimed;
        self.fulfilled += o.fulfilled;
        self.confirmed += o.confirmed;
        self.auto_confirmed += o.auto_confirmed;
        self.cancelled += o.cancelled;
        self.expired += o.expired;
        self.released += o.released;
        self.revoked += o.revoked;
        self.ratings += o.ratings;
        self.rating_sum += o.rating_sum;
        self.checkins += o.checkins;
        self.service_minutes += o.service_minutes;
    }
}

/// What one member did (one day, month or range).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberSums {
    /// Takings (claims and accepted dispatches).
    pub claimed: i64,
    /// Wishes reported done.
    pub fulfilled: i64,
    /// Confirmations, automatic ones included.
    pub confirmed: i64,
    /// Claims given back.
    pub released: i64,
    /// Claims or assignments taken back.
    pub revoked: i64,
    /// Claims that ran out.
    pub expired: i64,
    /// Ratings given.
    pub ratings: i64,
    /// Their sum.
    pub rating_sum: i64,
    /// Service minutes credited.
    pub service_minutes: i64,
}

const MEMBER_COLUMNS: [&str; 9] =
    ["claimed", "fulfilled", "confirmed", "released", "revoked", "expired", "ratings", "rating_sum", "service_minutes"];

impl MemberSums {
    fn from_values(v: &[i64]) -> Self {
        Self {
            claimed: v[0],
            fulfilled: v[1],
            confirmed: v[2],
            released: v[3],
            revoked: v[4],
            expired: v[5],
            ratings: v[6],
            rating_sum: v[7],
            service_minutes: v[8],
        }
    }

    /// Adds another period's sums.
    pub fn add(&mut self, o: &Self) {
        self.claimed += o.claimed;
        self.fulfilled += o.fulfilled;
        self.confirmed += o.confirmed;
        self.released += o.released;
        self.revoked += o.revoked;
        self.expired += o.expired;
        self.ratings += o.ratings;
        self.rating_sum += o.rating_sum;
        self.service_minutes += o.service_minutes;
    }
}

/// A histogram of durations: bucket (lower bound, seconds) → count.
pub type Histogram = BTreeMap<i64, i64>;

/// A place's claim and confirmation histograms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Durations {
    /// Time to the first taking.
    pub claim: Histogram,
    /// Time to confirmation.
    pub confirm: Histogram,
}

impl Durations {
    fn put(&mut self, metric: &str, seconds: i64, n: i64) {
        let h = if metric == "claim" { &mut self.claim } else { &mut self.confirm };
        *h.entry(seconds).or_default() += n;
    }

    /// Adds another period's histograms.
    pub fn add(&mut self, o: &Self) {
        for (s, n) in &o.claim {
            *self.claim.entry(*s).or_default() += n;
        }
        for (s, n) in &o.confirm {
            *self.confirm.entry(*s).or_default() += n;
        }
    }
}

/// Where a place's figures come from: the place's level says which wishes, check-ins and credits
/// are its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A grid: the wishes filed in it.
    Grid(i64),
    /// A community: its wishes, check-ins and activities.
    Community(i64),
    /// A street: its communities'.
    Street(i64),
    /// A district: its streets' communities'.
    District(i64),
}

impl Scope {
    pub(in crate::store) fn id(self) -> i64 {
        match self {
            Self::Grid(id) | Self::Community(id) | Self::Street(id) | Self::District(id) => id,
        }
    }

    /// The predicate on a row's `community_id` and `grid_id` columns (`$3` the place).
    fn predicate(self, community: &str, grid: &str) -> String {
        self.predicate_at(community, grid, "$3")
    }

    /// The predicate on a row's `community_id` and `grid_id` columns, `param` the place.
    pub(in crate::store) fn predicate_at(self, community: &str, grid: &str, param: &str) -> String {
        match self {
            Self::Grid(_) => format!("{grid} = {param}"),
            Self::Community(_) => format!("{community} = {param}"),
            Self::Street(_) => {
                format!("{community} IN (SELECT id FROM places WHERE parent_id = {param} AND level = 'community')")
            }
            Self::District(_) => format!(
                "{community} IN (SELECT c.id FROM places c JOIN places s ON s.id = c.parent_id \
                 WHERE s.parent_id = {param} AND c.level = 'community')"
            ),
        }
    }
}

/// A duration in seconds (`s`) → its bucket's lower bound: the second below a minute, the minute
/// below an hour, ten minutes below a day, the hour below a week, six hours beyond.
pub const BUCKET_SQL: &str = "CASE WHEN s < 0 THEN 0 WHEN s < 60 THEN s WHEN s < 3600 THEN s / 60 * 60 \
     WHEN s < 86400 THEN s / 600 * 600 WHEN s < 604800 THEN s / 3600 * 3600 ELSE s / 21600 * 21600 END";

/// [`BUCKET_SQL`] in Rust (tests and recounts use it).
pub fn bucket(s: i64) -> i64 {
    match s {
        ..0 => 0,
        0..60 => s,
        60..3600 => s / 60 * 60,
        3600..86400 => s / 600 * 600,
        86400..604800 => s / 3600 * 3600,
        _ => s / 21600 * 21600,
    }
}

fn flag(cond: &str) -> String {
    format!("CASE WHEN {cond} THEN 1 ELSE 0 END")
}

/// The rows everything is summed from, `$1 ≤ at < $2`: one per wish event, check-in filed and
/// service credit, with the `community_id` and `grid_id` they count at and a column per
/// [`SUM_COLUMNS`].
static SOURCE_SQL: LazyLock<String> = LazyLock::new(|| {
    let events = [
        flag("e.action = 'post'"),
        flag("e.action = 'approve'"),
        flag("e.action = 'reject'"),
        flag("e.action IN ('claim', 'accept')"),
        flag("e.action = 'fulfil'"),
        flag("e.action IN ('confirm', 'auto_confirm')"),
        flag("e.action = 'auto_confirm'"),
        flag("e.action = 'cancel'"),
        flag("e.action = 'expire'"),
        flag("e.action = 'release'"),
        flag("e.action = 'revoke'"),
        flag("e.action = 'confirm' AND w.rating IS NOT NULL"),
        "CASE WHEN e.action = 'confirm' THEN COALESCE(w.rating, 0) ELSE 0 END".to_owned(),
        "0".to_owned(),
        "0".to_owned(),
    ];
    let zeros = |last: &str, at: usize| {
        (0..SUM_COLUMNS.len()).map(|i| if i == at { last } else { "0" }).collect::<Vec<_>>().join(", ")
    };
    format!(
        "SELECT w.community_id, w.grid_id, {events} \
         FROM wish_events e JOIN wishes w ON w.id = e.wish_id WHERE e.at >= $1 AND e.at < $2 \
         UNION ALL SELECT k.community_id, NULL, {checkin} FROM checkins k \
         WHERE k.created_at >= $1 AND k.created_at < $2 \
         UNION ALL SELECT COALESCE(w.community_id, a.community_id), w.grid_id, {credit} \
         FROM ledger_transfers t LEFT JOIN wishes w ON w.id = t.wish_id LEFT JOIN activities a ON a.id = t.activity_id \
         WHERE t.kind IN ('wish_credit', 'activity_credit', 'escrow_pay') AND t.at >= $1 AND t.at < $2",
        events = events.join(", "),
        checkin = zeros("1", 13),
        credit = zeros("t.minutes", 14),
    )
});

fn sums_select() -> String {
    SUM_COLUMNS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}")).collect::<Vec<_>>().join(", ")
}

fn source_cte() -> String {
    format!("src (community_id, grid_id, {}) AS MATERIALIZED ({})", SUM_COLUMNS.join(", "), *SOURCE_SQL)
}

/// Every wish's first taking and its confirmation in `$1 ≤ at < $2`, with the duration from
/// posting in seconds (`s`).
const DURATION_SOURCE_SQL: &str = "SELECT w.community_id, w.grid_id, 'claim' AS metric, (e.at - w.created_at) / 1000 AS s \
     FROM wish_events e JOIN wishes w ON w.id = e.wish_id \
     WHERE e.at >= $1 AND e.at < $2 AND e.action IN ('claim', 'accept') \
       AND NOT EXISTS (SELECT 1 FROM wish_events p WHERE p.wish_id = e.wish_id AND p.action IN ('claim', 'accept') \
                       AND p.id < e.id) \
     UNION ALL SELECT w.community_id, w.grid_id, 'confirm', (e.at - w.created_at) / 1000 \
     FROM wish_events e JOIN wishes w ON w.id = e.wish_id \
     WHERE e.at >= $1 AND e.at < $2 AND e.action IN ('confirm', 'auto_confirm')";

fn durations_cte() -> String {
    format!(
        "dur AS MATERIALIZED (SELECT community_id, grid_id, metric, {BUCKET_SQL} AS seconds FROM ({DURATION_SOURCE_SQL}) d)"
    )
}

/// What members did in `$1 ≤ at < $2`: a row per taking, fulfilment, confirmation, release,
/// revocation and expiry (the member is the one who took the wish last before the event) and per
/// service credit to a person, with the wish's (or activity's) community and grid (0: none). The
/// credit's receiver is read per transfer (a scalar subquery), so both planners start from the
/// day's transfers instead of the people's accounts.
static MEMBER_SOURCE_SQL: LazyLock<String> = LazyLock::new(|| {
    let holder = "CASE WHEN e.action IN ('claim', 'accept') THEN e.actor_id ELSE \
         (SELECT p.actor_id FROM wish_events p WHERE p.wish_id = e.wish_id AND p.action IN ('claim', 'accept') \
          AND p.id < e.id ORDER BY p.id DESC LIMIT 1) END";
    let events = [
        flag("e.action IN ('claim', 'accept')"),
        flag("e.action = 'fulfil'"),
        flag("e.action IN ('confirm', 'auto_confirm')"),
        flag("e.action = 'release'"),
        flag("e.action = 'revoke'"),
        flag("e.action = 'expire'"),
        flag("e.action = 'confirm' AND w.rating IS NOT NULL"),
        "CASE WHEN e.action = 'confirm' THEN COALESCE(w.rating, 0) ELSE 0 END".to_owned(),
        "0".to_owned(),
    ];
    format!(
        "SELECT w.community_id, COALESCE(w.grid_id, 0) AS grid_id, {holder} AS member_id, {events} \
         FROM wish_events e JOIN wishes w ON w.id = e.wish_id WHERE e.at >= $1 AND e.at < $2 \
           AND e.action IN ('claim', 'accept', 'fulfil', 'confirm', 'auto_confirm', 'release', 'revoke', 'expire') \
         UNION ALL SELECT COALESCE(w.community_id, a.community_id), COALESCE(w.grid_id, 0), \
           (SELECT acc.owner_id FROM ledger_accounts acc WHERE acc.id = t.to_account AND acc.kind = 'person'), \
           0, 0, 0, 0, 0, 0, 0, 0, t.minutes \
         FROM ledger_transfers t LEFT JOIN wishes w ON w.id = t.wish_id LEFT JOIN activities a ON a.id = t.activity_id \
         WHERE t.kind IN ('wish_credit', 'activity_credit', 'escrow_pay') AND t.at >= $1 AND t.at < $2",
        events = events.join(", ")
    )
});

fn member_cte() -> String {
    format!(
        "mem (community_id, grid_id, member_id, {}) AS MATERIALIZED ({})",
        MEMBER_COLUMNS.join(", "),
        *MEMBER_SOURCE_SQL
    )
}

fn member_sums_select() -> String {
    MEMBER_COLUMNS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}")).collect::<Vec<_>>().join(", ")
}

/// The places each community counts at: itself, its street and its district.
const ANCESTORS_SQL: &str = "anc (community_id, place_id) AS ( \
     SELECT id, id FROM places WHERE level = 'community' \
     UNION ALL SELECT id, parent_id FROM places WHERE level = 'community' AND parent_id IS NOT NULL \
     UNION ALL SELECT c.id, s.parent_id FROM places c JOIN places s ON s.id = c.parent_id \
       WHERE c.level = 'community' AND s.parent_id IS NOT NULL)";

/// One row folded from many: a JSON array of arrays (sqlx's SQLite driver hands each row over
/// from the connection's thread with a wake-up; a histogram or a workload is one row).
fn folded(backend: Backend, columns: &str, inner: &str) -> String {
    match backend {
        Backend::Sqlite => format!("SELECT json_group_array(json_array({columns})) AS rows FROM ({inner}) f"),
        Backend::Postgres => {
            format!("SELECT COALESCE(json_agg(json_build_array({columns})), '[]')::text AS rows FROM ({inner}) f")
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Other(sqlx::Error::Decode(format!("figures: {e}").into())))
}

/// A row's sums (the `SUM_COLUMNS`) and its histograms (`durations`, folded by `folded`).
fn sums_and_durations(row: &sqlx::any::AnyRow) -> Result<(DaySums, Durations), StoreError> {
    let values = optional_values(row, &SUM_COLUMNS)?;
    let mut durations = Durations::default();
    for (metric, seconds, n) in decode::<Vec<(String, i64, i64)>>(&row.try_get::<String, _>("durations")?)? {
        durations.put(&metric, seconds, n);
    }
    Ok((DaySums::from_values(&values), durations))
}

/// The watermark and how far the day after it is summed, as a CTE `w (day, partial_upto)`.
const MARK_CTE: &str = "w AS (SELECT day, partial_upto FROM figure_watermark WHERE id = 1)";

/// `columns` of a row, a NULL (a SUM over no rows, a missing row) read as 0.
fn optional_values(row: &sqlx::any::AnyRow, columns: &[&str]) -> Result<Vec<i64>, StoreError> {
    Ok(columns
        .iter()
        .map(|c| row.try_get::<Option<i64>, _>(*c).map(Option::unwrap_or_default))
        .collect::<Result<Vec<_>, _>>()?)
}

/// The day after the watermark as the figures job has summed it so far, read with the watermark
/// and the instant it holds the log up to, in one statement: the rows hold exactly the log of that
/// day before `upto`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoFar<T> {
    /// The last day summed whole (days since 1970-01-01).
    pub watermark: i64,
    /// The rows hold the log of day `watermark + 1` before this instant (UTC ms; 0: nothing yet).
    pub upto: i64,
    /// The rows.
    pub rows: T,
}

/// A member's sums with the member, as the workload reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberLine {
    /// The member.
    pub member_id: i64,
    /// Their name.
    pub name: String,
    /// What they did.
    pub sums: MemberSums,
}

/// Adds the log of `[start, end)` (UTC ms) to day `day`'s rows (in `month`) of the day tables,
/// grouped by place at every level (and by member), adding to the rows already there.
async fn add_to_day(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    day: i64,
    month: &str,
    start: i64,
    end: i64,
) -> Result<(), StoreError> {
    let [(days, day_keys, _), (durations, duration_keys, _), (members, member_keys, _)] = DAY_TABLES;
    let cols = SUM_COLUMNS.join(", ");
    let mcols = MEMBER_COLUMNS.join(", ");
    let statements = [
        format!(
            "WITH {ANCESTORS_SQL}, {src} \
             INSERT INTO {days} (place_id, day, month, {cols}) \
             SELECT place_id, $3, $4, {sums} FROM ( \
               SELECT a.place_id, src.* FROM src JOIN anc a ON a.community_id = src.community_id \
               UNION ALL SELECT src.grid_id, src.* FROM src WHERE src.grid_id IS NOT NULL) x \
             GROUP BY place_id{on}",
            src = source_cte(),
            sums = sums_select(),
            on = adding(days, day_keys, &SUM_COLUMNS),
        ),
        format!(
            "WITH {ANCESTORS_SQL}, {dur} \
             INSERT INTO {durations} (place_id, day, month, metric, seconds, n) \
             SELECT place_id, $3, $4, metric, seconds, COUNT(*) FROM ( \
               SELECT a.place_id, dur.metric, dur.seconds FROM dur JOIN anc a ON a.community_id = dur.community_id \
               UNION ALL SELECT dur.grid_id, dur.metric, dur.seconds FROM dur WHERE dur.grid_id IS NOT NULL) x \
             GROUP BY place_id, metric, seconds{on}",
            dur = durations_cte(),
            on = adding(durations, duration_keys, &["n"]),
        ),
        format!(
            "WITH {mem} \
             INSERT INTO {members} (community_id, day, member_id, grid_id, month, {mcols}) \
             SELECT community_id, $3, member_id, grid_id, $4, {msums} FROM mem \
             WHERE member_id IS NOT NULL AND community_id IS NOT NULL \
             GROUP BY community_id, member_id, grid_id{on}",
            mem = member_cte(),
            msums = member_sums_select(),
            on = adding(members, member_keys, &MEMBER_COLUMNS),
        ),
    ];
    for sql in &statements {
        sqlx::query(sql).bind(start).bind(end).bind(day).bind(month).execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// The first instant anything was recorded (the event log's, the check-ins' and the ledger's
    /// oldest row), if anything was.
    pub async fn first_record_at(&self) -> Result<Option<i64>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(m) FROM (SELECT MIN(at) AS m FROM wish_events UNION ALL SELECT MIN(created_at) FROM checkins \
             UNION ALL SELECT MIN(at) FROM ledger_transfers) x",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(at)
    }

    /// Sets the watermark from "none" to `day` (the day before the first record), unless another
    /// instance did first.
    pub async fn start_figures(&self, day: i64) -> Result<bool, StoreError> {
        let moved = sqlx::query("UPDATE figure_watermark SET day = $1 WHERE id = 1 AND day = 0")
            .bind(day)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(moved == 1)
    }

    /// Sums day `day` (`[start, end)` in UTC ms, in `month`) into the day tables afresh (the
    /// rows of the day so far are deleted first), adds it to its month's, and moves the watermark
    /// from `day - 1` to `day` (and the day so far back to none), in one transaction. Returns false
    /// (and writes nothing) when the watermark was not at `day - 1`: another instance summed it
    /// first.
    pub async fn sum_figure_day(&self, day: i64, month: &str, start: i64, end: i64) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query("UPDATE figure_watermark SET day = $1, partial_upto = 0 WHERE id = 1 AND day = $2")
            .bind(day)
            .bind(day - 1)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        for (table, _, _) in DAY_TABLES {
            sqlx::query(&format!("DELETE FROM {table} WHERE day = $1")).bind(day).execute(&mut *tx).await?;
        }
        add_to_day(&mut tx, day, month, start, end).await?;
        for (months, days, keys, columns) in [
            ("figure_months", "figure_days", "place_id", &SUM_COLUMNS[..]),
            ("figure_month_durations", "figure_day_durations", "place_id, metric, seconds", &["n"][..]),
            ("figure_member_months", "figure_member_days", "community_id, member_id, grid_id", &MEMBER_COLUMNS[..]),
        ] {
            sqlx::query(&month_upsert(months, days, keys, columns)).bind(day).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The watermark and how far the day after it is summed so far (UTC ms; 0: not at all).
    pub async fn figures_mark(&self) -> Result<(i64, i64), StoreError> {
        let row =
            sqlx::query("SELECT day, partial_upto FROM figure_watermark WHERE id = 1").fetch_one(&self.pool).await?;
        Ok((row.try_get("day")?, row.try_get("partial_upto")?))
    }

    /// Adds the log of `[start, upto)` to day `day` (the day after the watermark, in `month`), whose
    /// rows hold the log up to `held`, and records that they now hold it up to `upto`, in one
    /// transaction. Returns false (and writes nothing) when the watermark or `held` moved: another
    /// instance summed first.
    pub async fn add_figure_partial(
        &self,
        day: i64,
        month: &str,
        held: i64,
        start: i64,
        upto: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE figure_watermark SET partial_upto = $1 WHERE id = 1 AND day = $2 AND partial_upto = $3",
        )
        .bind(upto)
        .bind(day - 1)
        .bind(held)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        add_to_day(&mut tx, day, month, start, upto).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Forgets every summary (a place moved, so history must be summed again under the new tree):
    /// the job sums every day again, and until it has, requests count from the log.
    pub(super) async fn reset_figures(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<(), StoreError> {
        for table in [
            "figure_days",
            "figure_day_durations",
            "figure_member_days",
            "figure_months",
            "figure_month_durations",
            "figure_member_months",
        ] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut **tx).await?;
        }
        sqlx::query("UPDATE figure_watermark SET day = 0, partial_upto = 0 WHERE id = 1").execute(&mut **tx).await?;
        Ok(())
    }

    /// The summed days of a place in `from ..= to` (days), by month.
    pub async fn figure_months(
        &self,
        place_id: i64,
        from: i64,
        to: i64,
    ) -> Result<BTreeMap<String, DaySums>, StoreError> {
        let rows = split_rows("figure_months", "figure_days", &SUM_COLUMNS.join(", "), "place_id = $1");
        let sql = format!("SELECT month, {} FROM ({rows}) x GROUP BY month", sums_select());
        let months = self.monthly(&sql, &SUM_COLUMNS, place_id, &MonthSplit::of(from, to)).await?;
        Ok(months.into_iter().map(|(m, v)| (m, DaySums::from_values(&v))).collect())
    }

    /// The rows of `sql` (`$1` an id, `$2 ..= $7` the split range, grouped by `month`) as each
    /// month's `columns`.
    async fn monthly(
        &self,
        sql: &str,
        columns: &[&str],
        id: i64,
        split: &MonthSplit,
    ) -> Result<BTreeMap<String, Vec<i64>>, StoreError> {
        let rows = sqlx::query(sql)
            .bind(id)
            .bind(split.months.0.clone())
            .bind(split.months.1.clone())
            .bind(split.head.0)
            .bind(split.head.1)
            .bind(split.tail.0)
            .bind(split.tail.1)
            .fetch_all(&self.pool)
            .await?;
        let mut out = BTreeMap::new();
        for row in &rows {
            let values = columns.iter().map(|c| row.try_get::<i64, _>(*c)).collect::<Result<Vec<_>, _>>()?;
            out.insert(row.try_get::<String, _>("month")?, values);
        }
        Ok(out)
    }

    /// The summed duration histograms of a place in `from ..= to` (days), by month.
    pub async fn figure_month_durations(
        &self,
        place_id: i64,
        from: i64,
        to: i64,
    ) -> Result<BTreeMap<String, Durations>, StoreError> {
        let rows = split_rows("figure_month_durations", "figure_day_durations", "metric, seconds, n", "place_id = $1");
        let inner = format!(
            "SELECT month, metric, seconds, CAST(SUM(n) AS BIGINT) AS n FROM ({rows}) x GROUP BY month, metric, seconds"
        );
        let split = MonthSplit::of(from, to);
        let text: String = sqlx::query_scalar(&folded(self.backend, "month, metric, seconds, n", &inner))
            .bind(place_id)
            .bind(split.months.0)
            .bind(split.months.1)
            .bind(split.head.0)
            .bind(split.head.1)
            .bind(split.tail.0)
            .bind(split.tail.1)
            .fetch_one(&self.pool)
            .await?;
        let mut out: BTreeMap<String, Durations> = BTreeMap::new();
        for (month, metric, seconds, n) in decode::<Vec<(String, String, i64, i64)>>(&text)? {
            out.entry(month).or_default().put(&metric, seconds, n);
        }
        Ok(out)
    }

    /// A place's figures of the day after the watermark as the job has summed them so far, with
    /// the watermark and how far they hold, in one statement (so they belong together).
    pub async fn figures_so_far(&self, place_id: i64) -> Result<SoFar<(DaySums, Durations)>, StoreError> {
        let cols = SUM_COLUMNS.iter().map(|c| format!("d.{c}")).collect::<Vec<_>>().join(", ");
        let durations = folded(
            self.backend,
            "metric, seconds, n",
            "SELECT metric, seconds, n FROM figure_day_durations WHERE place_id = $1 AND day = (SELECT day + 1 FROM w)",
        );
        let row = sqlx::query(&format!(
            "WITH {MARK_CTE} SELECT w.day AS watermark, w.partial_upto AS upto, {cols}, ({durations}) AS durations \
             FROM w LEFT JOIN figure_days d ON d.place_id = $1 AND d.day = w.day + 1"
        ))
        .bind(place_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(SoFar { watermark: row.try_get("watermark")?, upto: row.try_get("upto")?, rows: sums_and_durations(&row)? })
    }

    /// A place's sums and histograms counted from the log for `[start, end)` (UTC ms), in one
    /// statement (one plan and one round trip: the bounds make PostgreSQL plan it per request).
    pub async fn live_figures(&self, scope: Scope, start: i64, end: i64) -> Result<(DaySums, Durations), StoreError> {
        let pred = scope.predicate("community_id", "grid_id");
        let inner = format!("SELECT metric, seconds, COUNT(*) AS n FROM dur WHERE {pred} GROUP BY metric, seconds");
        let sql = format!(
            "WITH {src}, {dur} SELECT {sums}, ({folded}) AS durations FROM src WHERE {pred}",
            src = source_cte(),
            dur = durations_cte(),
            sums = sums_select(),
            folded = folded(self.backend, "metric, seconds, n", &inner),
        );
        let row = sqlx::query(&sql).bind(start).bind(end).bind(scope.id()).fetch_one(&self.pool).await?;
        sums_and_durations(&row)
    }

    /// Every member's summed days in a place over `from ..= to` (days), with their names.
    pub async fn member_lines(&self, scope: Scope, from: i64, to: i64) -> Result<Vec<MemberLine>, StoreError> {
        let rows = split_rows(
            "figure_member_months",
            "figure_member_days",
            &format!("member_id, {}", MEMBER_COLUMNS.join(", ")),
            &scope.predicate_at("community_id", "grid_id", "$1"),
        );
        let inner = format!(
            "SELECT d.member_id, u.name, {sums} FROM ({rows}) d JOIN users u ON u.id = d.member_id \
             GROUP BY d.member_id, u.name",
            sums = qualified_member_sums("d"),
        );
        let split = MonthSplit::of(from, to);
        let text: String = sqlx::query_scalar(&folded(self.backend, &line_columns(), &inner))
            .bind(scope.id())
            .bind(split.months.0)
            .bind(split.months.1)
            .bind(split.head.0)
            .bind(split.head.1)
            .bind(split.tail.0)
            .bind(split.tail.1)
            .fetch_one(&self.pool)
            .await?;
        lines_from_json(&text)
    }

    /// Every member's sums in a place on the day after the watermark as the job has summed them
    /// so far, with the watermark and how far they hold, in one statement.
    pub async fn member_lines_so_far(&self, scope: Scope) -> Result<SoFar<Vec<MemberLine>>, StoreError> {
        let inner = format!(
            "SELECT d.member_id, u.name, {sums} FROM figure_member_days d JOIN users u ON u.id = d.member_id \
             WHERE {pred} AND d.day = (SELECT day + 1 FROM w) GROUP BY d.member_id, u.name",
            sums = qualified_member_sums("d"),
            pred = scope.predicate_at("d.community_id", "d.grid_id", "$1"),
        );
        let row = sqlx::query(&format!(
            "WITH {MARK_CTE} SELECT w.day AS watermark, w.partial_upto AS upto, ({lines}) AS lines FROM w",
            lines = folded(self.backend, &line_columns(), &inner),
        ))
        .bind(scope.id())
        .fetch_one(&self.pool)
        .await?;
        Ok(SoFar {
            watermark: row.try_get("watermark")?,
            upto: row.try_get("upto")?,
            rows: lines_from_json(&row.try_get::<String, _>("lines")?)?,
        })
    }

    /// Every member's sums in a place counted from the log for `[start, end)` (UTC ms).
    pub async fn live_member_lines(&self, scope: Scope, start: i64, end: i64) -> Result<Vec<MemberLine>, StoreError> {
        let inner = format!(
            "SELECT m.member_id, u.name, {sums} FROM mem m JOIN users u ON u.id = m.member_id \
             WHERE {pred} GROUP BY m.member_id, u.name",
            sums = qualified_member_sums("m"),
            pred = scope.predicate("m.community_id", "m.grid_id"),
        );
        let sql =
            format!("WITH {mem} {folded}", mem = member_cte(), folded = folded(self.backend, &line_columns(), &inner));
        let text: String =
            sqlx::query_scalar(&sql).bind(start).bind(end).bind(scope.id()).fetch_one(&self.pool).await?;
        lines_from_json(&text)
    }

    /// A member's summed days over `from ..= to` (days), by month, wherever they served.
    pub async fn member_months(
        &self,
        member_id: i64,
        from: i64,
        to: i64,
    ) -> Result<BTreeMap<String, MemberSums>, StoreError> {
        let rows =
            split_rows("figure_member_months", "figure_member_days", &MEMBER_COLUMNS.join(", "), "member_id = $1");
        let sql = format!("SELECT month, {} FROM ({rows}) x GROUP BY month", member_sums_select());
        let months = self.monthly(&sql, &MEMBER_COLUMNS, member_id, &MonthSplit::of(from, to)).await?;
        Ok(months.into_iter().map(|(m, v)| (m, MemberSums::from_values(&v))).collect())
    }

    /// A member's sums on the day after the watermark as the job has summed them so far,
    /// wherever they served, with the watermark and how far they hold, in one statement.
    pub async fn member_sums_so_far(&self, member_id: i64) -> Result<SoFar<MemberSums>, StoreError> {
        let row = sqlx::query(&format!(
            "WITH {MARK_CTE} SELECT w.day AS watermark, w.partial_upto AS upto, {sums} \
             FROM w LEFT JOIN figure_member_days d ON d.member_id = $1 AND d.day = w.day + 1 \
             GROUP BY w.day, w.partial_upto",
            sums = qualified_member_sums("d"),
        ))
        .bind(member_id)
        .fetch_one(&self.pool)
        .await?;
        let values = optional_values(&row, &MEMBER_COLUMNS)?;
        Ok(SoFar {
            watermark: row.try_get("watermark")?,
            upto: row.try_get("upto")?,
            rows: MemberSums::from_values(&values),
        })
    }

    /// A member's sums counted from the log for `[start, end)` (UTC ms), wherever they served.
    pub async fn live_member_sums(&self, member_id: i64, start: i64, end: i64) -> Result<MemberSums, StoreError> {
        let row = sqlx::query(&format!(
            "WITH {mem} SELECT {sums} FROM mem WHERE member_id = $3 AND community_id IS NOT NULL",
            mem = member_cte(),
            sums = member_sums_select(),
        ))
        .bind(start)
        .bind(end)
        .bind(member_id)
        .fetch_one(&self.pool)
        .await?;
        let values = optional_values(&row, &MEMBER_COLUMNS)?;
        Ok(MemberSums::from_values(&values))
    }
}

/// The member sums of table alias `t`, each named after its column.
fn qualified_member_sums(t: &str) -> String {
    MEMBER_COLUMNS.iter().map(|c| format!("CAST(SUM({t}.{c}) AS BIGINT) AS {c}")).collect::<Vec<_>>().join(", ")
}

/// A workload line's columns, in [`lines_from_json`]'s order.
fn line_columns() -> String {
    format!("member_id, name, {}", MEMBER_COLUMNS.join(", "))
}

/// A workload line as the folded JSON carries it, in [`line_columns`]' order.
type LineRow = (i64, String, i64, i64, i64, i64, i64, i64, i64, i64, i64);

fn lines_from_json(text: &str) -> Result<Vec<MemberLine>, StoreError> {
    let rows: Vec<LineRow> = decode(text)?;
    Ok(rows
        .into_iter()
        .map(|(member_id, name, a, b, c, d, e, f, g, h, i)| MemberLine {
            member_id,
            name,
            sums: MemberSums::from_values(&[a, b, c, d, e, f, g, h, i]),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> i64 {
        Date::parse(s).expect("date").days_since_epoch()
    }

    fn split(from: &str, to: &str) -> MonthSplit {
        MonthSplit::of(day(from), day(to))
    }

    #[test]
    fn whole_months_are_read_by_month_and_the_rest_by_day() {
        let whole = split("2026-01-01", "2026-12-31");
        assert_eq!(whole.months, ("2026-01".to_owned(), "2026-12".to_owned()));
        assert!(whole.head.0 > whole.head.1 && whole.tail.0 > whole.tail.1, "no days: {whole:?}");

        let year = split("2025-12-02", "2026-12-01");
        assert_eq!(year.months, ("2026-01".to_owned(), "2026-11".to_owned()));
        assert_eq!(year.head, (day("2025-12-02"), day("2025-12-31")));
        assert_eq!(year.tail, (day("2026-12-01"), day("2026-12-01")));

        let february = split("2028-02-01", "2028-02-29");
        assert_eq!(february.months, ("2028-02".to_owned(), "2028-02".to_owned()));
    }

    #[test]
    fn a_range_without_a_whole_month_is_read_by_day() {
        for (from, to) in [("2026-03-05", "2026-03-05"), ("2026-03-02", "2026-03-31"), ("2026-03-15", "2026-04-14")] {
            let s = split(from, to);
            assert!(s.months.0 > s.months.1, "no whole month in {from} – {to}: {s:?}");
            assert_eq!(s.head, (day(from), day(to)));
            assert!(s.tail.0 > s.tail.1);
        }
    }
}
