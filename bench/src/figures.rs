//! Figures for leaders at seed scale (issue 16): `haolin generate --scale seed` fills a fresh
//! database (500,000 wishes over the last year with their event logs, the ledger, the work orders)
//! and sums every finished day into the figures' summaries as the figures job would; then the
//! officer of the first street asks for the street's year and an admin for the district's year
//! (`GET /api/v1/figures?place=…&from=<a year ago>&to=<today>`), and the officer for the street's
//! workload, over HTTP to the release server: one client, then several at once. Every answer is
//! checked (200, thirteen months, the year's posted wishes equal to the event log's count for the
//! place).

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
pub const REQUESTS: usize = 1000;
/// The section's heading; `--only figures` replaces the section up to the next heading or the
/// analysis marker.
pub const HEADING: &str = "## 10. Figures for leaders at seed scale";
/// How the section's rows in the targets table begin.
const TARGET_ROW: &str = "| figures for a year at seed scale: ";

/// The first street of the generated district, the district and the street's officer
/// (`haolin generate`'s numbering).
const STREET_CODE: i64 = 520_201_001;
const DISTRICT_CODE: i64 = 520_201;
const OFFICER_PHONE: i64 = 13_300_000_000;

/// One measured request.
struct Measured {
    what: String,
    target_ms: f64,
    serial: Run,
    concurrent: Run,
}

/// Figures of one backend.
pub struct FigureFigures {
    backend: String,
    scale: String,
    seed: u64,
    generate_time: Duration,
    generated: String,
    events: i64,
    summary_rows: i64,
    street_posted: i64,
    district_posted: i64,
    ready: Duration,
    runs: Vec<Measured>,
}

/// Generates the district at `o.scorecard_scale` into a fresh database of `backend`, then
/// measures the figures.
pub async fn figures_bench(o: &Options, backend: &str) -> Result<FigureFigures, String> {
    let sslmode = o.pg_sslmodes.first().map_or("disable", String::as_str);
    let fresh = Fresh::new(backend, "figures", &o.pg_admin, sslmode).await?;
    let result = bench_on(o, backend, &fresh).await;
    fresh.drop_db().await;
    result
}

async fn get_json(client: &reqwest::Client, url: &str, token: &str) -> Result<serde_json::Value, String> {
    let resp = client.get(url).bearer_auth(token).send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("{url}: {}", resp.status()));
    }
    resp.json().await.map_err(|e| e.to_string())
}

async fn bench_on(o: &Options, backend: &str, fresh: &Fresh) -> Result<FigureFigures, String> {
    let (generate_time, generated) = fresh.generate(&o.bin, backend, o.scorecard_seed, &o.scorecard_scale).await?;
    let db = db::connect(&fresh.url).await?;
    db.analyze().await?;
    let street = db.scalar("SELECT id FROM places WHERE code = CAST($1 AS TEXT)", STREET_CODE).await?;
    let district = db.scalar("SELECT id FROM places WHERE code = CAST($1 AS TEXT)", DISTRICT_CODE).await?;
    let officer = db.scalar("SELECT id FROM users WHERE phone = CAST($1 AS TEXT)", OFFICER_PHONE).await?;
    // The generated district has no admin: one is inserted for the district's figures.
    let admin = db.users(1, 19_900_000_000, "admin", None).await?.pop().ok_or("no admin inserted")?;
    let events = db.scalar("SELECT COUNT(*) FROM wish_events WHERE id > $1", 0).await?;
    let summary_rows = db.scalar("SELECT COUNT(*) FROM figure_days WHERE day > $1", 0).await?
        + db.scalar("SELECT COUNT(*) FROM figure_day_durations WHERE day > $1", 0).await?
        + db.scalar("SELECT COUNT(*) FROM figure_member_days WHERE day > $1", 0).await?
        + db.scalar("SELECT COUNT(*) FROM figure_months WHERE place_id > $1", 0).await?
        + db.scalar("SELECT COUNT(*) FROM figure_month_durations WHERE place_id > $1", 0).await?
        + db.scalar("SELECT COUNT(*) FROM figure_member_months WHERE member_id > $1", 0).await?;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let from = today - chrono::Duration::days(365);
    let start_ms = from.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis()) - 8 * 3_600_000;
    let street_posted = db
        .scalar(
            &format!(
                "SELECT COUNT(*) FROM wish_events e JOIN places c ON c.id = e.community_id \
                 WHERE c.parent_id = $1 AND e.action = 'post' AND e.at >= {start_ms}"
            ),
            street,
        )
        .await?;
    let district_posted = db
        .scalar(&format!("SELECT COUNT(*) FROM wish_events WHERE action = 'post' AND at >= {start_ms} AND id > $1"), 0)
        .await?;
    let mut tokens = db.tokens_of(&[officer, admin]).await?;
    let admin_token = tokens.pop().ok_or("no admin token")?;
    let officer_token = tokens.pop().ok_or("no officer token")?;
    db.close().await;

    let srv = server::start(&o.bin, &fresh.url, &fresh.dir).await?;
    let client = http()?;
    let base = &srv.base;
    let q = format!("from={from}&to={today}");
    let asks = [
        (
            format!("`GET /api/v1/figures` a street's year ({CLIENTS} clients: the same)"),
            format!("{base}/api/v1/figures?place={street}&{q}"),
            officer_token.clone(),
            street_posted,
            100.0,
        ),
        (
            "`GET /api/v1/figures` the district's year".to_owned(),
            format!("{base}/api/v1/figures?place={district}&{q}"),
            admin_token.clone(),
            district_posted,
            300.0,
        ),
        (
            "`GET /api/v1/figures/workload` a street's year (100 busiest)".to_owned(),
            format!("{base}/api/v1/figures/workload?place={street}&{q}"),
            officer_token.clone(),
            -1,
            300.0,
        ),
    ];
    let mut runs = Vec::new();
    for (what, url, token, posted, target_ms) in asks {
        let first = get_json(&client, &url, &token).await?;
        if posted >= 0 {
            let got = first["total"]["posted"].as_i64().unwrap_or(-1);
            let months = first["months"].as_array().map_or(0, Vec::len);
            if got != posted || months != 13 {
                return Err(format!("{what}: {got} posted in {months} months, the log says {posted}"));
            }
        } else if first["members"].as_array().is_none_or(Vec::is_empty) {
            return Err(format!("{what}: no members in {first}"));
        }
        let (c, u, t) = (client.clone(), Arc::new(url), Arc::new(token));
        let ask = move |_, _| {
            let (c, u, t) = (c.clone(), u.clone(), t.clone());
            async move {
                match c.get(u.as_str()).bearer_auth(t.as_str()).send().await {
                    Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.is_ok_and(|v| {
                        if posted >= 0 {
                            v["total"]["posted"].as_i64() == Some(posted)
                        } else {
                            v["members"].as_array().is_some_and(|m| !m.is_empty())
                        }
                    }),
                    _ => false,
                }
            }
        };
        say(&format!("{backend}: {what}, 1 client then {CLIENTS}"));
        load::run(1, 10, Duration::from_secs(60), ask.clone()).await;
        let serial = load::run(1, SERIAL, Duration::from_secs(120), ask.clone()).await;
        let concurrent = load::run(CLIENTS, REQUESTS, Duration::from_secs(180), ask).await;
        runs.push(Measured { what, target_ms, serial, concurrent });
    }
    let ready = srv.to_ready;
    srv.stop().await;
    Ok(FigureFigures {
        backend: backend.to_owned(),
        scale: o.scorecard_scale.clone(),
        seed: o.scorecard_seed,
        generate_time,
        generated,
        events,
        summary_rows,
        street_posted,
        district_posted,
        ready,
        runs,
    })
}

fn held(m: &Measured) -> bool {
    m.serial.errors == 0
        && m.concurrent.errors == 0
        && m.serial.ms(0.99) < m.target_ms
        && m.concurrent.ms(0.99) < m.target_ms
}

/// The targets table's rows of these figures (a street's year < 100 ms, the district's < 300 ms).
pub fn target_rows(figures: &[FigureFigures]) -> String {
    let mut out = String::new();
    for f in figures {
        let street = &f.runs[0];
        let district = &f.runs[1];
        out.push_str(&format!(
            "{TARGET_ROW}a street's in p99 < 100 ms, the district's in p99 < 300 ms ({}) | street p99 {:.1} ms with 1 \
             client, {:.1} ms with {CLIENTS}; district {:.1} / {:.1} ms ([§10](#10-figures-for-leaders-at-seed-scale)) | {} |\n",
            f.backend,
            street.serial.ms(0.99),
            street.concurrent.ms(0.99),
            district.serial.ms(0.99),
            district.concurrent.ms(0.99),
            crate::held(held(street) && held(district))
        ));
    }
    out
}

/// The section of these figures.
pub fn section(figures: &[FigureFigures]) -> String {
    let mut w = format!(
        "{HEADING}\n\nMeasured {} UTC by `haolin-bench` (`scripts/bench.sh`, or alone: `scripts/bench.sh --only \
         figures`) on {}. Each backend gets a fresh database filled by the release binary's `haolin generate --seed {} \
         --scale {}` (500,000 wishes of the last year with their event logs, check-ins, the time bank's ledger and the \
         work orders), which ends by summing every finished day into the figures' summaries as the figures job does \
         (docs/FIGURES.md; included in the generation time); then `ANALYZE` (PostgreSQL: `VACUUM ANALYZE`). The \
         officer of street `520201001` and an admin (sessions inserted, tokens minted with the server's key) ask for \
         the last 365 days (13 months): the whole request — token, the caller's roles and the place's path, the \
         summed whole months and the partial months' days, the histograms, today's rows summed so far and the event log \
         after them (the generator sums today up to its end, the server's job every 30 s up to a minute ago; in \
         production the log after the rows is at most about 90 seconds of events), the street's work-order scorecard \
         from its day sums, JSON. After 10 unmeasured requests, {SERIAL} from one client, then {REQUESTS} from {CLIENTS} \
         concurrent clients (keep-alive). Every answer must be a 200 whose year counts as many posted wishes as the \
         event log has for the place (the workload: a non-empty list). Summary rows: the day and month tables \
         together.\n\n\
         | backend | generated in | wish events | summary rows | street's posted | district's posted |\n\
         |---|---:|---:|---:|---:|---:|\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        crate::machine(),
        figures.first().map_or(1, |f| f.seed),
        figures.first().map_or("seed", |f| f.scale.as_str()),
    );
    for f in figures {
        w.push_str(&format!(
            "| {} | {:.0} s | {} | {} | {} | {} |\n",
            f.backend,
            f.generate_time.as_secs_f64(),
            f.events,
            f.summary_rows,
            f.street_posted,
            f.district_posted
        ));
    }
    w.push_str(&format!(
        "\n| backend | request | target p99 | 1 client p50 ms | p95 ms | p99 ms | {CLIENTS} clients req/s | p50 ms | \
         p95 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    ));
    for f in figures {
        for m in &f.runs {
            w.push_str(&format!(
                "| {} | {} | {:.0} ms | {:.2} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {:.2} | {} |\n",
                f.backend,
                m.what,
                m.target_ms,
                m.serial.ms(0.5),
                m.serial.ms(0.95),
                m.serial.ms(0.99),
                m.concurrent.rate(),
                m.concurrent.ms(0.5),
                m.concurrent.ms(0.95),
                m.concurrent.ms(0.99),
                m.serial.errors + m.concurrent.errors
            ));
        }
    }
    w.push_str("\nWhat `haolin generate` printed, and the server's start-up on the generated database:\n\n```\n");
    for f in figures {
        w.push_str(&format!("{}: {} (ready in {:.0} ms)\n", f.backend, f.generated, f.ready.as_secs_f64() * 1000.0));
    }
    w.push_str("```\n\n");
    w
}

/// Replaces this benchmark's section and targets rows in the report at `path` (`--only figures`).
pub fn splice(path: &Path, figures: &[FigureFigures], analysis_marker: &str) -> Result<(), String> {
    let rows = target_rows(figures);
    crate::splice_section(path, HEADING, TARGET_ROW, &rows, &section(figures), "\n", analysis_marker)
}

/// The section and the targets rows of the report at `path`, kept by a full run that did not
/// measure the figures.
pub fn kept(path: &Path, analysis_marker: &str) -> (String, String) {
    crate::kept_section_and_rows(path, HEADING, TARGET_ROW, analysis_marker)
}
