//! Photo uploads (issue 14): 10, 50 and 100 phones, each a resident with its own session, upload
//! their own JPEG of about 2 MB at the same moment, as `wx.uploadFile` sends it (`multipart/form-data`,
//! field `file`, `Content-Length`, bearer token), over HTTP on loopback, in rounds. Measures the
//! uploads' throughput and latency, and the server's memory before, during and after, against
//! what holding every body in memory would cost.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;

use crate::load::{Run, quantile_ms};
use crate::{Fresh, Options, db, mib, say, server};

/// The photos' size in pixels (a phone camera's 4:3 picture, 6.75 megapixels).
const WIDTH: u32 = 3000;
const HEIGHT: u32 = 2250;
/// The phone's JPEG quality and the amplitude of the grain on each channel, which together make
/// these pictures about 2 MB.
const QUALITY: u8 = 90;
const GRAIN: u64 = 9;
/// The section's heading; `--only uploads` replaces the section up to the next heading.
pub const HEADING: &str = "## 7. Photo uploads: 10, 50 and 100 phones at once";
const BOUNDARY: &str = "----HaolinBenchPhoneUpload7MA4YWxkTrZu0gW";

/// Figures of one backend.
pub struct UploadFigures {
    backend: String,
    /// Phones uploading at once.
    phones: usize,
    /// The photos' sizes in bytes, sorted.
    photos: Vec<usize>,
    /// Bytes of one round's request bodies (the whole multipart bodies).
    round_body_bytes: usize,
    rounds: Vec<Run>,
    /// Answers that were not the expected 201 (status and the first bytes of the body).
    refusals: Vec<String>,
    /// What the server stored per upload (its `bytes`), summed over one round.
    stored_bytes: u64,
    decodes: usize,
    cpu: server::CpuUse,
    rss_idle: u64,
    hwm_idle: u64,
    rss_sampled: u64,
    rss_hwm: u64,
    rss_after: u64,
    files_on_disk: (usize, u64),
    left_in_progress: usize,
}

impl UploadFigures {
    /// Every upload's latency, sorted.
    fn latencies(&self) -> Vec<Duration> {
        let mut all: Vec<Duration> = self.rounds.iter().flat_map(|r| r.lat.iter().copied()).collect();
        all.sort();
        all
    }

    fn wall(&self) -> Duration {
        self.rounds.iter().map(|r| r.wall).sum()
    }

    fn uploads(&self) -> usize {
        self.rounds.iter().map(|r| r.lat.len()).sum()
    }

    fn errors(&self) -> usize {
        self.rounds.iter().map(|r| r.errors).sum()
    }

    /// What one decode holds at once, in KiB: the file read back (the largest photo, freed once
    /// decoded), the decoded picture (encoded from its own pixels), and the re-encoded bytes
    /// (about the upload's size). The decoder's own buffers are not counted.
    fn decode_kib(&self) -> u64 {
        let largest = self.photos.last().copied().unwrap_or(0) as u64;
        let pixels = u64::from(WIDTH) * u64::from(HEIGHT) * 3;
        (pixels + 2 * largest) / 1024
    }

    /// Every body of one round held at once, in KiB.
    fn bodies_kib(&self) -> u64 {
        self.round_body_bytes as u64 / 1024
    }
}

/// Photo `n`: a smooth scene of its own colours with sensor-like grain, encoded as a phone would.
fn photo(n: usize) -> Result<Vec<u8>, String> {
    // The generator's SplitMix64, so every run uploads the same photos.
    let mut rng = haolin::generate::Rng(0x4841_4F4C_494E ^ n as u64);
    let phase = n as f32 * 0.37;
    let mut pixels = Vec::with_capacity((WIDTH * HEIGHT * 3) as usize);
    for y in 0..HEIGHT {
        let fy = y as f32 / HEIGHT as f32;
        for x in 0..WIDTH {
            let fx = x as f32 / WIDTH as f32;
            let base = [
                40.0 + 160.0 * fx,
                60.0 + 120.0 * fy,
                120.0 + 80.0 * ((fx * 7.0 + phase).sin() * (fy * 5.0 - phase).cos()),
            ];
            let r = rng.draw();
            for (c, b) in base.iter().enumerate() {
                let grain = ((r >> (c * 16)) % (2 * GRAIN + 1)) as f32 - GRAIN as f32;
                pixels.push((b + grain).clamp(0.0, 255.0) as u8);
            }
        }
    }
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode(&pixels, WIDTH, HEIGHT, image::ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The multipart body of one upload, as `wx.uploadFile({name: 'file'})` builds it.
fn multipart(n: usize, jpeg: &[u8]) -> bytes::Bytes {
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"IMG_{n:04}.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    );
    let tail = format!("\r\n--{BOUNDARY}--\r\n");
    let mut body = Vec::with_capacity(head.len() + jpeg.len() + tail.len());
    body.extend_from_slice(head.as_bytes());
    body.extend_from_slice(jpeg);
    body.extend_from_slice(tail.as_bytes());
    body.into()
}

/// The photos, made on every core.
async fn make_photos(phones: usize) -> Result<Vec<Vec<u8>>, String> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let mut photos = Vec::with_capacity(phones);
    for chunk in (0..phones).collect::<Vec<_>>().chunks(cores) {
        let tasks: Vec<_> = chunk.iter().map(|&n| tokio::task::spawn_blocking(move || photo(n))).collect();
        for t in tasks {
            photos.push(t.await.map_err(|e| e.to_string())??);
        }
    }
    Ok(photos)
}

/// Measures the uploads on a fresh database of `backend`, the server's glibc limited to `arenas`
/// malloc arenas (`MALLOC_ARENA_MAX`; `default`: glibc's own, 8 per core).
pub async fn uploads_bench(o: &Options, backend: &str, arenas: &str, phones: usize) -> Result<UploadFigures, String> {
    let sslmode = o.pg_sslmodes.first().map_or("disable", String::as_str);
    let fresh = Fresh::new(backend, "uploads", &o.pg_admin, sslmode).await?;
    let result = uploads_bench_on(o, backend, arenas, phones, &fresh).await;
    fresh.drop_db().await;
    let mut figures = result?;
    if arenas != "default" {
        figures.backend = format!("{backend}, `MALLOC_ARENA_MAX={arenas}`");
    }
    Ok(figures)
}

async fn uploads_bench_on(
    o: &Options,
    backend: &str,
    arenas: &str,
    phones: usize,
    fresh: &Fresh,
) -> Result<UploadFigures, String> {
    #[allow(non_snake_case)]
    let PHONES = phones;
    say(&format!("{backend}: making {PHONES} photos of {WIDTH}×{HEIGHT}"));
    let photos = make_photos(PHONES).await?;
    let mut sizes: Vec<usize> = photos.iter().map(Vec::len).collect();
    sizes.sort_unstable();
    say(&format!(
        "{backend}: photos of {:.2} to {:.2} MB (median {:.2}, total {:.1} MB)",
        sizes[0] as f64 / 1e6,
        sizes[PHONES - 1] as f64 / 1e6,
        sizes[PHONES / 2] as f64 / 1e6,
        sizes.iter().sum::<usize>() as f64 / 1e6
    ));
    let bodies: Arc<Vec<bytes::Bytes>> = Arc::new(photos.iter().enumerate().map(|(n, p)| multipart(n, p)).collect());
    drop(photos);
    let mut extra = vec![("HAOLIN_FILES__DAILY_UPLOADS".to_owned(), "100000".to_owned())];
    if arenas != "default" {
        extra.push(("MALLOC_ARENA_MAX".to_owned(), arenas.to_owned()));
    }
    let srv = server::start_with(&o.bin, &fresh.url, &fresh.dir, &extra).await?;
    let db = db::connect(&fresh.url).await?;
    let residents = db.users(PHONES as i64, 13_500_000_000, "resident", None).await?;
    let tokens = Arc::new(db.tokens(&residents).await?);
    db.close().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (rss_idle, hwm_idle) = srv.rss_kib();
    // Each phone on a connection of its own for each upload, as phones on a mobile network are:
    // no pooled connection the server may have closed after its keep-alive while a round ran.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| e.to_string())?;
    let url = Arc::new(format!("{}/api/v1/photos", srv.base));
    say(&format!("{backend}: {} rounds of {PHONES} simultaneous uploads", o.upload_rounds));
    let sampler = server::sample_rss(srv.pid());
    let cpu = server::CpuUse::now(srv.pid());
    let mut rounds = Vec::with_capacity(o.upload_rounds);
    let mut refusals = Vec::new();
    let mut stored_bytes = 0;
    for _ in 0..o.upload_rounds {
        let barrier = Arc::new(tokio::sync::Barrier::new(PHONES));
        let mut tasks = Vec::with_capacity(PHONES);
        for phone in 0..PHONES {
            let (c, u, t, b, barrier) = (client.clone(), url.clone(), tokens.clone(), bodies.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let started = Instant::now();
                let answer = upload(&c, &u, &t[phone], b[phone].clone()).await;
                (started, started.elapsed(), answer)
            }));
        }
        let mut lat = Vec::with_capacity(PHONES);
        let mut errors = 0;
        let (mut first, mut last) = (None::<Instant>, None::<Instant>);
        for task in tasks {
            let (started, took, answer) = task.await.map_err(|e| e.to_string())?;
            first = Some(first.map_or(started, |f| f.min(started)));
            last = Some(last.map_or(started + took, |l| l.max(started + took)));
            lat.push(took);
            match answer {
                Ok(bytes) if rounds.is_empty() => stored_bytes += bytes,
                Ok(_) => {}
                Err(why) => {
                    errors += 1;
                    refusals.push(why);
                }
            }
        }
        lat.sort();
        let wall = match (first, last) {
            (Some(f), Some(l)) => l - f,
            _ => Duration::ZERO,
        };
        say(&format!("{backend}: round of {PHONES} in {:.2} s, {errors} errors", wall.as_secs_f64()));
        rounds.push(Run { lat, wall, errors });
    }
    let cpu = server::CpuUse::now(srv.pid()).since(&cpu);
    let _ = sampler.0.send(());
    let rss_sampled = sampler.1.await.unwrap_or(0);
    let rss_hwm = srv.rss_kib().1;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = srv.rss_kib().0;
    let files_on_disk = folder_size(&fresh.dir.join("files"));
    let left_in_progress = std::fs::read_dir(fresh.dir.join("uploads-in-progress")).map_or(0, Iterator::count);
    srv.stop().await;
    let decodes = std::thread::available_parallelism().map_or(2, usize::from);
    Ok(UploadFigures {
        backend: backend.to_owned(),
        phones: PHONES,
        photos: sizes,
        round_body_bytes: bodies.iter().map(bytes::Bytes::len).sum(),
        rounds,
        refusals,
        stored_bytes,
        decodes,
        cpu,
        rss_idle,
        hwm_idle,
        rss_sampled,
        rss_hwm,
        rss_after,
        files_on_disk,
        left_in_progress,
    })
}

/// One upload; the stored size the answer gives, or why it is not the expected 201.
async fn upload(client: &reqwest::Client, url: &str, token: &str, body: bytes::Bytes) -> Result<u64, String> {
    let resp = client
        .post(url)
        .bearer_auth(token)
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .map_err(|e| format!("transport: {e}"))?;
    let status = resp.status().as_u16();
    let text = resp.text().await.map_err(|e| format!("{status}, body: {e}"))?;
    let photo: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let expected = status == 201
        && photo["width"].as_u64() == Some(u64::from(WIDTH))
        && photo["height"].as_u64() == Some(u64::from(HEIGHT))
        && photo["content_type"] == "image/jpeg";
    match photo["bytes"].as_u64() {
        Some(bytes) if expected => Ok(bytes),
        _ => Err(format!("{status} {}", text.chars().take(120).collect::<String>())),
    }
}

/// Files under `dir` (recursively) and their bytes.
fn folder_size(dir: &Path) -> (usize, u64) {
    let Ok(entries) = std::fs::read_dir(dir) else { return (0, 0) };
    let mut total = (0, 0);
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            let (n, b) = folder_size(&path);
            total = (total.0 + n, total.1 + b);
        } else if let Ok(meta) = entry.metadata() {
            total = (total.0 + 1, total.1 + meta.len());
        }
    }
    total
}

/// The section of these figures.
pub fn section(figures: &[UploadFigures]) -> String {
    let Some(first) = figures.iter().max_by_key(|f| f.phones) else { return String::new() };
    let mb = |b: usize| b as f64 / 1e6;
    let rounds = first.rounds.len();
    let counts: Vec<String> = {
        let mut c: Vec<usize> = figures.iter().map(|f| f.phones).collect();
        c.sort_unstable();
        c.dedup();
        c.iter().map(ToString::to_string).collect()
    };
    let mut w = format!(
        "{HEADING}\n\nMeasured {} UTC by `haolin-bench` (`scripts/bench.sh`, or alone: `scripts/bench.sh --only \
         uploads [--backends sqlite]`) on {}. In each run N residents (N = {}: accounts and sessions inserted, tokens \
         minted with the server's key, as the other benchmarks do) each upload their own photo: distinct JPEGs of \
         {WIDTH}×{HEIGHT} (a smooth scene with per-pixel grain, quality {QUALITY}) of {:.2} to {:.2} MB, median \
         {:.2} MB. Each upload is one `POST /api/v1/photos` over its own loopback connection with the body a phone's \
         `wx.uploadFile` sends: `multipart/form-data`, field `file`, the whole body with its `Content-Length` \
         ({:.1} MB for {} phones). The N start together (a barrier), then the next round: {rounds} rounds, each \
         phone sending its own photo every round (same bytes, so the stored object is written again over itself). \
         Every answer must be a 201 with the photo's {WIDTH}×{HEIGHT} and `image/jpeg`. The server is the release \
         binary with its defaults (`HAOLIN_FILES__DECODE_CONCURRENCY` unset: one decode per CPU) except \
         `HAOLIN_FILES__DAILY_UPLOADS=100000`; bodies are streamed to `<data_dir>/uploads-in-progress` and the \
         objects stored in `<data_dir>/files` on the same disk. Each backend runs with glibc's malloc as it comes \
         (up to 8 arenas per core, each thread that decodes may keep its own) and with `MALLOC_ARENA_MAX` set \
         (`--upload-arenas`), to tell the memory the decodes use from what the allocator keeps after them. The \
         client runs on the same cores. A latency is from sending the request to the whole answer read; a round's \
         time from the first send to the last answer; throughput is uploads (and request-body bytes) over the \
         rounds' summed time.\n\n\
         | backend | phones | uploads | errors | uploads/s | MB/s of bodies | p50 ms | p90 ms | p99 ms | max ms | \
         rounds (s) | server CPU per upload |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        crate::machine(),
        counts.join(", "),
        mb(first.photos[0]),
        mb(first.photos[first.photos.len() - 1]),
        mb(first.photos[first.photos.len() / 2]),
        mb(first.round_body_bytes),
        first.phones,
    );
    for f in figures {
        let lat = f.latencies();
        let secs = f.wall().as_secs_f64().max(1e-9);
        let per_round: Vec<String> = f.rounds.iter().map(|r| format!("{:.1}", r.wall.as_secs_f64())).collect();
        w.push_str(&format!(
            "| {} | {} | {} | {} | {:.1} | {:.1} | {:.0} | {:.0} | {:.0} | {:.0} | {} | {:.0} ms |\n",
            f.backend,
            f.phones,
            f.uploads(),
            f.errors(),
            f.uploads() as f64 / secs,
            mb(f.round_body_bytes * f.rounds.len()) / secs,
            quantile_ms(&lat, 0.5),
            quantile_ms(&lat, 0.9),
            quantile_ms(&lat, 0.99),
            quantile_ms(&lat, 1.0),
            per_round.join(" / "),
            f.cpu.server.as_secs_f64() * 1000.0 / f.uploads().max(1) as f64,
        ));
    }
    w.push_str(&format!(
        "\nThe server's memory (`VmRSS` of `/proc/<pid>/status`; idle: after start and the accounts, before the \
         first upload; sampled: the largest `VmRSS` read every 20 ms during the rounds; `VmHWM`: the kernel's own \
         peak over the process's life; after: 2 s after the last answer). Bodies held: what holding every body of a \
         round in memory would take (N × the body). Decode budget: decodes × (the file read back, freed once \
         decoded + the decoded {WIDTH}×{HEIGHT}×3 picture, encoded from its own pixels + the re-encoded bytes), \
         {:.1} MiB per decode, not counting the decoder's own buffers. If the server streamed nothing, the peak \
         would grow with N by about the bodies; streamed, it stays near the decode budget whatever N is.\n\n\
         | backend | phones | decodes at once | RSS idle | peak sampled | `VmHWM` | after | peak − idle | bodies held | \
         decode budget |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        mib(first.decode_kib()),
    ));
    for f in figures {
        let budget = f.decode_kib() * f.decodes as u64;
        w.push_str(&format!(
            "| {} | {} | {} | {:.1} MiB | {:.1} MiB | {:.1} MiB (idle: {:.1}) | {:.1} MiB | {:.1} MiB | {:.1} MiB | \
             {:.1} MiB |\n",
            f.backend,
            f.phones,
            f.decodes,
            mib(f.rss_idle),
            mib(f.rss_sampled),
            mib(f.rss_hwm),
            mib(f.hwm_idle),
            mib(f.rss_after),
            mib(f.rss_hwm.max(f.rss_sampled).saturating_sub(f.rss_idle)),
            mib(f.bodies_kib()),
            mib(budget),
        ));
    }
    w.push_str("\nWhat was stored, and what was refused:\n\n```\n");
    for f in figures {
        w.push_str(&format!(
            "{}, {} phones: re-encoded (q85) {:.1} MB for the photos of a round; {} files, {:.1} MB in \
             <data_dir>/files (each picture and its thumbnail once); {} files left in uploads-in-progress; server CPU \
             {:.1} s over {:.1} s of rounds\n",
            f.backend,
            f.phones,
            f.stored_bytes as f64 / 1e6,
            f.files_on_disk.0,
            f.files_on_disk.1 as f64 / 1e6,
            f.left_in_progress,
            f.cpu.server.as_secs_f64(),
            f.wall().as_secs_f64(),
        ));
        for why in f.refusals.iter().take(5) {
            w.push_str(&format!("{}: refused: {why}\n", f.backend));
        }
    }
    w.push_str(
        "```\n\nHow to reproduce: `scripts/bench.sh --only uploads --backends sqlite` (or `--only uploads` for both \
         backends; PostgreSQL from `scripts/db-services.sh`), `--upload-phones 10,50,100` the phones of each run, \
         `--upload-rounds N` the rounds, `--upload-arenas default,2` the allocator settings; `HAOLIN_BENCH_KEEP=1` \
         keeps the data dir and the server's log. The code: `bench/src/uploads.rs`.\n\n",
    );
    w
}

/// Replaces this benchmark's section in the report at `path` (`--only uploads`), or adds it
/// before the analysis, leaving everything else as it was.
pub fn splice(path: &Path, figures: &[UploadFigures], analysis_marker: &str) -> Result<(), String> {
    let old = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (start, end) = crate::section_span(&old, HEADING, analysis_marker).ok_or("no analysis marker")?;
    let spliced = format!("{}{}{}", &old[..start], section(figures), &old[end..]);
    std::fs::write(path, spliced).map_err(|e| e.to_string())
}

/// The section of the report at `path`, kept by a full run that did not measure uploads.
pub fn kept(path: &Path, analysis_marker: &str) -> String {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    match crate::section_span(&old, HEADING, analysis_marker) {
        Some((start, end)) if start < end => old[start..end].to_owned(),
        _ => String::new(),
    }
}
