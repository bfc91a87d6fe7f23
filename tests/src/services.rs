//! Private backend processes for the fault tests: a Redis server and a PostgreSQL cluster that a
//! test may stop and start without disturbing the shared ones other tests use.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// A free TCP port on loopback (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ready() {
        assert!(Instant::now() < deadline, "{what} did not become ready within {timeout:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A `redis-server` of the test's own on a free port, killed on drop.
#[derive(Debug)]
pub struct RedisServer {
    /// Its port.
    pub port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a Redis server on a free port and waits until it answers.
    pub fn start() -> Self {
        let mut server = Self { port: free_port(), child: None };
        server.restart();
        server
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL: no goodbye to clients).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start redis-server (scripts/db-services.sh installs it): {e}"));
        self.child = Some(child);
        let port = self.port.to_string();
        wait_until("redis-server", Duration::from_secs(10), || {
            Command::new("redis-cli")
                .args(["-p", &port, "ping"])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("PONG"))
        });
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A PostgreSQL cluster of the test's own (initdb in a temporary folder, run as the `postgres`
/// OS user, trust authentication on loopback), stopped and removed on drop.
#[derive(Debug)]
pub struct PgCluster {
    /// Its port.
    pub port: u16,
    dir: TempDir,
    bin: PathBuf,
}

impl PgCluster {
    /// Creates and starts a cluster on a free port.
    pub fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|d| d.filter_map(Result::ok).map(|e| e.path().join("bin")).filter(|p| p.is_dir()).max())
            .unwrap_or_else(|| panic!("PostgreSQL server binaries not found (scripts/db-services.sh installs them)"));
        let dir = tempfile::Builder::new()
            .prefix("haolin-pg-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"));
        run("chown", &["-R", "postgres:postgres", &dir.path().display().to_string()]);
        let data = dir.path().join("data").display().to_string();
        as_postgres(&bin.join("initdb"), &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        let cluster = Self { port: free_port(), dir, bin };
        cluster.start_again();
        cluster
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the cluster (fast shutdown: clients are disconnected).
    pub fn stop(&self) {
        as_postgres(&self.bin.join("pg_ctl"), &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    /// Starts the (stopped) cluster and waits until it accepts connections.
    pub fn start_again(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        let log = self.dir.path().join("log").display().to_string();
        as_postgres(&self.bin.join("pg_ctl"), &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]);
        let port = self.port.to_string();
        wait_until("PostgreSQL", Duration::from_secs(20), || {
            Command::new("pg_isready").args(["-q", "-h", "127.0.0.1", "-p", &port]).status().is_ok_and(|s| s.success())
        });
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
    }
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(out.status.success(), "{program} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn as_postgres(program: &std::path::Path, args: &[&str]) {
    let out = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A real S3-compatible server on loopback (`moto_server` from `tools/venv`, installed by
/// `scripts/install-python-tools.sh`) with one bucket, killed on drop. Tests of the S3 photo store
/// point the server at it; nothing about the store is mocked.
#[derive(Debug)]
pub struct S3Server {
    /// Its port.
    pub port: u16,
    /// The bucket created at start.
    pub bucket: String,
    child: Option<Child>,
}

impl S3Server {
    /// Starts `moto_server` on a free port, waits until it answers and creates the bucket.
    pub fn start() -> Self {
        let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let bin = workspace.join("tools/venv/bin/moto_server");
        assert!(
            bin.is_file(),
            "{} is missing: run scripts/install-python-tools.sh (scripts/setup.sh does)",
            bin.display()
        );
        let port = free_port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start moto_server: {e}"));
        let server = Self { port, bucket: "haolin-photos".into(), child: Some(child) };
        wait_until("moto_server", Duration::from_secs(30), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        let created = ureq_like("PUT", &server.url(&format!("/{}", server.bucket)));
        assert!(created.0 < 300, "creating the bucket failed: {} {}", created.0, created.1);
        server
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The server's environment for storing photos under `prefix` of the bucket (a plain-HTTP
    /// endpoint needs no `AWS_ALLOW_HTTP`: the server allows it for an `http://` endpoint).
    pub fn env(&self, prefix: &str) -> Vec<(&'static str, String)> {
        vec![
            ("HAOLIN_FILES_URL", format!("s3://{}/{prefix}", self.bucket)),
            ("AWS_ENDPOINT", self.url("")),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ]
    }

    /// A client of the bucket, as the server's own store client (signed requests).
    fn client(&self) -> object_store::aws::AmazonS3 {
        object_store::aws::AmazonS3Builder::new()
            .with_endpoint(self.url(""))
            .with_allow_http(true)
            .with_bucket_name(&self.bucket)
            .with_access_key_id("testing")
            .with_secret_access_key("testing")
            .with_region("us-east-1")
            .build()
            .unwrap_or_else(|e| panic!("S3 client: {e}"))
    }

    /// Every object stored under `prefix`: its key and bytes (an object deleted while listing is
    /// left out).
    pub async fn objects(&self, prefix: &str) -> Vec<(String, Vec<u8>)> {
        use futures_util::TryStreamExt;
        use object_store::{ObjectStore, ObjectStoreExt};
        let client = self.client();
        let listed: Vec<_> = client
            .list(Some(&object_store::path::Path::from(prefix)))
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("listing the bucket failed: {e}"));
        let mut out = Vec::new();
        for meta in listed {
            match client.get(&meta.location).await {
                Ok(got) => {
                    let bytes = got.bytes().await.unwrap_or_else(|e| panic!("reading {} failed: {e}", meta.location));
                    out.push((meta.location.to_string(), bytes.to_vec()));
                }
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => panic!("reading {} failed: {e}", meta.location),
            }
        }
        out
    }
}

/// One unsigned request with curl (moto accepts them for creating a bucket): status and body.
fn ureq_like(method: &str, url: &str) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-s", "-X", method, "-o", "-", "-w", "\n%{http_code}", url])
        .output()
        .unwrap_or_else(|e| panic!("curl: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_owned())
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
