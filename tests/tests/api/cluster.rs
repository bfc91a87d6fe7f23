//! Several instances on one PostgreSQL and one Redis (always, whatever HAOLIN_TEST_BACKEND says):
//! one claim wins across instances, live events cross instances, jobs process each wish once,
//! rate limits are shared, and Redis or PostgreSQL going away does not lose anything.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::future::join_all;
use haolin_tests::services::{PgCluster, RedisServer};
use haolin_tests::sse::Sse;
use haolin_tests::{
    ADMIN_PASSWORD, ADMIN_PHONE, PASSWORD, TestApp, TestDatabase, assert_conflict, assert_error, spawn_app_with, str_of,
};
use serde_json::json;

/// Two instances sharing `database_url` and `redis_url` (with a prefix of their own).
async fn two_instances(database_url: &str, redis_url: &str, extra: &[(&str, &str)]) -> (TestApp, TestApp) {
    let prefix = format!("test{}", rand_suffix());
    let start = || {
        spawn_app_with(|env| {
            env.set("DATABASE_URL", database_url).set("REDIS_URL", redis_url).set("HAOLIN_REDIS_PREFIX", &prefix);
            for (k, v) in extra {
                env.set(k, v);
            }
        })
    };
    let a = start().await;
    let b = start().await;
    (a, b)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

const SHARED_REDIS: &str = "redis://127.0.0.1:6379";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_claims_over_two_instances_have_exactly_one_winner() {
    let db = TestDatabase::postgres();
    let (a, b) = two_instances(&db.url, SHARED_REDIS, &[]).await;
    let w = a.world().await;
    let c = [w.community_id.as_str()];
    // Created a few at a time: 200 password hashes at once would only starve the two cores.
    let members: Vec<_> =
        futures_util::stream::iter(0..200).map(|_| a.create_actor(&["member"], &c)).buffer_unordered(8).collect().await;
    let wish = a.open_wish(&w).await;
    let id = str_of(&wish, "id");
    let claims = members.iter().enumerate().map(|(i, m)| {
        let app = if i % 2 == 0 { &a } else { &b };
        app.act(&m.token, id, "claim", json!({}))
    });
    let responses = join_all(claims).await;
    let winners = responses.iter().filter(|r| r.status == 200).count();
    assert_eq!(winners, 1, "statuses: {:?}", responses.iter().map(|r| r.status).collect::<Vec<_>>());
    for r in responses.iter().filter(|r| r.status != 200) {
        assert_conflict(r, "invalid_state", "claimed");
    }
    let claims = b.events(&w.dispatcher.token, id).await.iter().filter(|e| e["action"] == "claim").count();
    assert_eq!(claims, 1);
}

#[tokio::test]
async fn a_client_on_one_instance_sees_a_claim_made_on_the_other() {
    let db = TestDatabase::postgres();
    let (a, b) = two_instances(&db.url, SHARED_REDIS, &[]).await;
    let w = a.world().await;
    let wish = a.open_wish(&w).await;
    let id = str_of(&wish, "id");
    let mut on_b = Sse::open(&b, &w.dispatcher.token, None).await;
    a.act_ok(&w.member.token, id, "claim", json!({})).await;
    // The approval made on A just before may still be on its way to B; wait for the claim.
    let msg = on_b.next_in_status(id, "claimed").await;
    assert_eq!(msg.data["claimant"]["id"], w.member.id.as_str());
}

#[tokio::test]
async fn claim_expiry_with_two_instances_running_processes_each_wish_once() {
    let db = TestDatabase::postgres();
    let fast = [
        ("HAOLIN_WISHES__CLAIM_TTL", "300ms"),
        ("HAOLIN_JOBS__INTERVAL", "20ms"),
        ("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "100"),
    ];
    let (a, b) = two_instances(&db.url, SHARED_REDIS, &fast).await;
    let w = a.world().await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        let wish = a.claimed_wish(&w).await;
        ids.push(str_of(&wish, "id").to_owned());
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    for id in &ids {
        loop {
            let wish = b.get_wish(&w.dispatcher.token, id).await;
            if wish.body["status"] == "open" {
                break;
            }
            assert!(Instant::now() < deadline, "wish {id} never expired: {}", wish.text);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // Both instances kept running their jobs meanwhile; give them a few more rounds.
    tokio::time::sleep(Duration::from_millis(200)).await;
    for id in &ids {
        let expiries = a.events(&w.dispatcher.token, id).await.iter().filter(|e| e["action"] == "expire").count();
        assert_eq!(expiries, 1, "wish {id} expired {expiries} times");
    }
}

#[tokio::test]
async fn the_login_limit_is_shared_by_the_instances() {
    let db = TestDatabase::postgres();
    let (a, b) = two_instances(&db.url, SHARED_REDIS, &[("HAOLIN_LIMITS__LOGIN_PER_ACCOUNT", "4")]).await;
    let user = a.register_resident().await;
    let login = json!({"phone": user.phone, "password": PASSWORD});
    for app in [&a, &b, &a, &b] {
        assert_eq!(app.post_anon("/api/v1/auth/login", &login).await.status, 200);
    }
    assert_error(&b.post_anon("/api/v1/auth/login", &login).await, 429, "rate_limited");
    assert_error(&a.post_anon("/api/v1/auth/login", &login).await, 429, "rate_limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_survive_redis_dying_and_live_events_cross_instances_again_when_it_returns() {
    let db = TestDatabase::postgres();
    let mut redis = RedisServer::start();
    let (a, b) = two_instances(&db.url, &redis.url(), &[]).await;
    let w = a.world().await;

    // Writes on both instances while Redis is killed half-way: none may fail.
    let mut posted = Vec::new();
    for i in 0..30 {
        if i == 10 {
            redis.kill();
        }
        let app = if i % 2 == 0 { &a } else { &b };
        let resp = app.post("/api/v1/wishes", &w.resident.token, &app.wish_body(&w.community_id)).await;
        assert_eq!(resp.status, 201, "write {i} failed with Redis down: {}", resp.text);
        posted.push(str_of(&resp.body, "id").to_owned());
    }
    let stored = a.list_all_wishes(&w.resident.token, "mine=true").await;
    assert_eq!(stored.len(), 30, "every write is stored");
    // Rate limits fall back to the instance; logins still work.
    assert_eq!(
        b.post_anon("/api/v1/auth/login", &json!({"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD})).await.status,
        200
    );

    redis.restart();
    // Once each instance has resubscribed, a change on A reaches a client on B again.
    let mut on_b = Sse::open(&b, &w.dispatcher.token, None).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut crossed = false;
    'approvals: for id in &posted {
        a.act_ok(&w.dispatcher.token, id, "approve", json!({})).await;
        // B may first replay what it missed during the outage; look for this approval.
        while let Some(msg) = on_b.next(Duration::from_millis(700)).await {
            if msg.data["id"] == id.as_str() && msg.data["status"] == "open" {
                crossed = true;
                break 'approvals;
            }
        }
        assert!(Instant::now() < deadline, "events never crossed instances after Redis returned");
    }
    assert!(crossed, "no event from instance A reached instance B after Redis returned");
}

#[tokio::test]
async fn a_postgres_outage_answers_503_and_the_server_recovers_by_itself() {
    let cluster = PgCluster::start();
    let app = spawn_app_with(|env| {
        env.set("DATABASE_URL", &cluster.url());
    })
    .await;
    let resident = app.register_resident().await;
    assert_eq!(app.get_anon("/readyz").await.status, 200);

    cluster.stop();
    let started = Instant::now();
    let during = app.get("/api/v1/me", &resident.token).await;
    assert_error(&during, 503, "service_unavailable");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "a request during the outage hung for {:?}",
        started.elapsed()
    );
    assert_eq!(app.get_anon("/readyz").await.status, 503);
    assert_eq!(app.get_anon("/healthz").await.status, 200, "the process itself is up");

    cluster.start_again();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let after = app.get("/api/v1/me", &resident.token).await;
        if after.status == 200 {
            break;
        }
        assert_eq!(after.status, 503, "{}", after.text);
        assert!(Instant::now() < deadline, "the server never recovered: {}", after.text);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.get_anon("/readyz").await.status, 200);
    let wish = app.post("/api/v1/wishes", &resident.token, &json!({})).await;
    assert_eq!(wish.status, 422, "writes reach the database again: {}", wish.text);
}
