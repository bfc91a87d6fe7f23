//! Black-box test harness for Haolin.
//!
//! Every test starts the real `haolin` binary with a fresh database and talks to it over HTTP. The
//! backend is chosen by `HAOLIN_TEST_BACKEND`: `sqlite` (default: a file in a temporary folder) or
//! `postgres` (a database created for the test on `HAOLIN_TEST_PG_URL`, dropped afterwards), so
//! the one suite runs against both. Bodies are using only `serde_json::Value` bodies: these tests check the wire contract
//! of `shared/API.md` and `docs/CONTRACT-NOTES.md`, not the server's Rust types.
//!
//! ```no_run
//! # async fn demo() {
//! let app = haolin_tests::spawn_app().await;
//! let world = app.world().await;
//! let wish = app.post_wish(&world.resident.token, &world.community_id).await;
//! # let _ = wish;
//! # }
//! ```

pub mod places;
pub mod services;
pub mod sse;
pub mod time_bank;
pub mod wechat_fake;

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use tempfile::TempDir;

/// A JPEG of `w` × `h` pixels with a gradient (`seed` makes each one distinct).
pub fn sample_jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    use image::ImageEncoder;
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, seed]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap_or_else(|e| panic!("cannot encode a JPEG: {e}"));
    out
}

/// The signing key every test server uses, so tests can forge tokens.
pub const JWT_SECRET: &str = "haolin-test-secret-0123456789abcdef0123456789abcdef";
/// The phone number of the admin configured at start-up.
pub const ADMIN_PHONE: &str = "13900000000";
/// The password of the admin configured at start-up.
pub const ADMIN_PASSWORD: &str = "admin-password-1";
/// The password of every account the helpers create.
pub const PASSWORD: &str = "password-123";
/// A category from the default list.
pub const CATEGORY: &str = "生活帮扶";
/// What the fake web app's `index.html` holds.
pub const INDEX_HTML: &str = "<!doctype html><title>haolin test page</title><p>haolin-test-index</p>";

/// How long to wait for the `haolin listening on` line.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How many stderr lines to keep for failure reports.
const STDERR_TAIL: usize = 200;

/// The environment the server is started with; edit it in [`spawn_app_with`].
#[derive(Debug, Clone, Default)]
pub struct AppEnv {
    vars: BTreeMap<String, String>,
}

impl AppEnv {
    /// Sets (or replaces) a variable.
    pub fn set(&mut self, key: &str, value: &str) -> &mut Self {
        self.vars.insert(key.to_owned(), value.to_owned());
        self
    }

    /// Removes a variable the harness would otherwise set.
    pub fn remove(&mut self, key: &str) -> &mut Self {
        self.vars.remove(key);
        self
    }

    /// The value of a variable, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }
}

/// A response, read in full: status, headers, raw text and the body as JSON (`Null` if not JSON).
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub text: String,
    /// The body parsed as JSON, or `Value::Null` when it is not JSON.
    pub body: Value,
}

impl ApiResponse {
    /// Panics with the whole response unless the status is `status`; returns the JSON body.
    pub fn expect_status(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "expected HTTP {status}, got {} with body {}", self.status, self.text);
        &self.body
    }

    /// A header's value as a string.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Checks that `resp` is an API error of the given status and code, in the shape of API.md
/// (`{"error": {"code", "message", "details": {…}}}`); returns `details`.
pub fn assert_error(resp: &ApiResponse, status: u16, code: &str) -> Value {
    assert_eq!(resp.status, status, "expected HTTP {status} `{code}`, got {} with body {}", resp.status, resp.text);
    let error = resp.body.get("error").unwrap_or_else(|| panic!("error body has no `error` object: {}", resp.text));
    assert_eq!(error.get("code").and_then(Value::as_str), Some(code), "wrong error code in {}", resp.text);
    let message = error.get("message").and_then(Value::as_str);
    assert!(message.is_some_and(|m| !m.trim().is_empty()), "error has no message: {}", resp.text);
    let details = error.get("details").unwrap_or_else(|| panic!("error has no `details`: {}", resp.text));
    assert!(details.is_object(), "`details` is not an object: {}", resp.text);
    details.clone()
}

/// Checks that `resp` is a 422 `invalid_field` naming `field` in `details.field`.
pub fn assert_invalid_field(resp: &ApiResponse, field: &str) -> Value {
    let details = assert_error(resp, 422, "invalid_field");
    assert_eq!(details.get("field").and_then(Value::as_str), Some(field), "wrong details.field in {}", resp.text);
    details
}

/// Checks a 409 about the wish's state: the code, and `details.status` / `details.version`.
pub fn assert_conflict(resp: &ApiResponse, code: &str, status: &str) -> Value {
    let details = assert_error(resp, 409, code);
    assert_eq!(details.get("status").and_then(Value::as_str), Some(status), "wrong details.status in {}", resp.text);
    details
}

/// The string at `key` in `v`, panicking if absent.
pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("no string `{key}` in {v}"))
}

/// The integer at `key` in `v`, panicking if absent.
pub fn int_of(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or_else(|| panic!("no integer `{key}` in {v}"))
}

/// Checks one event of a wish's log: `action`, `from`, `to`, `actor_id` and `reason`, and that
/// `at` is an RFC 3339 time.
pub fn assert_event(
    ev: &Value,
    action: &str,
    from: Option<&str>,
    to: &str,
    actor_id: Option<&str>,
    reason: Option<&str>,
) {
    assert_eq!(ev.get("action").and_then(Value::as_str), Some(action), "action of {ev}");
    assert_eq!(ev.get("from").and_then(Value::as_str), from, "from of {ev}");
    assert!(from.is_some() || ev.get("from").is_some_and(Value::is_null), "from must be null: {ev}");
    assert_eq!(ev.get("to").and_then(Value::as_str), Some(to), "to of {ev}");
    assert_eq!(ev.get("actor_id").and_then(Value::as_str), actor_id, "actor_id of {ev}");
    assert!(actor_id.is_some() || ev.get("actor_id").is_some_and(Value::is_null), "actor_id must be null: {ev}");
    assert_eq!(ev.get("reason").and_then(Value::as_str), reason, "reason of {ev}");
    let at = ev.get("at").and_then(Value::as_str).unwrap_or_default();
    assert!(is_rfc3339(at), "`at` is not RFC 3339: {ev}");
}

/// Whether `s` looks like an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`).
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    s.is_ascii()
        && b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (s.ends_with('Z') || s.ends_with('z') || s[s.len() - 6..].starts_with(['+', '-']))
}

/// An account the helpers created, with a live access token.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The account's id.
    pub id: String,
    /// Its access token.
    pub token: String,
    /// Its refresh token.
    pub refresh_token: String,
    /// Its phone number.
    pub phone: String,
    /// Its name.
    pub name: String,
}

/// A community with a dispatcher, two checked-in members and a resident.
#[derive(Debug, Clone)]
pub struct World {
    /// The community's id.
    pub community_id: String,
    /// A dispatcher of the community.
    pub dispatcher: Actor,
    /// A member checked in to the community.
    pub member: Actor,
    /// Another member checked in to the community.
    pub member2: Actor,
    /// A registered resident.
    pub resident: Actor,
}

/// Shared state of the child process's output readers.
#[derive(Debug, Default)]
struct Output {
    stderr: VecDeque<String>,
    stdout: VecDeque<String>,
}

/// A running server, killed (and its folder removed) when dropped.
#[derive(Debug)]
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    /// The HTTP client the helpers use.
    pub client: reqwest::Client,
    /// The `DATABASE_URL` the server was started with.
    pub database_url: String,
    child: Option<Child>,
    output: Arc<Mutex<Output>>,
    env: AppEnv,
    counter: AtomicU32,
    admin: tokio::sync::OnceCell<String>,
    // Dropped last: the data folder and the fake web app.
    web_dir: TempDir,
    data_dir: TempDir,
    // Dropped after the child is killed (see `Drop for TestApp`); `None` when the test chose the
    // database itself.
    _database: Option<TestDatabase>,
}

/// The base URL of the PostgreSQL server the tests create databases on.
pub fn postgres_base_url() -> String {
    std::env::var("HAOLIN_TEST_PG_URL").unwrap_or_else(|_| "postgres://haolin:haolin@127.0.0.1:5432".to_owned())
}

/// Whether this run tests the PostgreSQL backend.
pub fn testing_postgres() -> bool {
    std::env::var("HAOLIN_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// Runs one SQL statement with `psql` on the maintenance database; panics if it fails.
pub fn psql(sql: &str) {
    let out = Command::new("psql")
        .arg(format!("{}/postgres", postgres_base_url()))
        .args(["-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .unwrap_or_else(|e| panic!("cannot run psql (is the PostgreSQL client installed?): {e}"));
    assert!(out.status.success(), "psql {sql:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs SQL directly on a test server's database (`sqlite3` on a SQLite file, `psql` on a
/// PostgreSQL database) and answers how the client ended, whatever the database said.
pub fn sql_output(database_url: &str, sql: &str) -> std::process::Output {
    match database_url.strip_prefix("sqlite:") {
        Some(path) => sqlite3().args([path, sql]).output(),
        None => Command::new("psql").args([database_url, "-v", "ON_ERROR_STOP=1", "-qc", sql]).output(),
    }
    .unwrap_or_else(|e| panic!("cannot run the database client (sqlite3/psql): {e}"))
}

/// `sqlite3` stopping at the first error and, since the server may be writing, waiting for its
/// lock as the server's own connections do.
fn sqlite3() -> Command {
    let mut cli = Command::new("sqlite3");
    cli.args(["-bail", "-cmd", ".timeout 10000"]);
    cli
}

/// [`sql_output`] for tests that inject a fault the API cannot cause; panics if it fails.
pub fn run_sql(database_url: &str, sql: &str) {
    let out = sql_output(database_url, sql);
    assert!(out.status.success(), "{sql:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs a query directly on a test server's database and answers its rows, each the list of its
/// column values as text (NULL as an empty string); panics if it fails.
pub fn query_sql(database_url: &str, sql: &str) -> Vec<Vec<String>> {
    let out = match database_url.strip_prefix("sqlite:") {
        Some(path) => sqlite3().args(["-separator", "\t", path, sql]).output(),
        None => Command::new("psql")
            .args([database_url, "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "\t", "-c", sql])
            .output(),
    }
    .unwrap_or_else(|e| panic!("cannot run the database client (sqlite3/psql): {e}"));
    assert!(out.status.success(), "{sql:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// The database of one test: a SQLite file in the test's folder, or a PostgreSQL database created
/// for it and dropped when the test ends.
#[derive(Debug)]
pub struct TestDatabase {
    /// The `DATABASE_URL`.
    pub url: String,
    postgres_name: Option<String>,
}

impl TestDatabase {
    fn create(dir: &Path) -> Self {
        if testing_postgres() {
            Self::postgres()
        } else {
            Self { url: format!("sqlite:{}", dir.join("haolin.db").display()), postgres_name: None }
        }
    }

    /// A fresh PostgreSQL database (whatever the run's backend), dropped when this is dropped.
    ///
    /// It is a copy of this process's template database, which the `haolin` binary under test
    /// migrated once (see [`postgres_template`]): the test's server finds every migration applied,
    /// as it would after a restart, instead of running them all again for each test.
    pub fn postgres() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let template = postgres_template();
        let name = format!("haolin_t{}_{}_{}", std::process::id(), unix_secs(), NEXT.fetch_add(1, Ordering::Relaxed));
        psql(&format!("CREATE DATABASE {name} TEMPLATE {template}"));
        Self { url: format!("{}/{name}", postgres_base_url()), postgres_name: Some(name) }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(name) = self.postgres_name.take() {
            drop_database_in_background(&name);
        }
    }
}

/// Seconds since the Unix epoch (part of the names of the databases the tests create).
fn unix_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Drops a database without waiting: `DROP DATABASE` waits for a checkpoint (about 2 s), which
/// the next tests need not wait for. The `psql` process is started now, so it finishes even if the
/// test process exits first; a thread reaps it.
fn drop_database_in_background(name: &str) {
    let child = Command::new("psql")
        .arg(format!("{}/postgres", postgres_base_url()))
        .args(["-qc", &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Ok(mut child) = child {
        std::thread::spawn(move || child.wait());
    }
}

/// The name of this process's template database, made on first use: an empty database that the
/// `haolin` binary under test migrated (started with no admin and no demo data, then stopped), so
/// it holds exactly the schema. Tests' databases are created from it with
/// `CREATE DATABASE … TEMPLATE …`.
///
/// It stays after the process ends (there is no hook to drop it then); the next process drops the
/// templates and test databases left by processes that are gone (see [`drop_stale_databases`]).
pub fn postgres_template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        drop_stale_databases();
        let name = format!("haolin_tpl{}_{}", std::process::id(), unix_secs());
        psql(&format!("CREATE DATABASE {name}"));
        migrate_with_binary(&format!("{}/{name}", postgres_base_url()));
        name
    })
}

/// Drops the templates and test databases of earlier test processes that are no longer running
/// and were made more than an hour ago (so a live run elsewhere is never touched).
fn drop_stale_databases() {
    let out = Command::new("psql")
        .arg(format!("{}/postgres", postgres_base_url()))
        .args(["-tAc", "SELECT datname FROM pg_database WHERE datname ~ '^haolin_t(pl)?[0-9]+_[0-9]+'"])
        .output();
    let Ok(out) = out else { return };
    let now = unix_secs();
    for name in String::from_utf8_lossy(&out.stdout).lines() {
        let rest = name.trim_start_matches("haolin_tpl").trim_start_matches("haolin_t");
        let mut parts = rest.split('_').map(str::parse::<u64>);
        let (Some(Ok(pid)), Some(Ok(secs))) = (parts.next(), parts.next()) else { continue };
        let running = Path::new(&format!("/proc/{pid}")).exists();
        if !running && now.saturating_sub(secs) > 3600 {
            drop_database_in_background(name);
        }
    }
}

/// Runs the `haolin` binary on `database_url` until it listens (by then it has run the
/// migrations), then stops it with SIGTERM and waits for it to exit.
fn migrate_with_binary(database_url: &str) {
    let bin = binary_path();
    assert!(
        bin.is_file(),
        "the server binary {} does not exist: run `cargo build -p haolin-server` first",
        bin.display()
    );
    let dir = tempfile::Builder::new()
        .prefix("haolin-template-")
        .tempdir()
        .unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"));
    let mut cmd = Command::new(&bin);
    cmd.arg("serve").current_dir(dir.path());
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("HAOLIN_") || k == "DATABASE_URL" || k == "REDIS_URL" || k == "RUST_LOG" {
            cmd.env_remove(&key);
        }
    }
    let dir_str = dir.path().display().to_string();
    cmd.env("DATABASE_URL", database_url)
        .env("HAOLIN_BIND", "127.0.0.1:0")
        .env("HAOLIN_DATA_DIR", &dir_str)
        .env("HAOLIN_WEB_DIR", &dir_str)
        .env("HAOLIN_JWT_SECRET", JWT_SECRET)
        .env("HAOLIN_DEMO", "0")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let stdout = child.stdout.take();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout?).lines() {
            if line.ok()?.contains("haolin listening on ") {
                let _ = tx.send(());
            }
        }
        Some(())
    });
    let listening = rx.recv_timeout(STARTUP_TIMEOUT).is_ok();
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let out = child.wait_with_output();
    let stderr = out.map(|o| String::from_utf8_lossy(&o.stderr).into_owned()).unwrap_or_default();
    assert!(listening, "haolin did not start on the template database {database_url}; stderr:\n{stderr}");
}

/// Starts a server with the default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server after letting `configure` change its environment.
pub async fn spawn_app_with(configure: impl FnOnce(&mut AppEnv)) -> TestApp {
    let data_dir = tempfile::Builder::new()
        .prefix("haolin-test-")
        .tempdir()
        .unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"));
    let web_dir = tempfile::Builder::new()
        .prefix("haolin-web-")
        .tempdir()
        .unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"));
    std::fs::write(web_dir.path().join("index.html"), INDEX_HTML)
        .unwrap_or_else(|e| panic!("cannot write index.html: {e}"));

    let mut env = AppEnv::default();
    env.set("HAOLIN_BIND", "127.0.0.1:0")
        .set("HAOLIN_DATA_DIR", &data_dir.path().display().to_string())
        .set("HAOLIN_JWT_SECRET", JWT_SECRET)
        .set("HAOLIN_ADMIN_PHONE", ADMIN_PHONE)
        .set("HAOLIN_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .set("HAOLIN_WEB_DIR", &web_dir.path().display().to_string())
        .set("HAOLIN_DEMO", "0")
        // Tests log in and post far more often than people do; the rate-limit tests lower these.
        .set("HAOLIN_LIMITS__LOGIN_PER_ACCOUNT", "1000000")
        .set("HAOLIN_LIMITS__LOGIN_PER_IP", "1000000")
        .set("HAOLIN_LIMITS__REGISTER_PER_IP", "1000000")
        .set("HAOLIN_LIMITS__WISHES_PER_ACCOUNT", "1000000")
        .set("HAOLIN_LIMITS__WISHES_PER_IP", "1000000")
        .set("RUST_LOG", "info");
    configure(&mut env);
    // The test's own database, unless `configure` chose one (a shared or a private cluster's).
    let database = match env.get("DATABASE_URL") {
        Some(_) => None,
        None => Some(TestDatabase::create(data_dir.path())),
    };
    if let Some(db) = &database {
        env.set("DATABASE_URL", &db.url);
    }
    let database_url = env.get("DATABASE_URL").unwrap_or_default().to_owned();

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        // The server closes a keep-alive connection idle for 5 s; a client reusing one at that
        // moment gets "connection closed" instead of an answer. Never reuse one idle that long.
        .pool_idle_timeout(Duration::from_secs(2))
        .build()
        .unwrap_or_else(|e| panic!("cannot build the HTTP client: {e}"));
    let mut app = TestApp {
        base_url: String::new(),
        client,
        database_url,
        child: None,
        output: Arc::new(Mutex::new(Output::default())),
        env,
        counter: AtomicU32::new(0),
        admin: tokio::sync::OnceCell::new(),
        web_dir,
        data_dir,
        _database: database,
    };
    app.start().await;
    app
}

/// Where the `haolin` binary is: `$HAOLIN_BIN`, else `<workspace>/target/debug/haolin`.
pub fn binary_path() -> PathBuf {
    if let Some(bin) = std::env::var_os("HAOLIN_BIN") {
        return PathBuf::from(bin);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_relative() { workspace.join(t) } else { t })
        .unwrap_or_else(|| workspace.join("target"));
    target.join("debug").join("haolin")
}

impl TestApp {
    /// Starts the child process and waits for its listening line.
    async fn start(&mut self) {
        let bin = binary_path();
        assert!(
            bin.is_file(),
            "the server binary {} does not exist: run `cargo build -p haolin-server` first \
             (or point HAOLIN_BIN at it)",
            bin.display()
        );
        let mut cmd = Command::new(&bin);
        cmd.arg("serve").current_dir(self.data_dir.path());
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if k.starts_with("HAOLIN_") || k == "DATABASE_URL" || k == "REDIS_URL" || k == "RUST_LOG" {
                cmd.env_remove(&key);
            }
        }
        cmd.envs(&self.env.vars).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));

        self.output = Arc::new(Mutex::new(Output::default()));
        let (tx, rx) = tokio::sync::oneshot::channel::<String>();
        if let Some(stdout) = child.stdout.take() {
            let output = Arc::clone(&self.output);
            std::thread::spawn(move || {
                let mut tx = Some(tx);
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut out) = output.lock() {
                        if out.stdout.len() >= STDERR_TAIL {
                            out.stdout.pop_front();
                        }
                        out.stdout.push_back(line.clone());
                    }
                    if let Some(pos) = line.find("haolin listening on ")
                        && let Some(tx) = tx.take()
                    {
                        let url = line[pos + "haolin listening on ".len()..].trim();
                        let _ = tx.send(url.trim_end_matches('/').to_owned());
                    }
                }
            });
        }
        if let Some(stderr) = child.stderr.take() {
            let output = Arc::clone(&self.output);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut out) = output.lock() {
                        if out.stderr.len() >= STDERR_TAIL {
                            out.stderr.pop_front();
                        }
                        out.stderr.push_back(line);
                    }
                }
            });
        }
        self.child = Some(child);

        match tokio::time::timeout(STARTUP_TIMEOUT, rx).await {
            Ok(Ok(url)) => {
                assert!(url.starts_with("http://"), "odd listening line: {url}");
                self.base_url = url;
            }
            Ok(Err(_)) => {
                // stdout closed without the line: the process died.
                let status = self.wait_exit(Duration::from_secs(5));
                panic!(
                    "haolin exited ({status:?}) before printing `haolin listening on`; stderr:\n{}",
                    self.stderr_tail()
                );
            }
            Err(_) => panic!(
                "haolin did not print `haolin listening on http://…` within {STARTUP_TIMEOUT:?}; stderr:\n{}",
                self.stderr_tail()
            ),
        }
    }

    /// The last lines the server wrote to stderr.
    pub fn stderr_tail(&self) -> String {
        self.output.lock().map(|o| o.stderr.iter().cloned().collect::<Vec<_>>().join("\n")).unwrap_or_default()
    }

    /// The last lines the server wrote to stdout (the listening lines, the demo credentials).
    pub fn stdout_lines(&self) -> Vec<String> {
        self.output.lock().map(|o| o.stdout.iter().cloned().collect()).unwrap_or_default()
    }

    /// A `haolin` command (`haolin backup …`) with this server's environment and folder, as an
    /// operator on the same machine would run it.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(binary_path());
        cmd.args(args).current_dir(self.data_dir.path());
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if k.starts_with("HAOLIN_") || k == "DATABASE_URL" || k == "REDIS_URL" || k == "RUST_LOG" {
                cmd.env_remove(&key);
            }
        }
        cmd.envs(&self.env.vars).stdin(Stdio::null());
        cmd
    }

    /// The process id of the running server.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or_else(|| panic!("the server is not running"))
    }

    /// The data folder (holding the SQLite file).
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// The folder served as the web app.
    pub fn web_dir(&self) -> &Path {
        self.web_dir.path()
    }

    /// Sends `signal` (a `kill` name such as `TERM` or `INT`) to the server.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap_or_else(|e| panic!("cannot run kill: {e}"));
        assert!(status.success(), "kill -{signal} failed: {status}");
    }

    /// Polls for the server's exit for up to `timeout`; `None` if it is still running.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        let child = self.child.as_mut()?;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    self.child = None;
                    return Some(status);
                }
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                _ => return None,
            }
        }
    }

    /// Sends SIGTERM and waits (up to 10 s) for the exit status.
    pub async fn stop(&mut self) -> Option<ExitStatus> {
        self.signal("TERM");
        self.stop_after_signal().await
    }

    /// Waits (up to 10 s) for the exit status after a signal was sent; `None` if still running.
    pub async fn stop_after_signal(&mut self) -> Option<ExitStatus> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.wait_exit(Duration::ZERO) {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the server (SIGTERM) and starts it again on the same data folder and settings.
    pub async fn restart(&mut self) {
        let status = self.stop().await;
        assert!(
            status.is_some_and(|s| s.success()),
            "the server did not stop cleanly before a restart: {status:?}; stderr:\n{}",
            self.stderr_tail()
        );
        self.admin = tokio::sync::OnceCell::new();
        self.start().await;
    }

    /// Kills the server (SIGKILL: no shutdown at all, as a crash) and starts it again on the same
    /// data folder and settings.
    pub async fn crash_and_restart(&mut self) {
        self.signal("KILL");
        assert!(self.wait_exit(Duration::from_secs(10)).is_some(), "the server did not die on SIGKILL");
        self.admin = tokio::sync::OnceCell::new();
        self.start().await;
    }

    /// Uploads a photo (`multipart/form-data`, field `file`) as `token`.
    pub async fn upload_photo(&self, token: &str, bytes: Vec<u8>, filename: &str, mime: &str) -> ApiResponse {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_owned())
            .mime_str(mime)
            .unwrap_or_else(|e| panic!("bad mime {mime}: {e}"));
        let form = reqwest::multipart::Form::new().part("file", part);
        self.send(self.request(Method::POST, "/api/v1/photos", Some(token)).multipart(form)).await
    }

    /// A fresh number, unique within this server's life.
    pub fn next_n(&self) -> u32 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A fresh, valid mainland mobile number.
    pub fn next_phone(&self) -> String {
        format!("137{:08}", self.next_n())
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// A request builder for `path`, with the bearer token if given.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let rb = self.client.request(method, self.url(path));
        match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// Sends a request and reads the whole response.
    pub async fn send(&self, rb: RequestBuilder) -> ApiResponse {
        let resp =
            rb.send().await.unwrap_or_else(|e| panic!("request failed: {e}; server stderr:\n{}", self.stderr_tail()));
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_else(|e| panic!("cannot read a response body: {e}"));
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        ApiResponse { status, headers, text, body }
    }

    /// `GET path` with a token.
    pub async fn get(&self, path: &str, token: &str) -> ApiResponse {
        self.send(self.request(Method::GET, path, Some(token))).await
    }

    /// `GET path` without a token.
    pub async fn get_anon(&self, path: &str) -> ApiResponse {
        self.send(self.request(Method::GET, path, None)).await
    }

    /// `POST path` with a JSON body and a token.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> ApiResponse {
        self.send(self.request(Method::POST, path, Some(token)).json(body)).await
    }

    /// `POST path` with a JSON body and no token.
    pub async fn post_anon(&self, path: &str, body: &Value) -> ApiResponse {
        self.send(self.request(Method::POST, path, None).json(body)).await
    }

    /// `POST path` with raw bytes and the given content type (none if `None`).
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> ApiResponse {
        let mut rb = self.request(Method::POST, path, token).body(body);
        if let Some(ct) = content_type {
            rb = rb.header(reqwest::header::CONTENT_TYPE, ct);
        }
        self.send(rb).await
    }

    /// Logs in; returns the whole 200 body (`user`, `access_token`, `refresh_token`).
    pub async fn login(&self, phone: &str, password: &str) -> Value {
        let resp = self.post_anon("/api/v1/auth/login", &json!({"phone": phone, "password": password})).await;
        resp.expect_status(200).clone()
    }

    /// The configured admin's access token (logged in once per server).
    pub async fn admin_token(&self) -> String {
        self.admin
            .get_or_init(|| async {
                let body = self.login(ADMIN_PHONE, ADMIN_PASSWORD).await;
                str_of(&body, "access_token").to_owned()
            })
            .await
            .clone()
    }

    /// Creates a community (as the admin); returns its id.
    pub async fn create_community(&self) -> String {
        let n = self.next_n();
        let body = json!({"name": format!("测试社区{n}"), "code": format!("TC{n:08}")});
        let admin = self.admin_token().await;
        let resp = self.post("/api/v1/admin/communities", &admin, &body).await;
        str_of(resp.expect_status(201), "id").to_owned()
    }

    /// Creates an account with exactly `roles` in `community_ids` (as the admin) and logs it in.
    pub async fn create_actor(&self, roles: &[&str], community_ids: &[&str]) -> Actor {
        let phone = self.next_phone();
        let name = format!("用户{}", self.next_n());
        let admin = self.admin_token().await;
        let body = json!({
            "phone": phone, "password": PASSWORD, "name": name,
            "roles": roles, "community_ids": community_ids,
        });
        let resp = self.post("/api/v1/admin/users", &admin, &body).await;
        let user = resp.expect_status(201);
        let id = str_of(user, "id").to_owned();
        let login = self.login(&phone, PASSWORD).await;
        assert_eq!(str_of(&login["user"], "id"), id, "login returned another user");
        Actor {
            id,
            token: str_of(&login, "access_token").to_owned(),
            refresh_token: str_of(&login, "refresh_token").to_owned(),
            phone,
            name,
        }
    }

    /// Creates an account with `roles` in `community_ids`; returns `(id, access token)`.
    pub async fn create_user(&self, roles: &[&str], community_ids: &[&str]) -> (String, String) {
        let a = self.create_actor(roles, community_ids).await;
        (a.id, a.token)
    }

    /// Registers a new resident through `POST /auth/register`.
    pub async fn register_resident(&self) -> Actor {
        let phone = format!("150{:08}", self.next_n());
        let name = format!("居民{}", self.next_n());
        let resp =
            self.post_anon("/api/v1/auth/register", &json!({"phone": phone, "password": PASSWORD, "name": name})).await;
        let body = resp.expect_status(201);
        Actor {
            id: str_of(&body["user"], "id").to_owned(),
            token: str_of(body, "access_token").to_owned(),
            refresh_token: str_of(body, "refresh_token").to_owned(),
            phone,
            name,
        }
    }

    /// A community with a dispatcher, two members and a registered resident.
    pub async fn world(&self) -> World {
        let community_id = self.create_community().await;
        let c = [community_id.as_str()];
        let (dispatcher, member, member2, resident) = tokio::join!(
            self.create_actor(&["dispatcher"], &c),
            self.create_actor(&["member"], &c),
            self.create_actor(&["member"], &c),
            self.register_resident(),
        );
        World { community_id, dispatcher, member, member2, resident }
    }

    /// A valid wish body for `community_id`.
    pub fn wish_body(&self, community_id: &str) -> Value {
        json!({
            "community_id": community_id,
            "title": format!("帮忙买菜 {}", self.next_n()),
            "description": "腿脚不便，想请人帮忙去菜市场买些蔬菜。",
            "category": CATEGORY,
        })
    }

    /// Posts a wish as `token` in `community_id`; returns the created wish (201).
    pub async fn post_wish(&self, token: &str, community_id: &str) -> Value {
        let body = self.wish_body(community_id);
        let resp = self.post("/api/v1/wishes", token, &body).await;
        resp.expect_status(201).clone()
    }

    /// `POST /api/v1/wishes/{id}/{action}` with `body` (a JSON body, or none for `Value::Null`).
    pub async fn act(&self, token: &str, wish_id: &str, action: &str, body: Value) -> ApiResponse {
        let path = format!("/api/v1/wishes/{wish_id}/{action}");
        let rb = self.request(Method::POST, &path, Some(token));
        let rb = if body.is_null() { rb } else { rb.json(&body) };
        self.send(rb).await
    }

    /// Like [`TestApp::act`] but expects 200 and returns the new wish.
    pub async fn act_ok(&self, token: &str, wish_id: &str, action: &str, body: Value) -> Value {
        let resp = self.act(token, wish_id, action, body).await;
        assert_eq!(resp.status, 200, "{action} on {wish_id} failed: {} {}", resp.status, resp.text);
        resp.body
    }

    /// `GET /api/v1/wishes/{id}` as `token`.
    pub async fn get_wish(&self, token: &str, wish_id: &str) -> ApiResponse {
        self.get(&format!("/api/v1/wishes/{wish_id}"), token).await
    }

    /// The wish's event log as `token` sees it (expects 200).
    pub async fn events(&self, token: &str, wish_id: &str) -> Vec<Value> {
        let resp = self.get(&format!("/api/v1/wishes/{wish_id}/events"), token).await;
        let body = resp.expect_status(200);
        body.get("items").and_then(Value::as_array).cloned().unwrap_or_else(|| panic!("events without `items`: {body}"))
    }

    /// Every wish visible to `token` with the given query (without `cursor`/`limit`), all pages.
    pub async fn list_all_wishes(&self, token: &str, query: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..1000 {
            let mut path = format!("/api/v1/wishes?limit=100{}", if query.is_empty() { "" } else { "&" });
            path.push_str(query);
            if let Some(c) = &cursor {
                path.push_str("&cursor=");
                path.push_str(&urlencode(c));
            }
            let resp = self.get(&path, token).await;
            let body = resp.expect_status(200);
            let page =
                body.get("items").and_then(Value::as_array).unwrap_or_else(|| panic!("list without `items`: {body}"));
            items.extend(page.iter().cloned());
            match body.get("next_cursor").and_then(Value::as_str) {
                Some(c) => cursor = Some(c.to_owned()),
                None => return items,
            }
        }
        panic!("more than 1000 pages of wishes: the cursor does not advance")
    }

    /// A wish approved into the pool: posted by the world's resident, approved by its dispatcher.
    pub async fn open_wish(&self, world: &World) -> Value {
        let wish = self.post_wish(&world.resident.token, &world.community_id).await;
        self.act_ok(&world.dispatcher.token, str_of(&wish, "id"), "approve", json!({})).await
    }

    /// An open wish claimed by the world's first member.
    pub async fn claimed_wish(&self, world: &World) -> Value {
        let wish = self.open_wish(world).await;
        self.act_ok(&world.member.token, str_of(&wish, "id"), "claim", json!({})).await
    }

    /// A claimed wish the first member has fulfilled.
    pub async fn fulfilled_wish(&self, world: &World) -> Value {
        let wish = self.claimed_wish(world).await;
        self.act_ok(&world.member.token, str_of(&wish, "id"), "fulfil", json!({"note": "已经买好送到家门口"})).await
    }

    /// Takes `action` on `wish` as `actor` and checks its whole effect: 200, the same wish now in
    /// `to` with its version one higher, and exactly one new event (`action`, from the old status
    /// to `to`, by `actor`, with the body's `reason`/`note`/`comment` as reason), as the world's
    /// dispatcher sees the log. Returns the new wish.
    pub async fn step(&self, world: &World, actor: &Actor, wish: &Value, action: &str, body: Value, to: &str) -> Value {
        let id = str_of(wish, "id");
        let before = self.events(&world.dispatcher.token, id).await;
        let reason =
            ["reason", "note", "comment"].iter().find_map(|k| body.get(*k).and_then(Value::as_str)).map(str::to_owned);
        let after = self.act_ok(&actor.token, id, action, body).await;
        assert_eq!(after["id"], wish["id"], "{action} answered another wish");
        assert_eq!(str_of(&after, "status"), to, "{action}: wrong status in {after}");
        assert_eq!(int_of(&after, "version"), int_of(wish, "version") + 1, "{action}: the version must grow by one");
        let events = self.events(&world.dispatcher.token, id).await;
        assert_eq!(events.len(), before.len() + 1, "{action}: one new event expected: {events:?}");
        let ev = &events[events.len() - 1];
        assert_event(ev, action, Some(str_of(wish, "status")), to, Some(&actor.id), reason.as_deref());
        // The answer is the wish as stored: a read right after shows the same (when the actor may
        // still see it).
        let read = self.get_wish(&actor.token, id).await;
        if read.status == 200 {
            assert_eq!(read.body, after, "{action}: the answer differs from the stored wish");
        }
        after
    }

    /// Polls `check` every 25 ms until it returns `Some`, or panics after `timeout`.
    pub async fn eventually<T, F, Fut>(&self, timeout: Duration, what: &str, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = check().await {
                return v;
            }
            if Instant::now() >= deadline {
                panic!("timed out after {timeout:?} waiting for {what}; server stderr:\n{}", self.stderr_tail());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn urlencode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "---- haolin stderr (last {STDERR_TAIL} lines) ----\n{}\n---- end of haolin stderr ----",
                self.stderr_tail()
            );
        }
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
