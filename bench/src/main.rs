//! `haolin-bench`: every benchmark of issue 7 on loopback, bounded in requests and time, against
//! the release `haolin` binary; rewrites `BENCHMARKS.md`. Run it through `scripts/bench.sh`.
//!
//! Usage: `haolin-bench [--bin target/release/haolin] [--out BENCHMARKS.md] [--backends sqlite,postgres]
//! [--pg-admin postgres://haolin:haolin@127.0.0.1:5432/postgres] [--web-size FILE] [--feeds-wishes 500000]
//! [--scorecard-scale seed|small|none] [--scorecard-seed 1] [--upload-rounds 4] [--upload-arenas default,2] [--upload-phones 10,50,100]
//! [--time-bank-scale seed|small|none] [--time-bank-seed 1] [--exports-rows 500000] [--only scorecard|uploads|time_bank|exports|figures]`

mod db;
mod exports;
mod figures;
mod load;
mod scorecard;
mod server;
mod time_bank;
mod uploads;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use load::{Run, quantile_ms};
use serde_json::json;

/// Command-line options.
struct Options {
    bin: PathBuf,
    out: PathBuf,
    backends: Vec<String>,
    pg_admin: String,
    web_size: Option<PathBuf>,
    feeds_wishes: i64,
    feeds_residents: i64,
    sse: usize,
    redis: String,
    redis_only: bool,
    /// The `sslmode`s the PostgreSQL claim benchmark runs with, one full claim benchmark each; the
    /// first is used by every other PostgreSQL benchmark.
    pg_sslmodes: Vec<String>,
    /// The `haolin generate` scale the scorecard is measured on (`none`: not measured).
    scorecard_scale: String,
    /// Its seed.
    scorecard_seed: u64,
    /// Rounds of simultaneous photo uploads (0: not measured).
    upload_rounds: usize,
    /// The server's `MALLOC_ARENA_MAX` of each upload run (`default`: unset).
    upload_arenas: Vec<String>,
    /// Phones uploading at once, one upload run each (the peak memory should not follow them).
    upload_phones: Vec<usize>,
    /// The `haolin generate` scale a person's time bank is measured on (`none`: not measured).
    time_bank_scale: String,
    /// Its seed.
    time_bank_seed: u64,
    /// Wishes exported by `--only exports` (a full run does not measure exports).
    exports_rows: u64,
    /// Only this benchmark (`scorecard`, `uploads`, `time_bank`, `exports`), its section spliced
    /// into the existing report.
    only: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        bin: PathBuf::from("target/release/haolin"),
        out: PathBuf::from("BENCHMARKS.md"),
        backends: vec!["sqlite".into(), "postgres".into()],
        pg_admin: "postgres://haolin:haolin@127.0.0.1:5432/postgres".into(),
        web_size: None,
        feeds_wishes: 500_000,
        feeds_residents: 100_000,
        sse: 10_000,
        redis: "redis://127.0.0.1:6379".into(),
        redis_only: false,
        pg_sslmodes: vec!["disable".into(), "require".into()],
        scorecard_scale: "seed".into(),
        scorecard_seed: 1,
        upload_rounds: 4,
        upload_arenas: vec!["default".into(), "2".into()],
        upload_phones: vec![10, 50, 100],
        time_bank_scale: "seed".into(),
        time_bank_seed: 1,
        exports_rows: 500_000,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--bin" => o.bin = value.into(),
            "--out" => o.out = value.into(),
            "--backends" => o.backends = value.split(',').map(str::to_owned).collect(),
            "--pg-admin" => o.pg_admin = value,
            "--web-size" => o.web_size = Some(value.into()),
            "--feeds-wishes" => o.feeds_wishes = value.parse().map_err(|_| "bad --feeds-wishes")?,
            "--redis" => o.redis = value,
            "--fanout-redis" => o.redis_only = value == "1",
            "--sse" => o.sse = value.parse().map_err(|_| "bad --sse")?,
            "--pg-sslmodes" => o.pg_sslmodes = value.split(',').map(str::to_owned).collect(),
            "--feeds-residents" => o.feeds_residents = value.parse().map_err(|_| "bad --feeds-residents")?,
            "--scorecard-scale" => o.scorecard_scale = value,
            "--scorecard-seed" => o.scorecard_seed = value.parse().map_err(|_| "bad --scorecard-seed")?,
            "--upload-arenas" => o.upload_arenas = value.split(',').map(str::to_owned).collect(),
            "--upload-phones" => {
                o.upload_phones =
                    value.split(',').map(|v| v.parse().map_err(|_| "bad --upload-phones")).collect::<Result<_, _>>()?
            }
            "--upload-rounds" => o.upload_rounds = value.parse().map_err(|_| "bad --upload-rounds")?,
            "--time-bank-scale" => o.time_bank_scale = value,
            "--time-bank-seed" => o.time_bank_seed = value.parse().map_err(|_| "bad --time-bank-seed")?,
            "--exports-rows" => o.exports_rows = value.parse().map_err(|_| "bad --exports-rows")?,
            "--only" if ["scorecard", "uploads", "time_bank", "exports", "figures"].contains(&value.as_str()) => {
                o.only = Some(value)
            }
            "--only" => {
                return Err(format!("--only knows scorecard, uploads, time_bank, exports and figures, not {value}"));
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    o.backends.retain(|b| b != "none");
    Ok(o)
}

/// Progress on stderr.
fn say(msg: &str) {
    eprintln!("[bench {}] {msg}", chrono::Utc::now().format("%H:%M:%S"));
}

/// A fresh database of `backend`, dropped by [`Fresh::drop_db`].
struct Fresh {
    url: String,
    dir: PathBuf,
    pg: Option<(String, String)>,
}

impl Fresh {
    /// Fills the fresh database with `haolin generate --seed SEED --scale SCALE` run by the release
    /// binary `bin`; answers how long it took and what it printed.
    async fn generate(&self, bin: &Path, backend: &str, seed: u64, scale: &str) -> Result<(Duration, String), String> {
        say(&format!("{backend}: haolin generate --seed {seed} --scale {scale}"));
        let started = Instant::now();
        let out = tokio::process::Command::new(bin)
            .args(["generate", "--seed", &seed.to_string(), "--scale", scale])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.url)
            .env("HAOLIN_DATA_DIR", &self.dir)
            .env("HAOLIN_JWT_SECRET", server::JWT_SECRET)
            .output()
            .await
            .map_err(|e| format!("cannot run {} generate: {e}", bin.display()))?;
        let generated = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !out.status.success() {
            return Err(format!("generate failed: {generated} {}", String::from_utf8_lossy(&out.stderr)));
        }
        say(&format!("{backend}: {generated}"));
        Ok((started.elapsed(), generated))
    }

    async fn new(backend: &str, tag: &str, pg_admin: &str, sslmode: &str) -> Result<Self, String> {
        let dir = server::scratch(&format!("{backend}-{tag}"))?;
        if backend == "sqlite" {
            return Ok(Self { url: format!("sqlite:{}", dir.join("bench.db").display()), dir, pg: None });
        }
        let name = format!("haolin_bench_{}_{tag}", std::process::id());
        let admin = sqlx::PgPool::connect(pg_admin).await.map_err(|e| e.to_string())?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&admin).await.map_err(|e| e.to_string())?;
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.map_err(|e| e.to_string())?;
        admin.close().await;
        let base = pg_admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(pg_admin);
        Ok(Self { url: format!("{base}/{name}?sslmode={sslmode}"), dir, pg: Some((pg_admin.to_owned(), name)) })
    }

    async fn drop_db(self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(pool) = sqlx::PgPool::connect(admin).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&pool).await;
            pool.close().await;
        }
        // HAOLIN_BENCH_KEEP=1 keeps the scratch folder (the SQLite file and the server logs).
        if std::env::var("HAOLIN_BENCH_KEEP").as_deref() == Ok("1") {
            say(&format!("kept {}", self.dir.display()));
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn http() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(2000)
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())
}

/// POSTs `body` to `path` with `token`; returns the status.
async fn post(client: &reqwest::Client, base: &str, path: &str, token: &str, body: &serde_json::Value) -> u16 {
    match client.post(format!("{base}{path}")).bearer_auth(token).json(body).send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let _ = resp.bytes().await;
            status
        }
        Err(_) => 0,
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Figures of one backend's claim benchmark.
#[derive(Default)]
struct ClaimFigures {
    backend: String,
    http: Vec<Run>,
    direct: Vec<Run>,
    direct_all: Vec<Run>,
    /// CPU spent during each phase, summed over its rounds: HTTP, direct, direct + reads.
    cpu: [server::CpuUse; 3],
    cycle: Option<Run>,
    ready_empty: Duration,
    rss_idle: u64,
    rss_load: u64,
    rss_peak: u64,
    one_wish: Option<(usize, usize, usize, i64, Run)>,
    many: Option<(usize, usize, i64, i64, Run)>,
}

const CONCURRENCY: usize = 32;
const PER_PHASE: usize = 2000;
const ROUNDS: usize = 3;
const CYCLES: usize = 300;
const CONTENDERS: usize = 1000;

/// Claim path vs direct SQL, the full cycle, and contention, on one backend.
async fn claim_bench(o: &Options, backend: &str, sslmode: &str) -> Result<ClaimFigures, String> {
    let fresh = Fresh::new(backend, "claim", &o.pg_admin, sslmode).await?;
    let result = claim_bench_on(o, backend, &fresh).await;
    fresh.drop_db().await;
    let mut figures = result?;
    if backend == "postgres" {
        figures.backend = format!("postgres, sslmode={sslmode}");
    }
    Ok(figures)
}

async fn claim_bench_on(o: &Options, backend: &str, fresh: &Fresh) -> Result<ClaimFigures, String> {
    let mut f = ClaimFigures { backend: backend.to_owned(), ..Default::default() };
    say(&format!("{backend}: starting the release server on an empty database"));
    let srv = server::start(&o.bin, &fresh.url, &fresh.dir).await?;
    f.ready_empty = srv.to_ready;
    tokio::time::sleep(Duration::from_millis(300)).await;
    f.rss_idle = srv.rss_kib().0;
    let db = db::connect(&fresh.url).await?;
    let community = db.community("520201001001").await?;
    let members = db.users(CONCURRENCY as i64, 13_700_000_000, "member", Some(community)).await?;
    let tokens = Arc::new(db.tokens(&members).await?);
    let sessions = Arc::new(db.sessions(&members).await?);
    let members = Arc::new(members);
    let resident = db.users(1, 13_600_000_000, "resident", None).await?;
    let total = ROUNDS * 3 * PER_PHASE;
    let wishes = Arc::new(db.wishes(total as i64, community, 1, resident[0], 1, "'open'", true).await?);
    db.analyze().await?;
    let client = http()?;
    let base = Arc::new(srv.base.clone());
    say(&format!(
        "{backend}: claim path, {ROUNDS} rounds of HTTP / direct / direct-with-reads, {PER_PHASE} claims each"
    ));
    for round in 0..ROUNDS {
        let offset = round * 3 * PER_PHASE;
        let (c, b, t, w) = (client.clone(), base.clone(), tokens.clone(), wishes.clone());
        let sampler = server::sample_rss(srv.pid());
        let cpu = server::CpuUse::now(srv.pid());
        let run = load::run(CONCURRENCY, PER_PHASE, Duration::from_secs(60), move |worker, i| {
            let (c, b, t, w) = (c.clone(), b.clone(), t.clone(), w.clone());
            async move {
                let path = format!("/api/v1/wishes/{}/claim", w[offset + i]);
                post(&c, &b, &path, &t[worker], &json!({})).await == 200
            }
        })
        .await;
        let _ = sampler.0.send(());
        f.cpu[0] = f.cpu[0].plus(&server::CpuUse::now(srv.pid()).since(&cpu));
        f.rss_load = f.rss_load.max(sampler.1.await.unwrap_or(0));
        f.http.push(run);
        let cpu = server::CpuUse::now(srv.pid());
        let (d, m, w) = (db.clone(), members.clone(), wishes.clone());
        let run = load::run(CONCURRENCY, PER_PHASE, Duration::from_secs(60), move |worker, i| {
            let (d, m, w) = (d.clone(), m.clone(), w.clone());
            async move { d.claim(w[offset + PER_PHASE + i], m[worker]).await == Ok(true) }
        })
        .await;
        f.cpu[1] = f.cpu[1].plus(&server::CpuUse::now(srv.pid()).since(&cpu));
        f.direct.push(run);
        let cpu = server::CpuUse::now(srv.pid());
        let (d, m, s, w) = (db.clone(), members.clone(), sessions.clone(), wishes.clone());
        let run = load::run(CONCURRENCY, PER_PHASE, Duration::from_secs(60), move |worker, i| {
            let (d, m, s, w) = (d.clone(), m.clone(), s.clone(), w.clone());
            async move {
                let wish = w[offset + 2 * PER_PHASE + i];
                d.request_reads(wish, m[worker], s[worker]).await.is_ok() && d.claim(wish, m[worker]).await == Ok(true)
            }
        })
        .await;
        f.cpu[2] = f.cpu[2].plus(&server::CpuUse::now(srv.pid()).since(&cpu));
        f.direct_all.push(run);
    }

    say(&format!("{backend}: post → approve → claim → fulfil → confirm, {CYCLES} cycles"));
    let residents = db.users(CONCURRENCY as i64, 13_500_000_000, "resident", None).await?;
    let resident_tokens = Arc::new(db.tokens(&residents).await?);
    let dispatcher = db.users(1, 13_400_000_000, "dispatcher", Some(community)).await?;
    let dispatcher_token = Arc::new(db.tokens(&dispatcher).await?.remove(0));
    let (c, b, t, rt, dt) = (client.clone(), base.clone(), tokens.clone(), resident_tokens, dispatcher_token);
    let run = load::run(CONCURRENCY, CYCLES, Duration::from_secs(120), move |worker, _| {
        let (c, b, t, rt, dt) = (c.clone(), b.clone(), t.clone(), rt.clone(), dt.clone());
        async move { cycle(&c, &b, community, &rt[worker], &dt, &t[worker]).await }
    })
    .await;
    f.cycle = Some(run);

    say(&format!("{backend}: {CONTENDERS} members claim one wish at once"));
    let contenders = db.users(CONTENDERS as i64, 13_300_000_000, "member", Some(community)).await?;
    let contender_tokens = db.tokens(&contenders).await?;
    let one = db.wishes(1, community, 1, resident[0], 1, "'open'", true).await?;
    let statuses = race(&client, &srv.base, &contender_tokens, &vec![one[0]; CONTENDERS]).await;
    let winners = statuses.iter().filter(|(s, _)| *s == 200).count();
    let losers = statuses.iter().filter(|(s, _)| *s == 409).count();
    let others = CONTENDERS - winners - losers;
    let claim_events =
        db.scalar("SELECT COUNT(*) FROM wish_events WHERE wish_id = $1 AND action = 'claim'", one[0]).await?;
    let mut loser_lat: Vec<Duration> = statuses.iter().filter(|(s, _)| *s == 409).map(|(_, d)| *d).collect();
    loser_lat.sort();
    f.one_wish = Some((winners, losers, others, claim_events, Run { lat: loser_lat, wall: Duration::ZERO, errors: 0 }));
    if winners != 1 || claim_events != 1 {
        return Err(format!("DOUBLE CLAIM OR NO WINNER: {winners} answers 200, {claim_events} claim events"));
    }

    say(&format!("{backend}: {CONTENDERS} members claim {CONTENDERS} wishes at once"));
    let many = db.wishes(CONTENDERS as i64, community, 1, resident[0], 1, "'open'", true).await?;
    let started = Instant::now();
    let statuses = race(&client, &srv.base, &contender_tokens, &many).await;
    let wall = started.elapsed();
    let won = statuses.iter().filter(|(s, _)| *s == 200).count();
    let first = many.first().copied().unwrap_or(0);
    let per_wish_max = db
        .scalar(
            "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM wish_events WHERE wish_id >= $1 \
             AND action = 'claim' GROUP BY wish_id) t",
            first,
        )
        .await?;
    let events = db.scalar("SELECT COUNT(*) FROM wish_events WHERE wish_id >= $1 AND action = 'claim'", first).await?;
    let mut lat: Vec<Duration> = statuses.iter().map(|(_, d)| *d).collect();
    lat.sort();
    f.many = Some((won, CONTENDERS - won, events, per_wish_max, Run { lat, wall, errors: 0 }));
    if per_wish_max > 1 {
        return Err(format!("DOUBLE CLAIM: a wish has {per_wish_max} claim events"));
    }
    f.rss_peak = srv.rss_kib().1;
    db.close().await;
    srv.stop().await;
    Ok(f)
}

/// One wish through its whole life over HTTP; whether every step answered as expected.
async fn cycle(
    c: &reqwest::Client,
    base: &str,
    community: i64,
    resident: &str,
    dispatcher: &str,
    member: &str,
) -> bool {
    let body = json!({"community_id": community.to_string(), "title": "帮忙取快递", "description": "下午三点前",
        "category": "生活帮扶", "contact_phone": "13912345678"});
    let Ok(resp) = c.post(format!("{base}/api/v1/wishes")).bearer_auth(resident).json(&body).send().await else {
        return false;
    };
    if resp.status().as_u16() != 201 {
        return false;
    }
    let Ok(wish) = resp.json::<serde_json::Value>().await else { return false };
    let Some(id) = wish["id"].as_str().map(str::to_owned) else { return false };
    let path = |a: &str| format!("/api/v1/wishes/{id}/{a}");
    post(c, base, &path("approve"), dispatcher, &json!({})).await == 200
        && post(c, base, &path("claim"), member, &json!({})).await == 200
        && post(c, base, &path("fulfil"), member, &json!({"note": "已送到"})).await == 200
        && post(c, base, &path("confirm"), resident, &json!({"rating": 5})).await == 200
}

/// Every client claims its wish at the same moment (after a barrier); returns (status, latency).
async fn race(client: &reqwest::Client, base: &str, tokens: &[String], wishes: &[i64]) -> Vec<(u16, Duration)> {
    let barrier = Arc::new(tokio::sync::Barrier::new(tokens.len()));
    let mut handles = Vec::new();
    for (token, wish) in tokens.iter().zip(wishes) {
        let (c, b, t, barrier) = (client.clone(), base.to_owned(), token.clone(), barrier.clone());
        let path = format!("/api/v1/wishes/{wish}/claim");
        handles.push(tokio::spawn(async move {
            // Open the connection first, so the race is between claims, not TCP handshakes.
            let _ = c.get(format!("{b}/healthz")).send().await;
            barrier.wait().await;
            let t0 = Instant::now();
            let s = post(&c, &b, &path, &t, &json!({})).await;
            (s, t0.elapsed())
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        if let Ok(r) = h.await {
            out.push(r);
        }
    }
    out
}

/// Figures of one backend's feed benchmark.
struct FeedFigures {
    backend: String,
    seed_time: Duration,
    ready_big: Duration,
    rss_idle_big: u64,
    rows: Vec<(String, Run, Run, String)>,
}

const FEED_CLIENTS: usize = 50;
const FEED_REQUESTS: usize = 2000;
const FEED_SERIAL: usize = 300;
const FEED_COMMUNITIES: i64 = 10;

/// The list query the server builds for a member's or dispatcher's feed (`list_wishes` with
/// `status` and a `community_id` inside the caller's scope, so without the visibility clause),
/// with or without a cursor.
fn feed_sql(cursor: bool) -> String {
    let before = if cursor { " AND w.id < $3 ORDER BY w.id DESC LIMIT $4" } else { " ORDER BY w.id DESC LIMIT $3" };
    format!(
        "SELECT {} FROM ({} AND w.status = $1 AND w.community_id = $2{before}{}",
        haolin::store::WISH_COLUMNS,
        haolin::store::WISH_PAGE_HEAD,
        *haolin::store::WISH_PAGE_TAIL
    )
}

async fn feed_bench(o: &Options, backend: &str) -> Result<FeedFigures, String> {
    let fresh =
        Fresh::new(backend, "feeds", &o.pg_admin, o.pg_sslmodes.first().map_or("disable", String::as_str)).await?;
    let result = feed_bench_on(o, backend, &fresh).await;
    fresh.drop_db().await;
    result
}

async fn feed_bench_on(o: &Options, backend: &str, fresh: &Fresh) -> Result<FeedFigures, String> {
    let srv = server::start(&o.bin, &fresh.url, &fresh.dir).await?;
    let db = db::connect(&fresh.url).await?;
    say(&format!("{backend}: seeding {} residents and {} wishes", o.feeds_residents, o.feeds_wishes));
    let started = Instant::now();
    let mut first_community = 0;
    for i in 0..FEED_COMMUNITIES {
        let id = db.community(&format!("5202010020{i:02}")).await?;
        if i == 0 {
            first_community = id;
        }
    }
    let residents = db.users(o.feeds_residents, 15_000_000_000, "resident", None).await?;
    let first_resident = residents.first().copied().unwrap_or(1);
    // 40 % open, 10 % awaiting review, the rest confirmed: spread evenly over the communities.
    let status =
        "CASE WHEN (n / 10) % 10 < 4 THEN 'open' WHEN (n / 10) % 10 = 4 THEN 'pending_review' ELSE 'confirmed' END";
    db.wishes(o.feeds_wishes, first_community, FEED_COMMUNITIES, first_resident, o.feeds_residents, status, false)
        .await?;
    let member = db.users(1, 13_200_000_000, "member", Some(first_community)).await?;
    let dispatcher = db.users(1, 13_100_000_000, "dispatcher", Some(first_community)).await?;
    db.analyze().await?;
    let seed_time = started.elapsed();
    let member_token = db.tokens(&member).await?.remove(0);
    let dispatcher_token = db.tokens(&dispatcher).await?.remove(0);
    srv.stop().await;
    say(&format!("{backend}: restarting on the seeded database"));
    let srv = server::start(&o.bin, &fresh.url, &fresh.dir).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut f = FeedFigures {
        backend: backend.to_owned(),
        seed_time,
        ready_big: srv.to_ready,
        rss_idle_big: srv.rss_kib().0,
        rows: Vec::new(),
    };
    let client = http()?;
    for (who, status, token) in [
        ("member's open-wish pool", "open", &member_token),
        ("dispatcher's review queue", "pending_review", &dispatcher_token),
    ] {
        let total = db
            .scalar(
                &format!("SELECT COUNT(*) FROM wishes WHERE community_id = $1 AND status = '{status}'"),
                first_community,
            )
            .await?;
        let deep_offset = total * 9 / 10;
        let deep = db
            .scalar(
                &format!(
                    "SELECT id FROM wishes WHERE community_id = $1 AND status = '{status}' \
                     ORDER BY id DESC LIMIT 1 OFFSET {deep_offset}"
                ),
                first_community,
            )
            .await?;
        for (page, cursor) in [("first page", None), ("deep page", Some(deep))] {
            let mut url = format!("{}/api/v1/wishes?status={status}&community_id={first_community}&limit=20", srv.base);
            if let Some(id) = cursor {
                url.push_str(&format!("&cursor={}", encode_cursor(id)));
            }
            say(&format!("{backend}: {who}, {page}"));
            let (c, u, t) = (client.clone(), Arc::new(url), Arc::new(token.clone()));
            let (c1, u1, t1) = (c.clone(), u.clone(), t.clone());
            let serial = load::run(1, FEED_SERIAL, Duration::from_secs(30), move |_, _| {
                let (c, u, t) = (c1.clone(), u1.clone(), t1.clone());
                async move {
                    match c.get(u.as_str()).bearer_auth(t.as_str()).send().await {
                        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                        _ => false,
                    }
                }
            })
            .await;
            let run = load::run(FEED_CLIENTS, FEED_REQUESTS, Duration::from_secs(60), move |_, _| {
                let (c, u, t) = (c.clone(), u.clone(), t.clone());
                async move {
                    match c.get(u.as_str()).bearer_auth(t.as_str()).send().await {
                        Ok(r) if r.status().is_success() => r
                            .json::<serde_json::Value>()
                            .await
                            .is_ok_and(|v| v["items"].as_array().is_some_and(|i| !i.is_empty())),
                        _ => false,
                    }
                }
            })
            .await;
            let mut params = vec![first_community];
            if let Some(id) = cursor {
                params.push(id);
            }
            params.push(21);
            let plan = db.explain(&feed_sql(cursor.is_some()), Some(status), &params).await?;
            let label = match cursor {
                None => format!("{who}, {page}"),
                Some(_) => format!("{who}, {page} (cursor after {deep_offset} of {total})"),
            };
            f.rows.push((label, run, serial, plan));
        }
    }
    db.close().await;
    srv.stop().await;
    Ok(f)
}

/// Figures of the live fan-out benchmark.
struct FanoutFigures {
    backend: String,
    instances: usize,
    wanted: usize,
    connected: usize,
    connect_time: Duration,
    rss_before: u64,
    rss_after: u64,
    delivered: usize,
    delays: Vec<Duration>,
}

/// N SSE connections (members of one community) over `instances` instances (more than one share
/// the database and exchange changes through Redis); one approval, made on the first, reaches them all.
async fn fanout_bench(o: &Options, backend: &str, instances: usize) -> Result<FanoutFigures, String> {
    let fresh = Fresh::new(
        backend,
        &format!("fanout{instances}"),
        &o.pg_admin,
        o.pg_sslmodes.first().map_or("disable", String::as_str),
    )
    .await?;
    let result = fanout_bench_on(o, backend, &fresh, instances).await;
    fresh.drop_db().await;
    result
}

async fn fanout_bench_on(o: &Options, backend: &str, fresh: &Fresh, instances: usize) -> Result<FanoutFigures, String> {
    let mut extra = Vec::new();
    if instances > 1 {
        extra.push(("REDIS_URL".to_owned(), o.redis.clone()));
        extra.push(("HAOLIN_REDIS_PREFIX".to_owned(), format!("haolin-bench-{}", std::process::id())));
    }
    let mut servers = Vec::new();
    for _ in 0..instances {
        servers.push(server::start_with(&o.bin, &fresh.url, &fresh.dir, &extra).await?);
    }
    let db = db::connect(&fresh.url).await?;
    let community = db.community("520201003001").await?;
    let members = db.users(100, 13_800_000_000, "member", Some(community)).await?;
    let tokens = db.tokens(&members).await?;
    let dispatcher = db.users(1, 13_810_000_000, "dispatcher", Some(community)).await?;
    let dispatcher_token = db.tokens(&dispatcher).await?.remove(0);
    let resident = db.users(1, 13_820_000_000, "resident", None).await?;
    let wish = db.wishes(1, community, 1, resident[0], 1, "'pending_review'", true).await?[0];
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before: u64 = servers.iter().map(|s| s.rss_kib().0).sum();
    say(&format!("{backend}: opening {} SSE connections on {instances} instance(s)", o.sse));
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().map_err(|e| e.to_string())?;
    let (conn_tx, mut conn_rx) = tokio::sync::mpsc::unbounded_channel::<bool>();
    let (got_tx, mut got_rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let marker = format!("\"id\":\"{wish}\"");
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(o.sse);
    let mut connected = 0;
    for i in 0..o.sse {
        let base = &servers[i % instances].base;
        let url = format!("{base}/api/v1/events/stream?access_token={}", tokens[i % tokens.len()]);
        let (c, conn_tx, got_tx, marker) = (client.clone(), conn_tx.clone(), got_tx.clone(), marker.clone());
        tasks.push(tokio::spawn(async move {
            let Ok(mut resp) = c.get(url).send().await else {
                let _ = conn_tx.send(false);
                return;
            };
            let _ = conn_tx.send(resp.status().is_success());
            let mut seen = String::new();
            while let Ok(Some(chunk)) = resp.chunk().await {
                seen.push_str(&String::from_utf8_lossy(&chunk));
                if seen.contains(&marker) {
                    let _ = got_tx.send(Instant::now());
                    break;
                }
                if seen.len() > 65_536 {
                    seen.clear();
                }
            }
            // Keep the connection open until the benchmark ends (the task is aborted).
            std::future::pending::<()>().await;
        }));
        // Open them 500 at a time, so the listen backlog is not the thing measured.
        if i % 500 == 499 {
            for _ in 0..500 {
                match tokio::time::timeout(Duration::from_secs(60), conn_rx.recv()).await {
                    Ok(Some(true)) => connected += 1,
                    Ok(Some(false)) => {}
                    _ => break,
                }
            }
        }
    }
    while connected < o.sse {
        match tokio::time::timeout(Duration::from_secs(10), conn_rx.recv()).await {
            Ok(Some(true)) => connected += 1,
            Ok(Some(false)) => {}
            _ => break,
        }
    }
    let connect_time = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_after: u64 = servers.iter().map(|s| s.rss_kib().0).sum();
    say(&format!("{backend}: {connected} connected; approving one wish"));
    let http = http()?;
    let t0 = Instant::now();
    let status =
        post(&http, &servers[0].base, &format!("/api/v1/wishes/{wish}/approve"), &dispatcher_token, &json!({})).await;
    if status != 200 {
        return Err(format!("approve answered {status}"));
    }
    let mut delays = Vec::with_capacity(connected);
    while delays.len() < connected {
        match tokio::time::timeout(Duration::from_secs(30), got_rx.recv()).await {
            Ok(Some(at)) => delays.push(at.saturating_duration_since(t0)),
            _ => break,
        }
    }
    delays.sort();
    for t in &tasks {
        t.abort();
    }
    db.close().await;
    for s in servers {
        s.stop().await;
    }
    Ok(FanoutFigures {
        backend: backend.to_owned(),
        instances,
        wanted: o.sse,
        connected,
        connect_time,
        rss_before,
        rss_after,
        delivered: delays.len(),
        delays,
    })
}

/// The server's keyset cursor (`server/src/extract.rs` `encode_cursor`): base64url of `k<id>`.
fn encode_cursor(id: i64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = format!("k{id}").into_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
        }
    }
    out
}

/// The machine: cores, memory, CPU model.
pub(crate) fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim)
        .unwrap_or("unknown")
        .to_owned();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    format!("{cores} cores (nproc), {:.1} GiB memory, {model}", mem_kib as f64 / 1024.0 / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn pooled(runs: &[Run]) -> Vec<Duration> {
    let mut all: Vec<Duration> = runs.iter().flat_map(|r| r.lat.iter().copied()).collect();
    all.sort();
    all
}

pub(crate) fn held(ok: bool) -> &'static str {
    if ok { "**held**" } else { "**missed**" }
}

#[tokio::main]
async fn main() {
    if let Err(e) = real_main().await {
        eprintln!("haolin-bench: {e}");
        std::process::exit(1);
    }
}

async fn real_main() -> Result<(), String> {
    let o = options()?;
    let started = Instant::now();
    if o.only.as_deref() == Some("uploads") {
        let mut figures = Vec::new();
        for backend in &o.backends {
            for arenas in &o.upload_arenas {
                for &phones in &o.upload_phones {
                    figures.push(uploads::uploads_bench(&o, backend, arenas, phones).await?);
                }
            }
        }
        uploads::splice(&o.out, &figures, ANALYSIS_MARKER)?;
        say(&format!("wrote the uploads section of {}", o.out.display()));
        return Ok(());
    }
    if o.only.as_deref() == Some("exports") {
        let mut figures = Vec::new();
        for backend in &o.backends {
            figures.push(exports::exports_bench(&o, backend).await?);
        }
        exports::splice(&o.out, &figures, ANALYSIS_MARKER)?;
        say(&format!("wrote the exports section of {}", o.out.display()));
        return Ok(());
    }
    if o.only.as_deref() == Some("time_bank") {
        let mut figures = Vec::new();
        for backend in &o.backends {
            figures.push(time_bank::time_bank_bench(&o, backend).await?);
        }
        time_bank::splice(&o.out, &figures, ANALYSIS_MARKER)?;
        say(&format!("wrote the time bank section of {}", o.out.display()));
        return Ok(());
    }
    if o.only.as_deref() == Some("figures") {
        let mut figures = Vec::new();
        for backend in &o.backends {
            figures.push(figures::figures_bench(&o, backend).await?);
        }
        figures::splice(&o.out, &figures, ANALYSIS_MARKER)?;
        say(&format!("wrote the figures section of {}", o.out.display()));
        return Ok(());
    }
    if o.only.is_some() {
        let mut cards = Vec::new();
        for backend in &o.backends {
            cards.push(scorecard::scorecard_bench(&o, backend).await?);
        }
        scorecard::splice(&o.out, &cards, ANALYSIS_MARKER)?;
        say(&format!("wrote the scorecard section of {}", o.out.display()));
        return Ok(());
    }
    let mut claims = Vec::new();
    let mut feeds = Vec::new();
    let sslmode = o.pg_sslmodes.first().map_or("disable", String::as_str);
    for backend in &o.backends {
        if backend == "postgres" {
            for mode in &o.pg_sslmodes {
                claims.push(claim_bench(&o, backend, mode).await?);
            }
        } else {
            claims.push(claim_bench(&o, backend, sslmode).await?);
        }
    }
    for backend in &o.backends {
        feeds.push(feed_bench(&o, backend).await?);
    }
    let mut fanout = Vec::new();
    if o.sse > 0 {
        fanout.push(fanout_bench(&o, "sqlite", 1).await?);
        if o.backends.iter().any(|b| b == "postgres") || o.redis_only {
            fanout.push(fanout_bench(&o, "postgres", 2).await?);
        }
    }
    let mut cards = Vec::new();
    if o.scorecard_scale != "none" {
        for backend in &o.backends {
            cards.push(scorecard::scorecard_bench(&o, backend).await?);
        }
    }
    let mut photo_uploads = Vec::new();
    if o.upload_rounds > 0 {
        for backend in &o.backends {
            for arenas in &o.upload_arenas {
                for &phones in &o.upload_phones {
                    photo_uploads.push(uploads::uploads_bench(&o, backend, arenas, phones).await?);
                }
            }
        }
    }
    let mut banks = Vec::new();
    if o.time_bank_scale != "none" {
        for backend in &o.backends {
            banks.push(time_bank::time_bank_bench(&o, backend).await?);
        }
    }
    let mut leaders = Vec::new();
    if o.scorecard_scale != "none" {
        for backend in &o.backends {
            leaders.push(figures::figures_bench(&o, backend).await?);
        }
    }
    let measured = Measured { cards: &cards, photo_uploads: &photo_uploads, banks: &banks, leaders: &leaders };
    let report = render(&o, &claims, &feeds, &fanout, &measured, started.elapsed())?;
    std::fs::write(&o.out, report).map_err(|e| e.to_string())?;
    say(&format!("wrote {}", o.out.display()));
    Ok(())
}

/// The seed-scale benchmarks' figures of a full run (empty: not measured, the last run's section kept).
struct Measured<'a> {
    cards: &'a [scorecard::ScorecardFigures],
    photo_uploads: &'a [uploads::UploadFigures],
    banks: &'a [time_bank::TimeBankFigures],
    leaders: &'a [figures::FigureFigures],
}

fn render(
    o: &Options,
    claims: &[ClaimFigures],
    feeds: &[FeedFigures],
    fanout: &[FanoutFigures],
    measured: &Measured<'_>,
    took: Duration,
) -> Result<String, String> {
    let (cards, photo_uploads) = (measured.cards, measured.photo_uploads);
    // Exports are measured only with `--only exports`; a full run keeps their section and rows.
    let (export_section, export_rows) = exports::kept(&o.out, ANALYSIS_MARKER);
    let (bank_section, bank_rows) = if measured.banks.is_empty() {
        time_bank::kept(&o.out, ANALYSIS_MARKER)
    } else {
        (time_bank::section(measured.banks), time_bank::target_rows(measured.banks))
    };
    let (leader_section, leader_rows) = if measured.leaders.is_empty() {
        figures::kept(&o.out, ANALYSIS_MARKER)
    } else {
        (figures::section(measured.leaders), figures::target_rows(measured.leaders))
    };
    // A run without the scorecard keeps the last one's section and targets rows.
    let (card_section, card_rows) = if cards.is_empty() {
        scorecard::kept(&o.out, ANALYSIS_MARKER)
    } else {
        (scorecard::section(cards), scorecard::target_rows(cards))
    };
    let upload_section =
        if photo_uploads.is_empty() { uploads::kept(&o.out, ANALYSIS_MARKER) } else { uploads::section(photo_uploads) };
    let mut r = String::new();
    let w = &mut r;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "Written by `scripts/bench.sh` (the `haolin-bench` binary, `bench/`) on {} UTC in {:.0} s. \
         Everything runs on loopback (127.0.0.1) against the **release** `haolin` binary, each benchmark \
         on a fresh database that is dropped afterwards; every load is bounded in requests and time.\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        took.as_secs_f64()
    );
    let _ = writeln!(
        w,
        "**Machine:** {}. Shared with other work while measuring, so absolute figures are noisy; \
        ratios are taken between phases of the same run, interleaved round by round.\n",
        machine()
    );
    let _ = writeln!(
        w,
        "Server settings for the benchmarks: `RUST_LOG=warn` (no per-request log lines), \
        `HAOLIN_WISHES__MAX_LIVE_CLAIMS=1000000` (so 32 members can hold thousands of claims; the limit's \
        `COUNT(*)` subquery still runs on every claim, in both the HTTP and the direct path), posting limits \
        raised. Members, residents, sessions and wishes are inserted directly with set-based SQL; access \
        tokens are minted with the server's key (`HAOLIN_JWT_SECRET`) for those sessions, so no argon2 login \
        is in any figure. PostgreSQL is reached over TCP on 127.0.0.1 with the `sslmode` each claim row names \
        (Debian's cluster has `ssl=on`, so `require` and sqlx's default `prefer` encrypt even on loopback); \
        feeds and fan-out use the first mode of `--pg-sslmodes`.\n"
    );

    // Targets.
    let _ = writeln!(w, "## Targets\n\n| target | figure | verdict |\n|---|---|---|");
    for c in claims {
        let ratio = ratio_of(c);
        let _ = writeln!(
            w,
            "| claim throughput HTTP / direct SQL ≥ 0.8 ({}) | {:.2} | {} |",
            c.backend,
            ratio,
            held(ratio >= 0.8)
        );
    }
    for c in claims {
        if let (Some(one), Some(many)) = (&c.one_wish, &c.many) {
            let ok = one.0 == 1 && one.3 == 1 && many.3 <= 1;
            let _ = writeln!(
                w,
                "| zero double claims ({}) | one wish × {CONTENDERS}: {} winner, {} claim event; {CONTENDERS} wishes: at most {} claim event per wish | {} |",
                c.backend,
                one.0,
                one.3,
                many.3,
                held(ok)
            );
        }
    }
    for f in feeds {
        let worst = f.rows.iter().map(|(_, r, _, _)| r.ms(0.99)).fold(0.0, f64::max);
        let _ = writeln!(
            w,
            "| feed p99 < 20 ms at {} wishes ({}, {FEED_CLIENTS} clients) | worst p99 {:.1} ms | {} |",
            o.feeds_wishes,
            f.backend,
            worst,
            held(worst < 20.0)
        );
    }
    match fanout.iter().find(|f| f.instances == 1) {
        Some(f) => {
            let _ = writeln!(
                w,
                "| 10,000 SSE connections under 200 MB RSS (one instance) | {} connected: {:.1} MiB RSS | {} |",
                f.connected,
                mib(f.rss_after),
                held(f.connected >= 10_000 && f.delivered == f.connected && mib(f.rss_after) < 200.0)
            );
        }
        None => {
            let _ = writeln!(w, "| 10,000 SSE connections under 200 MB RSS | not measured in this run | — |");
        }
    }
    let web = o.web_size.as_ref().and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
    // `scripts/web-size.sh` totals, in the order bench.sh runs it: a resident's first visit (the
    // login page, then the main bundle), a dispatcher's (the login page, then the office bundle),
    // the floor; bytes received from the running server (headers and compressed bodies).
    let totals: Vec<u64> = web
        .lines()
        .filter(|l| l.starts_with("total"))
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter_map(|v| v.parse().ok())
        .collect();
    let _ = match (totals.first(), totals.get(1)) {
        (Some(&resident), Some(&dispatcher)) => writeln!(
            w,
            "| a resident's first load on the wire ≤ 180,000 bytes | {resident} bytes (login page, then the main bundle; [Web app weight](#web-app-weight)) | {} |\n\
             | a dispatcher's first visit (login page, then the desk) ≤ 260,000 bytes | {dispatcher} bytes | {} |",
            held(resident <= 180_000),
            held(dispatcher <= 260_000)
        ),
        _ => writeln!(
            w,
            "| web first load on the wire | not measured in this run (`web/dist` not built); last figure in [Web app weight](#web-app-weight) | — |"
        ),
    };
    let _ = writeln!(w, "{card_rows}{bank_rows}{export_rows}{leader_rows}");

    // Claim path.
    let _ = writeln!(w, "## 1. The claim path vs the database's own limit\n");
    let _ = writeln!(
        w,
        "{CONCURRENCY} concurrent clients, each a different member, claim distinct open wishes. Three phases, \
         interleaved over {ROUNDS} rounds of {PER_PHASE} claims each on the same database:\n\n\
         - **HTTP**: `POST /api/v1/wishes/{{id}}/claim` to the release server (reqwest, keep-alive).\n\
         - **direct**: the claim exactly as `store/wishes.rs` `transition_wish` runs it, with sqlx's own driver \
         (not `Any`) and the server's pool settings. PostgreSQL: `BEGIN` with the `SELECT … FOR UPDATE` of the member \
         row in the same round trip, then the server's one statement (`store::transition_sql`: the conditional \
         `UPDATE … WHERE id AND version AND status AND live-claim count < limit`, the `wish_events` row and the \
         resident's notification as data-modifying `WITH` parts), then `COMMIT`: 3 round trips. SQLite: the \
         conditional `UPDATE`, the event `INSERT` and the notification `INSERT` in one transaction.\n\
         - **direct + reads**: the same plus the read the request makes first (the caller's session, account and grants with the wish, one statement).\n\n\
         Throughput is the median of the rounds; latencies are pooled over all rounds.\n"
    );
    let _ = writeln!(w, "| backend | phase | claims/s | p50 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|");
    for c in claims {
        for (name, runs) in [("HTTP", &c.http), ("direct", &c.direct), ("direct + reads", &c.direct_all)] {
            let lat = pooled(runs);
            let _ = writeln!(
                w,
                "| {} | {name} | {:.0} | {:.2} | {:.2} | {} |",
                c.backend,
                median(runs.iter().map(Run::rate).collect()),
                quantile_ms(&lat, 0.5),
                quantile_ms(&lat, 0.99),
                runs.iter().map(|r| r.errors).sum::<usize>()
            );
        }
    }
    let _ = writeln!(
        w,
        "\n| backend | HTTP / direct | HTTP / (direct + reads) | (direct + reads) / direct | per-round HTTP / direct |\n|---|---:|---:|---:|---|"
    );
    for c in claims {
        let rounds: Vec<String> =
            c.http.iter().zip(&c.direct).map(|(h, d)| format!("{:.2}", h.rate() / d.rate())).collect();
        let _ = writeln!(
            w,
            "| {} | {:.2} | {:.2} | {:.2} | {} |",
            c.backend,
            ratio_of(c),
            median(c.http.iter().map(Run::rate).collect()) / median(c.direct_all.iter().map(Run::rate).collect()),
            median(c.direct_all.iter().map(Run::rate).collect()) / median(c.direct.iter().map(Run::rate).collect()),
            rounds.join(", ")
        );
    }
    let _ = writeln!(
        w,
        "\n**Where the CPU goes.** The machine is shared by the database, the server and the load \
        generator, so a phase's throughput is bounded by the CPU all three spend per claim. Measured from \
        /proc (user + system time in 10 ms ticks) over each phase's rounds: every `postgres` process, the \
        server's process (on SQLite the database work is inside it), and the bench process itself (the \
        HTTP clients, or the direct SQL clients).\n"
    );
    let _ = writeln!(
        w,
        "| backend | phase | database ms/claim | server ms/claim | load generator ms/claim | total ms/claim |\n|---|---|---:|---:|---:|---:|"
    );
    for c in claims {
        for (name, runs, cpu) in [
            ("HTTP", &c.http, &c.cpu[0]),
            ("direct", &c.direct, &c.cpu[1]),
            ("direct + reads", &c.direct_all, &c.cpu[2]),
        ] {
            let n = runs.iter().map(|r| r.lat.len()).sum::<usize>().max(1) as f64;
            let per = |d: Duration| d.as_secs_f64() * 1000.0 / n;
            let _ = writeln!(
                w,
                "| {} | {name} | {:.3} | {:.3} | {:.3} | {:.3} |",
                c.backend,
                per(cpu.db),
                per(cpu.server),
                per(cpu.client),
                per(cpu.total())
            );
        }
    }
    let _ = writeln!(
        w,
        "\n### The whole cycle\n\npost → approve → claim → fulfil → confirm, five HTTP requests by three \
        accounts per wish, {CONCURRENCY} concurrent cycles, {CYCLES} in all.\n"
    );
    let _ = writeln!(
        w,
        "| backend | cycles/s | requests/s | p50 ms per cycle | p99 ms per cycle | failed cycles |\n|---|---:|---:|---:|---:|---:|"
    );
    for c in claims {
        if let Some(run) = &c.cycle {
            let _ = writeln!(
                w,
                "| {} | {:.0} | {:.0} | {:.1} | {:.1} | {} |",
                c.backend,
                run.rate(),
                run.rate() * 5.0,
                run.ms(0.5),
                run.ms(0.99),
                run.errors
            );
        }
    }

    // Contention.
    let _ = writeln!(w, "\n## 2. Contention\n");
    let _ = writeln!(
        w,
        "{CONTENDERS} members (each its own account and connection, connections opened beforehand) \
        are released by one barrier and claim at the same instant. The check counts HTTP answers **and** the \
        `claim` rows in `wish_events`; the bench fails if any wish gets two.\n"
    );
    let _ = writeln!(
        w,
        "| backend | case | 200 | 409 | other | claim events | p50 ms | p99 ms |\n|---|---|---:|---:|---:|---:|---:|---:|"
    );
    for c in claims {
        if let Some((win, lose, other, events, run)) = &c.one_wish {
            let _ = writeln!(
                w,
                "| {} | one wish, {CONTENDERS} clients (losers' latency) | {win} | {lose} | {other} | {events} | {:.1} | {:.1} |",
                c.backend,
                run.ms(0.5),
                run.ms(0.99)
            );
        }
        if let Some((won, lost, events, max_per_wish, run)) = &c.many {
            let _ = writeln!(
                w,
                "| {} | {CONTENDERS} wishes, {CONTENDERS} clients (all; {:.2} s wall, at most {max_per_wish} claim per wish) | {won} | {lost} | 0 | {events} | {:.1} | {:.1} |",
                c.backend,
                run.wall.as_secs_f64(),
                run.ms(0.5),
                run.ms(0.99)
            );
        }
    }

    // Feeds.
    let _ = writeln!(w, "\n## 3. Feeds at scale\n");
    let _ = writeln!(
        w,
        "{} wishes (40 % open, 10 % awaiting review, 50 % confirmed) of {} residents over {FEED_COMMUNITIES} \
        communities, generated with one set-based `INSERT … SELECT` over a recursive series. The member is checked \
        in to the first community; the dispatcher serves it. `GET /api/v1/wishes?status=…&community_id=…&limit=20`, \
        {FEED_CLIENTS} concurrent clients, {FEED_REQUESTS} requests per row, then {FEED_SERIAL} requests from a single client \
        (the service time without queueing); the deep page uses the keyset cursor \
        of a row 90 % down the list.\n",
        o.feeds_wishes, o.feeds_residents
    );
    let _ = writeln!(
        w,
        "| backend | feed | req/s ({FEED_CLIENTS} clients) | p50 ms | p99 ms | errors | 1 client: p50 ms | 1 client: p99 ms |\n|---|---|---:|---:|---:|---:|---:|---:|"
    );
    for f in feeds {
        for (label, run, serial, _) in &f.rows {
            let _ = writeln!(
                w,
                "| {} | {label} | {:.0} | {:.2} | {:.2} | {} | {:.2} | {:.2} |",
                f.backend,
                run.rate(),
                run.ms(0.5),
                run.ms(0.99),
                run.errors + serial.errors,
                serial.ms(0.5),
                serial.ms(0.99)
            );
        }
    }
    let _ = writeln!(
        w,
        "\nQuery plans of the statements the server runs for these pages (`list_wishes`; \
        SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)`):\n"
    );
    for f in feeds {
        for (label, _, _, plan) in &f.rows {
            let _ = writeln!(w, "**{} — {label}**\n```\n{}```\n", f.backend, plan);
        }
    }

    // Fan-out.
    let _ = writeln!(w, "## 4. Live fan-out\n");
    if fanout.is_empty() {
        let _ = writeln!(w, "Not measured in this run (`--sse 0`).\n");
    } else {
        let _ = writeln!(
            w,
            "`GET /api/v1/events/stream` connections (100 member accounts of one community, opened 500 at a \
             time, spread evenly over the instances); then a dispatcher approves one wish on the first instance \
             and every stream must deliver it. Two instances share one PostgreSQL database and exchange changes \
             through Redis (`REDIS_URL`). The delay is from sending the approval to the event's arrival on each \
             connection (the client reads all of them on the same 2 cores). RSS is summed over the instances.\n"
        );
        let _ = writeln!(
            w,
            "| backend | instances | connected | opened in | RSS before | RSS with all open | per connection | delivered | p50 delay ms | p99 delay ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for f in fanout {
            let per_conn = (f.rss_after.saturating_sub(f.rss_before)) as f64 / f.connected.max(1) as f64;
            let _ = writeln!(
                w,
                "| {} | {} | {} of {} | {:.1} s | {:.1} MiB | {:.1} MiB | {:.1} KiB | {} | {:.1} | {:.1} | {:.1} |",
                f.backend,
                f.instances,
                f.connected,
                f.wanted,
                f.connect_time.as_secs_f64(),
                mib(f.rss_before),
                mib(f.rss_after),
                per_conn,
                f.delivered,
                quantile_ms(&f.delays, 0.5),
                quantile_ms(&f.delays, 0.99),
                quantile_ms(&f.delays, 1.0)
            );
        }
        let _ = writeln!(w);
    }

    // Footprint.
    let _ = writeln!(
        w,
        "## 5. Footprint\n\n| backend | RSS idle (empty db) | RSS during claim load | peak RSS (after 1,000 clients) | ready on empty db | ready on {} wishes | RSS idle on {} wishes | seeding time |\n|---|---:|---:|---:|---:|---:|---:|---:|",
        o.feeds_wishes, o.feeds_wishes
    );
    for c in claims {
        let f = feeds.iter().find(|f| c.backend.split(',').next() == Some(f.backend.as_str()));
        let _ = writeln!(
            w,
            "| {} | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.0} ms | {} | {} | {} |",
            c.backend,
            mib(c.rss_idle),
            mib(c.rss_load),
            mib(c.rss_peak),
            c.ready_empty.as_secs_f64() * 1000.0,
            f.map(|f| format!("{:.0} ms", f.ready_big.as_secs_f64() * 1000.0)).unwrap_or_default(),
            f.map(|f| format!("{:.1} MiB", mib(f.rss_idle_big))).unwrap_or_default(),
            f.map(|f| format!("{:.1} s", f.seed_time.as_secs_f64())).unwrap_or_default(),
        );
    }
    let _ = writeln!(
        w,
        "\nRSS is `VmRSS` (peak: `VmHWM`) of `/proc/<pid>/status`. \"Ready\" is from spawning the \
        process to the first 200 of `/readyz` (migrations included on the empty database).\n"
    );
    let _ = write!(w, "{card_section}");
    let _ = write!(w, "{upload_section}");
    let _ = write!(w, "{bank_section}");
    let _ = write!(w, "{export_section}");
    let _ = write!(w, "{leader_section}");
    let _ = writeln!(w, "{}", ANALYSIS_MARKER);
    let _ = writeln!(w, "{}", kept_section(&o.out, "\n## Analysis", "\n## Web app weight"));
    let _ = writeln!(w, "{}", web_section(o)?);
    Ok(r)
}

/// Where hand-written analysis begins; the bench keeps it between runs.
const ANALYSIS_MARKER: &str =
    "<!-- The analysis below is hand-written; haolin-bench keeps it up to the web section. -->";

/// HTTP / direct throughput (medians of the rounds).
fn ratio_of(c: &ClaimFigures) -> f64 {
    median(c.http.iter().map(Run::rate).collect()) / median(c.direct.iter().map(Run::rate).collect())
}

/// Where the section under `heading` lies in `text`: from its heading to the next `## ` heading or
/// the analysis `marker`; without that heading, the empty span just before the marker.
fn section_span(text: &str, heading: &str, marker: &str) -> Option<(usize, usize)> {
    let marker_at = text.find(marker)?;
    let Some(start) = text[..marker_at].find(heading) else { return Some((marker_at, marker_at)) };
    let after = start + heading.len();
    let end = text[after..marker_at].find("\n## ").map_or(marker_at, |i| after + i + 1);
    Some((start, end))
}

/// Replaces one benchmark's section (under `heading`) and its rows of the targets table (those
/// starting with `target_row`) in the report at `path`, leaving everything else as the last full
/// run wrote it (`--only …`); `gap` goes between the new section and what follows it.
fn splice_section(
    path: &Path,
    heading: &str,
    target_row: &str,
    rows: &str,
    section: &str,
    gap: &str,
    analysis_marker: &str,
) -> Result<(), String> {
    let old = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines: Vec<&str> = old.lines().filter(|l| !l.starts_with(target_row)).collect();
    let table = lines.iter().position(|l| l.starts_with("## Targets")).ok_or("no targets table")?;
    let end = (table + 1..lines.len())
        .find(|&i| lines[i].starts_with('|') && !lines.get(i + 1).is_some_and(|n| n.starts_with('|')))
        .ok_or("no end of the targets table")?;
    lines.insert(end + 1, rows.trim_end());
    let text = lines.join("\n") + "\n";
    let (start, end) = section_span(&text, heading, analysis_marker).ok_or("no analysis marker")?;
    let spliced = format!("{}{section}{gap}{}", &text[..start], &text[end..]);
    std::fs::write(path, spliced).map_err(|e| e.to_string())
}

/// One benchmark's section (under `heading`) and targets rows (starting with `target_row`) of the
/// report at `path`, kept by a full run that did not measure it.
fn kept_section_and_rows(path: &Path, heading: &str, target_row: &str, analysis_marker: &str) -> (String, String) {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let rows: String = old.lines().filter(|l| l.starts_with(target_row)).map(|l| format!("{l}\n")).collect();
    let section = match section_span(&old, heading, analysis_marker) {
        Some((start, end)) if start < end => old[start..end].to_owned(),
        _ => String::new(),
    };
    (section, rows)
}

/// The text of the existing report from `start` up to `end` (exclusive), or empty.
fn kept_section(path: &PathBuf, start: &str, end: &str) -> String {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let Some(from) = old.find(start) else { return String::new() };
    let rest = &old[from..];
    let to = rest.find(end).unwrap_or(rest.len());
    rest[..to].trim().to_owned() + "\n"
}

/// The existing "Web app weight" section (hand-written), with this run's `scripts/web-size.sh`
/// output replacing the previous run's.
fn web_section(o: &Options) -> Result<String, String> {
    const RUN: &str = "### This run's measurement";
    let mut kept = kept_section(&o.out, "\n## Web app weight", RUN);
    if kept.is_empty() {
        kept = "## Web app weight\n".into();
    }
    let fresh = match &o.web_size {
        Some(p) => std::fs::read_to_string(p).map_err(|e| e.to_string())?,
        None => "not measured (no --web-size output given)\n".into(),
    };
    Ok(format!(
        "{kept}\n{RUN}\n\n`scripts/web-size.sh` as run by `scripts/bench.sh`, after `scripts/build-web.sh`: the bytes a browser \
         receives from the running server (`Accept-Encoding: gzip, deflate, br, zstd`; headers and the precompressed bodies as \
         sent) for each page of a first visit and everything it references, each file once: first a \
         resident's (the login page at `/`, then the main bundle at `/resident`), then a dispatcher's (the login page, then the office bundle at `/dispatcher`), then the floor (`bench/web-floor/dist`: a bare Leptos \"hello\" mounted to the body, \
         built by Trunk with the same `wasm-release` profile and `wasm-opt -Oz --strip-debug --strip-producers`). \
         The difference between a resident's total and the floor's is what the login page and the resident's app weigh.\n\n```\n{fresh}```\n"
    ))
}
