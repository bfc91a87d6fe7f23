//! `haolin generate --seed N --scale small`: a consistent, deterministic district (every code
//! unique and derived from its parent's, every wish in a grid of its community, every work order's
//! log a path of the state machine that the scorecards sum), usable at once by the server on the
//! same database.

use std::collections::{HashMap, HashSet};

use haolin_shared::domain::calendar::{WorkCalendar, WorkingHours};
use haolin_tests::{TestApp, binary_path, run_sql, spawn_app, spawn_app_with, str_of, urlencode};
use serde_json::Value;

async fn generate(app: &TestApp, seed: u64) -> String {
    let out = tokio::process::Command::new(binary_path())
        .args(["generate", "--seed", &seed.to_string(), "--scale", "small"])
        .env("DATABASE_URL", &app.database_url)
        .env("HAOLIN_DATA_DIR", app.data_dir())
        .output()
        .await
        .expect("run haolin generate");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "generate failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

async fn all_places(app: &TestApp, token: &str, level: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/places?level={level}&limit=100");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", urlencode(c)));
        }
        let body = app.get(&path, token).await.expect_status(200).clone();
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

#[tokio::test]
async fn the_small_district_is_consistent_and_the_same_for_the_same_seed() {
    let app = spawn_app().await;
    let report = generate(&app, 3).await;
    assert!(report.contains("2000 wishes"), "{report}");
    let admin = app.admin_token().await;

    let mut codes = HashSet::new();
    let mut by_id: HashMap<String, Value> = HashMap::new();
    for (level, count) in [("district", 1), ("street", 2), ("community", 4), ("grid", 20), ("unit", 150)] {
        let places = all_places(&app, &admin, level).await;
        assert_eq!(places.len(), count, "{level}s");
        for p in places {
            assert!(codes.insert(str_of(&p, "code").to_owned()), "code {} is not unique", p["code"]);
            by_id.insert(str_of(&p, "id").to_owned(), p);
        }
    }
    for p in by_id.values() {
        let Some(parent) = p["parent_id"].as_str() else {
            assert_eq!(p["code"], "520201");
            continue;
        };
        let parent_code = str_of(&by_id[parent], "code");
        let code = str_of(p, "code");
        assert!(code.len() == parent_code.len() + 3 && code.starts_with(parent_code), "{code} under {parent_code}");
    }
    let dedicated = by_id.values().filter(|p| p["kind"] == "dedicated").count();
    assert_eq!(dedicated, 2);

    let wishes = app.list_all_wishes(&admin, "").await;
    assert_eq!(wishes.len(), 2000);
    let mut statuses = HashSet::new();
    for w in &wishes {
        let grid = &by_id[str_of(w, "grid_id")];
        assert_eq!(grid["level"], "grid");
        assert_eq!(grid["parent_id"], w["community_id"], "wish {} lies in a grid of its community", w["id"]);
        statuses.insert(str_of(w, "status").to_owned());
    }
    for s in ["pending_review", "open", "claimed", "fulfilled", "confirmed", "rejected", "cancelled"] {
        assert!(statuses.contains(s), "some wish is {s}");
    }
    // As the jobs leave a district: no fulfilment waits past `wishes.auto_confirm_after` (7 days),
    // those were auto-confirmed on time, without a rating, and the member was credited then.
    let week = 7 * 24 * 3_600_000_i64;
    let now = chrono::Utc::now().timestamp_millis();
    let overdue = format!("SELECT COUNT(*) FROM wishes WHERE status = 'fulfilled' AND fulfilled_at <= {}", now - week);
    assert_eq!(count(&app, &overdue), 0, "no fulfilment is left for the auto-confirm job");
    let auto = count(&app, "SELECT COUNT(*) FROM wish_events WHERE action = 'auto_confirm'");
    assert!(auto > 0, "some fulfilments were auto-confirmed");
    let on_time = format!(
        "SELECT COUNT(*) FROM wish_events e JOIN wishes w ON w.id = e.wish_id \
         WHERE e.action = 'auto_confirm' AND e.actor_id IS NULL AND e.at = w.fulfilled_at + {week} \
         AND w.status = 'confirmed' AND w.rating IS NULL AND w.updated_at = e.at AND EXISTS (SELECT 1 FROM \
         ledger_transfers t WHERE t.wish_id = w.id AND t.at = e.at AND t.kind IN ('wish_credit', 'escrow_pay'))"
    );
    assert_eq!(count(&app, &on_time), auto, "each on time, unrated, its member credited then");
    let sample = &wishes[0];
    let events = app.get(&format!("/api/v1/wishes/{}/events", str_of(sample, "id")), &admin).await;
    assert_eq!(events.expect_status(200)["items"][0]["action"], "post");

    // Generated accounts work: the first community's dispatcher sees its checked-in members.
    let login = app.login("13400000000", "haolin123").await;
    let token = str_of(&login, "access_token").to_owned();
    let grants = login["user"]["grants"].as_array().unwrap();
    let dispatching = grants.iter().find(|g| g["role"] == "dispatcher").expect("a dispatcher grant");
    let community = str_of(dispatching, "community_id").to_owned();
    let figures = app.get(&format!("/api/v1/communities/{community}/checkin-stats"), &token).await;
    let figures = figures.expect_status(200);
    assert_eq!(figures["members_checked_in"], 15);
    assert_eq!(figures["units_checked_in"], 4);
    assert!(figures["wishes_claimed"].as_i64().unwrap() > 0);

    // The party organisations: a committee per street, a branch per community, one per
    // comprehensive grid, each under the organisation of the place above.
    let committees = app.get("/api/v1/party-orgs", &token).await;
    let committees = committees.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(committees.len(), 2);
    for committee in &committees {
        let branches = app.get(&format!("/api/v1/party-orgs?parent_id={}", str_of(committee, "id")), &token).await;
        let branches = branches.expect_status(200)["items"].as_array().unwrap().clone();
        assert_eq!(branches.len(), 2, "two communities per street");
        for branch in &branches {
            assert_eq!(branch["parent_id"], committee["id"]);
            let grids = app.get(&format!("/api/v1/party-orgs?parent_id={}", str_of(branch, "id")), &token).await;
            for grid_org in grids.expect_status(200)["items"].as_array().unwrap() {
                assert_eq!(grid_org["parent_id"], branch["id"]);
                assert_eq!(grid_org["place"]["level"], "grid");
            }
        }
    }
    // Residents registered their homes: a grid.
    let resident = app.login("13500000000", "haolin123").await;
    let me = app.get("/api/v1/me", str_of(&resident, "access_token")).await;
    assert_eq!(me.expect_status(200)["home"]["level"], "grid");

    let twin = spawn_app().await;
    generate(&twin, 3).await;
    let twin_admin = twin.admin_token().await;
    let names = |places: Vec<Value>| places.iter().map(|p| format!("{}={}", p["code"], p["name"])).collect::<Vec<_>>();
    assert_eq!(
        names(all_places(&twin, &twin_admin, "community").await),
        names(all_places(&app, &admin, "community").await),
        "the same seed gives the same district"
    );
    let stories = |orders: Vec<Value>| {
        orders
            .iter()
            .map(|o| format!("{} {} {} {}", o["grid"]["code"], o["title"], o["source"], o["status"]))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        stories(all_orders(&twin, &twin_admin).await),
        stories(all_orders(&app, &admin).await),
        "the same seed gives the same work orders"
    );
    let again = tokio::process::Command::new(binary_path())
        .args(["generate", "--seed", "3", "--scale", "small"])
        .env("DATABASE_URL", &app.database_url)
        .env("HAOLIN_DATA_DIR", app.data_dir())
        .output()
        .await
        .unwrap();
    assert!(!again.status.success(), "a second district with the same codes is refused");
}

async fn all_orders(app: &TestApp, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/api/v1/work-orders?limit=100".to_owned();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", urlencode(c)));
        }
        let body = app.get(&path, token).await.expect_status(200).clone();
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

/// The scorecard's figures of one month, recounted from event rows by the formulas of
/// docs/WORK-ORDERS.md.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Recount {
    received: i64,
    dispatched: i64,
    signed_on_time: i64,
    resolved: i64,
    resolved_on_time: i64,
    visited: i64,
    satisfied: i64,
    basic: i64,
    whistles: i64,
    whistle_assignments: i64,
    whistle_signed_on_time: i64,
    supervised: i64,
}

impl Recount {
    fn of(row: &Value) -> Self {
        let n = |key: &str| row[key].as_i64().unwrap_or_else(|| panic!("no {key} in {row}"));
        Self {
            received: n("received"),
            dispatched: n("dispatched"),
            signed_on_time: n("signed_on_time"),
            resolved: n("resolved"),
            resolved_on_time: n("resolved_on_time"),
            visited: n("visited"),
            satisfied: n("satisfied"),
            basic: n("basic"),
            whistles: n("whistles"),
            whistle_assignments: n("whistle_assignments"),
            whistle_signed_on_time: n("whistle_signed_on_time"),
            supervised: n("supervised"),
        }
    }
}

/// One row of `work_order_events` with its order's priority and status.
struct EventRow {
    order: String,
    at: i64,
    month: String,
    action: String,
    from: String,
    to: String,
    on_time: bool,
    minutes: Option<i64>,
    satisfaction: String,
    department: bool,
    street: String,
    urgent: bool,
    order_status: String,
}

fn shanghai_month(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000).unwrap().format("%Y-%m").to_string()
}

#[tokio::test]
async fn generated_work_orders_have_consistent_logs_and_the_street_scorecard_is_their_recount() {
    let mut app = spawn_app().await;
    let report = generate(&app, 5).await;
    assert!(report.contains("24 departments, 300 work orders"), "{report}");
    let admin = app.admin_token().await;

    let departments = app.get("/api/v1/departments", &admin).await;
    let departments = departments.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(departments.len(), 20 + 2 * 2, "twenty at the district, two in each of two streets");
    for name in ["区城管局", "区住建局", "区水务局", "区供电局"] {
        assert!(departments.iter().any(|d| d["name"] == name), "no {name}");
    }

    let orders = all_orders(&app, &admin).await;
    assert_eq!(orders.len(), 300);
    let mut by_status: HashMap<String, usize> = HashMap::new();
    for o in &orders {
        *by_status.entry(str_of(o, "status").to_owned()).or_default() += 1;
    }
    for s in ["reported", "accepted", "escalated", "dispatched", "signed", "returned", "resolved", "reopened"] {
        assert_eq!(by_status.get(s), Some(&2), "two open orders {s}: {by_status:?}");
    }
    assert_eq!(by_status.get("declined"), Some(&2), "one in 150 declined: {by_status:?}");
    assert_eq!(by_status.get("closed"), Some(&(300 - 16 - 2)), "{by_status:?}");

    // Every log starts with the report, each step starts where the one before ended, the last
    // one leaves the order's status, months are Asia/Shanghai's, and the minutes of signatures
    // and resolutions are the order's clock since the round's dispatch.
    let rows: Vec<EventRow> = haolin_tests::query_sql(
        &app.database_url,
        "SELECT e.order_id, e.at, e.month, e.action, e.from_status, e.to_status, e.on_time, e.minutes, \
         e.satisfaction, e.department_id, e.street_id, o.priority, o.status \
         FROM work_order_events e JOIN work_orders o ON o.id = e.order_id ORDER BY e.order_id, e.id",
    )
    .into_iter()
    .map(|r| EventRow {
        order: r[0].clone(),
        at: r[1].parse().unwrap(),
        month: r[2].clone(),
        action: r[3].clone(),
        from: r[4].clone(),
        to: r[5].clone(),
        on_time: r[6] == "1",
        minutes: r[7].parse().ok(),
        satisfaction: r[8].clone(),
        department: !r[9].is_empty(),
        street: r[10].clone(),
        urgent: r[11] == "urgent",
        order_status: r[12].clone(),
    })
    .collect();
    let calendar = WorkCalendar::shipped(WorkingHours::default());
    let (mut status, mut dispatched_at, mut whistled) = (String::new(), 0, 0);
    for (i, e) in rows.iter().enumerate() {
        let first = i == 0 || rows[i - 1].order != e.order;
        if first {
            assert_eq!((e.action.as_str(), e.to.as_str()), ("report", "reported"), "order {}", e.order);
        } else {
            assert_eq!(e.from, status, "order {}: {} from {} after {status}", e.order, e.action, e.from);
            assert!(e.at >= rows[i - 1].at, "order {}: the log is in time order", e.order);
        }
        assert_eq!(e.month, shanghai_month(e.at), "order {} {}", e.order, e.action);
        if matches!(e.action.as_str(), "dispatch" | "whistle") && e.from != e.to {
            dispatched_at = e.at;
            whistled += i64::from(e.action == "whistle");
        }
        if matches!(e.action.as_str(), "sign" | "resolve") {
            let want = if e.urgent {
                (e.at - dispatched_at) / 60_000
            } else {
                calendar.working_minutes_between(dispatched_at, e.at)
            };
            assert_eq!(e.minutes, Some(want), "order {} {} at {}", e.order, e.action, e.at);
        }
        status = e.to.clone();
        if rows.get(i + 1).is_none_or(|next| next.order != e.order) {
            assert_eq!(status, e.order_status, "order {}: the log ends where the order stands", e.order);
        }
    }
    assert!((15..=60).contains(&whistled), "about one order in ten is whistled: {whistled}");

    // The street's scorecard for the year is the recount of its event rows, month by month.
    let street = all_places(&app, &admin, "street").await.into_iter().find(|p| p["code"] == "520201001").unwrap();
    let street_id = str_of(&street, "id").to_owned();
    let mut months: std::collections::BTreeMap<String, Recount> = std::collections::BTreeMap::new();
    for e in rows.iter().filter(|e| e.street == street_id) {
        let m = months.entry(e.month.clone()).or_default();
        match e.action.as_str() {
            "report" => m.received += 1,
            "dispatch" => m.dispatched += 1,
            "whistle" => {
                m.dispatched += 1;
                m.whistle_assignments += 1;
                m.whistles += i64::from(e.from != e.to);
            }
            "sign" => {
                m.signed_on_time += i64::from(e.on_time);
                m.whistle_signed_on_time += i64::from(e.on_time && e.department);
            }
            "resolve" | "resolve_on_spot" => {
                m.resolved += 1;
                m.resolved_on_time += i64::from(e.on_time);
            }
            "visit" => {
                m.visited += 1;
                m.satisfied += i64::from(e.satisfaction == "satisfied");
                m.basic += i64::from(e.satisfaction == "basic");
            }
            "supervise" | "flag_overdue" => m.supervised += 1,
            _ => {}
        }
    }
    // The street's officer reads it (the first street's is 13300000000).
    let officer = app.login("13300000000", "haolin123").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let from = today - chrono::Duration::days(400);
    let card = app
        .get(
            &format!("/api/v1/work-orders/scorecard?unit=street&id={street_id}&from={from}&to={today}"),
            str_of(&officer, "access_token"),
        )
        .await;
    let card = card.expect_status(200);
    let got: std::collections::BTreeMap<String, Recount> =
        card["months"].as_array().unwrap().iter().map(|m| (str_of(m, "month").to_owned(), Recount::of(m))).collect();
    assert_eq!(got, months, "the scorecard's months are the recount of the event rows");
    let total = Recount::of(&card["total"]);
    assert!(total.received > 100 && total.whistles > 0 && total.supervised > 0, "{total:?}");
    assert_eq!(total.received, months.values().map(|m| m.received).sum::<i64>());
    assert_eq!(total.visited, months.values().map(|m| m.visited).sum::<i64>());
    assert_eq!(total.supervised, months.values().map(|m| m.supervised).sum::<i64>());
    let rate = card["total"]["response_rate"].as_f64().unwrap();
    assert!(rate > 0.8 && rate < 1.0, "most signatures are on time, not all: {rate}");

    // The card reads the day sums written with the log. Emptied, as before the migration that
    // added them, they are filled from the log when the server starts: the same card.
    let card = card.clone();
    assert!(count(&app, "SELECT COUNT(*) FROM work_order_day_sums") > 0, "the generator summed its orders' days");
    run_sql(&app.database_url, "DELETE FROM work_order_day_sums");
    app.restart().await;
    let officer = app.login("13300000000", "haolin123").await;
    let again = app
        .get(
            &format!("/api/v1/work-orders/scorecard?unit=street&id={street_id}&from={from}&to={today}"),
            str_of(&officer, "access_token"),
        )
        .await;
    assert_eq!(again.expect_status(200), &card, "the refilled day sums give the same card");
}

/// One integer from `sql`.
fn count(app: &TestApp, sql: &str) -> i64 {
    let rows = haolin_tests::query_sql(&app.database_url, sql);
    rows.first().and_then(|r| r.first()).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{sql}: {rows:?}"))
}

#[tokio::test]
async fn generated_teams_activities_and_ledger_keep_the_time_banks_rules() {
    // No job run while the rows are read (the first one ran at start-up, before the district).
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_JOBS__INTERVAL", "1h");
    })
    .await;
    generate(&app, 7).await;

    // Teams: 4 at the district, 4 in each of 2 streets, 3 in each of 4 communities, named once per
    // place, each counting its approved members and led by one of them.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM teams"), 4 + 2 * 4 + 4 * 3);
    let levels = "SELECT COUNT(*) FROM teams t JOIN places p ON p.id = t.place_id \
                  WHERE p.level NOT IN ('district', 'street', 'community')";
    assert_eq!(count(&app, levels), 0, "teams belong to the district, streets and communities");
    assert!(count(&app, "SELECT COUNT(*) FROM teams WHERE name = '红马甲志愿服务队' OR name = '党员先锋队'") > 0);
    let bad = "SELECT COUNT(*) FROM teams t WHERE t.member_count <> (SELECT COUNT(*) FROM team_members m \
               WHERE m.team_id = t.id AND m.role IN ('member', 'leader')) \
               OR NOT EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.role = 'leader')";
    assert_eq!(count(&app, bad), 0, "member counts and leaders");
    assert!(count(&app, "SELECT COUNT(*) FROM team_members WHERE role = 'pending' AND joined_at IS NULL") > 0);

    // Activities: a year of them in daytime China time, past ones confirmed, future ones published,
    // a few cancelled; the organiser leads the team; the counters are the sign-up rows.
    let activities = count(&app, "SELECT COUNT(*) FROM activities");
    assert!((300..=800).contains(&activities), "{activities} activities");
    for status in ["confirmed", "published", "cancelled"] {
        assert!(count(&app, &format!("SELECT COUNT(*) FROM activities WHERE status = '{status}'")) > 0, "{status}");
    }
    let now = chrono::Utc::now().timestamp_millis();
    let wrong = format!(
        "SELECT COUNT(*) FROM activities WHERE (status = 'confirmed' AND ends_at > {now}) \
         OR (status = 'published' AND ends_at < {now} - 3 * 86400000) \
         OR (starts_at / 60000 + 480) % 1440 < 480 OR (ends_at / 60000 + 480) % 1440 > 1200 \
         OR NOT EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = activities.team_id \
           AND m.user_id = activities.organiser_id AND m.role = 'leader')"
    );
    assert_eq!(count(&app, &wrong), 0, "statuses, daytime, organisers");
    let counters = "SELECT COUNT(*) FROM activities a WHERE a.seats_taken <> (SELECT COUNT(*) FROM activity_signups s \
                    WHERE s.activity_id = a.id AND s.status = 'seated') OR a.waitlist <> (SELECT COUNT(*) \
                    FROM activity_signups s WHERE s.activity_id = a.id AND s.status = 'waitlisted') \
                    OR (a.waitlist > 0 AND a.seats_taken < a.capacity)";
    assert_eq!(count(&app, counters), 0, "seats and waitlists are the rows'");
    // Nobody waits ahead of someone seated after them (moved up in order).
    let order = "SELECT COUNT(*) FROM activity_signups w JOIN activity_signups s ON s.activity_id = w.activity_id \
                 AND s.status = 'seated' AND w.status = 'waitlisted' AND w.id < s.id";
    assert_eq!(count(&app, order), 0, "the waitlist is in sign-up order");
    for status in ["seated", "waitlisted", "withdrawn"] {
        assert!(count(&app, &format!("SELECT COUNT(*) FROM activity_signups WHERE status = '{status}'")) > 0);
    }
    // Attendance: minutes are check-out minus check-in capped by the activity's length; only seated
    // people on confirmed activities are confirmed, each credited once with their minutes.
    let attendance = "SELECT COUNT(*) FROM activity_signups s JOIN activities a ON a.id = s.activity_id \
                      WHERE s.minutes IS NOT NULL AND (s.minutes <> CASE \
                        WHEN (s.checked_out_at - s.checked_in_at) / 60000 < (a.ends_at - a.starts_at) / 60000 \
                        THEN (s.checked_out_at - s.checked_in_at) / 60000 ELSE (a.ends_at - a.starts_at) / 60000 END \
                      OR s.status <> 'seated')";
    assert_eq!(count(&app, attendance), 0, "attended minutes");
    let confirmed = count(&app, "SELECT COUNT(*) FROM activity_signups WHERE confirmed_at IS NOT NULL");
    assert!(confirmed > 500, "{confirmed} confirmed attendances");
    let credited = "SELECT COUNT(*) FROM activity_signups s JOIN activities a ON a.id = s.activity_id \
                    JOIN ledger_transfers t ON t.once_key = 'activity:' || s.activity_id || ':' || s.user_id \
                    WHERE s.confirmed_at IS NOT NULL AND a.status = 'confirmed' AND t.kind = 'activity_credit' \
                    AND t.minutes = s.minutes AND t.activity_id = a.id AND t.at = s.confirmed_at";
    assert_eq!(count(&app, credited), confirmed, "each confirmed attendance is credited once");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM ledger_transfers WHERE kind = 'activity_credit'"), confirmed);

    // Wishes: each confirmed one credits its member its credit_minutes once (`wish:{id}`), a paid one
    // by the resident's escrow instead; a live paid wish's price is held.
    let confirmed_wishes = count(&app, "SELECT COUNT(*) FROM wishes WHERE status = 'confirmed'");
    let wish_credits = "SELECT COUNT(*) FROM wishes w JOIN ledger_transfers t ON t.once_key = 'wish:' || w.id \
                        JOIN ledger_accounts a ON a.id = t.to_account AND a.kind = 'person' AND a.owner_id = w.member_id \
                        WHERE w.status = 'confirmed' AND t.wish_id = w.id AND ((t.kind = 'wish_credit' \
                        AND w.paid_minutes IS NULL AND t.minutes = w.credit_minutes AND w.credit_minutes = 60) \
                        OR (t.kind = 'escrow_pay' AND t.minutes = w.paid_minutes))";
    assert_eq!(count(&app, wish_credits), confirmed_wishes, "every confirmed wish credits its member once");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM ledger_transfers WHERE once_key LIKE 'wish:%'"), confirmed_wishes);
    let paid = count(&app, "SELECT COUNT(*) FROM wishes WHERE paid_minutes IS NOT NULL");
    assert!(paid > 0, "some wishes are paid in hours");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM ledger_transfers WHERE kind = 'escrow_hold'"), paid);
    let escrow = "SELECT COUNT(*) FROM ledger_accounts a WHERE a.kind = 'escrow' AND a.balance <> \
                  (SELECT COALESCE(SUM(w.paid_minutes), 0) FROM wishes w WHERE w.resident_id = a.owner_id \
                  AND w.status IN ('pending_review', 'open', 'claimed', 'fulfilled'))";
    assert_eq!(count(&app, escrow), 0, "escrow holds the live paid wishes' prices");

    // The ledger's invariants, exactly.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM ledger_accounts WHERE kind = 'issue' AND owner_id = 0"), 1);
    assert_eq!(count(&app, "SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts"), 0, "balances sum to zero");
    let sums = "SELECT COUNT(*) FROM ledger_accounts a WHERE a.balance <> \
                (SELECT COALESCE(SUM(m.minutes), 0) FROM ledger_movements m WHERE m.account_id = a.id) \
                OR (a.kind <> 'issue' AND a.balance < 0)";
    assert_eq!(count(&app, sums), 0, "each balance is the sum of its movements");
    let transfers = "SELECT COUNT(*) FROM ledger_transfers t WHERE 2 <> (SELECT COUNT(*) FROM ledger_movements m \
                     WHERE m.transfer_id = t.id) OR 0 <> (SELECT SUM(m.minutes) FROM ledger_movements m \
                     WHERE m.transfer_id = t.id) OR NOT EXISTS (SELECT 1 FROM ledger_movements m \
                     WHERE m.transfer_id = t.id AND m.account_id = t.to_account AND m.minutes = t.minutes AND m.at = t.at) \
                     OR NOT EXISTS (SELECT 1 FROM ledger_movements m WHERE m.transfer_id = t.id \
                     AND m.account_id = t.from_account AND m.minutes = -t.minutes)";
    assert_eq!(count(&app, transfers), 0, "each transfer is two movements summing to zero");
    let running = "SELECT COUNT(*) FROM (SELECT m.balance_after, a.kind, SUM(m.minutes) OVER \
                   (PARTITION BY m.account_id ORDER BY m.id) AS running FROM ledger_movements m \
                   JOIN ledger_accounts a ON a.id = m.account_id) r \
                   WHERE r.balance_after <> r.running OR (r.kind <> 'issue' AND r.balance_after < 0)";
    assert_eq!(count(&app, running), 0, "running balances in id order, never below zero but the issue's");
    let in_time =
        "SELECT COUNT(*) FROM ledger_transfers a JOIN ledger_transfers b ON b.id = a.id + 1 WHERE b.at < a.at";
    assert_eq!(count(&app, in_time), 0, "transfers in time order");
    let earned = "SELECT COUNT(*) FROM ledger_accounts a WHERE a.earned <> (SELECT COALESCE(SUM(t.minutes), 0) \
                  FROM ledger_transfers t WHERE t.to_account = a.id \
                  AND t.kind IN ('wish_credit', 'activity_credit', 'escrow_pay'))";
    assert_eq!(count(&app, earned), 0, "earned is the lifetime service credits");
    for kind in ["mint", "wish_credit", "activity_credit", "escrow_hold", "escrow_pay", "gift"] {
        assert!(count(&app, &format!("SELECT COUNT(*) FROM ledger_transfers WHERE kind = '{kind}'")) > 0, "{kind}");
    }
    let gifts = "SELECT COUNT(*) FROM ledger_transfers t JOIN ledger_accounts f ON f.id = t.from_account \
                 JOIN ledger_accounts r ON r.id = t.to_account WHERE t.kind = 'gift' AND NOT EXISTS \
                 (SELECT 1 FROM family_links l WHERE l.user_id = f.owner_id AND l.relative_id = r.owner_id \
                 AND l.accepted_at IS NOT NULL AND l.accepted_at <= t.at)";
    assert_eq!(count(&app, gifts), 0, "gifts go along accepted family links");
    let credits_from_issue = "SELECT COUNT(*) FROM ledger_transfers t JOIN ledger_accounts f ON f.id = t.from_account \
                              WHERE t.kind IN ('wish_credit', 'activity_credit', 'mint') AND f.kind <> 'issue'";
    assert_eq!(count(&app, credits_from_issue), 0, "credits and mints come from the issue account");

    // The server agrees: its check of the whole ledger, and the summary and ledger page of the
    // person who earned the most.
    let admin = app.admin_token().await;
    let check = app.get("/api/v1/admin/time-bank/check", &admin).await;
    let check = check.expect_status(200);
    assert_eq!(check["ok"], true, "{check}");
    assert_eq!(check["balance_sum"], 0);
    assert_eq!(check["transfers"].as_i64(), Some(count(&app, "SELECT COUNT(*) FROM ledger_transfers")));
    let top = haolin_tests::query_sql(
        &app.database_url,
        "SELECT u.phone, a.balance, a.earned, (SELECT COUNT(*) FROM ledger_movements m WHERE m.account_id = a.id) \
         FROM ledger_accounts a JOIN users u ON u.id = a.owner_id WHERE a.kind = 'person' \
         ORDER BY a.earned DESC, a.id LIMIT 1",
    );
    let [phone, balance, earned, movements] = &top[0][..] else { panic!("{top:?}") };
    let login = app.login(phone, "haolin123").await;
    let token = str_of(&login, "access_token").to_owned();
    let summary = app.get("/api/v1/me/time-bank", &token).await;
    let summary = summary.expect_status(200);
    assert_eq!(summary["balance_minutes"].as_i64(), balance.parse().ok(), "{summary}");
    assert_eq!(summary["lifetime_minutes"].as_i64(), earned.parse().ok(), "{summary}");
    let page = app.get("/api/v1/me/time-bank/ledger?limit=20", &token).await;
    let page = page.expect_status(200);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 20.min(movements.parse().unwrap()));
    assert_eq!(items[0]["balance_after"].as_i64(), balance.parse().ok(), "{page}");
    for pair in items.windows(2) {
        let newer = pair[0]["balance_after"].as_i64().unwrap() - pair[0]["minutes"].as_i64().unwrap();
        assert_eq!(Some(newer), pair[1]["balance_after"].as_i64(), "each balance follows the one before");
    }
}
