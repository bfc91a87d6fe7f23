//! Exports (docs/EXPORTS.md): one pipeline from a [`Source`] of rows to a CSV or XLSX file.
//!
//! A source yields a header of Chinese column names, then pages of typed cells read from the
//! database in keyset pages (no connection or transaction held between pages, memory bounded by a
//! page). Two sinks: CSV (`csv.rs`: BOM, RFC 4180, CRLF) streamed to the client page by page, and
//! XLSX (`xlsx.rs`: `rust_xlsxwriter` in constant-memory mode, on a blocking thread, into a
//! temporary file under the data dir that is then streamed and removed). Exports at once are
//! bounded (503 beyond), and so are the rows of one export (422 beyond, before any byte is sent).
//! `link.rs` signs the short-lived download links a browser can follow without a Bearer header.

pub mod csv;
pub mod link;
pub mod property;
pub mod sources;
pub mod xlsx;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, Utc};
use haolin_shared::api::ErrorCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Rows read from the database per page.
pub const PAGE_ROWS: u32 = 500;

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, written as a string (never a formula); CSV escapes a leading `=`, `+`, `-`, `@`, tab
    /// or carriage return.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A decimal number.
    Number(f64),
    /// An instant, shown in Asia/Shanghai time (`YYYY-MM-DD HH:MM:SS`).
    Time(DateTime<Utc>),
    /// Nothing.
    Empty,
}

impl Cell {
    /// Text, or empty for `None`.
    pub fn text(value: Option<impl Into<String>>) -> Self {
        value.map_or(Self::Empty, |v| Self::Text(v.into()))
    }
}

/// A row of cells, in the header's order.
pub type Row = Vec<Cell>;

/// China time (UTC+8, no daylight saving since 1991).
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("+08:00 is a valid offset"))
}

/// An instant as an export shows it: `YYYY-MM-DD HH:MM:SS` in Asia/Shanghai.
pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// What an export reads: a header, then pages of rows until `None`.
///
/// A new export is a type implementing this (its filters parsed and its scope checked when it is
/// built, so a refusal comes before any byte of the file) and a [`sources::Kind`] variant.
#[async_trait]
pub trait Source: Send {
    /// The file's name without extension, in Chinese (e.g. `心愿清单`).
    fn title(&self) -> &'static str;
    /// The ASCII fallback of [`Self::title`] (e.g. `wishes`).
    fn ascii_name(&self) -> &'static str;
    /// The column names, in Chinese.
    fn header(&self) -> &'static [&'static str];
    /// Whether the export would hold more than `bound` rows.
    async fn exceeds(&self, state: &AppState, bound: u64) -> Result<bool, ApiError>;
    /// The next page of rows, or `None` at the end.
    async fn next_page(&mut self, state: &AppState) -> Result<Option<Vec<Row>>, ApiError>;
}

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// UTF-8 CSV with a byte-order mark.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    /// The extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The Content-Type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

static RUNNING: OnceLock<Arc<Semaphore>> = OnceLock::new();

/// A place among the exports running at once on this instance, or 503 when they are all taken.
pub fn admit(state: &AppState) -> Result<OwnedSemaphorePermit, ApiError> {
    let running = RUNNING.get_or_init(|| Arc::new(Semaphore::new(state.settings.exports.concurrency)));
    Arc::clone(running).try_acquire_owned().map_err(|_| {
        let mut e = ApiError::new(ErrorCode::ServiceUnavailable, "正在进行的导出较多，请稍后再试");
        e.retry_after = Some(5);
        e
    })
}

/// Builds the source of `kind` for `caller` with the query `q` (filters checked, scope checked)
/// and refuses it when it holds more rows than the bound.
pub async fn prepare(
    state: &AppState,
    caller: &Caller,
    kind: sources::Kind,
    q: &HashMap<String, String>,
) -> Result<Box<dyn Source>, ApiError> {
    let source = kind.source(state, caller, q).await?;
    let max = state.settings.exports.max_rows;
    if source.exceeds(state, max).await? {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            format!("导出的数据超过 {max} 行，请缩小筛选范围（例如按社区或状态筛选）后再导出"),
        ));
    }
    Ok(source)
}

/// `Content-Disposition` of a download: the Chinese name (RFC 5987 `filename*`) and an ASCII
/// fallback, both stamped with the China-time minute of the export.
pub fn disposition(source: &dyn Source, format: Format, now: DateTime<Utc>) -> String {
    let stamp = now.with_timezone(&shanghai()).format("%Y%m%d-%H%M");
    let ext = format.extension();
    let utf8 = format!("{}-{stamp}.{ext}", source.title());
    let encoded: String = utf8
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{}-{stamp}.{ext}\"; filename*=UTF-8''{encoded}", source.ascii_name())
}
