//! User-visible text. Every string the app shows lives here, so another locale is one more
//! catalogue of the same shape.

/// One locale's messages.
pub struct Messages {
    /// The product name.
    pub product_name: &'static str,
    /// The one-line description of the service shown under the name.
    pub motto: &'static str,
    /// Shown while the health check is in flight.
    pub health_checking: &'static str,
    /// Shown when the server answered its health check.
    pub health_up: &'static str,
    /// Shown when the server did not answer its health check.
    pub health_down: &'static str,
}

/// Simplified Chinese, the app's language.
pub const ZH_CN: Messages = Messages {
    product_name: "好邻",
    motto: "群众点单、社区派单、党员接单",
    health_checking: "正在检查服务…",
    health_up: "服务正常",
    health_down: "服务不可用",
};

/// The catalogue in use.
pub const MESSAGES: &Messages = &ZH_CN;
