//! `haolin [serve]`: starts the server with settings from the environment (see README).

use std::io::Write;
use std::process::ExitCode;

use haolin::settings::Settings;
use haolin::startup::Application;
use haolin::{demo, telemetry};

const USAGE: &str = "usage: haolin [serve]\n\nStarts the Haolin server. Settings come from HAOLIN_* variables, DATABASE_URL and\nREDIS_URL (see README.md).";

#[tokio::main]
async fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        None | Some("serve") => {}
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
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("haolin: {e}");
            return ExitCode::from(2);
        }
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
