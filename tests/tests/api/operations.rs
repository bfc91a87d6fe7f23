//! What a district's IT office runs the server with: `/metrics` (scraped and parsed as the
//! Prometheus text format), request ids on responses and log lines, and `haolin backup` of a live
//! SQLite database restored into a second server.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use haolin_tests::{ADMIN_PHONE, TestApp, assert_error, spawn_app, spawn_app_with, str_of};
use reqwest::Method;

const METRICS_TOKEN: &str = "metrics-token-0123456789abcdef";

// ---------------------------------------------------------------------------------------------
// The Prometheus text format, parsed strictly enough to catch a malformed exposition.

/// One sample: `name{labels} value`.
#[derive(Debug, Clone)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A parsed exposition: the samples, and the declared type of each family.
#[derive(Debug)]
struct Exposition {
    samples: Vec<Sample>,
    types: HashMap<String, String>,
}

impl Exposition {
    /// Parses `text`; panics on any line that is not a comment, `# TYPE`/`# HELP` or a sample
    /// with a float value, and on a sample whose family has no `# TYPE` before it.
    fn parse(text: &str) -> Self {
        let mut samples = Vec::new();
        let mut types = HashMap::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let mut parts = rest.split_whitespace();
                let (Some(name), Some(kind), None) = (parts.next(), parts.next(), parts.next()) else {
                    panic!("bad TYPE line: {line}");
                };
                assert!(
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                    "unknown type in {line}"
                );
                assert!(types.insert(name.to_owned(), kind.to_owned()).is_none(), "TYPE declared twice: {line}");
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let sample = parse_sample(line);
            let family = family_of(&sample.name, &types);
            assert!(types.contains_key(&family), "no `# TYPE` before the series {line}");
            samples.push(sample);
        }
        Self { samples, types }
    }

    /// The samples named `name` whose labels include every `(key, value)` of `labels`.
    fn find(&self, name: &str, labels: &[(&str, &str)]) -> Vec<&Sample> {
        self.samples
            .iter()
            .filter(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
            .collect()
    }

    /// The one sample named `name` with exactly these labels (0 when absent).
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let found: Vec<_> = self.find(name, labels).into_iter().filter(|s| s.labels.len() == labels.len()).collect();
        assert!(found.len() <= 1, "several series {name}{labels:?}: {found:?}");
        found.first().map_or(0.0, |s| s.value)
    }
}

/// `name{k="v",…} value` (an optional timestamp after the value is allowed by the format).
fn parse_sample(line: &str) -> Sample {
    let name_end = line.find(['{', ' ']).unwrap_or_else(|| panic!("no value in {line}"));
    let name = &line[..name_end];
    assert!(
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && !name.starts_with(|c: char| c.is_ascii_digit()),
        "bad metric name in {line}"
    );
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(inner) = rest.strip_prefix('{') {
        let mut chars = inner.char_indices().peekable();
        let mut end = None;
        loop {
            // A label name up to `=`.
            let start = match chars.peek() {
                Some((_, '}')) => {
                    end = chars.next().map(|(i, _)| i);
                    break;
                }
                Some((i, _)) => *i,
                None => break,
            };
            let eq = inner[start..].find('=').unwrap_or_else(|| panic!("bad label in {line}")) + start;
            let key = &inner[start..eq];
            assert!(
                !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "bad label name in {line}"
            );
            while chars.peek().is_some_and(|(i, _)| *i <= eq) {
                chars.next();
            }
            assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "label value not quoted in {line}");
            let mut value = String::new();
            loop {
                match chars.next() {
                    Some((_, '\\')) => match chars.next() {
                        Some((_, 'n')) => value.push('\n'),
                        Some((_, c @ ('\\' | '"'))) => value.push(c),
                        other => panic!("bad escape {other:?} in {line}"),
                    },
                    Some((_, '"')) => break,
                    Some((_, c)) => value.push(c),
                    None => panic!("unterminated label value in {line}"),
                }
            }
            assert!(labels.insert(key.to_owned(), value).is_none(), "label {key} twice in {line}");
            if chars.peek().is_some_and(|(_, c)| *c == ',') {
                chars.next();
            }
        }
        let end = end.unwrap_or_else(|| panic!("unterminated labels in {line}"));
        rest = &inner[end + 1..];
    }
    let mut fields = rest.split_whitespace();
    let value = fields.next().unwrap_or_else(|| panic!("no value in {line}"));
    let value: f64 = value.parse().unwrap_or_else(|_| panic!("value {value:?} is not a float in {line}"));
    if let Some(ts) = fields.next() {
        ts.parse::<i64>().unwrap_or_else(|_| panic!("bad timestamp in {line}"));
    }
    assert!(fields.next().is_none(), "trailing text in {line}");
    Sample { name: name.to_owned(), labels, value }
}

/// The family a sample belongs to: a histogram's `_bucket`/`_sum`/`_count` series are its own.
fn family_of(name: &str, types: &HashMap<String, String>) -> String {
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix)
            && types.get(base).is_some_and(|t| t == "histogram" || t == "summary")
        {
            return base.to_owned();
        }
    }
    name.to_owned()
}

/// A series' labels other than `le`, sorted.
type Labels = Vec<(String, String)>;

/// Every histogram: buckets cumulative in `le` order, ending in `+Inf` equal to `_count`.
fn assert_histograms_are_cumulative(exp: &Exposition) -> usize {
    let mut checked = 0;
    for (family, kind) in &exp.types {
        if kind != "histogram" {
            continue;
        }
        let mut series: BTreeMap<Labels, Vec<(f64, f64)>> = BTreeMap::new();
        for s in exp.find(&format!("{family}_bucket"), &[]) {
            let le = s.labels.get("le").unwrap_or_else(|| panic!("bucket without le: {s:?}"));
            let le: f64 = le.parse().unwrap_or_else(|_| panic!("bad le {le}"));
            let key: Labels =
                s.labels.iter().filter(|(k, _)| *k != "le").map(|(k, v)| (k.clone(), v.clone())).collect();
            series.entry(key).or_default().push((le, s.value));
        }
        for (labels, mut buckets) in series {
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            assert!(buckets.last().is_some_and(|b| b.0 == f64::INFINITY), "{family}{labels:?} has no +Inf bucket");
            for pair in buckets.windows(2) {
                assert!(pair[0].1 <= pair[1].1, "{family}{labels:?} buckets are not cumulative: {buckets:?}");
            }
            let label_refs: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let count = exp.value(&format!("{family}_count"), &label_refs);
            assert_eq!(buckets.last().map(|b| b.1), Some(count), "{family}{labels:?}: +Inf bucket ≠ _count");
            let sum = exp.value(&format!("{family}_sum"), &label_refs);
            assert!(sum >= 0.0, "{family}{labels:?}: negative _sum");
            checked += 1;
        }
    }
    checked
}

/// Scrapes `url` with an optional bearer token; expects 200 in the text format and parses it.
async fn scrape(app: &TestApp, url: &str, token: Option<&str>) -> Exposition {
    let mut rb = app.client.get(url);
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    let resp = app.send(rb).await;
    assert_eq!(resp.status, 200, "scraping {url}: {} {}", resp.status, resp.text);
    let ct = resp.header("content-type").unwrap_or_default();
    assert!(ct.starts_with("text/plain") && ct.contains("version=0.0.4"), "content-type {ct}");
    Exposition::parse(&resp.text)
}

/// The separate metrics listener's URL, from the server's stdout.
fn metrics_listener_url(app: &TestApp) -> String {
    let lines = app.stdout_lines();
    let line = lines
        .iter()
        .find_map(|l| l.strip_prefix("haolin metrics on "))
        .unwrap_or_else(|| panic!("no `haolin metrics on` line in stdout: {lines:?}"));
    line.trim().to_owned()
}

#[tokio::test]
async fn metrics_on_the_main_listener_need_the_token_and_count_requests_by_route_pattern() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_METRICS__TOKEN", METRICS_TOKEN);
    })
    .await;
    let url = app.url("/metrics");

    // A missing or wrong token: 401 in the API's error shape.
    let resp = app.get_anon("/metrics").await;
    assert_error(&resp, 401, "missing_token");
    let resp = app.get("/metrics", "not-the-metrics-token-at-all").await;
    assert_error(&resp, 401, "invalid_token");
    // An access token of a real admin is not the metrics token either.
    let admin = app.admin_token().await;
    assert_error(&app.get("/metrics", &admin).await, 401, "invalid_token");

    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let wish_id = str_of(&wish, "id").to_owned();
    let route = "/api/v1/wishes/{id}";
    let labels = [("method", "GET"), ("route", route), ("status", "200")];

    let before = scrape(&app, &url, Some(METRICS_TOKEN)).await;
    for _ in 0..3 {
        assert_eq!(app.get_wish(&w.resident.token, &wish_id).await.status, 200);
    }
    // Another wish id counts under the same pattern; an unknown path under `unmatched`.
    let missing = app.get_wish(&w.resident.token, "999999999").await;
    assert_eq!(missing.status, 404, "{}", missing.text);
    assert_error(&app.get("/api/v1/no/such/route", &w.resident.token).await, 404, "not_found");
    let after = scrape(&app, &url, Some(METRICS_TOKEN)).await;

    assert_eq!(
        after.value("haolin_http_requests_total", &labels) - before.value("haolin_http_requests_total", &labels),
        3.0,
        "three reads of one wish"
    );
    let not_found = [("method", "GET"), ("route", route), ("status", "404")];
    assert_eq!(after.value("haolin_http_requests_total", &not_found), 1.0);
    let unmatched = [("method", "GET"), ("route", "unmatched"), ("status", "404")];
    assert!(after.value("haolin_http_requests_total", &unmatched) >= 1.0, "unmatched paths are counted");
    let posted = [("method", "POST"), ("route", "/api/v1/wishes"), ("status", "201")];
    assert_eq!(after.value("haolin_http_requests_total", &posted), 1.0);
    let unauthorised = [("method", "GET"), ("route", "/metrics"), ("status", "401")];
    assert_eq!(after.value("haolin_http_requests_total", &unauthorised), 3.0);

    // Route patterns only: no raw path or id in any label.
    for s in &after.samples {
        if let Some(r) = s.labels.get("route") {
            assert!(r == "unmatched" || r.starts_with('/'), "odd route label {r}");
            let raw = [format!("/wishes/{wish_id}"), "999999999".to_owned(), "no/such".to_owned()];
            assert!(!raw.iter().any(|p| r.contains(p.as_str())), "raw path in the route label {r}");
        }
    }

    // The latency histogram of the route counts the same requests, cumulatively.
    let hist = [("method", "GET"), ("route", route)];
    assert_eq!(after.value("haolin_http_request_duration_seconds_count", &hist), 4.0);
    assert!(assert_histograms_are_cumulative(&after) >= 5, "histograms of the routes and the jobs");

    // The rest of what an operator watches.
    let open = after.value("haolin_db_pool_connections", &[("state", "open")]);
    let idle = after.value("haolin_db_pool_connections", &[("state", "idle")]);
    let in_use = after.value("haolin_db_pool_connections", &[("state", "in_use")]);
    assert!(open >= 1.0 && open == idle + in_use, "pool open {open} = idle {idle} + in use {in_use}");
    assert!(after.value("haolin_db_pool_max_connections", &[]) >= open);
    assert_eq!(after.types.get("haolin_sse_streams_open").map(String::as_str), Some("gauge"));
    for status in ["pending", "sending", "failed"] {
        assert_eq!(after.find("haolin_outbox_messages", &[("status", status)]).len(), 1, "outbox {status}");
    }
    assert_eq!(after.types.get("haolin_outbox_send_failures_total").map(String::as_str), Some("counter"));
    // The jobs ran once at start-up.
    for job in ["expire_claims", "auto_confirm", "claim_reminders", "idempotency_purge"] {
        assert!(after.value("haolin_job_runs_total", &[("job", job)]) >= 1.0, "job {job} ran");
        assert_eq!(after.value("haolin_job_failures_total", &[("job", job)]), 0.0, "job {job} failed");
    }
    assert_eq!(after.value("haolin_redis_configured", &[]), 0.0);
    let started = after.value("process_start_time_seconds", &[]);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    assert!(started > now - 600.0 && started <= now + 1.0, "start time {started}, now {now}");
    assert_eq!(after.find("haolin_build_info", &[]).len(), 1);
    assert_eq!(after.find("haolin_build_info", &[])[0].value, 1.0);
}

#[tokio::test]
async fn metrics_count_open_event_streams_and_redis_availability() {
    let mut redis = haolin_tests::services::RedisServer::start();
    let redis_url = redis.url();
    let app = spawn_app_with(|env| {
        // A short heartbeat, so a client that left is found within seconds.
        env.set("HAOLIN_METRICS__TOKEN", METRICS_TOKEN)
            .set("REDIS_URL", &redis_url)
            .set("HAOLIN_HTTP__SSE_HEARTBEAT", "1s");
    })
    .await;
    let url = app.url("/metrics");
    let w = app.world().await;
    let idle = scrape(&app, &url, Some(METRICS_TOKEN)).await;
    assert_eq!(idle.value("haolin_sse_streams_open", &[]), 0.0);
    assert_eq!(idle.value("haolin_redis_configured", &[]), 1.0);
    assert_eq!(idle.value("haolin_redis_up", &[]), 1.0, "Redis answers");

    let stream = app
        .request(Method::GET, "/api/v1/events/stream", Some(&w.member.token))
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(stream.status().as_u16(), 200);
    let open = scrape(&app, &url, Some(METRICS_TOKEN)).await;
    assert_eq!(open.value("haolin_sse_streams_open", &[]), 1.0);
    drop(stream);
    // The server notices a client gone within two heartbeats (the first write after the client left
    // may still be accepted by the kernel); the heartbeat is 1 s here.
    app.eventually(Duration::from_secs(30), "the closed stream to be counted down", || async {
        let exp = scrape(&app, &url, Some(METRICS_TOKEN)).await;
        (exp.value("haolin_sse_streams_open", &[]) == 0.0).then_some(())
    })
    .await;

    // Redis gone: still configured, no longer up; the scrape itself still answers.
    redis.kill();
    let down = scrape(&app, &url, Some(METRICS_TOKEN)).await;
    assert_eq!(down.value("haolin_redis_configured", &[]), 1.0);
    assert_eq!(down.value("haolin_redis_up", &[]), 0.0, "Redis is down");
}

#[tokio::test]
async fn metrics_are_404_on_the_main_listener_without_the_setting() {
    let app = spawn_app().await;
    assert_error(&app.get_anon("/metrics").await, 404, "not_found");
    assert_error(&app.get("/metrics", METRICS_TOKEN).await, 404, "not_found");
    // An operator endpoint: not in the clients' OpenAPI document.
    let doc = app.get_anon("/api/openapi.json").await;
    let paths = doc.body["paths"].as_object().expect("paths");
    assert!(!paths.keys().any(|p| p.contains("metrics")), "/metrics is in the OpenAPI document");
}

#[tokio::test]
async fn metrics_on_the_separate_listener_need_no_token() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_METRICS__BIND", "127.0.0.1:0");
    })
    .await;
    let url = metrics_listener_url(&app);
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/metrics"), "{url}");
    assert_ne!(url, app.url("/metrics"), "a listener of its own");
    assert_eq!(app.get_anon("/healthz").await.status, 200);
    let exp = scrape(&app, &url, None).await;
    let healthz = [("method", "GET"), ("route", "/healthz"), ("status", "200")];
    assert_eq!(exp.value("haolin_http_requests_total", &healthz), 1.0);
    assert!(exp.value("haolin_db_pool_connections", &[("state", "open")]) >= 1.0);
    assert!(assert_histograms_are_cumulative(&exp) >= 1);
    // Only /metrics there; and without a token setting the main listener still answers 404.
    let other = app.send(app.client.get(url.replace("/metrics", "/api/v1/communities"))).await;
    assert_error(&other, 404, "not_found");
    assert_error(&app.get_anon("/metrics").await, 404, "not_found");
}

// ---------------------------------------------------------------------------------------------
// Request ids.

/// Polls the server's log for a line holding `needle`; returns it.
async fn log_line_with(app: &TestApp, needle: &str) -> String {
    app.eventually(Duration::from_secs(5), &format!("a log line with {needle}"), || async {
        app.stderr_tail().lines().find(|l| l.contains(needle)).map(str::to_owned)
    })
    .await
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_echoed_and_on_the_requests_log_lines() {
    let app = spawn_app_with(|env| {
        env.set("RUST_LOG", "info,haolin::access=debug");
    })
    .await;
    let id = format!("ops-test-{}", std::process::id());
    let resp = app.send(app.request(Method::GET, "/healthz", None).header("X-Request-Id", &id)).await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("x-request-id"), Some(id.as_str()));
    let line = log_line_with(&app, &format!("request_id={id}")).await;
    assert!(line.contains("request answered") && line.contains("/healthz"), "the access line: {line}");

    // An error answer carries it too, and so does the log line of the error.
    let err_id = format!("ops-err-{}", std::process::id());
    let resp = app.send(app.request(Method::GET, "/api/v1/me", None).header("X-Request-Id", &err_id)).await;
    assert_error(&resp, 401, "missing_token");
    assert_eq!(resp.header("x-request-id"), Some(err_id.as_str()));
    // The server's stderr is read by a task of its own: wait for the line as for the first one.
    let needle = format!("request_id={err_id}");
    app.eventually(Duration::from_secs(5), "the error's log line with its id", || async {
        app.stderr_tail()
            .lines()
            .find(|l| l.contains(&needle) && (l.contains("missing_token") || l.contains("MissingToken")))
            .map(str::to_owned)
    })
    .await;

    // The longest sane id is kept as is.
    let long = "x".repeat(128);
    let resp = app.send(app.request(Method::GET, "/healthz", None).header("X-Request-Id", &long)).await;
    assert_eq!(resp.header("x-request-id"), Some(long.as_str()));
}

#[tokio::test]
async fn a_missing_or_unusable_request_id_is_replaced_by_a_new_one() {
    let app = spawn_app().await;
    let generated = |resp: &haolin_tests::ApiResponse| -> String {
        let id = resp.header("x-request-id").unwrap_or_else(|| panic!("no X-Request-Id on {}", resp.status));
        assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "generated id {id}");
        id.to_owned()
    };
    let a = generated(&app.get_anon("/healthz").await);
    let b = generated(&app.get_anon("/healthz").await);
    assert_ne!(a, b, "each request gets its own id");
    // Error answers and unknown paths carry one too.
    generated(&app.get_anon("/api/v1/me").await);
    generated(&app.get_anon("/api/v1/no-such-thing").await);

    let too_long = "y".repeat(129);
    for bad in ["", "has space", too_long.as_str()] {
        let resp = app.send(app.request(Method::GET, "/healthz", None).header("X-Request-Id", bad)).await;
        let id = generated(&resp);
        assert_ne!(id, bad);
    }
    let non_ascii = reqwest::header::HeaderValue::from_bytes("编号-1".as_bytes()).unwrap();
    let resp = app.send(app.request(Method::GET, "/healthz", None).header("X-Request-Id", non_ascii)).await;
    generated(&resp);
}

// ---------------------------------------------------------------------------------------------
// Backups.

/// A server on a SQLite file of the test's choosing (whatever the run's backend): `haolin
/// backup` is for SQLite.
async fn sqlite_app(dir: &std::path::Path) -> TestApp {
    let url = format!("sqlite:{}", dir.join("live.db").display());
    spawn_app_with(|env| {
        env.set("DATABASE_URL", &url);
    })
    .await
}

/// Runs `haolin backup ARGS…` with the server's environment (off the async runtime).
async fn run_backup(app: &TestApp, path: &std::path::Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = app.command(&["backup", &path.display().to_string()]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || cmd.output().expect("haolin backup runs")).await.expect("joined")
}

#[tokio::test]
async fn a_backup_taken_during_writes_restores_every_acknowledged_wish() {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(sqlite_app(dir.path()).await);
    let w = app.world().await;
    let writers: Vec<_> = futures_util::future::join_all((0..3).map(|_| app.register_resident())).await;

    // Writers post wishes continuously, noting when each 201 arrived.
    let acked: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for writer in writers.into_iter().chain([w.resident.clone()]) {
        let (app, acked, stop, community) = (app.clone(), acked.clone(), stop.clone(), w.community_id.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let resp = app.post("/api/v1/wishes", &writer.token, &app.wish_body(&community)).await;
                assert_eq!(resp.status, 201, "posting during the backup: {}", resp.text);
                let ack = Instant::now();
                acked.lock().unwrap().push((str_of(&resp.body, "id").to_owned(), ack));
            }
        }));
    }
    app.eventually(Duration::from_secs(30), "wishes to be written", || async {
        (acked.lock().unwrap().len() >= 20).then_some(())
    })
    .await;

    let backup = dir.path().join("backup.db");
    let started = Instant::now();
    let out = run_backup(&app, &backup, &[]).await;
    let finished = Instant::now();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "haolin backup failed: {}{}", stdout, String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("integrity ok"), "{stdout}");
    // Let the writers go on a little, then stop them.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("a writer failed");
    }
    let acked = acked.lock().unwrap().clone();
    let before: BTreeSet<String> = acked.iter().filter(|(_, at)| *at < started).map(|(id, _)| id.clone()).collect();
    let during = acked.iter().filter(|(_, at)| *at >= started && *at <= finished).count();
    let all: BTreeSet<String> = acked.iter().map(|(id, _)| id.clone()).collect();
    assert!(during > 0, "no wish was written while the backup ran ({} before, {} in all)", before.len(), all.len());
    assert!(all.len() > before.len() + during, "the writers went on after the backup");

    // The copy is a sound database file.
    let check = std::process::Command::new("sqlite3").arg(&backup).arg("PRAGMA integrity_check").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "ok", "{}", String::from_utf8_lossy(&check.stderr));

    // A second server on the copy has every wish acknowledged before the backup began, and none
    // that was never acknowledged.
    let restored_url = format!("sqlite:{}", backup.display());
    let restored = spawn_app_with(|env| {
        env.set("DATABASE_URL", &restored_url);
    })
    .await;
    let admin = restored.login(ADMIN_PHONE, haolin_tests::ADMIN_PASSWORD).await;
    let admin = str_of(&admin, "access_token");
    let listed = restored.list_all_wishes(admin, "").await;
    let restored_ids: BTreeSet<String> = listed.iter().map(|wish| str_of(wish, "id").to_owned()).collect();
    let missing: Vec<&String> = before.difference(&restored_ids).collect();
    assert!(missing.is_empty(), "{} acknowledged wishes missing from the backup: {missing:?}", missing.len());
    let invented: Vec<&String> = restored_ids.difference(&all).collect();
    assert!(invented.is_empty(), "wishes in the backup that were never acknowledged: {invented:?}");
    // The restored server works: it takes a new wish.
    let resident = restored.login(&w.resident.phone, haolin_tests::PASSWORD).await;
    restored.post_wish(str_of(&resident, "access_token"), &w.community_id).await;
}

#[tokio::test]
async fn a_backup_never_overwrites_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = sqlite_app(dir.path()).await;
    let target = dir.path().join("precious.db");
    std::fs::write(&target, "precious contents").unwrap();
    let out = run_backup(&app, &target, &[]).await;
    assert!(!out.status.success(), "a backup over an existing file succeeded");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious contents", "the file was touched");
    // The server is unaffected.
    assert_eq!(app.get_anon("/readyz").await.status, 200);
}

#[tokio::test]
async fn a_backup_of_a_postgres_database_points_at_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let app = sqlite_app(dir.path()).await;
    let target = dir.path().join("pg-backup.db");
    let out = run_backup(&app, &target, &[("DATABASE_URL", "postgres://haolin:haolin@127.0.0.1:5432/haolin")]).await;
    assert!(!out.status.success(), "a PostgreSQL backup was not refused");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pg_dump") && stderr.contains("docs/OPERATIONS.md"), "{stderr}");
    assert!(!target.exists(), "a file was written");
}
