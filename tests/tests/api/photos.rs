//! Photos on wishes and work orders, on both stores: a folder under the data directory and a real
//! S3-compatible server on loopback (moto). Uploads are checked by their bytes, stripped of their
//! metadata, deduplicated and shown only to those who may see what they are attached to; every bad
//! upload is refused with its code and leaves nothing behind, even a crash mid-upload.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use haolin_tests::services::S3Server;
use haolin_tests::{
    Actor, AppEnv, TestApp, World, assert_conflict, assert_error, assert_invalid_field, query_sql, spawn_app_with,
    str_of,
};
use image::ImageEncoder;
use serde_json::{Value, json};

/// Where the server under test keeps photo bytes.
enum Store {
    /// The default: `files/` in the data folder.
    Folder,
    /// A moto server, under a prefix of its bucket.
    S3(S3Server, String),
}

impl Store {
    fn both() -> [Store; 2] {
        [Store::Folder, Store::S3(S3Server::start(), "photos-test".into())]
    }

    fn configure(&self, env: &mut AppEnv) {
        if let Store::S3(s3, prefix) = self {
            for (k, v) in s3.env(prefix) {
                env.set(k, &v);
            }
        }
    }

    /// Every stored object: its key and bytes.
    async fn objects(&self, app: &TestApp) -> Vec<(String, Vec<u8>)> {
        match self {
            Store::Folder => {
                let mut out = Vec::new();
                walk(&app.data_dir().join("files"), &mut out);
                out
            }
            Store::S3(s3, prefix) => s3.objects(prefix).await,
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
}

async fn app_on(store: &Store, extra: impl FnOnce(&mut AppEnv)) -> TestApp {
    spawn_app_with(|env| {
        store.configure(env);
        extra(env);
    })
    .await
}

fn photo_rows(app: &TestApp) -> usize {
    query_sql(&app.database_url, "SELECT COUNT(*) FROM photos")[0][0].parse().unwrap()
}

fn uploads_in_progress(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir().join("uploads-in-progress")).map(|d| d.count()).unwrap_or(0)
}

use haolin_tests::sample_jpeg as jpeg;

const SECRET_COMMENT: &[u8] = b"HAOLIN-SECRET-COMMENT";
/// The GPS latitude 31 deg 13 min 45.67 s as EXIF rationals (big-endian).
const GPS_RATIONALS: [u8; 24] = [0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0, 13, 0, 0, 0, 1, 0, 0, 0x11, 0xD7, 0, 0, 0, 100];

/// A phone's JPEG: an EXIF block with orientation 6 (turn 90° clockwise) and a GPS position, and
/// a comment, spliced in after the start-of-image marker.
fn phone_jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let plain = jpeg(w, h, seed);
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    // IFD0: orientation, GPS pointer.
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    // GPS IFD at 38: latitude ref and latitude (three rationals at 68).
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    assert_eq!(tiff.len(), 68);
    tiff.extend_from_slice(&GPS_RATIONALS);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8];
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((SECRET_COMMENT.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(SECRET_COMMENT);
    out.extend_from_slice(&plain[2..]);
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([x as u8, y as u8, 200, 128]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

fn webp(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, 90, y as u8]));
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A real 20,000 × 20,000 grey PNG (400 million pixels) that compresses to a few hundred KB: a
/// decompression bomb.
fn bomb_png() -> Vec<u8> {
    const SIDE: u32 = 20_000;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let row = vec![0u8; SIDE as usize + 1];
    for _ in 0..SIDE {
        z.write_all(&row).unwrap();
    }
    let idat = z.finish().unwrap();
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&SIDE.to_be_bytes());
    ihdr.extend_from_slice(&SIDE.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Nothing of a refused upload is left: no row, no stored bytes, no temporary file.
async fn nothing(app: &TestApp, store: &Store, what: &str) {
    assert_eq!(photo_rows(app), 0, "{what}: a photo row was written");
    assert!(store.objects(app).await.is_empty(), "{what}: bytes were stored");
    assert_eq!(uploads_in_progress(app), 0, "{what}: a temporary file is left");
}

async fn upload_ok(app: &TestApp, actor: &Actor, bytes: Vec<u8>) -> Value {
    app.upload_photo(&actor.token, bytes, "IMG_0001.jpg", "image/jpeg").await.expect_status(201).clone()
}

/// GET a photo URL with a token (or none): status, content type and bytes.
async fn fetch(app: &TestApp, url: &str, token: Option<&str>) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut rb = app.client.get(app.url(url));
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    let resp = rb.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

/// The path of a signed URL, without its signature.
fn unsigned(url: &str) -> &str {
    url.split('?').next().unwrap()
}

#[tokio::test]
async fn a_photo_is_stripped_deduplicated_and_shown_only_to_those_who_may_see_its_wish() {
    for store in Store::both() {
        let app = app_on(&store, |_| {}).await;
        let world = app.world().await;
        let (resident, member, dispatcher) = (&world.resident, &world.member, &world.dispatcher);

        // A phone photo, 600 × 400 with "turn 90°" in its EXIF, a GPS position and a comment.
        let original = phone_jpeg(600, 400, 1);
        assert!(contains(&original, &GPS_RATIONALS) && contains(&original, SECRET_COMMENT));
        let photo = upload_ok(&app, resident, original.clone()).await;
        assert_eq!(photo["stage"], "unattached");
        assert_eq!(photo["content_type"], "image/jpeg");
        assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(400), Some(600)), "turned upright");

        // Stored: the picture and its thumbnail, without any of the metadata.
        let objects = store.objects(&app).await;
        assert_eq!(objects.len(), 2, "picture and thumbnail: {:?}", objects.iter().map(|o| &o.0).collect::<Vec<_>>());
        for (key, bytes) in &objects {
            assert!(!contains(bytes, b"Exif"), "{key} keeps an EXIF block");
            assert!(!contains(bytes, &GPS_RATIONALS), "{key} keeps the GPS position");
            assert!(!contains(bytes, SECRET_COMMENT), "{key} keeps the comment");
        }

        // What the uploader fetches is what is stored, with the headers a private image needs.
        let (status, headers, served) = fetch(&app, unsigned(str_of(&photo, "url")), Some(&resident.token)).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(headers["cache-control"].to_str().unwrap().starts_with("private"), "{headers:?}");
        assert!(objects.iter().any(|(_, b)| *b == served), "served bytes are the stored ones");
        let decoded = image::load_from_memory(&served).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (400, 600));
        let (status, headers, thumb) = fetch(&app, str_of(&photo, "thumb_url"), None).await;
        assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "image/jpeg"));
        let thumb = image::load_from_memory(&thumb).unwrap();
        assert_eq!(thumb.height(), 320, "the thumbnail fits 320 px");
        assert!((212..=214).contains(&thumb.width()), "aspect kept: {}", thumb.width());

        // Unattached: nobody else sees it; without a token or a signature, 401.
        let (status, _, _) = fetch(&app, unsigned(str_of(&photo, "url")), Some(&member.token)).await;
        assert_eq!(status, 404);
        let (status, _, _) = fetch(&app, unsigned(str_of(&photo, "url")), None).await;
        assert_eq!(status, 401);
        let forged = format!("{}?exp=4102444800&sig=0123456789abcdef0123456789abcdef", unsigned(str_of(&photo, "url")));
        let (status, _, _) = fetch(&app, &forged, None).await;
        assert_eq!(status, 403, "a forged signature");

        // The same photo again is a new upload of the same stored bytes.
        let again = upload_ok(&app, resident, original.clone()).await;
        assert_ne!(again["id"], photo["id"]);
        assert_eq!(store.objects(&app).await.len(), 2, "stored once");

        // Posted with a wish: the dispatcher sees it; a member only once the wish is open.
        let mut body = app.wish_body(&world.community_id);
        body["photos"] = json!([photo["id"]]);
        let wish = app.post("/api/v1/wishes", &resident.token, &body).await.expect_status(201).clone();
        assert_eq!(wish["photos"][0]["id"], photo["id"]);
        assert_eq!(wish["photos"][0]["stage"], "post");
        let url = unsigned(str_of(&photo, "url")).to_owned();
        assert_eq!(fetch(&app, &url, Some(&dispatcher.token)).await.0, 200);
        assert_eq!(fetch(&app, &url, Some(&member.token)).await.0, 404, "a pending wish is not the pool's yet");
        let stranger = app.register_resident().await;
        let outsider_community = app.create_community().await;
        let outsider = app.create_actor(&["member"], &[&outsider_community]).await;
        let wish_id = str_of(&wish, "id").to_owned();
        app.act_ok(&dispatcher.token, &wish_id, "approve", json!({})).await;
        assert_eq!(fetch(&app, &url, Some(&member.token)).await.0, 200);
        for who in [&stranger, &outsider] {
            assert_eq!(fetch(&app, &url, Some(&who.token)).await.0, 404, "{} sees another's photo", who.phone);
        }
        // A photo is attached once.
        let mut body = app.wish_body(&world.community_id);
        body["photos"] = json!([photo["id"]]);
        assert_invalid_field(&app.post("/api/v1/wishes", &resident.token, &body).await, "photos");

        // The member's card in the pool carries the thumbnail, loadable as it is.
        let pool =
            app.list_all_wishes(&member.token, &format!("status=open&community_id={}", world.community_id)).await;
        let card = pool.iter().find(|w| w["id"] == wish["id"]).unwrap();
        assert_eq!(fetch(&app, str_of(&card["photos"][0], "thumb_url"), None).await.0, 200);

        // The resident adds the second upload while the wish is live; the member fulfils with a photo.
        let added = app
            .post(&format!("/api/v1/wishes/{wish_id}/photos"), &resident.token, &json!({"photos": [again["id"]]}))
            .await;
        assert_eq!(added.expect_status(200)["photos"].as_array().unwrap().len(), 2);
        assert_eq!(added.body["photos"][1]["stage"], "added");
        let not_mine =
            app.post(&format!("/api/v1/wishes/{wish_id}/photos"), &member.token, &json!({"photos": []})).await;
        assert_error(&not_mine, 403, "forbidden");
        app.act_ok(&member.token, &wish_id, "claim", json!({})).await;
        let proof = upload_ok(&app, member, jpeg(320, 240, 2)).await;
        let fulfilled =
            app.act_ok(&member.token, &wish_id, "fulfil", json!({"note": "已修好", "photos": [proof["id"]]})).await;
        let stages: Vec<&str> =
            fulfilled["photos"].as_array().unwrap().iter().map(|p| p["stage"].as_str().unwrap()).collect();
        assert_eq!(stages, ["post", "added", "fulfil"]);
        // The event log names what came with each event.
        let events = app.events(&resident.token, &wish_id).await;
        let post = events.iter().find(|e| e["action"] == "post").unwrap();
        let fulfil = events.iter().find(|e| e["action"] == "fulfil").unwrap();
        assert_eq!(post["photo_ids"], json!([photo["id"]]));
        assert_eq!(fulfil["photo_ids"], json!([proof["id"]]));
        // No more photos once it is fulfilled.
        let late = upload_ok(&app, resident, jpeg(100, 100, 3)).await;
        let refused = app
            .post(&format!("/api/v1/wishes/{wish_id}/photos"), &resident.token, &json!({"photos": [late["id"]]}))
            .await;
        assert_conflict(&refused, "invalid_state", "fulfilled");

        // A second instance on the same database and store serves the same photo.
        let database_url = app.database_url.clone();
        let shared_folder = format!("file://{}", app.data_dir().join("files").display());
        let second = app_on(&store, |env| {
            env.set("DATABASE_URL", &database_url);
            if matches!(store, Store::Folder) {
                env.set("HAOLIN_FILES_URL", &shared_folder);
            }
        })
        .await;
        let (status, _, bytes) = fetch(&second, str_of(&fulfilled["photos"][2], "url"), None).await;
        assert_eq!(status, 200);
        assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 320);
    }
}

#[tokio::test]
async fn every_bad_upload_is_refused_with_its_code_and_nothing_is_stored() {
    for store in Store::both() {
        let app = app_on(&store, |_| {}).await;
        let world = app.world().await;
        let token = world.resident.token.clone();

        let text = app.upload_photo(&token, b"just some text, not a picture".to_vec(), "photo.jpg", "image/jpeg").await;
        assert_error(&text, 415, "unsupported_media_type");
        nothing(&app, &store, "text named .jpg").await;
        let gif = app.upload_photo(&token, b"GIF89a\x01\0\x01\0\0\0\0;".to_vec(), "a.gif", "image/gif").await;
        assert_error(&gif, 415, "unsupported_media_type");

        let full = jpeg(800, 600, 9);
        let truncated = app.upload_photo(&token, full[..full.len() / 2].to_vec(), "cut.jpg", "image/jpeg").await;
        assert_error(&truncated, 422, "invalid_image");
        nothing(&app, &store, "truncated JPEG").await;

        let bomb = bomb_png();
        assert!(bomb.len() < 2 * 1024 * 1024, "the bomb is small: {}", bomb.len());
        let refused = app.upload_photo(&token, bomb, "big.png", "image/png").await;
        let details = assert_error(&refused, 413, "payload_too_large");
        assert_eq!(details["max"], 50_000_000);
        nothing(&app, &store, "20000 × 20000 PNG").await;

        let mut six_mb = jpeg(64, 64, 4);
        six_mb.resize(6 * 1024 * 1024, 0x55);
        let refused = app.upload_photo(&token, six_mb, "huge.jpg", "image/jpeg").await;
        let details = assert_error(&refused, 413, "payload_too_large");
        assert_eq!(details["max"], 5 * 1024 * 1024);
        nothing(&app, &store, "6 MB").await;

        let raw = app.post_raw("/api/v1/photos", Some(&token), Some("image/jpeg"), jpeg(10, 10, 1)).await;
        assert_error(&raw, 415, "unsupported_media_type");
        let form = reqwest::multipart::Form::new().text("other", "x");
        let no_file =
            app.send(app.request(reqwest::Method::POST, "/api/v1/photos", Some(&token)).multipart(form)).await;
        assert_invalid_field(&no_file, "file");
        let anonymous = app.send(app.request(reqwest::Method::POST, "/api/v1/photos", None)).await;
        assert_error(&anonymous, 401, "missing_token");
        nothing(&app, &store, "no file").await;

        // PNG (kept PNG) and WebP (stored as JPEG) are accepted.
        let p = app.upload_photo(&token, png(50, 40), "a.png", "image/png").await;
        assert_eq!(p.expect_status(201)["content_type"], "image/png");
        let w = app.upload_photo(&token, webp(50, 40), "a.webp", "image/webp").await;
        assert_eq!(w.expect_status(201)["content_type"], "image/jpeg");

        // Seven photos on one wish: refused whole, nothing attached.
        let mut ids = vec![p.body["id"].clone(), w.body["id"].clone()];
        for seed in 0..5 {
            ids.push(upload_ok(&app, &world.resident, jpeg(60, 60, 100 + seed)).await["id"].clone());
        }
        let rows = photo_rows(&app);
        let mut body = app.wish_body(&world.community_id);
        body["photos"] = json!(ids);
        let details = assert_error(&app.post("/api/v1/wishes", &token, &body).await, 422, "too_many_photos");
        assert_eq!(details["max"], 6);
        assert!(app.list_all_wishes(&token, "mine=true").await.is_empty(), "no wish was posted");
        // Six are fine; a seventh added later is refused and stays unattached.
        body["photos"] = json!(ids[..6]);
        let wish = app.post("/api/v1/wishes", &token, &body).await.expect_status(201).clone();
        let seventh = app
            .post(&format!("/api/v1/wishes/{}/photos", str_of(&wish, "id")), &token, &json!({"photos": [ids[6]]}))
            .await;
        assert_error(&seventh, 422, "too_many_photos");
        let after = app.get_wish(&token, str_of(&wish, "id")).await;
        assert_eq!(after.expect_status(200)["photos"].as_array().unwrap().len(), 6);
        let attached = query_sql(&app.database_url, "SELECT COUNT(*) FROM photos WHERE subject_kind IS NOT NULL");
        assert_eq!(attached[0][0], "6");
        assert_eq!(photo_rows(&app), rows);

        // Someone else's upload cannot be attached; nor can a photo come with an action that takes none.
        let other = upload_ok(&app, &world.member, jpeg(30, 30, 7)).await;
        let mut body = app.wish_body(&world.community_id);
        body["photos"] = json!([other["id"]]);
        assert_invalid_field(&app.post("/api/v1/wishes", &token, &body).await, "photos");
        body["photos"] = json!(["abc"]);
        assert_invalid_field(&app.post("/api/v1/wishes", &token, &body).await, "photos");
    }
}

#[tokio::test]
async fn uploads_never_attached_are_swept_and_the_daily_quota_holds() {
    for store in Store::both() {
        let app = app_on(&store, |env| {
            env.set("HAOLIN_FILES__UNATTACHED_TTL", "2s")
                .set("HAOLIN_FILES__BLOB_GRACE", "1s")
                .set("HAOLIN_FILES__DAILY_UPLOADS", "3")
                .set("HAOLIN_JOBS__INTERVAL", "1s");
        })
        .await;
        let world: World = app.world().await;
        let kept = upload_ok(&app, &world.resident, jpeg(90, 90, 1)).await;
        upload_ok(&app, &world.resident, jpeg(90, 90, 2)).await;
        upload_ok(&app, &world.resident, jpeg(90, 90, 3)).await;
        let over = app.upload_photo(&world.resident.token, jpeg(90, 90, 4), "x.jpg", "image/jpeg").await;
        assert_error(&over, 429, "rate_limited");
        assert!(over.header("retry-after").is_some_and(|s| s.parse::<u64>().is_ok_and(|n| n > 0)));
        let mut body = app.wish_body(&world.community_id);
        body["photos"] = json!([kept["id"]]);
        app.post("/api/v1/wishes", &world.resident.token, &body).await.expect_status(201);
        assert_eq!(store.objects(&app).await.len(), 6);

        let deadline = Instant::now() + Duration::from_secs(20);
        while (photo_rows(&app) > 1 || store.objects(&app).await.len() > 2) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(photo_rows(&app), 1, "the attached photo stays, the others are gone");
        assert_eq!(store.objects(&app).await.len(), 2, "the attached photo's picture and thumbnail stay");
        assert_eq!(fetch(&app, unsigned(str_of(&kept, "url")), Some(&world.member.token)).await.0, 404);
        assert_eq!(fetch(&app, unsigned(str_of(&kept, "url")), Some(&world.resident.token)).await.0, 200);
    }
}

#[tokio::test]
async fn an_instance_killed_mid_upload_leaves_no_half_file_visible() {
    let store = Store::Folder;
    let mut app = app_on(&store, |_| {}).await;
    let world = app.world().await;
    // Half of a 3 MB body, then the server dies.
    let boundary = "haolinboundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    );
    let total = head.len() + 3 * 1024 * 1024;
    let addr = app.base_url.trim_start_matches("http://").to_owned();
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "POST /api/v1/photos HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {total}\r\n\r\n{head}",
        world.resident.token
    )
    .unwrap();
    let mut body = jpeg(64, 64, 1);
    body.resize(1024 * 1024, 0x33);
    conn.write_all(&body).unwrap();
    conn.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while uploads_in_progress(&app) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(uploads_in_progress(&app), 1, "the upload is being received");
    app.crash_and_restart().await;
    let mut rest = Vec::new();
    let _ = conn.read_to_end(&mut rest);

    assert_eq!(photo_rows(&app), 0);
    assert!(store.objects(&app).await.is_empty(), "no stored bytes");
    assert_eq!(uploads_in_progress(&app), 0, "the half upload is cleared at start-up");
    // And uploads work again.
    upload_ok(&app, &world.resident, jpeg(64, 64, 2)).await;
}

#[tokio::test]
async fn work_order_photos_come_with_the_report_the_resolution_and_the_call_back() {
    let store = Store::S3(S3Server::start(), "orders".into());
    let app = app_on(&store, |_| {}).await;
    let [_, _, community, grid, _] = app.small_tree().await;
    let c = str_of(&community, "id");
    let dispatcher = app.create_actor(&["dispatcher"], &[c]).await;
    let worker = app.create_actor(&["grid_worker"], &[c]).await;
    app.grant_at(&worker.id, "grid_worker", &grid).await;
    let resident = app.register_resident().await;
    app.put("/api/v1/me/home", &resident.token, &json!({"place_id": grid["id"]})).await.expect_status(200);
    let neighbour_elsewhere = app.register_resident().await;

    let drain = upload_ok(&app, &resident, jpeg(200, 100, 1)).await;
    let body = json!({"title": "下水道堵塞", "description": "路口下水道堵塞，雨天积水", "category": "市容环境",
        "grid_id": grid["id"], "photos": [drain["id"]]});
    let order = app.post("/api/v1/work-orders", &resident.token, &body).await.expect_status(201).clone();
    assert_eq!(order["photos"][0]["stage"], "report");
    let id = str_of(&order, "id").to_owned();
    let act = |who: &Actor, action: &str, body: Value| {
        let path = format!("/api/v1/work-orders/{id}/{action}");
        let token = who.token.clone();
        let app = &app;
        async move { app.post(&path, &token, &body).await }
    };
    // Photos only come with a report, a resolution or a call-back.
    let stray = upload_ok(&app, &dispatcher, jpeg(50, 50, 2)).await;
    assert_invalid_field(&act(&dispatcher, "accept", json!({"photos": [stray["id"]]})).await, "photos");
    act(&dispatcher, "dispatch", json!({"grid_id": grid["id"]})).await.expect_status(200);
    act(&worker, "sign", json!({})).await.expect_status(200);
    let fixed = upload_ok(&app, &worker, jpeg(200, 100, 3)).await;
    let resolved = act(&worker, "resolve", json!({"note": "已疏通", "photos": [fixed["id"]]})).await;
    assert_eq!(resolved.expect_status(200)["photos"][1]["stage"], "resolve");
    let checked = upload_ok(&app, &resident, jpeg(200, 100, 4)).await;
    let visited = act(&resident, "visit", json!({"satisfaction": "satisfied", "photos": [checked["id"]]})).await;
    let stages: Vec<&str> =
        visited.expect_status(200)["photos"].as_array().unwrap().iter().map(|p| p["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["report", "resolve", "visit"]);
    let events = app.get(&format!("/api/v1/work-orders/{id}/events"), &resident.token).await;
    let with_photos: Vec<(&str, &Value)> = events.expect_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["photo_ids"].as_array().unwrap().is_empty())
        .map(|e| (e["action"].as_str().unwrap(), &e["photo_ids"][0]))
        .collect();
    assert_eq!(with_photos, [("report", &drain["id"]), ("resolve", &fixed["id"]), ("visit", &checked["id"])]);

    // The grid worker sees the report's photo; a resident elsewhere does not.
    let url = unsigned(str_of(&drain, "url"));
    assert_eq!(fetch(&app, url, Some(&worker.token)).await.0, 200);
    assert_eq!(fetch(&app, url, Some(&neighbour_elsewhere.token)).await.0, 404);
    assert_eq!(store.objects(&app).await.len(), 8, "four uploads, each a picture and a thumbnail");
}
