//! Graceful shutdown: SIGTERM and SIGINT end the process with status 0 within 10 s.

use haolin_tests::{spawn_app, spawn_app_with};

#[tokio::test]
async fn sigterm_stops_the_server_with_exit_status_0_within_ten_seconds() {
    let mut app = spawn_app().await;
    // Leave an idle keep-alive connection open, as a real client would.
    let w = app.world().await;
    app.post_wish(&w.resident.token, &w.community_id).await;
    let started = std::time::Instant::now();
    let status = app.stop().await;
    let status = status.unwrap_or_else(|| panic!("still running 10 s after SIGTERM; stderr:\n{}", app.stderr_tail()));
    assert_eq!(status.code(), Some(0), "exit status {status}; stderr:\n{}", app.stderr_tail());
    assert!(started.elapsed().as_secs() < 10);
    // The port is closed.
    assert!(app.client.get(app.url("/healthz")).send().await.is_err(), "still answering after exit");
}

#[tokio::test]
async fn sigint_stops_the_server_with_exit_status_0() {
    let mut app = spawn_app_with(|env| {
        env.set("HAOLIN_JOBS__INTERVAL", "50ms");
    })
    .await;
    assert_eq!(app.get_anon("/healthz").await.status, 200);
    app.signal("INT");
    let mut status = None;
    for _ in 0..500 {
        status = app.wait_exit(std::time::Duration::ZERO);
        if status.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let status = status.unwrap_or_else(|| panic!("still running 10 s after SIGINT; stderr:\n{}", app.stderr_tail()));
    assert_eq!(status.code(), Some(0), "exit status {status}; stderr:\n{}", app.stderr_tail());
}

#[tokio::test]
async fn data_written_before_a_sigterm_is_there_after_a_restart() {
    let mut app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    app.restart().await;
    let login = app.login(&w.resident.phone, haolin_tests::PASSWORD).await;
    let token = haolin_tests::str_of(&login, "access_token");
    let seen = app.get_wish(token, haolin_tests::str_of(&wish, "id")).await;
    assert_eq!(seen.expect_status(200)["title"], wish["title"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_in_flight_at_sigterm_are_answered_before_the_exit() {
    let mut app = spawn_app().await;
    let w = app.world().await;
    // Twelve connections the server has already accepted (kept alive), so that every login below
    // is really in flight when the signal comes, not waiting in the kernel's accept queue.
    let client = reqwest::Client::builder().pool_max_idle_per_host(12).build().unwrap();
    let warm: Vec<_> = (0..12).map(|_| client.get(app.url("/healthz")).send()).collect();
    for r in futures_util::future::join_all(warm).await {
        assert_eq!(r.unwrap().status(), 200);
    }
    let url = app.url("/api/v1/auth/login");
    let body = serde_json::json!({"phone": w.resident.phone, "password": haolin_tests::PASSWORD});
    // Logins hash a password (at most one per core at a time), so the batch takes a while.
    let requests: Vec<_> = (0..12).map(|_| tokio::spawn(client.post(&url).json(&body).send())).collect();
    // Long enough for all twelve to be sent on their connections even on a loaded machine (a request
    // still unsent when the server starts closing idle connections is not in flight), short against
    // the batch: twelve argon2 hashes, two at a time.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    app.signal("TERM");
    let mut answered = 0;
    for r in requests {
        match r.await.unwrap() {
            Ok(resp) => {
                assert_eq!(resp.status(), 200, "an in-flight login was not completed");
                answered += 1;
            }
            // Sent after the listener closed: never accepted, so never in flight.
            Err(e) if e.is_connect() => {}
            Err(e) => panic!("a request in flight was cut off: {e}; stderr:\n{}", app.stderr_tail()),
        }
    }
    assert!(answered > 0, "no request was answered");
    let status = app.stop_after_signal().await;
    assert_eq!(status.and_then(|s| s.code()), Some(0), "stderr:\n{}", app.stderr_tail());
}
