//! Exporting many wishes (issue 16, docs/EXPORTS.md): a fresh database with `--exports-rows`
//! (500,000) wishes in one community, then an admin downloads them all as CSV and as XLSX from the
//! release server while the server's resident set size is sampled every 20 ms (against its idle
//! size just before) and a second client keeps asking `GET /api/v1/wishes?limit=20`, to show that
//! an export neither grows the server's memory with the rows nor blocks other requests. Every
//! file is checked: the CSV's line count is the rows plus the header, the XLSX is a zip archive.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::{Fresh, Options, db, http, say, server};

/// The section's heading; `--only exports` replaces the section up to the next heading or the
/// analysis marker.
pub const HEADING: &str = "## 9. Exporting 500,000 wishes";
/// How the section's rows in the targets table begin.
const TARGET_ROW: &str = "| exporting wishes as CSV and XLSX ";
/// The target: the peak RSS during an export stays within this many MiB of the idle RSS.
pub const TARGET_MIB: f64 = 64.0;
/// The target: the concurrent list's p99 stays under this many milliseconds.
pub const LIST_TARGET_MS: f64 = 200.0;

/// One download measured.
pub struct Download {
    format: &'static str,
    time: Duration,
    bytes: u64,
    idle_kib: u64,
    peak_kib: u64,
    /// The concurrent list requests answered during the download, their p50, p99 and max in ms,
    /// and the ones that failed.
    list: (usize, f64, f64, f64, usize),
}

/// Figures of one backend.
pub struct ExportFigures {
    backend: String,
    rows: u64,
    downloads: Vec<Download>,
}

/// Loads the wishes into a fresh database of `backend`, then measures both formats.
pub async fn exports_bench(o: &Options, backend: &str) -> Result<ExportFigures, String> {
    let sslmode = o.pg_sslmodes.first().map_or("disable", String::as_str);
    let fresh = Fresh::new(backend, "exports", &o.pg_admin, sslmode).await?;
    let result = bench_on(o, backend, &fresh).await;
    fresh.drop_db().await;
    result
}

async fn bench_on(o: &Options, backend: &str, fresh: &Fresh) -> Result<ExportFigures, String> {
    let rows = o.exports_rows;
    let extra = [("HAOLIN_EXPORTS__MAX_ROWS".to_owned(), (rows + 1).to_string())];
    let srv = server::start_with(&o.bin, &fresh.url, &fresh.dir, &extra).await?;
    let db = db::connect(&fresh.url).await?;
    let community = db.community("520201001001").await?;
    let admin = db.users(1, 13_400_000_000, "admin", None).await?;
    let token = db.tokens(&admin).await?.pop().ok_or("no admin token")?;
    let resident = db.users(1, 13_500_000_000, "resident", None).await?;
    say(&format!("{backend}: inserting {rows} wishes"));
    db.wishes(i64::try_from(rows).map_err(|e| e.to_string())?, community, 1, resident[0], 1, "'open'", false).await?;
    db.analyze().await?;
    db.close().await;
    let client = http()?;
    let list_url = format!("{}/api/v1/wishes?limit=20", srv.base);
    for _ in 0..20 {
        client.get(&list_url).bearer_auth(&token).send().await.map_err(|e| e.to_string())?;
    }
    let mut downloads = Vec::new();
    for format in ["csv", "xlsx"] {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let idle_kib = srv.rss_kib().0;
        let (stop_rss, rss) = server::sample_rss(srv.pid());
        let stop = Arc::new(AtomicBool::new(false));
        let prober = tokio::spawn({
            let (client, url, token, stop) = (client.clone(), list_url.clone(), token.clone(), stop.clone());
            async move {
                let (mut times, mut errors) = (Vec::new(), 0usize);
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let ok = match client.get(&url).bearer_auth(&token).send().await {
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        times.push(started.elapsed());
                    } else {
                        errors += 1;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                (times, errors)
            }
        });
        say(&format!("{backend}: exporting {rows} wishes as {format}"));
        let started = Instant::now();
        let url = format!("{}/api/v1/exports/wishes.{format}", srv.base);
        let long = reqwest::Client::builder().timeout(Duration::from_secs(3600)).build().map_err(|e| e.to_string())?;
        let mut resp = long.get(&url).bearer_auth(&token).send().await.map_err(|e| e.to_string())?;
        if !resp.status().is_success() {
            return Err(format!("{format} export: {}", resp.status()));
        }
        let (mut bytes, mut lines, mut head) = (0u64, 0u64, Vec::new());
        while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
            bytes += chunk.len() as u64;
            lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
            if head.len() < 4 {
                head.extend_from_slice(&chunk[..chunk.len().min(4)]);
            }
        }
        let time = started.elapsed();
        stop.store(true, Ordering::Relaxed);
        let _ = stop_rss.send(());
        let peak_kib = rss.await.map_err(|e| e.to_string())?;
        let (mut times, errors) = prober.await.map_err(|e| e.to_string())?;
        if format == "csv" && lines != rows + 1 {
            return Err(format!("the CSV has {lines} lines for {rows} rows"));
        }
        if format == "xlsx" && !head.starts_with(b"PK") {
            return Err("the XLSX is not a zip archive".into());
        }
        times.sort();
        let list = (
            times.len(),
            crate::load::quantile_ms(&times, 0.5),
            crate::load::quantile_ms(&times, 0.99),
            times.last().map_or(0.0, |t| t.as_secs_f64() * 1000.0),
            errors,
        );
        say(&format!(
            "{backend}: {format} {bytes} bytes in {:.1} s, RSS idle {idle_kib} KiB, peak {peak_kib} KiB, list p99 {:.1} ms",
            time.as_secs_f64(),
            list.2
        ));
        downloads.push(Download { format, time, bytes, idle_kib, peak_kib, list });
    }
    srv.stop().await;
    Ok(ExportFigures { backend: backend.to_owned(), rows, downloads })
}

#[allow(clippy::cast_precision_loss)]
fn growth_mib(d: &Download) -> f64 {
    d.peak_kib.saturating_sub(d.idle_kib) as f64 / 1024.0
}

fn verdict(f: &ExportFigures) -> bool {
    f.downloads.iter().all(|d| growth_mib(d) < TARGET_MIB && d.list.4 == 0 && d.list.0 > 0 && d.list.2 < LIST_TARGET_MS)
}

/// The targets table's rows of these figures.
pub fn target_rows(figures: &[ExportFigures]) -> String {
    let mut out = String::new();
    for f in figures {
        let worst = f.downloads.iter().map(growth_mib).fold(0.0, f64::max);
        let list = f.downloads.iter().map(|d| d.list.2).fold(0.0, f64::max);
        out.push_str(&format!(
            "{TARGET_ROW}({}, {} rows): RSS grows < {TARGET_MIB:.0} MiB, a concurrent list p99 < {LIST_TARGET_MS:.0} ms | \
             worst growth {worst:.1} MiB, list p99 {list:.1} ms ([§9](#9-exporting-500000-wishes)) | {} |\n",
            f.backend,
            f.rows,
            crate::held(verdict(f))
        ));
    }
    out
}

/// The section of these figures.
pub fn section(figures: &[ExportFigures]) -> String {
    let mut w = format!(
        "{HEADING}\n\nMeasured {} UTC by `haolin-bench` (`scripts/bench.sh --only exports`, `--exports-rows N` for \
         another size) on {}. Each backend gets a fresh database with N open wishes in one community (inserted \
         directly, then `ANALYZE`); an admin (session inserted, token minted with the server's key) downloads \
         `GET /api/v1/exports/wishes.csv` and then `wishes.xlsx` (docs/EXPORTS.md: keyset pages of 500, CSV \
         streamed as it is read, XLSX written in constant-memory mode on a blocking thread to a temporary file, then \
         streamed). The server's RSS is sampled every 20 ms during each download and compared with its RSS just \
         before; a second client asks `GET /api/v1/wishes?limit=20` every 50 ms throughout. The CSV's lines are \
         counted (N + the header); the XLSX must be a zip archive.\n\n\
         | backend | rows | format | time | bytes | RSS idle | RSS peak | growth | list requests during | list p50 \
         ms | p99 ms | max ms | errors |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        crate::machine(),
    );
    for f in figures {
        for d in &f.downloads {
            w.push_str(&format!(
                "| {} | {} | {} | {:.1} s | {} | {} MiB | {} MiB | {:.1} MiB | {} | {:.1} | {:.1} | {:.1} | {} |\n",
                f.backend,
                f.rows,
                d.format,
                d.time.as_secs_f64(),
                d.bytes,
                d.idle_kib / 1024,
                d.peak_kib / 1024,
                growth_mib(d),
                d.list.0,
                d.list.1,
                d.list.2,
                d.list.3,
                d.list.4,
            ));
        }
    }
    w.push_str(
        "\nHow to reproduce: `scripts/bench.sh --only exports` (both backends; PostgreSQL from \
         `scripts/db-services.sh`), `--backends sqlite` for one, `--exports-rows 20000` for a quick run. The code: \
         `bench/src/exports.rs`.\n\n",
    );
    w
}

/// Replaces this benchmark's section and targets rows in the report at `path` (`--only exports`).
pub fn splice(path: &Path, figures: &[ExportFigures], analysis_marker: &str) -> Result<(), String> {
    crate::splice_section(path, HEADING, TARGET_ROW, &target_rows(figures), &section(figures), "", analysis_marker)
}

/// The section and the targets rows of the report at `path`, kept by a full run (which does not
/// measure exports).
pub fn kept(path: &Path, analysis_marker: &str) -> (String, String) {
    crate::kept_section_and_rows(path, HEADING, TARGET_ROW, analysis_marker)
}
