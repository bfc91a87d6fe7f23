//! What every handler and job shares: the store, the settings and the token keys.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::auth::tokens::TokenKeys;
use crate::events::EventBus;
use crate::ratelimit::RateLimiter;
use crate::settings::Settings;
use crate::store::DynStore;
use crate::wechat::WechatClient;

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: DynStore,
    /// The settings the server started with.
    pub settings: Arc<Settings>,
    /// Access-token keys.
    pub tokens: Arc<TokenKeys>,
    /// Live wish changes.
    pub events: EventBus,
    /// Live work-order changes.
    pub feed: crate::events::orders::OrderFeed,
    /// Notices just posted (for the event streams).
    pub notices: crate::events::notices::NoticeFeed,
    /// Login, registration and posting limits.
    pub limiter: Arc<RateLimiter>,
    /// The WeChat API client; `None` when WeChat is not configured.
    pub wechat: Option<Arc<WechatClient>>,
    /// Where photo bytes are stored.
    pub files: crate::photos::Files,
    /// The threads that decode photos (their number bounds the decodes at once).
    pub decodes: Arc<crate::photos::Decoders>,
    /// The key of the time bank's check-in codes and certificate numbers.
    pub signer: Arc<crate::time_bank::Signer>,
    /// Cancelled when the server shuts down (ends jobs and event streams).
    pub shutdown: CancellationToken,
}
