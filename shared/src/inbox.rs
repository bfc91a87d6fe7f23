//! Request and response bodies of the WeChat and inbox endpoints: binding a WeChat identity, the
//! phone number from WeChat, subscribe-message credits and in-app notifications.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /api/v1/me/wechat` (bind) and `POST /api/v1/me/phone` (phone number from WeChat).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WechatCodeRequest {
    /// The code from `wx.login()` (bind) or from the `getPhoneNumber` button (phone).
    pub code: String,
}

/// The WeChat identity bound to the caller's account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WechatBinding {
    /// Whether a WeChat identity is bound.
    pub bound: bool,
}

/// `POST /api/v1/me/subscriptions`: the templates the user accepted in `wx.requestSubscribeMessage`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionsRequest {
    /// Each accepted template id adds one one-time credit.
    pub template_ids: Vec<String>,
}

/// The caller's remaining one-time credits, per template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SubscriptionsResponse {
    /// Credits per template id.
    pub items: Vec<SubscriptionCredit>,
}

/// Credits left for one template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SubscriptionCredit {
    /// The template id.
    pub template_id: String,
    /// How many messages may still be sent with it.
    pub credits: i64,
}

/// One in-app notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Notification {
    /// The id.
    pub id: String,
    /// What happened: `wish_approved`, `wish_rejected`, `wish_claimed`, `wish_fulfilled`,
    /// `wish_assigned`, `wish_pending_review`, `claim_expiring`, `notice_posted`.
    pub kind: String,
    /// The wish it is about.
    pub wish_id: Option<String>,
    /// The notice (通知公告) it announces (`kind` `notice_posted`), opened at `/notices/{id}`.
    #[serde(default)]
    pub notice_id: Option<String>,
    /// A one-line summary to show.
    pub title: String,
    /// More text (the reason, the note), possibly empty.
    pub body: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it was read, or null.
    pub read_at: Option<String>,
}

/// `GET /api/v1/notifications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationList {
    /// Newest first.
    pub items: Vec<Notification>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/notifications/unread-count`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnreadCount {
    /// How many notifications are unread.
    pub unread: i64,
}

/// A subscribe message in the outbox, as admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OutboxItem {
    /// The id.
    pub id: String,
    /// The recipient's account.
    pub user_id: String,
    /// The template.
    pub template_id: String,
    /// `pending`, `sending`, `sent`, `failed` or `skipped`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// Why the last attempt failed or why it was skipped.
    pub last_error: Option<String>,
    /// When queued (RFC 3339).
    pub created_at: String,
    /// When sent, or null.
    pub sent_at: Option<String>,
}

/// `GET /api/v1/admin/outbox`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OutboxList {
    /// Newest first.
    pub items: Vec<OutboxItem>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}
