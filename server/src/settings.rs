//! Typed settings: defaults, then an optional TOML file, then the environment.
//!
//! The stable variable names of API.md (`HAOLIN_BIND`, `DATABASE_URL`, `REDIS_URL`, …) map onto the
//! top-level fields; nested ones use a double underscore (`HAOLIN_WISHES__CLAIM_TTL=72h`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use haolin_shared::domain::DEFAULT_CATEGORIES;
use secrecy::SecretString;
use serde::Deserialize;

/// Everything the server can be configured with.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// The address to listen on; port 0 picks a free one.
    pub bind: String,
    /// `sqlite:PATH` or `postgres://…`; defaults to a SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// The most PostgreSQL connections this instance opens.
    pub db_max_connections: u32,
    /// Redis for cross-instance events, rate limits and caches; unset: in-process.
    pub redis_url: Option<String>,
    /// The prefix of every Redis key and channel (several deployments may share one Redis).
    pub redis_prefix: String,
    /// The HS256 signing key for access tokens; generated and kept in `data_dir` for SQLite.
    pub jwt_secret: Option<SecretString>,
    /// The first admin's phone number, created at start-up if absent.
    pub admin_phone: Option<String>,
    /// The first admin's password.
    pub admin_password: Option<SecretString>,
    /// Seed demo data on an empty database.
    pub demo: bool,
    /// The built web app served at `/`.
    pub web_dir: PathBuf,
    /// Where the SQLite file and the generated signing key live.
    pub data_dir: PathBuf,
    /// Token lifetimes.
    pub auth: AuthSettings,
    /// Rules of the wish workflow.
    pub wishes: WishSettings,
    /// Rules of the work-order workflow: clocks, the working day, categories.
    pub work_orders: WorkOrderSettings,
    /// Background jobs.
    pub jobs: JobSettings,
    /// HTTP limits.
    pub http: HttpSettings,
    /// Rate limits.
    pub limits: LimitSettings,
    /// The WeChat API host (`HAOLIN_WECHAT_API_BASE`); tests point it at a fake server.
    pub wechat_api_base: String,
    /// The mini-program's app id (`HAOLIN_WECHAT_APPID`); WeChat login is off without it.
    pub wechat_appid: Option<String>,
    /// The mini-program's app secret (`HAOLIN_WECHAT_SECRET`).
    pub wechat_secret: Option<SecretString>,
    /// Everything else about WeChat (timeouts).
    pub wechat: WechatSettings,
    /// Who may read `/metrics`, and where.
    #[serde(default)]
    pub metrics: MetricsSettings,
    /// Where photos are stored (`HAOLIN_FILES_URL`): `s3://bucket/prefix` (with the usual `AWS_*`
    /// variables) or `file:///dir`; unset: the `files` folder in `data_dir`.
    pub files_url: Option<String>,
    /// Photo limits.
    pub files: FileSettings,
    /// The time bank (docs/TIME-BANK.md).
    pub time_bank: TimeBankSettings,
    /// CSV and XLSX exports (docs/EXPORTS.md).
    pub exports: ExportSettings,
    /// Property service ratings (docs/PROPERTY.md).
    pub property: PropertySettings,
}

/// Property service ratings' rules (`HAOLIN_PROPERTY__PERIOD`, …; docs/PROPERTY.md).
#[derive(Debug, Clone, Deserialize)]
pub struct PropertySettings {
    /// The rating period: `month` (default) or `quarter`, in Asia/Shanghai dates.
    pub period: haolin_shared::domain::property::PeriodLength,
    /// The longest comment, in characters (default 200).
    pub comment_max: usize,
    /// The least points for grade A, B and C (default 85, 70, 60); below C is D.
    pub grade_a: f64,
    /// The least points for grade B.
    pub grade_b: f64,
    /// The least points for grade C.
    pub grade_c: f64,
    /// The fewest raters a result needs to go on the red or black list (default 5).
    pub list_min_raters: i64,
    /// The red list (红榜): at least these points (default 85).
    pub red_min_points: f64,
    /// The black list (黑榜): fewer points than this (default 60) …
    pub black_below_points: f64,
    /// … or any duty's average below this many stars (default 2.5).
    pub black_below_duty_average: f64,
}

/// Exports' bounds (`HAOLIN_EXPORTS__MAX_ROWS`, …; docs/EXPORTS.md).
#[derive(Debug, Clone, Deserialize)]
pub struct ExportSettings {
    /// The most rows one export may hold (default 1,000,000); beyond, a 422 asks for a narrower filter.
    pub max_rows: u64,
    /// Exports running at once on this instance (default 2); beyond, 503.
    pub concurrency: usize,
    /// How long a signed download link is valid (default 60 s).
    #[serde(with = "humantime_serde")]
    pub link_ttl: Duration,
}

/// The time bank's rules (`HAOLIN_TIME_BANK__CAP_HOURS`, …; docs/TIME-BANK.md).
#[derive(Debug, Clone, Deserialize)]
pub struct TimeBankSettings {
    /// Where credits come from: `issue` (default) or `pool` (the community's pool, minted by an
    /// admin; what it cannot cover is issued).
    pub credit_source: crate::store::time_bank::CreditSource,
    /// What a confirmed wish earns its member, fixed when the wish is posted (default 60).
    pub wish_minutes: i64,
    /// The most one account may hold, in hours (default 1,500).
    pub cap_hours: i64,
    /// Lifetime hours for each star (default 100, 300, 600, 1,000, 1,500).
    pub star_hours: Vec<u32>,
    /// What one person may give to family per China day, in minutes (default 600).
    pub gift_daily_minutes: i64,
    /// How long one check-in code lasts (default 60 s); a scan is accepted in its window and the
    /// one before.
    #[serde(with = "humantime_serde")]
    pub code_window: Duration,
}

impl TimeBankSettings {
    /// The cap in minutes.
    pub fn cap_minutes(&self) -> i64 {
        self.cap_hours.saturating_mul(60)
    }
}

/// Photo uploads (`HAOLIN_FILES__MAX_BYTES`, …).
#[derive(Debug, Clone, Deserialize)]
pub struct FileSettings {
    /// The largest upload accepted, in bytes.
    pub max_bytes: u64,
    /// The most pixels (width × height) an upload may have; checked before decoding.
    pub max_pixels: u64,
    /// The most photos one wish (the resident's) or one action (a fulfilment, a report, a
    /// resolution, a call-back) may carry.
    pub max_per_subject: usize,
    /// Uploads per account per day (China time).
    pub daily_uploads: u32,
    /// How long an upload may stay unattached before the job deletes it.
    #[serde(with = "humantime_serde")]
    pub unattached_ttl: Duration,
    /// How long stored bytes nobody names are kept before they are deleted.
    #[serde(with = "humantime_serde")]
    pub blob_grace: Duration,
    /// The least lifetime of a signed photo URL.
    #[serde(with = "humantime_serde")]
    pub url_ttl: Duration,
    /// Uploads decoded at once (memory: each holds a decoded picture); 0: the number of CPUs.
    pub decode_concurrency: usize,
}

/// Where `/metrics` is served (`HAOLIN_METRICS__BIND`, `HAOLIN_METRICS__TOKEN`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetricsSettings {
    /// A separate listener serving only `/metrics`, without a token (for a private network).
    pub bind: Option<String>,
    /// A bearer token that opens `/metrics` on the main listener; without it the main listener
    /// answers 404 there. At least 16 characters.
    pub token: Option<SecretString>,
}

impl MetricsSettings {
    /// The separate listener's address, if set (an empty value counts as unset).
    pub fn bind(&self) -> Option<&str> {
        self.bind.as_deref().map(str::trim).filter(|b| !b.is_empty())
    }

    /// The main listener's token, if set (an empty value counts as unset).
    pub fn token(&self) -> Option<&str> {
        self.token.as_ref().map(|t| secrecy::ExposeSecret::expose_secret(t).trim()).filter(|t| !t.is_empty())
    }
}

/// How the server talks to WeChat.
#[derive(Debug, Clone, Deserialize)]
pub struct WechatSettings {
    /// The longest one WeChat call may take, connection included; then the request answers 503.
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// The longest wait for another instance to refresh the shared access token.
    #[serde(with = "humantime_serde")]
    pub token_wait: Duration,
    /// How long before its expiry a cached access token is refreshed.
    #[serde(with = "humantime_serde")]
    pub token_margin: Duration,
    /// Subscribe-message templates by notification kind (`wish_approved`, …); kinds without one
    /// stay in the in-app inbox only.
    #[serde(default)]
    pub templates: HashMap<String, TemplateSettings>,
    /// The mini-program page a subscribe message opens (`?id=<wish id>` is appended).
    pub page: String,
    /// The mini-program page a work order's subscribe message opens (`?id=<order id>` appended).
    pub order_page: String,
    /// The mini-program page a notice's subscribe message opens (`?id=<notice id>` appended).
    pub notice_page: String,
    /// `formal`, `trial` or `developer`: which version of the mini-program messages open.
    pub miniprogram_state: String,
    /// How often the outbox of subscribe messages is drained.
    #[serde(with = "humantime_serde")]
    pub outbox_interval: Duration,
    /// The first retry delay of a failed send; doubled at each attempt.
    #[serde(with = "humantime_serde")]
    pub outbox_backoff: Duration,
    /// Attempts before a message is marked failed (visible to admins).
    pub outbox_max_attempts: u32,
    /// Check wish titles, descriptions, notes and comments with `wxa/msg_sec_check` (v2).
    pub content_check: bool,
    /// When the check cannot be made (WeChat down or erring): accept the text (`true`) or refuse
    /// the request with 503 (`false`).
    pub content_check_fail_open: bool,
}

/// One subscribe-message template.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateSettings {
    /// The template id from the mini-program console.
    pub id: String,
    /// Template field (`thing1`, `time2`, …) → what fills it: `wish_title`, `summary`, `body`,
    /// `time`. Empty: `thing1` = wish title, `thing2` = summary, `time3` = time.
    #[serde(default)]
    pub fields: HashMap<String, String>,
}

/// Rate limits: how many attempts per window, per account and per client address.
#[derive(Debug, Clone, Deserialize)]
pub struct LimitSettings {
    /// The length of a counting window.
    #[serde(with = "humantime_serde")]
    pub window: Duration,
    /// Login attempts per phone number and window.
    pub login_per_account: u32,
    /// Login attempts per client address and window.
    pub login_per_ip: u32,
    /// Registrations per client address and window.
    pub register_per_ip: u32,
    /// Wishes posted per account and window.
    pub wishes_per_account: u32,
    /// Wishes posted per client address and window.
    pub wishes_per_ip: u32,
    /// Password reset codes one dispatcher or admin issues per window.
    pub reset_codes_per_issuer: u32,
    /// Password reset codes issued for one account per window.
    pub reset_codes_per_account: u32,
    /// Attempts to reset a password with a code, per phone number and window.
    pub reset_attempts_per_phone: u32,
    /// Open311 requests one partner key may POST per window (docs/OPEN311.md).
    pub open311_posts_per_key: u32,
}

/// Token lifetimes.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// How long an access token is valid.
    #[serde(with = "humantime_serde")]
    pub access_ttl: Duration,
    /// How long an unused refresh token is valid.
    #[serde(with = "humantime_serde")]
    pub refresh_ttl: Duration,
    /// How long a password reset code a dispatcher or an admin issues stays usable.
    #[serde(with = "humantime_serde")]
    pub reset_code_ttl: Duration,
}

/// Rules of the wish workflow.
#[derive(Debug, Clone, Deserialize)]
pub struct WishSettings {
    /// How long a member holds a claim before it expires back to the pool.
    #[serde(with = "humantime_serde")]
    pub claim_ttl: Duration,
    /// How long after fulfilment an unanswered wish is confirmed by the system.
    #[serde(with = "humantime_serde")]
    pub auto_confirm_after: Duration,
    /// How many wishes (assigned + claimed) one member may hold at once.
    pub max_live_claims: u32,
    /// The categories residents choose from.
    pub categories: Vec<String>,
}

/// Rules of the work-order workflow (docs/WORK-ORDERS.md). Urgent clocks run in clock time, the
/// others in working time (the working-day calendar and `working_hours`).
#[derive(Debug, Clone, Deserialize)]
pub struct WorkOrderSettings {
    /// Working hours, `HH:MM-HH:MM` in Asia/Shanghai (default 09:00-17:00).
    pub working_hours: String,
    /// Urgent orders: sign within this many clock minutes (default 60).
    pub urgent_sign_minutes: i64,
    /// Urgent orders: resolve within this many clock minutes (default 1,440).
    pub urgent_resolve_minutes: i64,
    /// Normal and complex orders: sign within this many working minutes (default 240).
    pub sign_working_minutes: i64,
    /// Normal orders: resolve within this many working days (default 5).
    pub normal_resolve_days: i64,
    /// Complex orders: resolve within this many working days (default 15).
    pub complex_resolve_days: i64,
    /// The most working days one extension adds (default 10).
    pub max_extension_days: u32,
    /// A return (退单) is allowed within this many working minutes of dispatch (clock minutes for
    /// urgent orders; default 120).
    pub return_window_minutes: i64,
    /// The handler is reminded this many minutes (of the order's clock) before a deadline
    /// (default 60).
    pub remind_before_minutes: i64,
    /// The categories reporters choose from.
    pub categories: Vec<String>,
}

impl WorkOrderSettings {
    /// The working hours as minutes after midnight, `(start, end)`, or `None` if malformed.
    pub fn hours(&self) -> Option<(u16, u16)> {
        let (a, b) = self.working_hours.split_once('-')?;
        let minute = |t: &str| -> Option<u16> {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
            (h <= 24 && m < 60 && h * 60 + m <= 1440).then_some(h * 60 + m)
        };
        let (start, end) = (minute(a)?, minute(b)?);
        (start < end).then_some((start, end))
    }
}

/// The work-order categories offered by default.
pub const DEFAULT_ORDER_CATEGORIES: [&str; 8] =
    ["市容环境", "道路设施", "供水供电", "燃气安全", "治安隐患", "邻里纠纷", "物业管理", "其他"];

/// Background jobs.
#[derive(Debug, Clone, Deserialize)]
pub struct JobSettings {
    /// How often claim expiry and auto-confirmation run.
    #[serde(with = "humantime_serde")]
    pub interval: Duration,
    /// How old the log must be before the figures job sums it (today so far, and a day once it
    /// ended this long ago): longer than any transaction takes to commit after taking its time.
    #[serde(with = "humantime_serde")]
    pub figures_settle: Duration,
}

/// HTTP limits.
#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// How often an idle event stream gets a comment line, keeping proxies from closing it (and
    /// finding clients that left: the open-stream gauge counts them down at the latest two
    /// heartbeats later).
    #[serde(with = "humantime_serde")]
    pub sse_heartbeat: Duration,
}

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A value is missing or of the wrong form.
    #[error("invalid settings: {0}")]
    Invalid(#[from] config::ConfigError),
    /// A value parsed but makes no sense.
    #[error("invalid settings: {0}")]
    Rule(String),
}

impl Settings {
    /// Loads defaults, then `HAOLIN_CONFIG` (or `./haolin.toml` when present), then the environment.
    pub fn load() -> Result<Self, SettingsError> {
        let file = std::env::var("HAOLIN_CONFIG").ok();
        let mut builder = config::Config::builder()
            .set_default("bind", "127.0.0.1:8080")?
            .set_default("demo", false)?
            .set_default("db_max_connections", 16)?
            .set_default("web_dir", "web/dist")?
            .set_default("data_dir", "data")?
            .set_default("auth.access_ttl", "15m")?
            .set_default("auth.refresh_ttl", "30d")?
            .set_default("auth.reset_code_ttl", "30m")?
            .set_default("wishes.claim_ttl", "72h")?
            .set_default("wishes.auto_confirm_after", "7d")?
            .set_default("wishes.max_live_claims", 5)?
            .set_default("wishes.categories", DEFAULT_CATEGORIES.to_vec())?
            .set_default("work_orders.working_hours", "09:00-17:00")?
            .set_default("work_orders.urgent_sign_minutes", 60)?
            .set_default("work_orders.urgent_resolve_minutes", 1440)?
            .set_default("work_orders.sign_working_minutes", 240)?
            .set_default("work_orders.normal_resolve_days", 5)?
            .set_default("work_orders.complex_resolve_days", 15)?
            .set_default("work_orders.max_extension_days", 10)?
            .set_default("work_orders.return_window_minutes", 120)?
            .set_default("work_orders.remind_before_minutes", 60)?
            .set_default("work_orders.categories", DEFAULT_ORDER_CATEGORIES.to_vec())?
            .set_default("jobs.interval", "30s")?
            .set_default("jobs.figures_settle", "60s")?
            .set_default("files.max_bytes", 5 * 1024 * 1024)?
            .set_default("files.max_pixels", 50_000_000)?
            .set_default("files.max_per_subject", 6)?
            .set_default("files.daily_uploads", 100)?
            .set_default("files.unattached_ttl", "24h")?
            .set_default("files.blob_grace", "1h")?
            .set_default("files.url_ttl", "30m")?
            .set_default("files.decode_concurrency", 0)?
            .set_default("http.body_limit", 64 * 1024)?
            .set_default("http.workers", 0)?
            .set_default("http.trust_forwarded_for", false)?
            .set_default("http.sse_heartbeat", "20s")?
            .set_default("redis_prefix", "haolin")?
            .set_default("limits.window", "1m")?
            .set_default("limits.login_per_account", 10)?
            .set_default("limits.login_per_ip", 100)?
            .set_default("limits.register_per_ip", 20)?
            .set_default("limits.wishes_per_account", 10)?
            .set_default("limits.wishes_per_ip", 200)?
            .set_default("limits.open311_posts_per_key", 120)?
            .set_default("limits.reset_codes_per_issuer", 30)?
            .set_default("limits.reset_codes_per_account", 3)?
            .set_default("limits.reset_attempts_per_phone", 5)?
            .set_default("wechat_api_base", "https://api.weixin.qq.com")?
            .set_default("wechat.timeout", "3s")?
            .set_default("wechat.token_wait", "2s")?
            .set_default("wechat.token_margin", "5m")?
            .set_default("wechat.page", "pages/wish/detail")?
            .set_default("wechat.order_page", "pages/order/detail")?
            .set_default("wechat.notice_page", "pages/notice/detail")?
            .set_default("wechat.miniprogram_state", "formal")?
            .set_default("wechat.outbox_interval", "2s")?
            .set_default("wechat.outbox_backoff", "30s")?
            .set_default("wechat.outbox_max_attempts", 5)?
            .set_default("wechat.content_check", false)?
            .set_default("wechat.content_check_fail_open", true)?
            .set_default("time_bank.credit_source", "issue")?
            .set_default("time_bank.wish_minutes", 60)?
            .set_default("time_bank.cap_hours", 1500)?
            .set_default("time_bank.star_hours", vec![100, 300, 600, 1000, 1500])?
            .set_default("time_bank.gift_daily_minutes", 600)?
            .set_default("time_bank.code_window", "60s")?
            .set_default("exports.max_rows", 1_000_000)?
            .set_default("exports.concurrency", 2)?
            .set_default("exports.link_ttl", "60s")?
            .set_default("property.period", "month")?
            .set_default("property.comment_max", 200)?
            .set_default("property.grade_a", 85.0)?
            .set_default("property.grade_b", 70.0)?
            .set_default("property.grade_c", 60.0)?
            .set_default("property.list_min_raters", 5)?
            .set_default("property.red_min_points", 85.0)?
            .set_default("property.black_below_points", 60.0)?
            .set_default("property.black_below_duty_average", 2.5)?;
        builder = match file {
            Some(path) => builder.add_source(config::File::with_name(&path).required(true)),
            None => builder.add_source(config::File::with_name("haolin").required(false)),
        };
        builder = builder.add_source(
            config::Environment::with_prefix("HAOLIN")
                .prefix_separator("_")
                .separator("__")
                .list_separator(",")
                .with_list_parse_key("wishes.categories")
                .with_list_parse_key("work_orders.categories")
                .with_list_parse_key("time_bank.star_hours")
                .try_parsing(true),
        );
        for (var, key) in [("DATABASE_URL", "database_url"), ("REDIS_URL", "redis_url")] {
            if let Ok(value) = std::env::var(var)
                && !value.trim().is_empty()
            {
                builder = builder.set_override(key, value)?;
            }
        }
        let settings: Settings = builder.build()?.try_deserialize()?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), SettingsError> {
        if self.wishes.categories.is_empty() {
            return Err(SettingsError::Rule("wishes.categories must not be empty".into()));
        }
        if self.wishes.max_live_claims == 0 {
            return Err(SettingsError::Rule("wishes.max_live_claims must be at least 1".into()));
        }
        if self.wechat.timeout.is_zero() {
            return Err(SettingsError::Rule("wechat.timeout must be positive".into()));
        }
        if self.wechat.outbox_interval.is_zero() || self.wechat.outbox_max_attempts == 0 {
            return Err(SettingsError::Rule("wechat.outbox_interval and outbox_max_attempts must be positive".into()));
        }
        if self.metrics.token().is_some_and(|t| t.len() < 16) {
            return Err(SettingsError::Rule("metrics.token must be at least 16 characters".into()));
        }
        if self.auth.reset_code_ttl.is_zero() {
            return Err(SettingsError::Rule("auth.reset_code_ttl must be positive".into()));
        }
        if self.http.sse_heartbeat.is_zero() {
            return Err(SettingsError::Rule("http.sse_heartbeat must be positive".into()));
        }
        let w = &self.work_orders;
        if w.hours().is_none() {
            return Err(SettingsError::Rule("work_orders.working_hours must be HH:MM-HH:MM, start before end".into()));
        }
        if w.categories.is_empty() {
            return Err(SettingsError::Rule("work_orders.categories must not be empty".into()));
        }
        if [w.urgent_sign_minutes, w.urgent_resolve_minutes, w.sign_working_minutes, w.normal_resolve_days]
            .into_iter()
            .chain([w.complex_resolve_days, w.return_window_minutes])
            .any(|v| v <= 0)
            || w.max_extension_days == 0
            || w.remind_before_minutes < 0
        {
            return Err(SettingsError::Rule("work_orders clocks must be positive".into()));
        }
        let f = &self.files;
        if f.max_bytes == 0 || f.max_pixels == 0 || f.max_per_subject == 0 || f.daily_uploads == 0 {
            return Err(SettingsError::Rule("files limits must be positive".into()));
        }
        let t = &self.time_bank;
        if t.wish_minutes < 0 || t.cap_hours <= 0 || t.gift_daily_minutes < 0 || t.code_window.as_secs() == 0 {
            return Err(SettingsError::Rule("time_bank limits must be positive (code_window at least 1s)".into()));
        }
        if t.star_hours.is_empty() || t.star_hours.windows(2).any(|w| w[0] >= w[1]) {
            return Err(SettingsError::Rule("time_bank.star_hours must be ascending".into()));
        }
        if self.jobs.interval.is_zero() {
            return Err(SettingsError::Rule("jobs.interval must be positive".into()));
        }
        let e = &self.exports;
        if e.max_rows == 0 || e.concurrency == 0 || e.link_ttl.as_secs() == 0 {
            return Err(SettingsError::Rule("exports limits must be positive (link_ttl at least 1s)".into()));
        }
        let p = &self.property;
        if p.comment_max == 0 || p.list_min_raters < 1 || !(p.grade_c <= p.grade_b && p.grade_b <= p.grade_a) {
            return Err(SettingsError::Rule(
                "property: comment_max and list_min_raters must be positive, grade_c ≤ grade_b ≤ grade_a".into(),
            ));
        }
        Ok(())
    }

    /// The database URL, defaulting to `sqlite:<data_dir>/haolin.db`.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite:{}", self.data_dir.join("haolin.db").display()))
    }
}
