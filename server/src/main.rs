//! `haolin [serve]`: starts the server with settings from the environment (see README).

use std::io::Write;
use std::process::ExitCode;

use haolin::settings::Settings;
use haolin::startup::Application;
use haolin::{demo, telemetry};

const USAGE: &str = "usage: haolin [serve]\n       haolin generate --seed N --scale small|seed\n       haolin backup PATH\n\nStarts the Haolin server, fills the database with a generated demo district, or copies a live SQLite\ndatabase to the new file PATH (see docs/OPERATIONS.md).\nSettings come from HAOLIN_* variables, DATABASE_URL and REDIS_URL (see README.md).";

#[tokio::main]
async fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        None | Some("serve") => {}
        Some("generate") => return generate().await,
        Some("backup") => return backup().await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("unknown command: {other}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    telemetry::init();
    let settings = match settings() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("haolin: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    if app.demo_seeded() {
        let _ = write!(out, "{}", demo::credentials());
    }
    if let Some(addr) = app.metrics_addr() {
        let _ = writeln!(out, "haolin metrics on http://{addr}/metrics");
    }
    let _ = writeln!(out, "haolin listening on http://{}", app.addr());
    let _ = out.flush();
    drop(out);
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("haolin: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `haolin backup PATH`: a consistent copy of the live SQLite database in DATABASE_URL.
async fn backup() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let [path] = args.as_slice() else {
        eprintln!("haolin backup: need exactly one argument, the new file to write\n{USAGE}");
        return ExitCode::from(2);
    };
    let settings = match settings() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let started = std::time::Instant::now();
    match haolin::backup::backup(&settings.database_url(), std::path::Path::new(path)).await {
        Ok(done) => {
            println!(
                "backup written to {} ({} bytes, integrity ok) in {:.1} s",
                done.path.display(),
                done.bytes,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("haolin backup: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `haolin generate --seed N --scale small|seed`: a deterministic demo district in DATABASE_URL.
async fn generate() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let seed = value("--seed").map(|s| s.parse::<u64>());
    let scale = value("--scale").unwrap_or_else(|| "small".to_owned());
    let (Some(Ok(seed)), Some(scale)) = (seed, haolin::generate::Scale::parse(&scale)) else {
        eprintln!("haolin generate: need --seed N (a number) and --scale small|seed\n{USAGE}");
        return ExitCode::from(2);
    };
    // No log subscriber: sqlx would log every large batch as a slow statement.
    let settings = match settings() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let started = std::time::Instant::now();
    let store = match haolin::store::connect(&settings.database_url(), 4).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("haolin generate: cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    match haolin::generate::generate(&store, seed, scale, &settings).await {
        Ok(done) => {
            println!(
                "generated district {}: {} places, {} party organisations, {} accounts, {} wishes, {} events, {} \
                 departments, {} work orders, {} work-order events, {} days summed into the figures in {:.1} s \
                 (password {})",
                haolin::generate::DISTRICT_CODE,
                done.places,
                done.party_orgs,
                done.users,
                done.wishes,
                done.events,
                done.departments,
                done.orders,
                done.order_events,
                done.figure_days,
                started.elapsed().as_secs_f64(),
                haolin::generate::PASSWORD
            );
            println!(
                "property: {} companies, {} estates, {} ratings in {:.1} s",
                done.property_companies, done.estates, done.property_ratings, done.property_seconds
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("haolin generate: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The settings from the environment, or the exit code after saying what is wrong with them.
fn settings() -> Result<Settings, ExitCode> {
    Settings::load().map_err(|e| {
        eprintln!("haolin: {e}");
        ExitCode::from(2)
    })
}
