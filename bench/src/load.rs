//! Fixed-concurrency load: N workers share a bounded list of jobs; latencies are kept whole.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The latencies of one run and its wall time.
pub struct Run {
    /// Every request's latency, sorted.
    pub lat: Vec<Duration>,
    /// From the first start to the last end.
    pub wall: Duration,
    /// How many jobs failed (or gave an unexpected answer).
    pub errors: usize,
}

impl Run {
    /// Completed jobs per second.
    pub fn rate(&self) -> f64 {
        self.lat.len() as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile (0–1) in milliseconds.
    pub fn ms(&self, q: f64) -> f64 {
        quantile_ms(&self.lat, q)
    }
}

/// The `q` quantile of sorted latencies, in milliseconds (nearest rank).
pub fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// Runs `jobs` jobs on `workers` concurrent workers; `job(worker, index)` returns whether it
/// succeeded. Stops early after `max_time`.
pub async fn run<F, Fut>(workers: usize, jobs: usize, max_time: Duration, job: F) -> Run
where
    F: Fn(usize, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let job = Arc::new(job);
    let started = Instant::now();
    let mut handles = Vec::with_capacity(workers);
    for w in 0..workers {
        let next = next.clone();
        let job = job.clone();
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= jobs || started.elapsed() > max_time {
                    break;
                }
                let t = Instant::now();
                let ok = job(w, i).await;
                lat.push(t.elapsed());
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::with_capacity(jobs);
    let mut errors = 0;
    for h in handles {
        if let Ok((l, e)) = h.await {
            lat.extend(l);
            errors += e;
        }
    }
    let wall = started.elapsed();
    lat.sort();
    Run { lat, wall, errors }
}
