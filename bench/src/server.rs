//! Spawning the release `haolin` binary on loopback and watching its memory.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The signing key every benchmark server uses, so the bench can mint access tokens for the
/// sessions it inserts directly (logging 1,000 members in would measure argon2, not the claim).
pub const JWT_SECRET: &str = "haolin-bench-signing-key-0123456789abcdef";

/// A running server.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// From spawn to the first 200 of `/readyz`.
    pub to_ready: Duration,
}

/// Starts `bin` on `database_url` with a free loopback port, data in `data_dir`, and waits until
/// `/readyz` answers 200 (at most 120 s).
pub async fn start(bin: &Path, database_url: &str, data_dir: &Path) -> Result<Server, String> {
    start_with(bin, database_url, data_dir, &[]).await
}

/// [`start`] with extra environment variables (e.g. `REDIS_URL`).
pub async fn start_with(
    bin: &Path,
    database_url: &str,
    data_dir: &Path,
    extra: &[(String, String)],
) -> Result<Server, String> {
    let started = Instant::now();
    let log_name = format!("server-{}.log", started.elapsed().as_nanos());
    let log = std::fs::File::create(data_dir.join(&log_name)).map_err(|e| e.to_string())?;
    let mut child = Command::new(bin)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HAOLIN_BIND", "127.0.0.1:0")
        .env("DATABASE_URL", database_url)
        .env("HAOLIN_DATA_DIR", data_dir)
        .env("HAOLIN_JWT_SECRET", JWT_SECRET)
        .env("HAOLIN_WEB_DIR", data_dir.join("no-web"))
        .env("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "1000000")
        .env("HAOLIN_LIMITS__WISHES_PER_ACCOUNT", "100000000")
        .env("HAOLIN_LIMITS__WISHES_PER_IP", "100000000")
        .env("RUST_LOG", "warn")
        .envs(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let addr = tokio::time::timeout(Duration::from_secs(120), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.split("listening on ").nth(1) {
                return Some(rest.trim().to_owned());
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .ok_or_else(|| format!("server did not start; see {}", data_dir.join(&log_name).display()))?;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let base = addr.trim_end_matches('/').to_owned();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(resp) = client.get(format!("{base}/readyz")).send().await
            && resp.status().is_success()
        {
            break;
        }
        if Instant::now() > deadline {
            return Err("server never became ready".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(Server { child, base, to_ready: started.elapsed() })
}

impl Server {
    /// The process id (0 once it has exited).
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// Resident set size now and at its peak, in KiB, from /proc/PID/status.
    pub fn rss_kib(&self) -> (u64, u64) {
        rss_kib(self.pid())
    }

    /// Stops the server (SIGKILL; the benchmark database is thrown away afterwards).
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Resident set size of `pid` now and at its peak, in KiB, from /proc/PID/status.
pub fn rss_kib(pid: u32) -> (u64, u64) {
    {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

/// Samples the RSS of `pid` every 20 ms until the returned sender is dropped or fired; the task
/// answers the largest sample in KiB.
pub fn sample_rss(pid: u32) -> (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<u64>) {
    let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        let mut max = 0;
        loop {
            max = max.max(rss_kib(pid).0);
            tokio::select! {
                _ = &mut rx => return max,
                () = tokio::time::sleep(Duration::from_millis(20)) => {}
            }
        }
    });
    (tx, handle)
}

/// A fresh scratch folder under the system temp dir.
pub fn scratch(name: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("haolin-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// CPU time (user + system) spent so far by the database, the server and this load generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuUse {
    /// Every process named `postgres` (its backends and workers); zero on SQLite, whose work is
    /// inside the server's process.
    pub db: Duration,
    /// The server process (all its threads).
    pub server: Duration,
    /// This process: the HTTP clients or the direct SQL clients.
    pub client: Duration,
}

impl CpuUse {
    /// Reads the counters now (from /proc; clock ticks of 10 ms).
    pub fn now(server: u32) -> Self {
        let mut db = 0;
        if let Ok(dir) = std::fs::read_dir("/proc") {
            for entry in dir.flatten() {
                let name = entry.file_name();
                if name.to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
                    && let Some((comm, ticks)) = proc_ticks(&entry.path().join("stat"))
                    && comm == "postgres"
                {
                    db += ticks;
                }
            }
        }
        let ticks = |path: String| proc_ticks(std::path::Path::new(&path)).map_or(0, |(_, t)| t);
        Self {
            db: tick_time(db),
            server: tick_time(ticks(format!("/proc/{server}/stat"))),
            client: tick_time(ticks("/proc/self/stat".to_owned())),
        }
    }

    /// What was spent from `before` to `self`.
    pub fn since(&self, before: &Self) -> Self {
        Self {
            db: self.db.saturating_sub(before.db),
            server: self.server.saturating_sub(before.server),
            client: self.client.saturating_sub(before.client),
        }
    }

    /// The sum of two spans.
    pub fn plus(&self, other: &Self) -> Self {
        Self { db: self.db + other.db, server: self.server + other.server, client: self.client + other.client }
    }

    /// All three together.
    pub fn total(&self) -> Duration {
        self.db + self.server + self.client
    }
}

/// USER_HZ is 100 on Linux: /proc counts CPU time in 10 ms ticks.
fn tick_time(ticks: u64) -> Duration {
    Duration::from_millis(ticks * 10)
}

/// A process's command name and its utime + stime (fields 14 and 15 of /proc/PID/stat).
fn proc_ticks(path: &std::path::Path) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(path).ok()?;
    let (head, rest) = stat.rsplit_once(')')?;
    let comm = head.split_once('(')?.1.to_owned();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state): utime is field 14, stime field 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((comm, utime + stime))
}
