//! HTTP routes, one module per resource; each registers its handlers (and so their OpenAPI
//! entries) in [`configure`]. Paths follow API.md.

pub mod accounts;
pub mod admin;
pub mod checkins;
pub mod communities;
pub mod health;
pub mod homes;
pub mod notifications;
pub mod party;
pub mod places;
pub mod roles;
pub mod stream;
pub mod subscriptions;
pub mod unit_branch_checkins;
pub mod wechat;
pub mod wish_actions;
pub mod wishes;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every `/api/v1` route.
pub fn configure(cfg: &mut ServiceConfig) {
    accounts::configure(cfg);
    homes::configure(cfg);
    admin::configure(cfg);
    communities::configure(cfg);
    places::configure(cfg);
    party::configure(cfg);
    checkins::configure(cfg);
    unit_branch_checkins::configure(cfg);
    roles::configure(cfg);
    wishes::configure(cfg);
    wish_actions::configure(cfg);
    stream::configure(cfg);
    wechat::configure(cfg);
    notifications::configure(cfg);
    subscriptions::configure(cfg);
}

/// The document's fixed parts; paths and schemas are collected from the registered handlers.
#[derive(OpenApi)]
#[openapi(
    info(title = "Haolin (好邻) API", description = "Micro-wishes: 群众点单、社区派单、党员接单. See API.md."),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}
