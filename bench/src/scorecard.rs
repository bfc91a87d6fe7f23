//! A street's scorecard at seed scale (issue 13): `haolin generate --scale seed` fills a fresh
//! database (the seed district: 500,000 wishes, 100,000 residents, 50 departments and 4,695 work
//! orders over the last year with their event logs), then the street's officer asks
//! `GET /api/v1/work-orders/scorecard?unit=street&id=…&from=<a year ago>&to=<today>` of the release
//! server over HTTP: one client, then several at once. Every answer is checked (200, a year of
//! months, orders counted); the first is checked against a count of the street's report events.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::load::{self, Run};
use crate::{Fresh, Options, db, http, say, server};

/// Requests from one client (after a few unmeasured ones).
pub const SERIAL: usize = 300;
/// Concurrent clients of the second run.
pub const CLIENTS: usize = 10;
/// Requests of the second run.
pub const REQUESTS: usize = 2000;
/// The target: p99 under this many milliseconds.
pub const TARGET_MS: f64 = 100.0;
/// The section's heading; `--only scorecard` replaces the section up to the next heading or the
/// analysis marker.
pub const HEADING: &str = "## 6. A street's scorecard for a year";
/// How the section's rows in the targets table begin.
const TARGET_ROW: &str = "| a street's scorecard for a year at ";

/// The first street of the generated district and its officer (`haolin generate`'s numbering).
const STREET_CODE: i64 = 520_201_001;
const OFFICER_PHONE: i64 = 13_300_000_000;

/// Figures of one backend.
pub struct ScorecardFigures {
    backend: String,
    scale: String,
    seed: u64,
    generate_time: Duration,
    generated: String,
    orders: i64,
    events: i64,
    street_events: i64,
    received: i64,
    months: usize,
    ready: Duration,
    serial: Run,
    concurrent: Run,
    plan: String,
}

/// Generates the district at `o.scorecard_scale` into a fresh database of `backend`, then
/// measures the scorecard.
pub async fn scorecard_bench(o: &Options, backend: &str) -> Result<ScorecardFigures, String> {
    let sslmode = o.pg_sslmodes.first().map_or("disable", String::as_str);
    let fresh = Fresh::new(backend, "scorecard", &o.pg_admin, sslmode).await?;
    let result = scorecard_bench_on(o, backend, &fresh).await;
    fresh.drop_db().await;
    result
}

async fn scorecard_bench_on(o: &Options, backend: &str, fresh: &Fresh) -> Result<ScorecardFigures, String> {
    let (generate_time, generated) = fresh.generate(&o.bin, backend, o.scorecard_seed, &o.scorecard_scale).await?;
    let db = db::connect(&fresh.url).await?;
    db.analyze().await?;
    let street = db.scalar("SELECT id FROM places WHERE code = CAST($1 AS TEXT)", STREET_CODE).await?;
    let officer = db.scalar("SELECT id FROM users WHERE phone = CAST($1 AS TEXT)", OFFICER_PHONE).await?;
    let orders = db.scalar("SELECT COUNT(*) FROM work_orders WHERE id > $1", 0).await?;
    let events = db.scalar("SELECT COUNT(*) FROM work_order_events WHERE id > $1", 0).await?;
    let street_events = db.scalar("SELECT COUNT(*) FROM work_order_events WHERE street_id = $1", street).await?;
    let reports =
        db.scalar("SELECT COUNT(*) FROM work_order_events WHERE street_id = $1 AND action = 'report'", street).await?;
    let token = db.tokens(&[officer]).await?.remove(0);

    let srv = server::start(&o.bin, &fresh.url, &fresh.dir).await?;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let from = today - chrono::Duration::days(365);
    let url = format!("{}/api/v1/work-orders/scorecard?unit=street&id={street}&from={from}&to={today}", srv.base);
    let client = http()?;
    let first: serde_json::Value = client
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let received = first["total"]["received"].as_i64().unwrap_or(-1);
    let months = first["months"].as_array().map_or(0, Vec::len);
    if received != reports || months < 12 {
        return Err(format!("the scorecard counts {received} orders in {months} months, the log {reports}: {first}"));
    }
    let (c, u, t) = (client.clone(), Arc::new(url), Arc::new(token));
    let ask = move |_, _| {
        let (c, u, t) = (c.clone(), u.clone(), t.clone());
        async move {
            match c.get(u.as_str()).bearer_auth(t.as_str()).send().await {
                Ok(r) if r.status().is_success() => {
                    r.json::<serde_json::Value>().await.is_ok_and(|v| v["total"]["received"].as_i64() == Some(received))
                }
                _ => false,
            }
        }
    };
    say(&format!("{backend}: the street's scorecard for a year, 1 client then {CLIENTS}"));
    load::run(1, 10, Duration::from_secs(30), ask.clone()).await;
    let serial = load::run(1, SERIAL, Duration::from_secs(60), ask.clone()).await;
    let concurrent = load::run(CLIENTS, REQUESTS, Duration::from_secs(120), ask).await;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).ok_or("no epoch")?;
    let sql = haolin::store::work_orders::score_sums_sql("street_id");
    let plan = db.explain(&sql, None, &[street, (from - epoch).num_days(), (today - epoch).num_days()]).await?;
    db.close().await;
    let ready = srv.to_ready;
    srv.stop().await;
    Ok(ScorecardFigures {
        backend: backend.to_owned(),
        scale: o.scorecard_scale.clone(),
        seed: o.scorecard_seed,
        generate_time,
        generated,
        orders,
        events,
        street_events,
        received,
        months,
        ready,
        serial,
        concurrent,
        plan,
    })
}

fn verdict(f: &ScorecardFigures) -> bool {
    f.serial.errors == 0
        && f.concurrent.errors == 0
        && f.concurrent.ms(0.99) < TARGET_MS
        && f.serial.ms(0.99) < TARGET_MS
}

/// The targets table's rows of these figures.
pub fn target_rows(figures: &[ScorecardFigures]) -> String {
    let mut out = String::new();
    for f in figures {
        out.push_str(&format!(
            "{TARGET_ROW}{} scale answers in p99 < {TARGET_MS:.0} ms ({}) | p99 {:.1} ms with 1 client, {:.1} ms with {CLIENTS} | {} |\n",
            f.scale,
            f.backend,
            f.serial.ms(0.99),
            f.concurrent.ms(0.99),
            crate::held(verdict(f))
        ));
    }
    out
}

/// The section of these figures.
pub fn section(figures: &[ScorecardFigures]) -> String {
    let mut w = format!(
        "{HEADING}\n\nMeasured {} UTC by `haolin-bench` (`scripts/bench.sh`, or alone: `scripts/bench.sh --only \
         scorecard`). Each backend gets a fresh database filled by the release binary's `haolin generate --seed {} \
         --scale {}` (at seed scale: 500,000 wishes of 100,000 residents and 4,695 work orders; the generation time \
         below includes the wishes and the argon2 hash of the accounts' password), then `ANALYZE` (PostgreSQL: `VACUUM ANALYZE`); \
         then the officer of street `520201001` (a session inserted, its token minted with the server's key) asks \
         `GET /api/v1/work-orders/scorecard?unit=street&id=…&from=<365 days ago>&to=<today>` (Asia/Shanghai days): \
         the whole request — token, the caller's roles, the street's place, its day sums of the year by month \
         (`store::work_orders::score_sums_sql`; the day sums are written with each event), JSON. After 10 unmeasured requests, {SERIAL} from one client, \
         then {REQUESTS} from {CLIENTS} concurrent clients. Every answer must be a 200 with the year's orders \
         counted, and the first must count as many orders as the street's `report` rows.\n\n\
         | backend | generated | work orders | events | the street's events | months | orders in its card | \
         1 client p50 ms | 1 client p99 ms | {CLIENTS} clients req/s | {CLIENTS} clients p50 ms | {CLIENTS} clients \
         p99 ms | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        figures.first().map_or(1, |f| f.seed),
        figures.first().map_or("seed", |f| f.scale.as_str()),
    );
    for f in figures {
        w.push_str(&format!(
            "| {} | {:.0} s | {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {} |\n",
            f.backend,
            f.generate_time.as_secs_f64(),
            f.orders,
            f.events,
            f.street_events,
            f.months,
            f.received,
            f.serial.ms(0.5),
            f.serial.ms(0.99),
            f.concurrent.rate(),
            f.concurrent.ms(0.5),
            f.concurrent.ms(0.99),
            f.serial.errors + f.concurrent.errors,
        ));
    }
    w.push_str("\nWhat `haolin generate` printed, and the server's start-up on the generated database:\n\n```\n");
    for f in figures {
        w.push_str(&format!("{}: {} (ready in {:.0} ms)\n", f.backend, f.generated, f.ready.as_secs_f64() * 1000.0));
    }
    w.push_str("```\n\nThe scorecard's statement over the year (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)`):\n\n");
    for f in figures {
        w.push_str(&format!("**{}**\n```\n{}```\n\n", f.backend, f.plan));
    }
    w
}

/// Replaces this benchmark's section and targets rows in the report at `path` (`--only
/// scorecard`), leaving everything else as the last full run wrote it.
pub fn splice(path: &Path, figures: &[ScorecardFigures], analysis_marker: &str) -> Result<(), String> {
    let rows = target_rows(figures);
    crate::splice_section(path, HEADING, TARGET_ROW, &rows, &section(figures), "\n", analysis_marker)
}

/// The section and the targets rows of the report at `path`, kept by a full run that did not
/// measure the scorecard.
pub fn kept(path: &Path, analysis_marker: &str) -> (String, String) {
    crate::kept_section_and_rows(path, HEADING, TARGET_ROW, analysis_marker)
}
