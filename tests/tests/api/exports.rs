//! Exports (docs/EXPORTS.md): CSV parsed with the `csv` crate and XLSX read back with `calamine`,
//! compared cell by cell with the JSON list of the same filter; the byte-order mark; the CSV
//! injection escape; scope refusals; signed links (once, in time, bound to the path and query);
//! bad filters and the row bound answered as API errors before any byte of a file.

use std::io::Cursor;
use std::time::Duration;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, FixedOffset};
use haolin_tests::{TestApp, World, assert_error, assert_invalid_field, spawn_app, spawn_app_with, str_of};
use reqwest::Method;
use serde_json::{Value, json};

/// Titles a spreadsheet would run as formulas.
const RISKY: [&str; 4] = ["=1+1 公式", "+86 电话", "-减号开头", "@提及某人"];

struct Download {
    status: u16,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Download {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn download(app: &TestApp, path: &str, token: Option<&str>) -> Download {
    let resp = app.request(Method::GET, path, token).send().await.expect("the request is sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("the body is read").to_vec();
    Download { status, headers, bytes }
}

/// An error download: the API error shape, JSON, and no file.
fn assert_no_file(d: &Download, status: u16, code: &str) {
    assert_eq!(d.status, status, "{}", String::from_utf8_lossy(&d.bytes));
    assert!(d.header("content-type").starts_with("application/json"), "{}", d.header("content-type"));
    assert!(d.header("content-disposition").is_empty());
    assert!(!d.bytes.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(d.json()["error"]["code"], code, "{}", d.json());
}

fn status_label(status: &str) -> &'static str {
    match status {
        "pending_review" => "待审核",
        "rejected" => "未通过",
        "open" => "待认领",
        "assigned" => "已派单",
        "claimed" => "进行中",
        "fulfilled" => "待确认",
        "confirmed" => "已完成",
        "cancelled" => "已取消",
        "pending" => "待审核",
        "approved" => "已通过",
        "withdrawn" => "已撤回",
        other => panic!("unknown status {other}"),
    }
}

/// An RFC 3339 instant as exports show it: China time, to the second.
fn china_time(rfc3339: &str) -> String {
    let t = DateTime::parse_from_rfc3339(rfc3339).expect("an RFC 3339 time");
    let china = FixedOffset::east_opt(8 * 3600).expect("+08:00");
    t.with_timezone(&china).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_owned()
}

/// The cells a wish's row holds, as text, in the export's column order.
fn wish_cells(w: &Value) -> Vec<String> {
    vec![
        text(&w["id"]),
        text(&w["title"]),
        text(&w["description"]),
        text(&w["category"]),
        status_label(str_of(w, "status")).to_owned(),
        text(&w["community"]["name"]),
        text(&w["grid"]["name"]),
        text(&w["resident"]["name"]),
        text(&w["contact_phone"]),
        text(&w["claimant"]["name"]),
        text(&w["assignee"]["name"]),
        text(&w["expected_by"]),
        text(&w["fulfilment_note"]),
        w["rating"].as_i64().map(|r| r.to_string()).unwrap_or_default(),
        text(&w["comment"]),
        w["credit_minutes"].as_i64().unwrap_or(0).to_string(),
        china_time(str_of(w, "created_at")),
        china_time(str_of(w, "updated_at")),
    ]
}

const WISH_HEADER: [&str; 18] = [
    "编号",
    "标题",
    "描述",
    "类别",
    "状态",
    "社区",
    "网格",
    "居民",
    "联系电话",
    "认领党员",
    "派单党员",
    "期望时间",
    "完成说明",
    "评分",
    "评价",
    "时间币（分钟）",
    "发布时间",
    "更新时间",
];

/// A CSV file's records after its byte-order mark (which must be there).
fn csv_records(d: &Download) -> Vec<Vec<String>> {
    assert!(d.bytes.starts_with(b"\xEF\xBB\xBF"), "no byte-order mark");
    let body = &d.bytes[3..];
    assert!(body.windows(2).any(|w| w == b"\r\n"), "lines end in CRLF");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(body);
    reader.records().map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect()).collect()
}

/// An XLSX file's first sheet as text: numbers as integers, dates in the export's time format.
fn xlsx_records(d: &Download) -> (Vec<Vec<String>>, Vec<Vec<Data>>) {
    assert!(d.bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(d.bytes.clone())).expect("an XLSX workbook");
    let range = workbook.worksheet_range_at(0).expect("a first sheet").expect("a readable sheet");
    let raw: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let as_text = raw
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    Data::DateTime(t) => {
                        let secs = ((t.as_f64() - 25_569.0) * 86_400.0).round() as i64;
                        let t = DateTime::from_timestamp(secs, 0).expect("a time");
                        t.format("%Y-%m-%d %H:%M:%S").to_string()
                    }
                    Data::Empty => String::new(),
                    other => panic!("an unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect();
    (as_text, raw)
}

/// Posts a wish with `title` as the world's resident.
async fn wish_titled(app: &TestApp, w: &World, title: &str) -> Value {
    let mut body = app.wish_body(&w.community_id);
    body["title"] = json!(title);
    app.post("/api/v1/wishes", &w.resident.token, &body).await.expect_status(201).clone()
}

/// A community with wishes in several statuses, four of them with risky titles.
async fn world_with_wishes(app: &TestApp) -> World {
    let w = app.world().await;
    let mut ids = Vec::new();
    for title in RISKY {
        ids.push(str_of(&wish_titled(app, &w, title).await, "id").to_owned());
    }
    app.act_ok(&w.dispatcher.token, &ids[0], "approve", json!({})).await;
    app.act_ok(&w.dispatcher.token, &ids[1], "approve", json!({})).await;
    app.post_wish(&w.resident.token, &w.community_id).await;
    w
}

#[tokio::test]
async fn wishes_as_csv_and_xlsx_match_the_list_cell_by_cell_with_formulas_escaped() {
    let app = spawn_app().await;
    let w = world_with_wishes(&app).await;
    let token = &w.dispatcher.token;
    for filter in ["", "status=open", &format!("community_id={}&status=pending_review", w.community_id)] {
        let list = app.list_all_wishes(token, filter).await;
        assert!(!list.is_empty(), "{filter}");
        let expected: Vec<Vec<String>> = list.iter().map(wish_cells).collect();

        let csv = download(&app, &format!("/api/v1/exports/wishes.csv?{filter}"), Some(token)).await;
        assert_eq!(csv.status, 200, "{}", String::from_utf8_lossy(&csv.bytes));
        assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
        let disposition = csv.header("content-disposition");
        assert!(disposition.starts_with("attachment; filename=\"wishes-"), "{disposition}");
        // 心愿清单, percent-encoded UTF-8.
        assert!(disposition.contains("filename*=UTF-8''%E5%BF%83%E6%84%BF%E6%B8%85%E5%8D%95-"), "{disposition}");
        assert!(disposition.ends_with(".csv"), "{disposition}");
        let records = csv_records(&csv);
        assert_eq!(records[0], WISH_HEADER);
        assert_eq!(records.len(), expected.len() + 1, "{filter}");
        for (row, want) in records[1..].iter().zip(&expected) {
            let mut want = want.clone();
            // CSV escapes a text a spreadsheet would run as a formula.
            if want[1].starts_with(['=', '+', '-', '@']) {
                want[1] = format!("'{}", want[1]);
            }
            assert_eq!(row, &want, "{filter}");
        }

        let xlsx = download(&app, &format!("/api/v1/exports/wishes.xlsx?{filter}"), Some(token)).await;
        assert_eq!(xlsx.status, 200, "{}", String::from_utf8_lossy(&xlsx.bytes));
        assert_eq!(xlsx.header("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert!(xlsx.header("content-disposition").ends_with(".xlsx"));
        let (rows, raw) = xlsx_records(&xlsx);
        assert_eq!(rows[0], WISH_HEADER);
        assert_eq!(rows.len(), expected.len() + 1, "{filter}");
        for (row, want) in rows[1..].iter().zip(&expected) {
            // calamine drops trailing empty cells of the sheet's last columns only when all are
            // empty; compare what is there and that the rest is empty.
            for (i, want) in want.iter().enumerate() {
                assert_eq!(row.get(i).map(String::as_str).unwrap_or(""), want, "column {i} of {filter}");
            }
        }
        // XLSX keeps a risky title as typed, as a string cell, never a formula.
        for row in &raw[1..] {
            assert!(matches!(row[1], Data::String(_)), "{:?}", row[1]);
            assert!(matches!(row[16], Data::DateTime(_)), "{:?}", row[16]);
        }
    }
    // Every risky title is in the full export, escaped in CSV.
    let csv = download(&app, "/api/v1/exports/wishes.csv", Some(token)).await;
    let titles: Vec<String> = csv_records(&csv)[1..].iter().map(|r| r[1].clone()).collect();
    for risky in RISKY {
        assert!(titles.contains(&format!("'{risky}")), "{risky} in {titles:?}");
    }
    // The dispatcher sees the resident's phone; the file does too.
    assert!(csv_records(&csv)[1..].iter().all(|r| !r[8].is_empty()));
}

#[tokio::test]
async fn check_ins_as_csv_and_xlsx_match_the_list() {
    let app = spawn_app().await;
    let w = app.world().await;
    for _ in 0..2 {
        let member = app.register_resident().await;
        let body = json!({"community_id": w.community_id,
            "certificate_no": "FWZ-2026-0001", "letter_ref": "=钟组介〔2026〕12号"});
        app.post("/api/v1/checkins", &member.token, &body).await.expect_status(201);
    }
    let list = app.get(&format!("/api/v1/checkins?community_id={}", w.community_id), &w.dispatcher.token).await;
    let list = list.expect_status(200)["items"].as_array().cloned().expect("items");
    assert_eq!(list.len(), 2);
    let expected: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            vec![
                text(&c["id"]),
                text(&c["member"]["name"]),
                text(&c["community_id"]),
                text(&c["unit_branch_id"]),
                text(&c["certificate_no"]),
                text(&c["letter_ref"]),
                status_label(str_of(c, "status")).to_owned(),
                text(&c["reason"]),
                china_time(str_of(c, "created_at")),
                c["decided_at"].as_str().map(china_time).unwrap_or_default(),
            ]
        })
        .collect();
    let path = format!("community_id={}", w.community_id);
    let csv = download(&app, &format!("/api/v1/exports/checkins.csv?{path}"), Some(&w.dispatcher.token)).await;
    assert_eq!(csv.status, 200);
    let records = csv_records(&csv);
    assert_eq!(records[0][0], "编号");
    assert_eq!(records.len(), 3);
    for (row, want) in records[1..].iter().zip(&expected) {
        let mut want = want.clone();
        want[5] = format!("'{}", want[5]);
        assert_eq!(row, &want);
    }
    let xlsx = download(&app, &format!("/api/v1/exports/checkins.xlsx?{path}"), Some(&w.dispatcher.token)).await;
    assert_eq!(xlsx.status, 200);
    let (rows, _) = xlsx_records(&xlsx);
    assert_eq!(rows.len(), 3);
    for (row, want) in rows[1..].iter().zip(&expected) {
        for (i, want) in want.iter().enumerate() {
            assert_eq!(row.get(i).map(String::as_str).unwrap_or(""), want, "column {i}");
        }
    }
}

#[tokio::test]
async fn exports_are_refused_outside_the_callers_scope_and_bad_filters_send_no_file() {
    let app = spawn_app().await;
    let w = world_with_wishes(&app).await;
    let other = app.world().await;
    let ours = format!("community_id={}", w.community_id);
    for ext in ["csv", "xlsx"] {
        for kind in ["wishes", "checkins"] {
            let path = format!("/api/v1/exports/{kind}.{ext}");
            // Another community's dispatcher: refused for ours.
            let d = download(&app, &format!("{path}?{ours}"), Some(&other.dispatcher.token)).await;
            assert_no_file(&d, 403, "forbidden");
            // Residents and members export nothing.
            for token in [&w.resident.token, &w.member.token] {
                assert_no_file(&download(&app, &path, Some(token)).await, 403, "forbidden");
            }
            assert_no_file(&download(&app, &path, None).await, 401, "missing_token");
            for bad in ["status=bogus", "community_id=abc", "community_id=-1"] {
                let d = download(&app, &format!("{path}?{bad}"), Some(&w.dispatcher.token)).await;
                assert!(d.status == 400 || d.status == 422, "{bad}: {}", d.status);
                assert!(d.json()["error"]["message"].is_string(), "{bad}");
                assert!(d.header("content-disposition").is_empty());
            }
        }
        let d = download(&app, &format!("/api/v1/exports/wishes.{ext}?mine=maybe"), Some(&w.dispatcher.token)).await;
        assert_no_file(&d, 422, "invalid_field");
    }
    // Without a filter, the other dispatcher's file holds none of our wishes.
    let d = download(&app, "/api/v1/exports/wishes.csv", Some(&other.dispatcher.token)).await;
    let records = csv_records(&d);
    assert_eq!(records.len(), 1, "only the header: {records:?}");
}

#[tokio::test]
async fn a_signed_link_works_once_in_time_for_its_exact_path_and_query() {
    let app = spawn_app().await;
    let w = world_with_wishes(&app).await;
    let token = &w.dispatcher.token;
    let link = |path: &str| json!({"path": path});
    let path = "/api/v1/exports/wishes.xlsx?status=open";
    let signed = app.post("/api/v1/exports/links", token, &link(path)).await.expect_status(200).clone();
    let url = str_of(&signed, "url").to_owned();
    assert!(url.starts_with("/api/v1/exports/wishes.xlsx?status=open&expires="), "{url}");

    // Tampered: the signature, the query, another path.
    let (head, sig) = url.rsplit_once("&sig=").expect("a signature");
    let flipped = format!("{head}&sig={}{}", if sig.starts_with('0') { "1" } else { "0" }, &sig[1..]);
    assert_no_file(&download(&app, &flipped, None).await, 401, "invalid_token");
    let other_query = url.replace("status=open", "status=pending_review");
    assert_no_file(&download(&app, &other_query, None).await, 401, "invalid_token");
    let other_path = url.replace("wishes.xlsx", "wishes.csv");
    assert_no_file(&download(&app, &other_path, None).await, 401, "invalid_token");
    let longer = url.replace("&uid=", "&status=open&uid=");
    assert_no_file(&download(&app, &longer, None).await, 401, "invalid_token");

    // Genuine: the file, without a Bearer header, once.
    let d = download(&app, &url, None).await;
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    let (rows, _) = xlsx_records(&d);
    assert_eq!(rows.len(), 1 + app.list_all_wishes(token, "status=open").await.len());
    assert_no_file(&download(&app, &url, None).await, 401, "invalid_token");

    // Signing checks the path, its filters and the caller's rights.
    for bad in ["/api/v1/wishes", "/api/v1/exports/nothing.csv", "/api/v1/exports/wishes.pdf", "wishes.csv"] {
        assert_invalid_field(&app.post("/api/v1/exports/links", token, &link(bad)).await, "path");
    }
    let reserved = "/api/v1/exports/wishes.csv?sig=abc";
    assert_invalid_field(&app.post("/api/v1/exports/links", token, &link(reserved)).await, "path");
    let bad_filter = app.post("/api/v1/exports/links", token, &link("/api/v1/exports/wishes.csv?status=x")).await;
    assert_invalid_field(&bad_filter, "status");
    let resident = app.post("/api/v1/exports/links", &w.resident.token, &link(path)).await;
    assert_error(&resident, 403, "forbidden");

    // A link dies with its session.
    let signed = app.post("/api/v1/exports/links", token, &link(path)).await.expect_status(200).clone();
    let out = app.send(app.request(Method::POST, "/api/v1/auth/logout", Some(token))).await;
    assert!(out.status < 300, "{}", out.text);
    assert_no_file(&download(&app, str_of(&signed, "url"), None).await, 401, "invalid_token");
}

#[tokio::test]
async fn an_expired_link_and_an_export_over_the_row_bound_are_refused() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_EXPORTS__LINK_TTL", "1s").set("HAOLIN_EXPORTS__MAX_ROWS", "3");
    })
    .await;
    let w = world_with_wishes(&app).await;
    let token = &w.dispatcher.token;
    // Five wishes: over the bound of three, a 422 asking for a narrower filter, no file.
    for ext in ["csv", "xlsx"] {
        let d = download(&app, &format!("/api/v1/exports/wishes.{ext}"), Some(token)).await;
        assert_no_file(&d, 422, "invalid_field");
        assert!(str_of(&d.json()["error"], "message").contains("缩小筛选范围"));
        // Two open wishes: within it.
        let d = download(&app, &format!("/api/v1/exports/wishes.{ext}?status=open"), Some(token)).await;
        assert_eq!(d.status, 200);
    }
    let signed =
        app.post("/api/v1/exports/links", token, &json!({"path": "/api/v1/exports/wishes.csv?status=open"})).await;
    let url = str_of(signed.expect_status(200), "url").to_owned();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_no_file(&download(&app, &url, None).await, 401, "invalid_token");
}

fn yes_no(v: &Value) -> String {
    if v.as_bool() == Some(true) { "是" } else { "否" }.to_owned()
}

fn order_status_label(status: &str) -> &'static str {
    match status {
        "reported" => "待受理",
        "accepted" => "已受理",
        "declined" => "不予受理",
        "escalated" => "已上报街道",
        "dispatched" => "待签收",
        "signed" => "办理中",
        "returned" => "已退单",
        "resolved" => "待回访",
        "reopened" => "重办",
        "closed" => "已办结",
        other => panic!("unknown order status {other}"),
    }
}

fn order_cells(o: &Value) -> Vec<String> {
    let departments: Vec<String> =
        o["departments"].as_array().map(|d| d.iter().map(|d| text(&d["name"])).collect()).unwrap_or_default();
    let priority = match str_of(o, "priority") {
        "urgent" => "紧急",
        "normal" => "一般",
        "complex" => "复杂",
        other => panic!("unknown priority {other}"),
    };
    vec![
        text(&o["id"]),
        text(&o["title"]),
        text(&o["description"]),
        text(&o["category"]),
        priority.to_owned(),
        order_status_label(str_of(o, "status")).to_owned(),
        text(&o["source"]),
        text(&o["grid"]["name"]),
        text(&o["reporter"]["name"]),
        departments.join("、"),
        o["resolve_due_at"].as_str().map(china_time).unwrap_or_default(),
        o["resolved_at"].as_str().map(china_time).unwrap_or_default(),
        text(&o["resolution_note"]),
        yes_no(&o["supervised"]),
        yes_no(&o["overdue"]),
        match o["satisfaction"].as_str() {
            Some("satisfied") => "满意".to_owned(),
            Some("basic") => "基本满意".to_owned(),
            Some("unsatisfied") => "不满意".to_owned(),
            _ => String::new(),
        },
        china_time(str_of(o, "created_at")),
        china_time(str_of(o, "updated_at")),
    ]
}

#[tokio::test]
async fn work_orders_as_csv_and_xlsx_match_the_list_for_the_dispatcher_and_the_street_officer() {
    let app = spawn_app().await;
    let [_, street, community, grid, _] = app.small_tree().await;
    let c = str_of(&community, "id");
    let dispatcher = app.create_actor(&["dispatcher"], &[c]).await;
    let officer = app.create_actor(&["street_officer"], &[]).await;
    app.grant_at(&officer.id, "street_officer", &street).await;
    let resident = app.register_resident().await;
    app.put("/api/v1/me/home", &resident.token, &json!({"place_id": grid["id"]})).await.expect_status(200);
    for title in ["楼道堆放杂物", "=HYPERLINK(\"http://x\")", "@路灯不亮"] {
        let body = json!({"title": title, "description": "三单元楼道堆满纸箱，存在消防隐患",
            "category": "市容环境", "grid_id": grid["id"]});
        app.post("/api/v1/work-orders", &resident.token, &body).await.expect_status(201);
    }
    for (who, filter) in [(&dispatcher, ""), (&officer, "status=reported"), (&dispatcher, &format!("community_id={c}"))]
    {
        let list = app.get(&format!("/api/v1/work-orders?limit=100&{filter}"), &who.token).await;
        let list = list.expect_status(200)["items"].as_array().cloned().expect("items");
        assert_eq!(list.len(), 3, "{filter}");
        let expected: Vec<Vec<String>> = list.iter().map(order_cells).collect();
        let csv = download(&app, &format!("/api/v1/exports/work-orders.csv?{filter}"), Some(&who.token)).await;
        assert_eq!(csv.status, 200, "{}", String::from_utf8_lossy(&csv.bytes));
        assert!(csv.header("content-disposition").contains("filename*=UTF-8''%E5%B7%A5%E5%8D%95-"));
        let records = csv_records(&csv);
        assert_eq!(records[0][0], "编号");
        assert_eq!(records.len(), 4);
        for (row, want) in records[1..].iter().zip(&expected) {
            let mut want = want.clone();
            if want[1].starts_with(['=', '@']) {
                want[1] = format!("'{}", want[1]);
            }
            assert_eq!(row, &want);
        }
        let xlsx = download(&app, &format!("/api/v1/exports/work-orders.xlsx?{filter}"), Some(&who.token)).await;
        assert_eq!(xlsx.status, 200);
        let (rows, _) = xlsx_records(&xlsx);
        assert_eq!(rows.len(), 4);
        for (row, want) in rows[1..].iter().zip(&expected) {
            for (i, want) in want.iter().enumerate() {
                assert_eq!(row.get(i).map(String::as_str).unwrap_or(""), want, "column {i}");
            }
        }
    }
    // The resident who reported them exports nothing; a bad filter is an error, not a file.
    assert_no_file(&download(&app, "/api/v1/exports/work-orders.csv", Some(&resident.token)).await, 403, "forbidden");
    let bad = download(&app, "/api/v1/exports/work-orders.csv?status=bogus", Some(&dispatcher.token)).await;
    assert_no_file(&bad, 422, "invalid_field");
}

/// A figures number as the files write it: integers as they are, rates and averages as numbers,
/// missing ones empty.
fn figure_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Number(n) => n.as_i64().map_or_else(|| format!("{}", n.as_f64().unwrap_or_default()), |i| i.to_string()),
        other => other.as_str().unwrap_or("").to_owned(),
    }
}

#[tokio::test]
async fn figures_and_workload_as_csv_and_xlsx_match_their_json_and_follow_its_scope() {
    let app = spawn_app().await;
    let w = app.world().await;
    // Some history today: a confirmed wish with a rating, a released claim.
    let done = app.fulfilled_wish(&w).await;
    app.act_ok(&w.resident.token, str_of(&done, "id"), "confirm", json!({"rating": 5})).await;
    let open = app.open_wish(&w).await;
    app.act_ok(&w.member2.token, str_of(&open, "id"), "claim", json!({})).await;
    app.act_ok(&w.member2.token, str_of(&open, "id"), "release", json!({"reason": "临时有事"})).await;
    let q = format!("place={}", w.community_id);
    let token = w.dispatcher.token.as_str();

    let json = app.get(&format!("/api/v1/figures?{q}"), token).await.expect_status(200).clone();
    let mut rows: Vec<&Value> = json["months"].as_array().expect("months").iter().collect();
    rows.push(&json["total"]);
    let keys = [
        "posted",
        "approved",
        "rejected",
        "claimed",
        "fulfilled",
        "confirmed",
        "auto_confirmed",
        "auto_confirmed_share",
        "cancelled",
        "expired",
        "released",
        "revoked",
        "claim_p50_seconds",
        "claim_p90_seconds",
        "confirm_p50_seconds",
        "confirm_p90_seconds",
        "ratings",
        "rating_avg",
        "checkins",
        "service_minutes",
    ];
    let expected: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let month = if r["month"] == "total" { "合计".to_owned() } else { str_of(r, "month").to_owned() };
            let mut cells = vec![month];
            cells.extend(keys.iter().map(|k| figure_text(&r[*k])));
            let o = &r["orders"];
            cells.push(figure_text(&o["received"]));
            for k in ["response_rate", "on_time_rate", "solve_rate", "satisfaction_rate"] {
                cells.push(figure_text(&o[k]));
            }
            for k in ["raters", "star_avg", "satisfaction"] {
                cells.push(figure_text(&r["property"][k]));
            }
            cells
        })
        .collect();
    let csv = download(&app, &format!("/api/v1/exports/figures.csv?{q}"), Some(token)).await;
    assert_eq!(csv.status, 200);
    let records = csv_records(&csv);
    assert_eq!(records[0][0], "月份");
    assert_eq!(records[1..].to_vec(), expected, "the CSV holds the JSON's months and total");
    let xlsx = download(&app, &format!("/api/v1/exports/figures.xlsx?{q}"), Some(token)).await;
    assert_eq!(xlsx.status, 200);
    let (sheet, _) = xlsx_records(&xlsx);
    assert_eq!(sheet[1..].to_vec(), expected, "the workbook holds the JSON's months and total");
    assert_eq!(int_total(&json, "confirmed"), 1);

    let load = app.get(&format!("/api/v1/figures/workload?{q}"), token).await.expect_status(200).clone();
    let expected: Vec<Vec<String>> = load["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            let mut cells = vec![str_of(&m["member"], "id").to_owned(), str_of(&m["member"], "name").to_owned()];
            for k in [
                "claimed",
                "fulfilled",
                "confirmed",
                "released",
                "revoked",
                "expired",
                "release_rate",
                "expiry_rate",
                "ratings",
                "rating_avg",
                "service_minutes",
            ] {
                cells.push(figure_text(&m["load"][k]));
            }
            cells
        })
        .collect();
    assert_eq!(expected.len(), 2, "both members took a wish: {load}");
    let csv = download(&app, &format!("/api/v1/exports/workload.csv?{q}"), Some(token)).await;
    assert_eq!(csv_records(&csv)[1..].to_vec(), expected);
    let (sheet, _) = xlsx_records(&download(&app, &format!("/api/v1/exports/workload.xlsx?{q}"), Some(token)).await);
    assert_eq!(sheet[1..].to_vec(), expected);

    // The figures' own scope: another community's dispatcher does not find it, a member is refused.
    let other = app.world().await;
    assert_no_file(
        &download(&app, &format!("/api/v1/exports/figures.csv?{q}"), Some(&other.dispatcher.token)).await,
        404,
        "not_found",
    );
    assert_no_file(
        &download(&app, &format!("/api/v1/exports/workload.xlsx?{q}"), Some(&w.member.token)).await,
        403,
        "forbidden",
    );
    assert_no_file(
        &download(&app, "/api/v1/exports/figures.csv?from=2026-13-01", Some(token)).await,
        422,
        "invalid_field",
    );
    // A member's own service record, as the JSON record says.
    let record = app.get("/api/v1/me/service-record", &w.member.token).await.expect_status(200).clone();
    let items = record["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "the confirmed wish is on the member's record: {record}");
    let csv = download(&app, "/api/v1/exports/service-record.csv", Some(&w.member.token)).await;
    let rows = csv_records(&csv);
    assert_eq!(rows[0][0], "姓名");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], w.member.name);
    assert_eq!(rows[1][1], str_of(&items[0], "service"));
    assert_eq!(rows[1][6], items[0]["minutes"].as_i64().unwrap_or(-1).to_string());
    let (sheet, _) = xlsx_records(&download(&app, "/api/v1/exports/service-record.xlsx", Some(&w.member.token)).await);
    assert_eq!(sheet[1][..4], rows[1][..4], "the workbook holds the same service");
    // A signed link for the browser's download button.
    let link = app
        .post("/api/v1/exports/links", token, &json!({"path": format!("/api/v1/exports/figures.xlsx?{q}")}))
        .await
        .expect_status(200)
        .clone();
    let url = str_of(&link, "url");
    let signed = download(&app, url, None).await;
    assert_eq!(signed.status, 200, "{}", String::from_utf8_lossy(&signed.bytes));
    assert!(signed.bytes.starts_with(b"PK"));
}

fn int_total(figures: &Value, key: &str) -> i64 {
    figures["total"][key].as_i64().unwrap_or(-1)
}
