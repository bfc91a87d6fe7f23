//! The API's one error type, rendered as API.md's `{"error": {"code", "message", "details"}}`.
//!
//! Handlers return `Result<_, ApiError>`. Codes come from [`ErrorCode`] in the shared crate, so the
//! client matches on the same enum; messages are Simplified Chinese because people read them.

use std::borrow::Cow;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use haolin_shared::api::{CurrentStatus, ErrorBody, ErrorCode, ErrorDetails, ErrorInfo};
use haolin_shared::domain::{OrderStatus, ValueError, WishStatus};
use haolin_shared::labels::Label;

use crate::store::StoreError;

/// An error answer: a code, a human message and structured details.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The stable code (and so the HTTP status).
    pub code: ErrorCode,
    /// What to tell the person.
    pub message: Cow<'static, str>,
    /// Structured facts.
    pub details: ErrorDetails,
    /// Seconds to wait, for 429 and 503.
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// An error with a code and message and no details.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { code, message: message.into(), details: ErrorDetails::default(), retry_after: None }
    }

    /// 404: absent or not visible to the caller.
    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "找不到该内容，或您无权查看")
    }

    /// 403: the caller's role or scope does not allow this.
    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "您没有权限进行此操作")
    }

    /// 400: a malformed request.
    pub fn malformed(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::MalformedRequest, message)
    }

    /// 422 naming the offending field.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<Cow<'static, str>>) -> Self {
        let mut e = Self::new(ErrorCode::InvalidField, message);
        e.details.field = Some(field.into());
        e
    }

    /// 422 for a domain value that failed to parse.
    pub fn invalid_value(field: &str, err: ValueError) -> Self {
        Self::invalid_field(field, format!("{field}：{err}"))
    }

    /// 409 (or another status-carrying code) with the wish's current status and version.
    pub fn wish_conflict(code: ErrorCode, status: WishStatus, version: i64) -> Self {
        let message = match code {
            ErrorCode::VersionConflict => "心愿已被他人更新，请刷新后重试".to_owned(),
            _ if status == WishStatus::Claimed => "手慢了，该心愿已被他人认领".to_owned(),
            _ => format!("该心愿当前状态（{}）不允许此操作", status.label()),
        };
        let mut e = Self::new(code, message);
        e.details.status = Some(CurrentStatus::Wish(status));
        e.details.version = Some(version);
        e
    }

    /// 409 about a work order: `code` and the order's current status and version.
    pub fn order_conflict(code: ErrorCode, status: OrderStatus, version: i64) -> Self {
        let message = match code {
            ErrorCode::VersionConflict => "工单已被他人更新，请刷新后重试".to_owned(),
            _ => format!("该工单当前状态（{}）不允许此操作", status.label()),
        };
        let mut e = Self::new(code, message);
        e.details.status = Some(CurrentStatus::Order(status));
        e.details.version = Some(version);
        e
    }

    /// 503: a backend is unavailable.
    pub fn unavailable() -> Self {
        let mut e = Self::new(ErrorCode::ServiceUnavailable, "服务暂时不可用，请稍后重试");
        e.retry_after = Some(2);
        e
    }

    /// 500: logged, with nothing internal revealed.
    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, "服务器内部错误，请稍后重试")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if self.status_code() == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.json(ErrorBody {
            error: ErrorInfo { code: self.code, message: self.message.to_string(), details: self.details.clone() },
        })
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::AlreadyExists(what) => {
                let mut e = Self::new(ErrorCode::AlreadyExists, "该记录已存在");
                e.details.field = Some(what.to_owned());
                e
            }
            StoreError::Unavailable(source) => {
                tracing::warn!(error = %source, "database unavailable");
                Self::unavailable()
            }
            StoreError::Other(source) => {
                tracing::error!(error = %source, "database error");
                Self::internal()
            }
            StoreError::Photos(refused) => crate::photos::refusal(refused),
            StoreError::Ledger(refused) => crate::time_bank::refusal(refused),
        }
    }
}
