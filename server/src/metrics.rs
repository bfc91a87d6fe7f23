//! Operator metrics: a small hand-written registry of atomics, rendered in the Prometheus text
//! exposition format (version 0.0.4) at `GET /metrics`.
//!
//! The registry is one per process ([`global`]). Recording is lock-free except for the first
//! request of a route pattern, which inserts its series; the route table is bounded (labels are
//! route *patterns* such as `/api/v1/wishes/{id}/claim`, never raw paths, and `unmatched` for
//! everything no route matched), so the series are too. What is cheaper to read than to count
//! (database pool, outbox depth, Redis) is read when scraped.
//!
//! Who may scrape: anyone who reaches the separate metrics listener (`HAOLIN_METRICS__BIND`, meant
//! for a private network); on the main listener only a caller with the bearer token
//! `HAOLIN_METRICS__TOKEN`, and without that setting the main listener answers 404.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{LazyLock, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::Method;
use haolin_shared::api::ErrorCode;

use crate::error::ApiError;
use crate::state::AppState;

/// Upper bounds (seconds) of the latency histograms' buckets; `+Inf` is implied.
pub const BUCKETS: [f64; 13] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// The same bounds in microseconds, for the hot path.
const BUCKET_MICROS: [u64; 13] = [
    1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000,
];

/// The route label of a request no route matched.
pub const UNMATCHED: &str = "unmatched";

/// The methods that get their own label; anything else is `other`.
const METHODS: [&str; 8] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "other"];
/// Status codes 100–599 each have a counter (anything above counts as 599).
const STATUS_MIN: u16 = 100;
const STATUS_SLOTS: usize = 500;

/// The background jobs, in the order of `jobs::run_once` (and the outbox sender's round).
pub const JOBS: [&str; 5] = ["expire_claims", "auto_confirm", "claim_reminders", "idempotency_purge", "outbox"];

/// A latency histogram: per-bucket counts (not cumulative; summed when rendered), sum and count.
#[derive(Debug)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self { buckets: std::array::from_fn(|_| AtomicU64::new(0)), sum_micros: AtomicU64::new(0) }
    }
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let slot = BUCKET_MICROS.iter().position(|b| micros <= *b).unwrap_or(BUCKET_MICROS.len());
        self.buckets[slot].fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Writes the `_bucket`, `_sum` and `_count` lines; `labels` is `k="v",…` (may be empty).
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0u64;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += self.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.buckets[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {cumulative}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = |l: &str| if l.is_empty() { String::new() } else { format!("{{{l}}}") };
        let _ = writeln!(out, "{name}_sum{} {sum}", braces(labels));
        let _ = writeln!(out, "{name}_count{} {cumulative}", braces(labels));
    }
}

/// The series of one route pattern and method.
#[derive(Debug)]
struct RouteSeries {
    statuses: Box<[AtomicU64]>,
    latency: Histogram,
}

impl RouteSeries {
    fn new() -> Self {
        Self { statuses: (0..STATUS_SLOTS).map(|_| AtomicU64::new(0)).collect(), latency: Histogram::default() }
    }
}

/// One background job's counters.
#[derive(Debug, Default)]
pub struct JobSeries {
    runs: AtomicU64,
    failures: AtomicU64,
    duration: Histogram,
}

/// Everything counted in-process.
#[derive(Debug)]
pub struct Metrics {
    /// Per method index: route pattern → series.
    routes: [RwLock<HashMap<Box<str>, RouteSeries>>; METHODS.len()],
    sse_open: AtomicI64,
    in_flight: AtomicI64,
    outbox_send_failures: AtomicU64,
    jobs: [JobSeries; JOBS.len()],
    started: SystemTime,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| Metrics {
    routes: std::array::from_fn(|_| RwLock::new(HashMap::new())),
    sse_open: AtomicI64::new(0),
    in_flight: AtomicI64::new(0),
    outbox_send_failures: AtomicU64::new(0),
    jobs: std::array::from_fn(|_| JobSeries::default()),
    started: SystemTime::now(),
});

/// Counts a request answered when dropped (see [`Metrics::request_started`]).
#[derive(Debug)]
pub struct InFlightGuard(&'static Metrics);

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// This process's registry.
pub fn global() -> &'static Metrics {
    &METRICS
}

fn method_index(method: &Method) -> usize {
    match *method {
        Method::GET => 0,
        Method::POST => 1,
        Method::PUT => 2,
        Method::PATCH => 3,
        Method::DELETE => 4,
        Method::HEAD => 5,
        Method::OPTIONS => 6,
        _ => 7,
    }
}

/// Which job a series belongs to.
fn job_index(job: &str) -> Option<usize> {
    JOBS.iter().position(|j| *j == job)
}

impl Metrics {
    /// Counts one answered request: `route` is the matched pattern (or [`UNMATCHED`]).
    pub fn record_request(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        let slot = usize::from(status.saturating_sub(STATUS_MIN)).min(STATUS_SLOTS - 1);
        let table = &self.routes[method_index(method)];
        // The common case: the series exists; a read lock, never held across an await.
        if let Ok(map) = table.read()
            && let Some(series) = map.get(route)
        {
            series.statuses[slot].fetch_add(1, Ordering::Relaxed);
            series.latency.observe(elapsed);
            return;
        }
        if let Ok(mut map) = table.write() {
            let series = map.entry(route.into()).or_insert_with(RouteSeries::new);
            series.statuses[slot].fetch_add(1, Ordering::Relaxed);
            series.latency.observe(elapsed);
        }
    }

    /// A request entered the handlers; the guard counts it answered (or dropped) when dropped.
    pub fn request_started(&'static self) -> InFlightGuard {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlightGuard(self)
    }

    /// Requests being handled now (responses not yet produced).
    pub fn in_flight(&self) -> i64 {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// An event stream opened; the guard counts it closed when dropped.
    pub fn stream_opened(&'static self) -> StreamGuard {
        self.sse_open.fetch_add(1, Ordering::Relaxed);
        StreamGuard(self)
    }

    /// One failed attempt to send a subscribe message.
    pub fn outbox_send_failed(&self) {
        self.outbox_send_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// One run of a background job (a name of [`JOBS`]): how long it took and whether it failed.
    pub fn job_ran(&self, job: &str, elapsed: Duration, failed: bool) {
        let Some(series) = job_index(job).map(|i| &self.jobs[i]) else { return };
        series.runs.fetch_add(1, Ordering::Relaxed);
        if failed {
            series.failures.fetch_add(1, Ordering::Relaxed);
        }
        series.duration.observe(elapsed);
    }

    fn render_requests(&self, out: &mut String) {
        header(
            out,
            "haolin_http_requests_total",
            "counter",
            "HTTP requests answered, by method, route pattern and status.",
        );
        let mut latency = String::new();
        header(
            &mut latency,
            "haolin_http_request_duration_seconds",
            "histogram",
            "Time until the response head, by method and route pattern.",
        );
        for (m, table) in self.routes.iter().enumerate() {
            let Ok(map) = table.read() else { continue };
            let mut routes: Vec<(&Box<str>, &RouteSeries)> = map.iter().collect();
            routes.sort_by(|a, b| a.0.cmp(b.0));
            for (route, series) in routes {
                let labels = format!("method=\"{}\",route=\"{}\"", METHODS[m], escape(route));
                for (slot, count) in series.statuses.iter().enumerate() {
                    let count = count.load(Ordering::Relaxed);
                    if count > 0 {
                        let status = usize::from(STATUS_MIN) + slot;
                        let _ = writeln!(out, "haolin_http_requests_total{{{labels},status=\"{status}\"}} {count}");
                    }
                }
                series.latency.render(&mut latency, "haolin_http_request_duration_seconds", &labels);
            }
        }
        out.push_str(&latency);
    }

    fn render_jobs(&self, out: &mut String) {
        header(out, "haolin_job_runs_total", "counter", "Runs of each background job.");
        for (job, s) in JOBS.iter().zip(&self.jobs) {
            let _ = writeln!(out, "haolin_job_runs_total{{job=\"{job}\"}} {}", s.runs.load(Ordering::Relaxed));
        }
        header(out, "haolin_job_failures_total", "counter", "Runs of each background job that failed.");
        for (job, s) in JOBS.iter().zip(&self.jobs) {
            let _ = writeln!(out, "haolin_job_failures_total{{job=\"{job}\"}} {}", s.failures.load(Ordering::Relaxed));
        }
        header(out, "haolin_job_duration_seconds", "histogram", "How long each run of a background job took.");
        for (job, s) in JOBS.iter().zip(&self.jobs) {
            s.duration.render(out, "haolin_job_duration_seconds", &format!("job=\"{job}\""));
        }
    }
}

/// Counts an open event stream until dropped.
#[derive(Debug)]
pub struct StreamGuard(&'static Metrics);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.sse_open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `# HELP` and `# TYPE` lines.
fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// One sample without labels, with its header.
fn single(out: &mut String, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
    header(out, name, kind, help);
    let _ = writeln!(out, "{name} {value}");
}

/// A label value as the text format wants it (`\`, `"` and newlines escaped).
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Who may read `/metrics` on the main listener: 404 without `HAOLIN_METRICS__TOKEN`, else only a
/// caller presenting it as a bearer token (401 otherwise).
pub fn authorize(state: &AppState, authorization: Option<&str>) -> Result<(), ApiError> {
    let Some(expected) = state.settings.metrics.token() else {
        return Err(ApiError::not_found());
    };
    let Some(given) = authorization.and_then(|v| v.strip_prefix("Bearer ")) else {
        return Err(ApiError::new(ErrorCode::MissingToken, "需要提供监控令牌"));
    };
    if constant_time_eq(given.trim().as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::InvalidToken, "监控令牌无效"))
    }
}

/// Compares without stopping at the first difference (the length is not secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The whole exposition: the in-process counters, then what is read now (pool, outbox, Redis).
pub async fn render(state: &AppState) -> String {
    let m = global();
    let mut out = String::with_capacity(16 * 1024);
    m.render_requests(&mut out);

    let pool = state.store.pool_stats();
    header(&mut out, "haolin_db_pool_connections", "gauge", "Database connections of this instance's pool, by state.");
    let _ = writeln!(out, "haolin_db_pool_connections{{state=\"open\"}} {}", pool.size);
    let _ = writeln!(out, "haolin_db_pool_connections{{state=\"idle\"}} {}", pool.idle);
    let _ = writeln!(out, "haolin_db_pool_connections{{state=\"in_use\"}} {}", pool.size.saturating_sub(pool.idle));
    single(&mut out, "haolin_db_pool_max_connections", "gauge", "The pool's upper bound.", pool.max);

    single(
        &mut out,
        "haolin_sse_streams_open",
        "gauge",
        "Event streams (SSE) open on this instance.",
        m.sse_open.load(Ordering::Relaxed),
    );

    match state.store.outbox_depth().await {
        Ok(depth) => {
            header(
                &mut out,
                "haolin_outbox_messages",
                "gauge",
                "Subscribe messages in the outbox, by status (not yet sent, or failed for good).",
            );
            for (status, count) in depth {
                let _ = writeln!(out, "haolin_outbox_messages{{status=\"{status}\"}} {count}");
            }
            single(
                &mut out,
                "haolin_outbox_depth_up",
                "gauge",
                "Whether the outbox could be counted (1) or not (0).",
                1,
            );
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics: counting the outbox failed");
            single(
                &mut out,
                "haolin_outbox_depth_up",
                "gauge",
                "Whether the outbox could be counted (1) or not (0).",
                0,
            );
        }
    }
    single(
        &mut out,
        "haolin_outbox_send_failures_total",
        "counter",
        "Failed attempts to send a subscribe message (each retry counts).",
        m.outbox_send_failures.load(Ordering::Relaxed),
    );

    m.render_jobs(&mut out);

    let redis = state.limiter.redis();
    single(
        &mut out,
        "haolin_redis_configured",
        "gauge",
        "Whether REDIS_URL is set (1) or not (0).",
        u8::from(redis.is_some()),
    );
    if let Some(redis) = redis {
        let up = redis.ping().await;
        single(
            &mut out,
            "haolin_redis_up",
            "gauge",
            "Whether Redis answered a PING just now (1) or not (0).",
            u8::from(up),
        );
    }

    let started = m.started.duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
    single(
        &mut out,
        "process_start_time_seconds",
        "gauge",
        "When this process started, in seconds since the Unix epoch.",
        started,
    );
    header(&mut out, "haolin_build_info", "gauge", "The running version (always 1).");
    let _ = writeln!(out, "haolin_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_count_everything() {
        let h = Histogram::default();
        for ms in [0, 3, 3, 70, 20_000] {
            h.observe(Duration::from_millis(ms));
        }
        let mut out = String::new();
        h.render(&mut out, "x", "");
        assert!(out.contains("x_bucket{le=\"0.001\"} 1\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"0.005\"} 3\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"0.1\"} 4\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"10\"} 4\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"+Inf\"} 5\n"), "{out}");
        assert!(out.contains("x_count 5\n"), "{out}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
