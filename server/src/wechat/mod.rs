//! The WeChat API client: every call to WeChat goes through [`WechatClient`] and its one HTTP
//! client, with a bounded timeout, so WeChat being down or slow becomes a 503 in seconds.
//!
//! - `sns/jscode2session`: a `wx.login()` code → `openid` (+ `unionid`). The `session_key` it also
//!   returns is dropped at once: it never leaves this module and is never stored.
//! - `wxa/business/getuserphonenumber`: a `getPhoneNumber` code → the user's phone number.
//! - Calls that need the access token retry once after forcing a refresh when WeChat answers
//!   40001 (invalid token) or 42001 (expired token); see [`token`].

pub mod accounts;
pub mod content;
pub mod outbox;
pub mod token;

use std::sync::Arc;

use haolin_shared::api::ErrorCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::redis_conn::RedisConn;
use crate::settings::Settings;
use token::AccessTokens;

/// Why a WeChat call failed.
#[derive(Debug, thiserror::Error)]
pub enum WechatError {
    /// WeChat could not be reached, answered too late, or answered something unreadable.
    #[error("wechat unavailable: {0}")]
    Unavailable(String),
    /// WeChat answered with an error code.
    #[error("wechat error {code}: {message}")]
    Api {
        /// `errcode`.
        code: i64,
        /// `errmsg`.
        message: String,
    },
}

impl WechatError {
    /// Whether WeChat said the access token is invalid or expired.
    fn is_token_error(&self) -> bool {
        matches!(self, Self::Api { code: 40001 | 42001, .. })
    }

    /// The API error for a failed login or phone code exchange.
    pub fn into_code_error(self) -> ApiError {
        match self {
            // 40029 invalid code, 40163 code already used, 40226 high-risk user.
            Self::Api { code: 40029 | 40163 | 40226 | 40125 | 41008, .. } => {
                ApiError::new(ErrorCode::InvalidWechatCode, "微信授权凭证无效或已使用，请重新授权")
            }
            other => other.into(),
        }
    }
}

impl From<WechatError> for ApiError {
    fn from(err: WechatError) -> Self {
        tracing::warn!(error = %err, "wechat call failed");
        let mut e = ApiError::new(ErrorCode::WechatUnavailable, "微信服务暂时不可用，请稍后再试");
        e.retry_after = Some(5);
        e
    }
}

/// The identity WeChat returned for a login code.
#[derive(Debug, Clone)]
pub struct WechatIdentity {
    /// The user's id for our mini-program.
    pub openid: String,
    /// The user's id across the developer's apps, when WeChat sends one.
    pub unionid: Option<String>,
}

/// The WeChat client, configured when an app id and secret are set.
#[derive(Debug)]
pub struct WechatClient {
    http: reqwest::Client,
    base: String,
    appid: String,
    secret: SecretString,
    tokens: AccessTokens,
}

#[derive(Deserialize)]
struct Session {
    #[serde(default)]
    openid: Option<String>,
    #[serde(default)]
    unionid: Option<String>,
}

#[derive(Deserialize)]
struct PhoneAnswer {
    phone_info: PhoneInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhoneInfo {
    pure_phone_number: String,
    #[serde(default)]
    country_code: Option<String>,
}

impl WechatClient {
    /// The client for `settings`, or `None` when WeChat is not configured (no app id or secret).
    pub fn from_settings(settings: &Settings, redis: Option<Arc<RedisConn>>) -> Result<Option<Self>, String> {
        let (Some(appid), Some(secret)) = (&settings.wechat_appid, &settings.wechat_secret) else {
            return Ok(None);
        };
        if appid.trim().is_empty() || secret.expose_secret().trim().is_empty() {
            return Ok(None);
        }
        let timeout = settings.wechat.timeout;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| format!("wechat http client: {e}"))?;
        Ok(Some(Self {
            http,
            base: settings.wechat_api_base.trim_end_matches('/').to_owned(),
            appid: appid.clone(),
            secret: secret.clone(),
            tokens: AccessTokens::new(redis, settings.wechat.token_margin, settings.wechat.token_wait),
        }))
    }

    /// Sends one request and reads WeChat's JSON answer; a non-zero `errcode` is an error.
    async fn call(&self, request: reqwest::RequestBuilder) -> Result<Value, WechatError> {
        let response = request.send().await.map_err(|e| WechatError::Unavailable(e.to_string()))?;
        if !response.status().is_success() {
            return Err(WechatError::Unavailable(format!("HTTP {}", response.status())));
        }
        let body: Value = response.json().await.map_err(|e| WechatError::Unavailable(e.to_string()))?;
        match body.get("errcode").and_then(Value::as_i64) {
            None | Some(0) => Ok(body),
            Some(code) => Err(WechatError::Api {
                code,
                message: body.get("errmsg").and_then(Value::as_str).unwrap_or_default().to_owned(),
            }),
        }
    }

    /// Exchanges a `wx.login()` code for the user's identity (`sns/jscode2session`).
    #[tracing::instrument(name = "wechat.code2session", skip_all)]
    pub async fn code_to_session(&self, code: &str) -> Result<WechatIdentity, WechatError> {
        let request = self.http.get(format!("{}/sns/jscode2session", self.base)).query(&[
            ("appid", self.appid.as_str()),
            ("secret", self.secret.expose_secret()),
            ("js_code", code),
            ("grant_type", "authorization_code"),
        ]);
        let body = self.call(request).await?;
        // Only the ids are kept: session_key is deliberately not deserialised.
        let session: Session =
            serde_json::from_value(body).map_err(|e| WechatError::Unavailable(format!("jscode2session: {e}")))?;
        let openid = session
            .openid
            .filter(|o| !o.is_empty())
            .ok_or_else(|| WechatError::Unavailable("jscode2session: no openid".into()))?;
        Ok(WechatIdentity { openid, unionid: session.unionid.filter(|u| !u.is_empty()) })
    }

    /// Fetches a new access token with `cgi-bin/stable_token`: `(token, seconds valid)`.
    async fn fetch_token(&self, force_refresh: bool) -> Result<(String, u64), WechatError> {
        let request = self.http.post(format!("{}/cgi-bin/stable_token", self.base)).json(&json!({
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.secret.expose_secret(),
            "force_refresh": force_refresh,
        }));
        let body = self.call(request).await?;
        let token = body.get("access_token").and_then(Value::as_str).filter(|t| !t.is_empty());
        let expires_in = body.get("expires_in").and_then(Value::as_u64).unwrap_or(7200);
        match token {
            Some(t) => Ok((t.to_owned(), expires_in)),
            None => Err(WechatError::Unavailable("stable_token: no access_token".into())),
        }
    }

    /// POSTs `body` to `path?access_token=…`; on 40001/42001 forces one token refresh and retries once.
    pub async fn post_with_token(&self, path: &str, body: &Value) -> Result<Value, WechatError> {
        let token = self.tokens.current(self).await?;
        let url = format!("{}/{path}", self.base);
        match self.call(self.http.post(&url).query(&[("access_token", &token)]).json(body)).await {
            Err(e) if e.is_token_error() => {
                tracing::info!(path, "wechat rejected the access token; refreshing once");
                let fresh = self.tokens.refresh_after_rejection(self, &token).await?;
                self.call(self.http.post(&url).query(&[("access_token", &fresh)]).json(body)).await
            }
            other => other,
        }
    }

    /// Sends a subscribe message (`cgi-bin/message/subscribe/send`); `payload` is the outbox's
    /// `{"data": …, "page": …}`.
    #[tracing::instrument(name = "wechat.subscribe_send", skip_all)]
    pub async fn send_subscribe(
        &self,
        openid: &str,
        template_id: &str,
        payload: &Value,
        miniprogram_state: &str,
    ) -> Result<(), WechatError> {
        let body = json!({
            "touser": openid,
            "template_id": template_id,
            "page": payload.get("page").cloned().unwrap_or(Value::Null),
            "data": payload.get("data").cloned().unwrap_or_else(|| json!({})),
            "miniprogram_state": miniprogram_state,
            "lang": "zh_CN",
        });
        self.post_with_token("cgi-bin/message/subscribe/send", &body).await.map(|_| ())
    }

    /// Checks a text written by the user `openid` with `wxa/msg_sec_check` (version 2) in `scene`
    /// (1 profile, 2 comment, 3 forum, 4 social log); returns WeChat's `result.suggest`.
    #[tracing::instrument(name = "wechat.msg_sec_check", skip_all, fields(scene))]
    pub async fn check_text(&self, openid: &str, text: &str, scene: u8) -> Result<String, WechatError> {
        let body = json!({ "content": text, "version": 2, "scene": scene, "openid": openid });
        let answer = self.post_with_token("wxa/msg_sec_check", &body).await?;
        answer["result"]["suggest"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| WechatError::Unavailable("msg_sec_check: no result.suggest".into()))
    }

    /// Exchanges a `getPhoneNumber` code for the user's phone number (without country code);
    /// `None` for a number outside mainland China (country code other than 86).
    #[tracing::instrument(name = "wechat.phone_number", skip_all)]
    pub async fn phone_number(&self, code: &str) -> Result<Option<String>, WechatError> {
        let body = self.post_with_token("wxa/business/getuserphonenumber", &json!({ "code": code })).await?;
        let answer: PhoneAnswer =
            serde_json::from_value(body).map_err(|e| WechatError::Unavailable(format!("getuserphonenumber: {e}")))?;
        if answer.phone_info.country_code.as_deref().is_some_and(|c| c != "86") {
            return Ok(None);
        }
        Ok(Some(answer.phone_info.pure_phone_number))
    }
}

/// What stands in the phone column of an account created by WeChat login until the user shares
/// their number: unique, never a valid phone number, so no one can log in with it.
pub fn placeholder_phone(openid: &str) -> String {
    format!("wx:{openid}")
}
