//! The Open311 GeoReport v2 door (docs/OPEN311.md): a read and write projection of wishes so that
//! a city's 12345 hotline or another platform can exchange requests with us.
//!
//! - Services are our wish categories: the service code is the category as wishes store it, the
//!   name is the same Chinese text.
//! - The public read needs no key. It never shows a name, a phone, a wish's description or an
//!   exact place: a request's `description` is the wish's title once a dispatcher approved it
//!   (empty while it waits for review or after a refusal), its `address` the grid's name (the
//!   community's without a grid), `address_id` that place's code, and `lat`/`long` the grid's
//!   centroid.
//! - Every [`WishStatus`] maps to `open` or `closed` in [`status_of`], with Chinese notes.
//! - A POST carries a partner's `api_key` (issued by admins, scoped to a community or a street,
//!   revocable, see [`keys`]) and becomes a wish in `pending_review` through the ordinary posting
//!   workflow ([`crate::wishes::post`]): content check, events, the dispatchers' notice, the
//!   idempotent replay. The resident of record is the key's system account.
//! - Errors are the spec's array of `{code, description}` in the format the path's extension asks
//!   for ([`Failure`]).

pub mod keys;
pub mod xml;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, TimeZone, Utc};
use haolin_shared::api::{CreateWishRequest, ErrorCode, PlaceLevel};
use haolin_shared::domain::{Category, PhoneNumber, WishDescription, WishStatus};
use sha2::{Digest, Sha256};

use crate::auth::{Caller, Origin};
use crate::error::ApiError;
use crate::places::geo;
use crate::state::AppState;
use crate::store::open311::{KeyRecord, PublicQuery, PublicWish};
use crate::store::places::PlaceRecord;
use crate::wishes::{self, Posting};

/// The longest span of `start_date`..`end_date`, and the default look-back.
pub const MAX_DAYS: i64 = 90;
/// How many requests a list answers at most.
pub const MAX_ROWS: u32 = 1_000;
/// The group every service belongs to.
pub const GROUP: &str = "微心愿";

/// The document format the path's extension asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json`
    Json,
    /// `.xml`
    Xml,
}

impl Format {
    /// Splits `name.json` or `name.xml` into the name and its format.
    pub fn split(raw: &str) -> Option<(&str, Self)> {
        raw.strip_suffix(".json").map(|n| (n, Self::Json)).or_else(|| raw.strip_suffix(".xml").map(|n| (n, Self::Xml)))
    }

    /// The `Content-Type` of a document in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// One value of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A number (coordinates).
    Number(f64),
    /// An integer (error codes).
    Int(i64),
    /// A boolean (a service's `metadata`).
    Bool(bool),
    /// Nothing: `null` in JSON, an empty element in XML.
    Null,
    /// A list of records under an element name (a service definition's attributes).
    List(&'static str, Vec<Record>),
}

/// A record: field names in the spec's order, with their values.
pub type Record = Vec<(&'static str, Value)>;

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn opt_text(s: Option<String>) -> Value {
    s.map_or(Value::Null, Value::Text)
}

/// A document: a root element holding items (services, requests, errors).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The XML root element.
    pub root: &'static str,
    /// The XML element of each item.
    pub item: &'static str,
    /// The items.
    pub items: Vec<Record>,
}

impl Document {
    /// The document in `format`. A document without an item element is its one record (a
    /// service definition: a JSON object, the root's children in XML).
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json if self.item.is_empty() => {
                self.items.first().map_or_else(|| "{}".to_owned(), |r| json_record(r).to_string())
            }
            Format::Json => serde_json::Value::Array(self.items.iter().map(|r| json_record(r)).collect()).to_string(),
            Format::Xml => xml::document(self.root, self.item, &self.items),
        }
    }
}

fn json_value(value: &Value) -> serde_json::Value {
    match value {
        Value::Text(s) => serde_json::Value::String(s.clone()),
        Value::Number(n) => serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Int(n) => serde_json::Value::from(*n),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Null => serde_json::Value::Null,
        Value::List(_, items) => serde_json::Value::Array(items.iter().map(|r| json_record(r)).collect()),
    }
}

/// A record as a JSON object.
pub fn json_record(record: &[(&'static str, Value)]) -> serde_json::Value {
    serde_json::Value::Object(record.iter().map(|(k, v)| ((*k).to_owned(), json_value(v))).collect())
}

/// An error answer: the HTTP status and the spec's `{code, description}` (the code is the status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// 400, 403, 404, 429, 500 or 503.
    pub status: u16,
    /// What went wrong, in Chinese.
    pub description: String,
    /// Seconds to wait (429, 503).
    pub retry_after: Option<u32>,
}

impl Failure {
    /// 400.
    pub fn bad(description: impl Into<String>) -> Self {
        Self { status: 400, description: description.into(), retry_after: None }
    }

    /// 403: no key, an unknown key or a revoked one.
    pub fn key() -> Self {
        Self { status: 403, description: "api_key 无效或已吊销".to_owned(), retry_after: None }
    }

    /// 404.
    pub fn not_found(description: impl Into<String>) -> Self {
        Self { status: 404, description: description.into(), retry_after: None }
    }

    /// The error document.
    pub fn document(&self) -> Document {
        Document {
            root: "errors",
            item: "error",
            items: vec![vec![("code", Value::Int(i64::from(self.status))), ("description", text(&self.description))]],
        }
    }
}

impl From<ApiError> for Failure {
    /// Our errors in the spec's terms: every refusal of the input is a 400 (naming the field
    /// when there is one), a refusal of the caller a 403.
    fn from(err: ApiError) -> Self {
        let status = match err.code.http_status() {
            401 | 403 => 403,
            404 => 404,
            429 => 429,
            s if s >= 500 => s,
            _ => 400,
        };
        let description = match &err.details.field {
            Some(field) if !err.message.contains(field.as_str()) => format!("{field}：{}", err.message),
            _ => err.message.to_string(),
        };
        Self { status, description, retry_after: err.retry_after }
    }
}

impl From<crate::store::StoreError> for Failure {
    fn from(err: crate::store::StoreError) -> Self {
        ApiError::from(err).into()
    }
}

/// `open` or `closed`, and the notes a partner reads, for every status we have.
pub fn status_of(status: WishStatus) -> (&'static str, &'static str) {
    match status {
        WishStatus::PendingReview => ("open", "待社区审核"),
        WishStatus::Open => ("open", "已通过审核，等待党员认领"),
        WishStatus::Assigned => ("open", "已派给党员，等待接单"),
        WishStatus::Claimed => ("open", "党员已认领，正在办理"),
        WishStatus::Fulfilled => ("open", "党员已办结，等待居民确认"),
        WishStatus::Confirmed => ("closed", "心愿已完成，居民已确认"),
        WishStatus::Rejected => ("closed", "经社区审核，未予受理"),
        WishStatus::Cancelled => ("closed", "心愿已撤回"),
    }
}

/// The statuses an Open311 `status` stands for.
fn statuses_of(open311: &str) -> Option<Vec<WishStatus>> {
    match open311 {
        "open" | "closed" => {
            Some(WishStatus::ALL.into_iter().filter(|s| status_of(*s).0 == open311).collect::<Vec<_>>())
        }
        _ => None,
    }
}

/// The services: one per configured category.
pub fn services(state: &AppState) -> Document {
    let items = state
        .settings
        .wishes
        .categories
        .iter()
        .map(|c| {
            vec![
                ("service_code", text(c.as_str())),
                ("service_name", text(c.as_str())),
                ("description", text(format!("居民微心愿：{c}"))),
                ("metadata", Value::Bool(false)),
                ("type", text("realtime")),
                ("keywords", text("")),
                ("group", text(GROUP)),
            ]
        })
        .collect();
    Document { root: "services", item: "service", items }
}

/// One service's definition (no attributes: `metadata` is false for all of them).
pub fn service_definition(state: &AppState, code: &str) -> Result<Document, Failure> {
    Category::parse(code, &state.settings.wishes.categories).map_err(|_| Failure::not_found("服务类型不存在"))?;
    Ok(Document {
        root: "service_definition",
        item: "",
        items: vec![vec![("service_code", text(code.trim())), ("attributes", Value::List("attribute", Vec::new()))]],
    })
}

/// The district `jurisdiction_id` names, if given; an unknown one is 404.
pub async fn jurisdiction(state: &AppState, raw: Option<&str>) -> Result<Option<PlaceRecord>, Failure> {
    let Some(code) = raw else { return Ok(None) };
    match state.store.place_by_code(code.trim()).await? {
        Some(p) if p.level == PlaceLevel::District => Ok(Some(p)),
        _ => Err(Failure::not_found("jurisdiction_id 不是本平台的区")),
    }
}

fn seconds(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A `start_date`/`end_date`: a W3C (RFC 3339) time, or a date (midnight, China time).
fn parse_date(field: &str, raw: &str) -> Result<DateTime<Utc>, Failure> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| chrono::FixedOffset::east_opt(8 * 3600).and_then(|tz| tz.from_local_datetime(&t).single()))
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| Failure::bad(format!("{field} 须为 W3C 时间，如 2026-01-01T00:00:00Z")))
}

/// The raw filters of `GET /requests`.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter<'a> {
    /// `jurisdiction_id`.
    pub jurisdiction_id: Option<&'a str>,
    /// `service_request_id` (comma-separated).
    pub service_request_id: Option<&'a str>,
    /// `service_code` (comma-separated).
    pub service_code: Option<&'a str>,
    /// `start_date`.
    pub start_date: Option<&'a str>,
    /// `end_date`.
    pub end_date: Option<&'a str>,
    /// `status` (comma-separated `open`, `closed`).
    pub status: Option<&'a str>,
}

fn list_of(raw: &str) -> Vec<&str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// The requests the filters select, newest first, at most [`MAX_ROWS`]. `service_request_id`
/// overrides every other filter (the district still applies); otherwise the window is at most
/// [`MAX_DAYS`] days: the last 90 without dates, 90 from `start_date` or up to `end_date`.
pub async fn requests(state: &AppState, filter: &RequestFilter<'_>) -> Result<Document, Failure> {
    let district = jurisdiction(state, filter.jurisdiction_id).await?;
    let mut query = PublicQuery { district_id: district.map(|d| d.id), limit: MAX_ROWS, ..PublicQuery::default() };
    if let Some(raw) = filter.service_request_id {
        let ids = list_of(raw)
            .into_iter()
            .map(|s| s.parse::<i64>().ok().filter(|id| *id > 0))
            .collect::<Option<Vec<_>>>()
            .filter(|ids| !ids.is_empty() && ids.len() <= MAX_ROWS as usize)
            .ok_or_else(|| Failure::bad("service_request_id 须为逗号分隔的编号"))?;
        query.ids = Some(ids);
    } else {
        if let Some(raw) = filter.service_code {
            let categories = list_of(raw)
                .into_iter()
                .map(|c| Category::parse(c, &state.settings.wishes.categories).map(Category::into_inner))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| Failure::bad("service_code 不是已有的服务类型"))?;
            query.categories = Some(categories).filter(|c| !c.is_empty());
        }
        if let Some(raw) = filter.status {
            let mut statuses = Vec::new();
            for s in list_of(raw) {
                statuses.extend(statuses_of(s).ok_or_else(|| Failure::bad("status 须为 open 或 closed"))?);
            }
            query.statuses = Some(statuses).filter(|s| !s.is_empty());
        }
        let start = filter.start_date.map(|raw| parse_date("start_date", raw)).transpose()?;
        let end = filter.end_date.map(|raw| parse_date("end_date", raw)).transpose()?;
        let span = Duration::days(MAX_DAYS);
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) if e < s => return Err(Failure::bad("end_date 不能早于 start_date")),
            (Some(s), Some(e)) if e - s > span => {
                return Err(Failure::bad("start_date 与 end_date 相距不能超过 90 天"));
            }
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + span),
            (None, Some(e)) => (e - span, e),
            (None, None) => (Utc::now() - span, Utc::now() + Duration::minutes(1)),
        };
        query.start = Some(start);
        query.end = Some(end);
    }
    let rows = state.store.open311_wishes(&query).await?;
    Ok(Document { root: "service_requests", item: "request", items: rows.iter().map(request_record).collect() })
}

/// One request; absent (or outside the district) is 404.
pub async fn request(state: &AppState, jurisdiction_id: Option<&str>, raw_id: &str) -> Result<Document, Failure> {
    let district = jurisdiction(state, jurisdiction_id).await?;
    let id = raw_id.trim().parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| Failure::not_found("请求不存在"))?;
    let query =
        PublicQuery { ids: Some(vec![id]), district_id: district.map(|d| d.id), limit: 1, ..PublicQuery::default() };
    let rows = state.store.open311_wishes(&query).await?;
    if rows.is_empty() {
        return Err(Failure::not_found("请求不存在"));
    }
    Ok(Document { root: "service_requests", item: "request", items: rows.iter().map(request_record).collect() })
}

/// The centroid of a grid's boundary (the mean of its outer ring's corners), to six decimals.
pub fn centroid(boundary: Option<&str>) -> Option<[f64; 2]> {
    let polygon = geo::boundary_of(boundary)?;
    let ring = polygon.coordinates.first()?;
    let corners = ring.get(..ring.len().saturating_sub(1)).filter(|c| !c.is_empty())?;
    let n = corners.len() as f64;
    let round = |v: f64| (v * 1e6).round() / 1e6;
    Some([round(corners.iter().map(|p| p[0]).sum::<f64>() / n), round(corners.iter().map(|p| p[1]).sum::<f64>() / n)])
}

/// A wish as a GeoReport v2 request: only what anyone may read.
fn request_record(w: &PublicWish) -> Record {
    let (status, notes) = status_of(w.status);
    // Nobody has approved the text of a wish waiting for review or refused: it is not shown.
    let description = match w.status {
        WishStatus::PendingReview | WishStatus::Rejected => String::new(),
        _ => w.title.clone(),
    };
    let (address, address_id, point) = match &w.grid {
        Some((name, code, boundary)) => (name.clone(), code.clone(), centroid(boundary.as_deref())),
        None => (w.community_name.clone(), w.community_code.clone(), None),
    };
    let expected = w.expected_by.as_deref().and_then(|raw| {
        DateTime::parse_from_rfc3339(raw).ok().map(|t| seconds(t.with_timezone(&Utc))).or_else(|| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().map(|d| format!("{}T23:59:59+08:00", d.format("%Y-%m-%d")))
        })
    });
    vec![
        ("service_request_id", text(w.id.to_string())),
        ("status", text(status)),
        ("status_notes", text(notes)),
        ("service_name", text(w.category.as_str())),
        ("service_code", text(w.category.as_str())),
        ("description", text(description)),
        ("agency_responsible", text(w.community_name.as_str())),
        ("service_notice", text("")),
        ("requested_datetime", text(seconds(w.created_at))),
        ("updated_datetime", text(seconds(w.updated_at))),
        ("expected_datetime", opt_text(expected)),
        ("address", text(address)),
        ("address_id", text(address_id)),
        ("zipcode", Value::Null),
        ("lat", point.map_or(Value::Null, |p| Value::Number(p[1]))),
        ("long", point.map_or(Value::Null, |p| Value::Number(p[0]))),
        ("media_url", Value::Null),
    ]
}

/// The form of a POST, as name–value pairs (empty values count as absent).
#[derive(Debug, Clone, Default)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// The first non-empty value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.as_str())
    }
}

/// The SHA-256 of a key's secret, hex, as stored.
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The key a POST carries, if it is in force.
async fn key_of(state: &AppState, form: &Form) -> Result<KeyRecord, Failure> {
    let secret = form.get("api_key").ok_or_else(Failure::key)?;
    match state.store.open311_key_by_hash(&secret_hash(secret.trim())).await? {
        Some(key) if key.revoked_at.is_none() => Ok(key),
        _ => Err(Failure::key()),
    }
}

/// `lat` and `long`, both or neither, within WGS 84 ranges.
fn point_of(form: &Form) -> Result<Option<[f64; 2]>, Failure> {
    let parse = |name: &str, max: f64| -> Result<Option<f64>, Failure> {
        form.get(name)
            .map(|raw| {
                raw.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && v.abs() <= max)
                    .ok_or_else(|| Failure::bad(format!("{name} 须为有效的 WGS 84 坐标")))
            })
            .transpose()
    };
    match (parse("lat", 90.0)?, parse("long", 180.0)?) {
        (Some(lat), Some(long)) => Ok(Some([long, lat])),
        (None, None) => Ok(None),
        _ => Err(Failure::bad("lat 与 long 须同时提供")),
    }
}

/// Whether community `c` lies in the key's place (the community itself, or its street).
fn in_scope(key_place: &PlaceRecord, community: &PlaceRecord) -> bool {
    community.level == PlaceLevel::Community
        && community.retired_at.is_none()
        && (community.id == key_place.id || community.parent_id == Some(key_place.id))
}

/// Where a POST lands: `(community, grid)`. A location (`address_id`: the code of a community or
/// grid; else `lat`/`long`: the grid holding the point) must lie in the key's place; without one,
/// a community key files in its community (no grid) and a street key is refused.
async fn landing(state: &AppState, key: &KeyRecord, form: &Form) -> Result<(i64, Option<i64>), Failure> {
    let key_place = state.store.place(key.place_id).await?.ok_or_else(|| Failure::from(ApiError::internal()))?;
    let outside = || Failure::bad("位置不在该 api_key 的受理范围内");
    let found = if let Some(code) = form.get("address_id") {
        Some(
            state
                .store
                .place_by_code(code.trim())
                .await?
                .ok_or_else(|| Failure::bad("address_id 不是已知的社区或网格编码"))?,
        )
    } else if let Some(point) = point_of(form)? {
        match crate::places::grid_at(state, point).await? {
            Some(grid) => state.store.place(grid).await?,
            None if key_place.level == PlaceLevel::Community => None,
            None => return Err(outside()),
        }
    } else {
        None
    };
    let Some(place) = found else {
        return if key_place.level == PlaceLevel::Community {
            Ok((key_place.id, None))
        } else {
            Err(Failure::bad("街道范围的 api_key 须提供位置：lat/long 或 address_id（社区或网格编码）"))
        };
    };
    let (community, grid) = match place.level {
        PlaceLevel::Community => (place, None),
        PlaceLevel::Grid if place.retired_at.is_none() => {
            let parent = place.parent_id.ok_or_else(outside)?;
            (state.store.place(parent).await?.ok_or_else(outside)?, Some(place.id))
        }
        _ => return Err(Failure::bad("address_id 须为社区或网格编码")),
    };
    if in_scope(&key_place, &community) { Ok((community.id, grid)) } else { Err(outside()) }
}

/// A wish's title from a request's description: its first line, at most 50 characters.
fn title_of(description: &str) -> String {
    let first = description.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    first.chars().take(50).collect()
}

/// `POST /requests`: files the request as a wish in `pending_review` (see the module's notes);
/// answers the new wish's id (or, replayed, the first one's).
pub async fn post(state: &AppState, origin: Origin, form: &Form) -> Result<i64, Failure> {
    let key = key_of(state, form).await?;
    let limits = &state.settings.limits;
    state.limiter.hit(&format!("open311:key:{}", key.id), limits.open311_posts_per_key, limits.window).await?;
    if let Some(district) = jurisdiction(state, form.get("jurisdiction_id")).await? {
        let path = state.store.place_path(key.place_id).await?;
        if path.first().map(|p| p.id) != Some(district.id) {
            return Err(Failure::not_found("jurisdiction_id 不是该 api_key 所在的区"));
        }
    }
    let code = form.get("service_code").ok_or_else(|| Failure::bad("缺少 service_code"))?;
    let category = Category::parse(code, &state.settings.wishes.categories)
        .map_err(|_| Failure::bad("service_code 不是已有的服务类型"))?;
    let raw_description = form.get("description").ok_or_else(|| Failure::bad("缺少 description"))?;
    let description =
        WishDescription::parse(raw_description).map_err(|e| Failure::bad(format!("description：{e}")))?.into_inner();
    let phone = match form.get("phone") {
        Some(raw) => PhoneNumber::parse(raw).map_err(|e| Failure::bad(format!("phone：{e}")))?.into_inner(),
        None => key.contact_phone.clone(),
    };
    let (community_id, grid_id) = landing(state, &key, form).await?;
    let request = CreateWishRequest {
        community_id: community_id.to_string(),
        title: title_of(&description),
        description,
        category: category.into_inner(),
        contact_phone: Some(phone),
        expected_by: None,
        grid_id: grid_id.map(|g| g.to_string()),
        resident_id: None,
        photos: None,
        paid_minutes: None,
    };
    // A partner's retry (same device and account, same service and text) replays the first wish.
    let idempotency_key = match (form.get("device_id"), form.get("account_id")) {
        (None, None) => None,
        (device, account) => {
            let seed = format!(
                "{}\u{0}{}\u{0}{}\u{0}{}",
                device.unwrap_or(""),
                account.unwrap_or(""),
                request.category,
                request.description
            );
            Some(format!("open311:{}", &secret_hash(&seed)[..40]))
        }
    };
    let user = state.store.user_by_id(key.account_id).await?.ok_or_else(|| Failure::from(ApiError::internal()))?;
    let client_ip = origin.ip.clone();
    let caller = Caller { user, session_id: 0, origin };
    let posting = Posting {
        request: &request,
        client_ip: &client_ip,
        idempotency_key: idempotency_key.as_deref(),
        resident_limits: false,
    };
    let wish = match wishes::post(state, &caller, posting).await {
        Ok(wishes::Posted::Created(w) | wishes::Posted::Replayed(w)) => w,
        Err(e) if e.code == ErrorCode::IdempotencyKeyReused => {
            return Err(Failure::bad("同一 device_id/account_id 的相同请求已以不同位置或电话提交"));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(wish.id)
}

/// The answer to a POST.
pub fn posted(id: i64) -> Document {
    Document {
        root: "service_requests",
        item: "request",
        items: vec![vec![
            ("service_request_id", text(id.to_string())),
            ("service_notice", text("已转社区审核，审核通过后进入党员认领池")),
            ("account_id", Value::Null),
        ]],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_open_or_closed_and_terminal_ones_are_closed() {
        for s in WishStatus::ALL {
            let (status, notes) = status_of(s);
            assert_eq!(status == "closed", s.is_terminal(), "{s:?}");
            assert!(!notes.is_empty());
            assert!(statuses_of(status).unwrap().contains(&s));
        }
        assert!(statuses_of("pending").is_none());
    }

    #[test]
    fn the_centroid_is_the_mean_of_the_corners() {
        let b = r#"{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}"#;
        assert_eq!(centroid(Some(b)), Some([1.0, 1.0]));
        assert_eq!(centroid(None), None);
    }

    #[test]
    fn a_title_is_the_first_line_cut_to_fifty_characters() {
        assert_eq!(title_of("\n  路灯坏了 \n第二行"), "路灯坏了");
        assert_eq!(title_of(&"长".repeat(80)).chars().count(), 50);
    }

    #[test]
    fn the_extension_picks_the_format() {
        assert_eq!(Format::split("services.json"), Some(("services", Format::Json)));
        assert_eq!(Format::split("12.xml"), Some(("12", Format::Xml)));
        assert_eq!(Format::split("12"), None);
    }
}
