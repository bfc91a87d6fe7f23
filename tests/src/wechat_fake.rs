//! A fake WeChat API server for the tests: a real HTTP server on loopback implementing
//! `sns/jscode2session`, `cgi-bin/stable_token`, `wxa/business/getuserphonenumber`,
//! `cgi-bin/message/subscribe/send` and `wxa/msg_sec_check` (v2) with
//! their documented request and error shapes (`{"errcode", "errmsg"}`), configurable per test
//! (down, slow, a rejected access token) and counting the calls it receives.
//!
//! ```no_run
//! # async fn demo() {
//! let wechat = haolin_tests::wechat_fake::FakeWechat::start();
//! let app = haolin_tests::spawn_app_with(|env| wechat.configure(env)).await;
//! let code = wechat.login_code("openid-1");
//! # let _ = (app, code);
//! # }
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::AppEnv;

/// The app id the fake accepts.
pub const APPID: &str = "wx-test-appid";
/// The app secret the fake accepts.
pub const SECRET: &str = "wx-test-secret";

/// How the fake behaves right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Answers normally.
    Up,
    /// Answers every call with HTTP 502 (WeChat down behind its gateway).
    Down,
    /// Waits this long before answering (WeChat slow).
    Slow(Duration),
}

#[derive(Debug, Default)]
struct Tokens {
    current: Option<String>,
    issued: u32,
    rejected: HashSet<String>,
}

#[derive(Debug)]
struct State {
    mode: Mode,
    login_codes: HashMap<String, (String, Option<String>)>,
    phone_codes: HashMap<String, String>,
    used: HashSet<String>,
    tokens: Tokens,
    calls: HashMap<String, u32>,
    send_error: Option<i64>,
    sent: Vec<Value>,
    suggest: HashMap<String, String>,
}

/// A running fake WeChat server.
#[derive(Clone)]
pub struct FakeWechat {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    state: Arc<Mutex<State>>,
    next: Arc<AtomicU32>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn error(code: i64, msg: &str) -> HttpResponse {
    HttpResponse::Ok().json(json!({"errcode": code, "errmsg": msg}))
}

type Shared = web::Data<Arc<Mutex<State>>>;

/// Counts the call and applies the mode; `Some` is the answer to give instead of the real one.
async fn enter(state: &Shared, endpoint: &str) -> Option<HttpResponse> {
    let mode = {
        let mut s = lock(state);
        *s.calls.entry(endpoint.to_owned()).or_default() += 1;
        s.mode
    };
    match mode {
        Mode::Up => None,
        Mode::Down => Some(HttpResponse::BadGateway().body("bad gateway")),
        Mode::Slow(delay) => {
            actix_web::rt::time::sleep(delay).await;
            None
        }
    }
}

/// `None` if the query's access token is valid, else the 40001 answer.
fn check_token(s: &State, query: &HashMap<String, String>) -> Option<HttpResponse> {
    match query.get("access_token") {
        Some(t) if s.tokens.current.as_deref() == Some(t.as_str()) && !s.tokens.rejected.contains(t) => None,
        Some(t) if s.tokens.rejected.contains(t) || t.starts_with("token-") => {
            Some(error(40001, "invalid credential, access_token is invalid or not latest"))
        }
        _ => Some(error(41001, "access_token missing")),
    }
}

async fn jscode2session(state: Shared, query: web::Query<HashMap<String, String>>) -> HttpResponse {
    if let Some(answer) = enter(&state, "jscode2session").await {
        return answer;
    }
    let mut s = lock(&state);
    if query.get("appid").map(String::as_str) != Some(APPID) || query.get("secret").map(String::as_str) != Some(SECRET)
    {
        return error(40013, "invalid appid");
    }
    if query.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return error(40002, "invalid grant_type");
    }
    let code = query.get("js_code").cloned().unwrap_or_default();
    if s.used.contains(&code) {
        return error(40163, "code been used");
    }
    let Some((openid, unionid)) = s.login_codes.get(&code).cloned() else {
        return error(40029, "invalid code");
    };
    s.used.insert(code);
    let mut body = json!({"openid": openid, "session_key": "fake-session-key-must-not-leak"});
    if let Some(u) = unionid {
        body["unionid"] = json!(u);
    }
    HttpResponse::Ok().json(body)
}

async fn stable_token(state: Shared, body: web::Json<Value>) -> HttpResponse {
    if let Some(answer) = enter(&state, "stable_token").await {
        return answer;
    }
    let mut s = lock(&state);
    if body["grant_type"] != "client_credential" || body["appid"] != APPID || body["secret"] != SECRET {
        return error(40013, "invalid appid");
    }
    let force = body["force_refresh"].as_bool().unwrap_or(false);
    let usable = s.tokens.current.clone().filter(|t| !s.tokens.rejected.contains(t));
    let token = match usable {
        Some(t) if !force => t,
        _ => {
            s.tokens.issued += 1;
            let t = format!("token-{}", s.tokens.issued);
            if let Some(old) = s.tokens.current.replace(t.clone()) {
                s.tokens.rejected.insert(old);
            }
            t
        }
    };
    HttpResponse::Ok().json(json!({"access_token": token, "expires_in": 7200}))
}

async fn phone_number(
    state: Shared,
    query: web::Query<HashMap<String, String>>,
    body: web::Json<Value>,
) -> HttpResponse {
    if let Some(answer) = enter(&state, "getuserphonenumber").await {
        return answer;
    }
    let mut s = lock(&state);
    if let Some(answer) = check_token(&s, &query) {
        return answer;
    }
    let code = body["code"].as_str().unwrap_or_default().to_owned();
    if s.used.contains(&code) {
        return error(40163, "code been used");
    }
    let Some(phone) = s.phone_codes.get(&code).cloned() else {
        return error(40029, "invalid code");
    };
    s.used.insert(code);
    // "+852 91234567" stands for a number outside mainland China.
    let (country, pure) = match phone.strip_prefix('+').and_then(|p| p.split_once(' ')) {
        Some((country, pure)) => (country.to_owned(), pure.to_owned()),
        None => ("86".to_owned(), phone.clone()),
    };
    HttpResponse::Ok().json(json!({
        "errcode": 0,
        "errmsg": "ok",
        "phone_info": {
            "phoneNumber": phone,
            "purePhoneNumber": pure,
            "countryCode": country,
            "watermark": {"timestamp": 1_700_000_000, "appid": APPID}
        }
    }))
}

async fn subscribe_send(
    state: Shared,
    query: web::Query<HashMap<String, String>>,
    body: web::Json<Value>,
) -> HttpResponse {
    if let Some(answer) = enter(&state, "subscribe_send").await {
        return answer;
    }
    let mut s = lock(&state);
    if let Some(answer) = check_token(&s, &query) {
        return answer;
    }
    if !body["touser"].is_string() || !body["template_id"].is_string() || !body["data"].is_object() {
        return error(47003, "argument invalid! data.thing1.value invalid");
    }
    if let Some(code) = s.send_error {
        return error(code, if code == 43101 { "user refuse to accept the msg" } else { "system error" });
    }
    let too_long = body["data"].as_object().is_some_and(|d| {
        d.iter().any(|(k, v)| k.starts_with("thing") && v["value"].as_str().is_some_and(|t| t.chars().count() > 20))
    });
    if too_long {
        return error(47003, "argument invalid! data.thing.value invalid");
    }
    s.sent.push(body.into_inner());
    error(0, "ok")
}

async fn msg_sec_check(
    state: Shared,
    query: web::Query<HashMap<String, String>>,
    body: web::Json<Value>,
) -> HttpResponse {
    if let Some(answer) = enter(&state, "msg_sec_check").await {
        return answer;
    }
    let s = lock(&state);
    if let Some(answer) = check_token(&s, &query) {
        return answer;
    }
    if body["version"] != 2 || !body["openid"].is_string() || !body["scene"].is_u64() {
        return error(47001, "data format error");
    }
    let content = body["content"].as_str().unwrap_or_default();
    let suggest = s
        .suggest
        .iter()
        .find(|(word, _)| content.contains(word.as_str()))
        .map_or("pass", |(_, suggest)| suggest.as_str())
        .to_owned();
    let label = if suggest == "pass" { 100 } else { 20001 };
    HttpResponse::Ok().json(json!({
        "errcode": 0,
        "errmsg": "ok",
        "result": {"suggest": suggest, "label": label},
        "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90}],
        "trace_id": "fake-trace"
    }))
}

impl FakeWechat {
    /// Starts the fake on a free loopback port (in its own thread with its own runtime).
    pub fn start() -> Self {
        let state = Arc::new(Mutex::new(State {
            mode: Mode::Up,
            login_codes: HashMap::new(),
            phone_codes: HashMap::new(),
            used: HashSet::new(),
            tokens: Tokens::default(),
            calls: HashMap::new(),
            send_error: None,
            sent: Vec::new(),
            suggest: HashMap::new(),
        }));
        let shared = web::Data::new(Arc::clone(&state));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(shared.clone())
                        .route("/sns/jscode2session", web::get().to(jscode2session))
                        .route("/cgi-bin/stable_token", web::post().to(stable_token))
                        .route("/wxa/business/getuserphonenumber", web::post().to(phone_number))
                        .route("/cgi-bin/message/subscribe/send", web::post().to(subscribe_send))
                        .route("/wxa/msg_sec_check", web::post().to(msg_sec_check))
                })
                .workers(2)
                .disable_signals()
                .bind("127.0.0.1:0");
                let server = match server {
                    Ok(s) => s,
                    Err(e) => panic!("fake wechat cannot bind: {e}"),
                };
                let port = server.addrs().first().map(|a| a.port()).unwrap_or_default();
                let _ = tx.send(port);
                let _ = server.run().await;
            });
        });
        let port =
            rx.recv_timeout(Duration::from_secs(10)).unwrap_or_else(|e| panic!("fake wechat did not start: {e}"));
        Self { base_url: format!("http://127.0.0.1:{port}"), state, next: Arc::new(AtomicU32::new(1)) }
    }

    /// Points a server at this fake with its app id and secret, and a short timeout.
    pub fn configure(&self, env: &mut AppEnv) {
        env.set("HAOLIN_WECHAT_API_BASE", &self.base_url)
            .set("HAOLIN_WECHAT_APPID", APPID)
            .set("HAOLIN_WECHAT_SECRET", SECRET)
            .set("HAOLIN_WECHAT__TIMEOUT", "1s");
    }

    fn unique(&self, prefix: &str) -> String {
        format!("{prefix}-{}", self.next.fetch_add(1, Ordering::Relaxed))
    }

    /// A fresh single-use `wx.login()` code for `openid`.
    pub fn login_code(&self, openid: &str) -> String {
        let code = self.unique("login-code");
        lock(&self.state).login_codes.insert(code.clone(), (openid.to_owned(), None));
        code
    }

    /// A fresh single-use `getPhoneNumber` code for `phone` (`"+852 91234567"` for one abroad).
    pub fn phone_code(&self, phone: &str) -> String {
        let code = self.unique("phone-code");
        lock(&self.state).phone_codes.insert(code.clone(), phone.to_owned());
        code
    }

    /// Changes how the fake behaves.
    pub fn set_mode(&self, mode: Mode) {
        lock(&self.state).mode = mode;
    }

    /// Makes WeChat reject the current access token with 40001 (as after a refresh elsewhere).
    pub fn reject_current_token(&self) {
        let mut s = lock(&self.state);
        if let Some(t) = s.tokens.current.clone() {
            s.tokens.rejected.insert(t);
        }
    }

    /// How many calls an endpoint (`jscode2session`, `stable_token`, …) has received.
    pub fn calls(&self, endpoint: &str) -> u32 {
        lock(&self.state).calls.get(endpoint).copied().unwrap_or_default()
    }

    /// Makes `subscribe/send` answer this error code (`None`: accept).
    pub fn set_send_error(&self, code: Option<i64>) {
        lock(&self.state).send_error = code;
    }

    /// The subscribe messages accepted so far (the request bodies).
    pub fn sent(&self) -> Vec<Value> {
        lock(&self.state).sent.clone()
    }

    /// Makes `msg_sec_check` answer `suggest` (`risky`, `review`) for content containing `word`.
    pub fn flag_word(&self, word: &str, suggest: &str) {
        lock(&self.state).suggest.insert(word.to_owned(), suggest.to_owned());
    }
}
