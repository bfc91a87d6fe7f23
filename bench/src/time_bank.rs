//! A person's time bank at seed scale (issue 15): `haolin generate --scale seed` fills a fresh
//! database (the seed district with its 429 volunteer teams, a year of activities and the ledger
//! of every confirmed wish and attendance), then the people with the longest ledgers ask the
//! release server over HTTP for their balance (`GET /api/v1/me/time-bank`), the first page of
//! their ledger (`GET /api/v1/me/time-bank/ledger?limit=20`) and a deep page (the same with the
//! cursor of their oldest full page): one client, then several at once. Before measuring, each
//! person's whole ledger is walked page by page and checked against the database (every movement
//! once, each balance the one after the movement before it, the first page's balance the
//! summary's); every measured answer is checked too (200, the expected balance or page length).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::load::{self, Run};
use crate::{Fresh, Options, db, http, say, server};

/// People measured (the longest ledgers).
pub const PEOPLE: usize = 32;
/// Requests from one client per kind of request (after a few unmeasured ones).
pub const SERIAL: usize = 1000;
/// Concurrent clients of the second run.
pub const CLIENTS: usize = 10;
/// Requests of the second run, per kind of request.
pub const REQUESTS: usize = 3000;
/// A ledger page.
const PAGE: usize = 20;
/// The target: p99 under this many milliseconds.
pub const TARGET_MS: f64 = 20.0;
/// The section's heading; `--only time_bank` replaces the section up to the next heading or the
/// analysis marker.
pub const HEADING: &str = "## 8. A person's time bank at seed scale";
/// How the section's rows in the targets table begin.
const TARGET_ROW: &str = "| a person's balance and ledger page at ";

/// The people with the longest ledgers: (user id, movements), longest first.
const LONGEST: &str = "SELECT a.owner_id, COUNT(*) AS n FROM ledger_accounts a \
     JOIN ledger_movements m ON m.account_id = a.id WHERE a.kind = 'person' AND a.owner_id > $1 \
     GROUP BY a.owner_id ORDER BY n DESC, a.owner_id LIMIT 32";
/// Each person's balance, to check the answers by.
const BALANCE: &str = "SELECT owner_id, balance FROM ledger_accounts WHERE kind = 'person' AND owner_id = $1";

/// The ledger page's statement, as the server runs it (for the plans).
use haolin::store::time_bank::ledger_page_sql;
/// The summary's account read as `store::time_bank::person_balance` runs it.
const SUMMARY_SQL: &str =
    "SELECT kind, id, balance, earned FROM ledger_accounts WHERE owner_id = $1 AND kind IN ('person', 'escrow')";
/// The summary's second statement: what the person gave today (`gifted_since`).
const GIFTED_SQL: &str = "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM ledger_transfers \
     WHERE from_account = $1 AND kind = 'gift' AND at >= $2";

/// One kind of request measured.
pub struct Measured {
    /// What was asked.
    what: &'static str,
    serial: Run,
    concurrent: Run,
}

/// Figures of one backend.
pub struct TimeBankFigures {
    backend: String,
    scale: String,
    seed: u64,
    generate_time: Duration,
    generated: String,
    /// Teams, activities, sign-ups, accounts, transfers, movements.
    counts: [i64; 6],
    /// The longest ledger and the shortest of the people measured.
    longest: (i64, i64),
    /// The deep pages' median depth (movements above them).
    deep_depth: usize,
    ready: Duration,
    runs: Vec<Measured>,
    plans: Vec<(String, String)>,
}

/// One person measured: the token, the balance, and the cursor of a deep page with its length.
struct Person {
    token: String,
    balance: i64,
    deep: String,
    deep_len: usize,
    depth: usize,
}

/// Generates the district at `o.time_bank_scale` into a fresh database of `backend`, then measures.
pub async fn time_bank_bench(o: &Options, backend: &str) -> Result<TimeBankFigures, String> {
    let sslmode = o.pg_sslmodes.first().map_or("disable", String::as_str);
    let fresh = Fresh::new(backend, "timebank", &o.pg_admin, sslmode).await?;
    let result = bench_on(o, backend, &fresh).await;
    fresh.drop_db().await;
    result
}

async fn bench_on(o: &Options, backend: &str, fresh: &Fresh) -> Result<TimeBankFigures, String> {
    let (scale, seed) = (&o.time_bank_scale, o.time_bank_seed);
    let (generate_time, generated) = fresh.generate(&o.bin, backend, seed, scale).await?;
    let db = db::connect(&fresh.url).await?;
    db.analyze().await?;
    let mut counts = [0; 6];
    for (n, table) in
        ["teams", "activities", "activity_signups", "ledger_accounts", "ledger_transfers", "ledger_movements"]
            .iter()
            .enumerate()
    {
        counts[n] = db.scalar(&format!("SELECT COUNT(*) FROM {table} WHERE id > $1"), 0).await?;
    }
    let longest = db.pairs(LONGEST, 0).await?;
    if longest.len() < PEOPLE {
        return Err(format!("only {} people have a ledger", longest.len()));
    }
    let users: Vec<i64> = longest.iter().map(|(u, _)| *u).collect();
    let tokens = db.tokens_of(&users).await?;

    // A generated fulfilment that turns a week old during the run stays as it is: the auto-confirm
    // job would credit it while the ledgers are walked and checked.
    let quiet = [("HAOLIN_WISHES__AUTO_CONFIRM_AFTER".to_owned(), "3650d".to_owned())];
    let srv = server::start_with(&o.bin, &fresh.url, &fresh.dir, &quiet).await?;
    let client = http()?;
    say(&format!("{backend}: walking the ledgers of the {PEOPLE} people with the longest ones"));
    let mut people = Vec::new();
    for ((user, movements), token) in longest.iter().zip(tokens) {
        let balance = db.pairs(BALANCE, *user).await?.first().map_or(0, |r| r.1);
        people.push(walk(&client, &srv.base, token, balance, *movements as usize).await?);
    }
    let mut depths: Vec<usize> = people.iter().map(|p| p.depth).collect();
    depths.sort_unstable();
    let people = Arc::new(people);
    let base = Arc::new(srv.base.clone());

    let mut runs = Vec::new();
    for (what, kind) in [
        ("`GET /api/v1/me/time-bank`", Kind::Summary),
        ("`GET /api/v1/me/time-bank/ledger?limit=20` (first page)", Kind::First),
        ("`GET /api/v1/me/time-bank/ledger?limit=20&cursor=…` (deep page)", Kind::Deep),
    ] {
        let (c, b, p) = (client.clone(), base.clone(), people.clone());
        let ask = move |_, i: usize| {
            let (c, b, p) = (c.clone(), b.clone(), p.clone());
            async move { ask(&c, &b, &p[i % p.len()], kind).await }
        };
        say(&format!("{backend}: {what}, 1 client then {CLIENTS}"));
        load::run(1, 20, Duration::from_secs(30), ask.clone()).await;
        let serial = load::run(1, SERIAL, Duration::from_secs(120), ask.clone()).await;
        let concurrent = load::run(CLIENTS, REQUESTS, Duration::from_secs(120), ask).await;
        runs.push(Measured { what, serial, concurrent });
    }
    let deepest = people.iter().map(|p| p.depth).max().unwrap_or(0) as i64;
    let first = longest[0].0;
    let before = db
        .scalar(
            "SELECT m.id FROM ledger_movements m JOIN ledger_accounts a ON a.id = m.account_id \
             WHERE a.kind = 'person' AND a.owner_id = $1 ORDER BY m.id DESC LIMIT 1",
            first,
        )
        .await?;
    let mut plans = Vec::new();
    plans.push(("the summary's accounts".to_owned(), db.explain(SUMMARY_SQL, None, &[first]).await?));
    let account =
        db.scalar("SELECT id FROM ledger_accounts WHERE kind = 'person' AND owner_id = $1", first).await.unwrap_or(0);
    let today = db::now_ms() - db::now_ms().rem_euclid(86_400_000);
    plans.push(("the summary's gifts today".to_owned(), db.explain(GIFTED_SQL, None, &[account, today]).await?));
    // The server asks for one row more than the page, to know whether another follows.
    let rows = PAGE as i64 + 1;
    let page_sql = ledger_page_sql(backend != "sqlite");
    plans.push(("the first page".to_owned(), db.explain(page_sql, None, &[first, i64::MAX, rows]).await?));
    let deep_cursor = db
        .scalar(
            &format!(
                "SELECT MIN(id) FROM (SELECT m.id FROM ledger_movements m JOIN ledger_accounts a ON a.id = m.account_id \
                 WHERE a.kind = 'person' AND a.owner_id = $1 ORDER BY m.id DESC LIMIT {deepest}) t"
            ),
            first,
        )
        .await
        .unwrap_or(before);
    plans.push((
        format!("a deep page ({deepest} movements down)"),
        db.explain(page_sql, None, &[first, deep_cursor, rows]).await?,
    ));
    db.close().await;
    let ready = srv.to_ready;
    srv.stop().await;
    Ok(TimeBankFigures {
        backend: backend.to_owned(),
        scale: scale.clone(),
        seed,
        generate_time,
        generated,
        counts,
        longest: (longest[0].1, longest[PEOPLE - 1].1),
        deep_depth: depths[depths.len() / 2],
        ready,
        runs,
        plans,
    })
}

/// What one measured request asks.
#[derive(Clone, Copy)]
enum Kind {
    Summary,
    First,
    Deep,
}

async fn get(client: &reqwest::Client, url: &str, token: &str) -> Option<Value> {
    let resp = client.get(url).bearer_auth(token).send().await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    resp.json().await.ok()
}

/// A ledger page's URL, the cursor percent-encoded.
fn ledger_url(base: &str, cursor: Option<&str>) -> String {
    let path = format!("{base}/api/v1/me/time-bank/ledger");
    let limit = PAGE.to_string();
    let mut query = vec![("limit", limit.as_str())];
    if let Some(c) = cursor {
        query.push(("cursor", c));
    }
    reqwest::Url::parse_with_params(&path, &query).map_or(path, String::from)
}

/// One measured request, checked.
async fn ask(client: &reqwest::Client, base: &str, p: &Person, kind: Kind) -> bool {
    let url = match kind {
        Kind::Summary => format!("{base}/api/v1/me/time-bank"),
        Kind::First => ledger_url(base, None),
        Kind::Deep => ledger_url(base, Some(&p.deep)),
    };
    let Some(body) = get(client, &url, &p.token).await else { return false };
    match kind {
        Kind::Summary => body["balance_minutes"].as_i64() == Some(p.balance),
        Kind::First => body["items"].as_array().is_some_and(|items| items.len() == PAGE),
        Kind::Deep => body["items"].as_array().is_some_and(|items| items.len() == p.deep_len),
    }
}

/// Walks a person's whole ledger page by page and checks it: `movements` entries in all, each
/// balance the one after the entry below it, the newest the summary's balance. Keeps the cursor of
/// the oldest full page.
async fn walk(
    client: &reqwest::Client,
    base: &str,
    token: String,
    balance: i64,
    movements: usize,
) -> Result<Person, String> {
    let summary = get(client, &format!("{base}/api/v1/me/time-bank"), &token).await.ok_or("the summary failed")?;
    if summary["balance_minutes"].as_i64() != Some(balance) {
        return Err(format!("the summary says {summary}, the account holds {balance}"));
    }
    let mut entries: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut deep = (String::new(), 0, 0);
    loop {
        let url = ledger_url(base, cursor.as_deref());
        let page = get(client, &url, &token).await.ok_or_else(|| format!("{url} failed"))?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        if let Some(c) = &cursor
            && items.len() == PAGE
        {
            deep = (c.clone(), items.len(), entries.len());
        }
        entries.extend(items);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    if entries.len() != movements {
        return Err(format!("the ledger pages hold {} movements, the database {movements}", entries.len()));
    }
    if entries.first().and_then(|e| e["balance_after"].as_i64()) != Some(balance) {
        return Err(format!("the newest movement does not leave the balance {balance}"));
    }
    for pair in entries.windows(2) {
        let (newer, older) = (&pair[0], &pair[1]);
        let (after, minutes) = (newer["balance_after"].as_i64(), newer["minutes"].as_i64());
        if after.zip(minutes).map(|(a, m)| a - m) != older["balance_after"].as_i64() {
            return Err(format!("{newer} does not follow {older}"));
        }
    }
    if deep.0.is_empty() {
        return Err(format!("a ledger of {movements} movements has no second full page"));
    }
    Ok(Person { token, balance, deep: deep.0, deep_len: deep.1, depth: deep.2 })
}

fn verdict(f: &TimeBankFigures) -> bool {
    f.runs.iter().all(|r| {
        r.serial.errors == 0
            && r.concurrent.errors == 0
            && r.serial.ms(0.99) < TARGET_MS
            && r.concurrent.ms(0.99) < TARGET_MS
    })
}

/// The targets table's rows of these figures.
pub fn target_rows(figures: &[TimeBankFigures]) -> String {
    let mut out = String::new();
    for f in figures {
        let worst = |serial: bool| {
            f.runs.iter().map(|r| if serial { r.serial.ms(0.99) } else { r.concurrent.ms(0.99) }).fold(0.0, f64::max)
        };
        out.push_str(&format!(
            "{TARGET_ROW}{} scale in p99 < {TARGET_MS:.0} ms ({}) | worst p99 {:.1} ms with 1 client, {:.1} ms with {CLIENTS} ([§8](#8-a-persons-time-bank-at-seed-scale)) | {} |\n",
            f.scale,
            f.backend,
            worst(true),
            worst(false),
            crate::held(verdict(f))
        ));
    }
    out
}

/// The section of these figures.
pub fn section(figures: &[TimeBankFigures]) -> String {
    let Some(first) = figures.first() else { return String::new() };
    let mut w = format!(
        "{HEADING}\n\nMeasured {} UTC by `haolin-bench` (`scripts/bench.sh`, or alone: `scripts/bench.sh --only \
         time_bank`) on {}. Each backend gets a fresh database filled by the release binary's `haolin generate --seed \
         {} --scale {}` (its volunteer teams, a year of activities with their sign-ups and attendance, and the \
         ledger of every confirmed wish and attendance, the paid wishes' escrow, the pools' mints and the family \
         gifts), then `ANALYZE` (PostgreSQL: `VACUUM ANALYZE`). The {PEOPLE} people with the longest ledgers (sessions inserted, tokens minted with \
         the server's key) first walk their whole ledger page by page, checked against the database; then each \
         request below is asked round-robin over the {PEOPLE}: after 20 unmeasured requests, {SERIAL} from one \
         client, then {REQUESTS} from {CLIENTS} concurrent clients (keep-alive). The deep page is each person's \
         oldest full page of {PAGE}, reached with the cursor the page before it gave. Every answer must be a 200 \
         with the person's balance or a full page. The server runs with `HAOLIN_WISHES__AUTO_CONFIRM_AFTER=3650d`, so \
         no generated fulfilment that turns a week old during the run is confirmed (and credited) while the \
         ledgers are read. A latency is the whole request: token, session, the accounts \
         or the page's statement, JSON, read by the client on the same two cores.\n\n\
         | backend | generated in | teams | activities | sign-ups | accounts | transfers | movements | longest \
         ledgers (movements) | deep page at |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        crate::machine(),
        first.seed,
        first.scale,
    );
    for f in figures {
        w.push_str(&format!(
            "| {} | {:.0} s | {} | {} | {} | {} | {} | {} | {} to {} | {} movements down (median) |\n",
            f.backend,
            f.generate_time.as_secs_f64(),
            f.counts[0],
            f.counts[1],
            f.counts[2],
            f.counts[3],
            f.counts[4],
            f.counts[5],
            f.longest.1,
            f.longest.0,
            f.deep_depth,
        ));
    }
    w.push_str(&format!(
        "\n| backend | request | 1 client p50 ms | p95 ms | p99 ms | {CLIENTS} clients req/s | p50 ms | p95 ms | \
         p99 ms | errors |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    ));
    for f in figures {
        for r in &f.runs {
            w.push_str(&format!(
                "| {} | {} | {:.2} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {:.2} | {} |\n",
                f.backend,
                r.what,
                r.serial.ms(0.5),
                r.serial.ms(0.95),
                r.serial.ms(0.99),
                r.concurrent.rate(),
                r.concurrent.ms(0.5),
                r.concurrent.ms(0.95),
                r.concurrent.ms(0.99),
                r.serial.errors + r.concurrent.errors,
            ));
        }
    }
    w.push_str("\nWhat `haolin generate` printed, and the server's start-up on the generated database:\n\n```\n");
    for f in figures {
        w.push_str(&format!("{}: {} (ready in {:.0} ms)\n", f.backend, f.generated, f.ready.as_secs_f64() * 1000.0));
    }
    w.push_str(
        "```\n\nThe statements (mirrored from `store/time_bank.rs`; SQLite `EXPLAIN QUERY PLAN`, PostgreSQL \
         `EXPLAIN (ANALYZE, BUFFERS)`) for the person with the longest ledger:\n\n",
    );
    for f in figures {
        for (what, plan) in &f.plans {
            w.push_str(&format!("**{}, {what}**\n```\n{plan}```\n\n", f.backend));
        }
    }
    w.push_str(
        "How to reproduce: `scripts/bench.sh --only time_bank` (both backends; PostgreSQL from \
         `scripts/db-services.sh`), `--backends sqlite` for one, `--time-bank-scale small` for a quick run on the \
         small district; `HAOLIN_BENCH_KEEP=1` keeps the data dir and the server's log. The code: \
         `bench/src/time_bank.rs`.\n\n",
    );
    w
}

/// Replaces this benchmark's section and targets rows in the report at `path` (`--only
/// time_bank`), leaving everything else as the last full run wrote it.
pub fn splice(path: &Path, figures: &[TimeBankFigures], analysis_marker: &str) -> Result<(), String> {
    let rows = target_rows(figures);
    crate::splice_section(path, HEADING, TARGET_ROW, &rows, &section(figures), "", analysis_marker)
}

/// The section and the targets rows of the report at `path`, kept by a full run that did not
/// measure the time bank.
pub fn kept(path: &Path, analysis_marker: &str) -> (String, String) {
    crate::kept_section_and_rows(path, HEADING, TARGET_ROW, analysis_marker)
}
