//! Bulk import of a district from CSV: applied whole in one transaction, or refused with every
//! error by line and column and nothing applied; the same file twice changes nothing.

use haolin_tests::{assert_error, spawn_app, str_of};
use serde_json::{Value, json};

/// A sample district: 1 district, 2 streets, 3 communities, 4 grids, 3 units (13 places), in an
/// order where some children come before their parents.
const SAMPLE: &str = "\u{feff}level,code,name,kind
district,520201,钟山区,
street,520201001,荷泉街道,
grid,520201001001001,和平社区第一网格,comprehensive
community,520201001001,和平社区,
community,520201001002,\"幸福社区\",
grid,520201001001002,\"万达广场专属网格, 商务楼宇\",dedicated
street,520201002,黄土坡街道,
community,520201002001,德坞社区,
grid,520201002001001,德坞第一网格,comprehensive
grid,520201001002001,幸福第一网格,comprehensive
unit,520201001001001001,一号楼十联户,
unit,520201001001001002,二号楼十联户,

unit,520201002001001001,德坞十联户,
";

#[tokio::test]
async fn a_valid_district_is_imported_whole_and_a_second_import_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let first = app.import_csv(&admin, SAMPLE).await;
    assert_eq!(first.expect_status(200), &json!({"created": 13, "updated": 0, "unchanged": 0}));

    let grid = app.get("/api/v1/places/by-code/520201001001002", &admin).await;
    let grid = grid.expect_status(200).clone();
    assert_eq!(grid["name"], "万达广场专属网格, 商务楼宇");
    assert_eq!(grid["kind"], "dedicated");
    let path: Vec<&str> = grid["path"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(path, vec!["钟山区", "荷泉街道", "和平社区", "万达广场专属网格, 商务楼宇"]);
    let community = app.get("/api/v1/places/by-code/520201001001", &admin).await.expect_status(200).clone();
    let units = app.get(&format!("/api/v1/places?parent_id={}&level=grid", str_of(&community, "id")), &admin).await;
    assert_eq!(units.expect_status(200)["items"].as_array().unwrap().len(), 2);

    // Imported communities are communities: wishes can be posted there.
    let resident = app.register_resident().await;
    app.post_wish(&resident.token, str_of(&community, "id")).await;
    let communities = app.get("/api/v1/communities?limit=100", &admin).await;
    assert_eq!(communities.expect_status(200)["items"].as_array().unwrap().len(), 3);

    let again = app.import_csv(&admin, SAMPLE).await;
    assert_eq!(again.expect_status(200), &json!({"created": 0, "updated": 0, "unchanged": 13}));
    let all = app.get("/api/v1/places?level=unit", &admin).await;
    assert_eq!(all.expect_status(200)["items"].as_array().unwrap().len(), 3, "no duplicates");

    let renamed =
        SAMPLE.replace("德坞社区,", "德坞新社区,").replace("幸福第一网格,comprehensive", "幸福第一网格,dedicated");
    let changed = app.import_csv(&admin, &renamed).await;
    assert_eq!(changed.expect_status(200), &json!({"created": 0, "updated": 2, "unchanged": 11}));
    let community = app.get("/api/v1/places/by-code/520201002001", &admin).await;
    assert_eq!(community.expect_status(200)["name"], "德坞新社区");
    let listed = app.get("/api/v1/communities?limit=100", &admin).await;
    assert!(listed.expect_status(200)["items"].as_array().unwrap().iter().any(|c| c["name"] == "德坞新社区"));
}

fn errors_of(details: &Value) -> Vec<(u64, Option<String>)> {
    details["errors"]
        .as_array()
        .expect("details.errors")
        .iter()
        .map(|e| {
            assert!(!e["message"].as_str().unwrap().is_empty());
            (e["line"].as_u64().unwrap(), e["column"].as_str().map(str::to_owned))
        })
        .collect()
}

#[tokio::test]
async fn a_file_with_errors_is_refused_whole_with_each_error_at_its_line_and_column() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let bad = "level,code,name,kind
district,520201,钟山区,
street,520201001,荷泉街道,
village,520201002,无此层级,
street,52020100X,坏编码,
community,520201001001,,
grid,520201001001001,没有类型的网格,
community,520201009001,孤儿社区,
street,520201001,重复街道,
unit,520201001001001001,多了一列,,
community,520201001002,有类型的社区,dedicated
";
    let resp = app.import_csv(&admin, bad).await;
    let details = assert_error(&resp, 422, "invalid_import");
    let s = |c: &str| Some(c.to_owned());
    assert_eq!(
        errors_of(&details),
        vec![
            (4, s("level")),
            (5, s("code")),
            (6, s("name")),
            (7, s("kind")),
            (8, s("code")),
            (9, s("code")),
            (10, None),
            (11, s("kind")),
        ]
    );
    assert_error(&app.get("/api/v1/places/by-code/520201", &admin).await, 404, "not_found");
    let roots = app.get("/api/v1/places", &admin).await;
    assert!(roots.expect_status(200)["items"].as_array().unwrap().is_empty(), "nothing was applied");

    let no_header = app.import_csv(&admin, "district,520201,钟山区,\n").await;
    let details = assert_error(&no_header, 422, "invalid_import");
    assert_eq!(errors_of(&details), vec![(1, None)]);
}

#[tokio::test]
async fn an_import_checks_against_what_is_already_stored() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    app.import_csv(&admin, SAMPLE).await.expect_status(200);
    let community = app.get("/api/v1/places/by-code/520201001002", &admin).await.expect_status(200).clone();
    let grid = app.get("/api/v1/places/by-code/520201001002001", &admin).await.expect_status(200).clone();
    app.post(&format!("/api/v1/admin/places/{}/retire", str_of(&grid, "id")), &admin, &json!({}))
        .await
        .expect_status(200);
    app.post(&format!("/api/v1/admin/places/{}/retire", str_of(&community, "id")), &admin, &json!({}))
        .await
        .expect_status(200);

    let more = "level,code,name,kind
grid,520201001002002,撤销社区下的新网格,comprehensive
street,520201003,新街道,
grid,520201001002001,已撤销的网格,comprehensive
unit,520201002001001002,新十联户,
";
    let resp = app.import_csv(&admin, more).await;
    let details = assert_error(&resp, 422, "invalid_import");
    assert_eq!(errors_of(&details), vec![(2, Some("code".to_owned())), (4, Some("code".to_owned()))]);
    assert_error(&app.get("/api/v1/places/by-code/520201003", &admin).await, 404, "not_found");

    let fixed = "level,code,name,kind\nstreet,520201003,新街道,\nunit,520201002001001002,新十联户,\n";
    let ok = app.import_csv(&admin, fixed).await;
    assert_eq!(ok.expect_status(200), &json!({"created": 2, "updated": 0, "unchanged": 0}));
}

#[tokio::test]
async fn boundaries_and_household_lists_are_imported_and_checked() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let square = r#""{""type"":""Polygon"",""coordinates"":[[[106.82,26.58],[106.84,26.58],[106.84,26.60],[106.82,26.60],[106.82,26.58]]]}""#;
    let csv = format!(
        "level,code,name,kind,boundary,households
district,520201,钟山区,,,
street,520201001,荷泉街道,,,
community,520201001001,和平社区,,,
grid,520201001001001,和平社区第一网格,comprehensive,{square},
unit,520201001001001001,一号楼十联户,,,1单元101；1单元102;1单元201
"
    );
    let first = app.import_csv(&admin, &csv).await;
    assert_eq!(first.expect_status(200), &json!({"created": 5, "updated": 0, "unchanged": 0}));
    let unit = app.get("/api/v1/places/by-code/520201001001001001", &admin).await;
    assert_eq!(unit.expect_status(200)["households"], json!(["1单元101", "1单元102", "1单元201"]));
    let resident = app.register_resident().await;
    let found = app.get("/api/v1/places/locate?lng=106.83&lat=26.59", &resident.token).await;
    assert_eq!(found.expect_status(200)["code"], "520201001001001", "the imported boundary locates the grid");
    let again = app.import_csv(&admin, &csv).await;
    assert_eq!(again.expect_status(200), &json!({"created": 0, "updated": 0, "unchanged": 5}));

    let changed = "level,code,name,households\nunit,520201001001001001,一号楼十联户,1单元101\n";
    let resp = app.import_csv(&admin, changed).await;
    assert_eq!(resp.expect_status(200), &json!({"created": 0, "updated": 1, "unchanged": 0}));
    let unit = app.get("/api/v1/places/by-code/520201001001001001", &admin).await;
    assert_eq!(unit.body["households"], json!(["1单元101"]));

    let bad = format!(
        "level,code,name,kind,boundary,households
street,520201002,大湾街道,,{square},
grid,520201001001002,第二网格,comprehensive,not json,
grid,520201001001003,第三网格,comprehensive,\"{{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[[1,1],[2,2]]]}}\",
community,520201001002,幸福社区,,,一户
"
    );
    let resp = app.import_csv(&admin, &bad).await;
    let details = assert_error(&resp, 422, "invalid_import");
    let at: Vec<(u64, Option<String>)> = errors_of(&details);
    assert_eq!(
        at,
        vec![
            (2, Some("boundary".to_owned())),
            (3, Some("boundary".to_owned())),
            (4, Some("boundary".to_owned())),
            (5, Some("households".to_owned()))
        ]
    );
    assert_error(&app.get("/api/v1/places/by-code/520201002", &admin).await, 404, "not_found");
}

#[tokio::test]
async fn only_an_admin_imports_and_only_csv() {
    let app = spawn_app().await;
    let w = app.world().await;
    assert_error(&app.import_csv(&w.dispatcher.token, SAMPLE).await, 403, "forbidden");
    let admin = app.admin_token().await;
    let json_body = app.post_raw("/api/v1/admin/places/import", Some(&admin), Some("application/json"), "{}").await;
    assert_error(&json_body, 415, "unsupported_media_type");
    assert_error(&app.get("/api/v1/places/by-code/520201", &admin).await, 404, "not_found");
}

/// A small deterministic generator (xorshift64*), so a failing case can be replayed by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `SAMPLE` damaged at random: a line replaced by garbage from the parser's own vocabulary, a field
/// cut, a disguising character in a name, a truncation, a stray quote or BOM.
fn damaged(rng: &mut Rng) -> String {
    const BITS: [&str; 14] = [
        "\"",
        ",",
        "\"\"",
        "grid",
        "unit",
        "5202010010010",
        "\u{202e}",
        "\u{200b}",
        "\u{0}",
        "名",
        "\r",
        "{",
        ";",
        "  ",
    ];
    let mut lines: Vec<String> = SAMPLE.lines().map(str::to_owned).collect();
    let at = 1 + rng.below(lines.len() - 1);
    match rng.below(5) {
        0 => lines[at] = (0..1 + rng.below(8)).map(|_| BITS[rng.below(BITS.len())]).collect(),
        1 => {
            let fields: Vec<&str> = lines[at].split(',').collect();
            let keep = rng.below(fields.len());
            lines[at] = fields[..keep].join(",");
        }
        2 => lines[at] = lines[at].replacen(',', &format!(",{}", BITS[rng.below(BITS.len())]), 2),
        3 => lines.truncate(at),
        _ => lines.insert(at, BITS[rng.below(BITS.len())].repeat(1 + rng.below(300))),
    }
    lines.join("\n")
}

/// Every place of `SAMPLE` as stored now (code → name), `None` where absent.
async fn snapshot(app: &haolin_tests::TestApp, admin: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for line in SAMPLE.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let code = line.split(',').nth(1).unwrap_or_default().to_owned();
        let resp = app.get(&format!("/api/v1/places/by-code/{code}"), admin).await;
        let name = (resp.status == 200).then(|| str_of(&resp.body, "name").to_owned());
        out.push((code, name));
    }
    out
}

#[tokio::test]
async fn damaged_files_are_refused_whole_or_applied_whole_and_never_answer_5xx() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    app.import_csv(&admin, SAMPLE).await.expect_status(200);
    let mut rng = Rng(0x5eed_2026_1201);
    let (mut refused, mut applied) = (0, 0);
    for case in 0..40 {
        let text = damaged(&mut rng);
        let before = snapshot(&app, &admin).await;
        let resp = app.import_csv(&admin, &text).await;
        assert!(resp.status < 500, "case {case}: {} for {text:?}: {}", resp.status, resp.text);
        if resp.status == 200 {
            applied += 1;
            let again = app.import_csv(&admin, &text).await;
            let again = again.expect_status(200);
            assert_eq!((again["created"].as_u64(), again["updated"].as_u64()), (Some(0), Some(0)), "case {case}");
        } else {
            refused += 1;
            assert_eq!(snapshot(&app, &admin).await, before, "case {case} was refused but changed places: {text:?}");
        }
    }
    assert!(refused > 10, "the damage should mostly be refused ({refused} refused, {applied} applied)");

    // Arbitrary bytes, most of them not UTF-8 at all: refused, nothing changed, never a 5xx.
    let before = snapshot(&app, &admin).await;
    for case in 0..20 {
        let len = rng.below(600);
        let mut bytes: Vec<u8> = (0..len).map(|_| (rng.next() >> 24) as u8).collect();
        if case % 2 == 0 {
            bytes.splice(0..0, SAMPLE.as_bytes()[..SAMPLE.len() / 2].iter().copied());
        }
        let rb = app
            .request(reqwest::Method::POST, "/api/v1/admin/places/import", Some(&admin))
            .header("Content-Type", "text/csv")
            .body(bytes.clone());
        let resp = app.send(rb).await;
        assert!((400..500).contains(&resp.status), "bytes case {case}: {} {}", resp.status, resp.text);
    }
    assert_eq!(snapshot(&app, &admin).await, before, "arbitrary bytes changed places");
}
