//! HTTP routes, one module per resource; each registers its handlers (and so their OpenAPI
//! entries) in [`configure`]. Paths follow API.md.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod checkins;
pub mod communities;
pub mod doc_rules;
pub mod exports;
pub mod figures;
pub mod health;
pub mod homes;
pub mod methods;
pub mod metrics;
pub mod notices;
pub mod notifications;
pub mod open311;
pub mod order_stream;
pub mod party;
pub mod photos;
pub mod places;
pub mod property;
pub mod residents;
pub mod roles;
pub mod service_points;
pub mod stream;
pub mod subscriptions;
pub mod time_bank;
pub mod unit_branch_checkins;
pub mod volunteers;
pub mod wechat;
pub mod wish_actions;
pub mod wishes;
pub mod work_orders;

use actix_web::dev::HttpServiceFactory;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::OpenApiFactory;

/// Where the route modules register their handlers: the documented app, which also collects the
/// OpenAPI document (built once, at start-up), or a worker's plain actix app. Every handler must
/// be documented to be registered at all, so the document cannot miss a route; the workers skip
/// collecting it (a few MB of schema building that each worker thread's allocator would keep).
pub trait Routes {
    /// Registers a handler.
    fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static;
}

impl Routes for utoipa_actix_web::service_config::ServiceConfig<'_> {
    fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        utoipa_actix_web::service_config::ServiceConfig::service(self, factory)
    }
}

impl Routes for actix_web::web::ServiceConfig {
    fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        actix_web::web::ServiceConfig::service(self, factory)
    }
}

/// Registers the routes outside `/api/v1`: the health checks and the public page verifying a
/// volunteer service certificate.
pub fn configure_top(cfg: &mut impl Routes) {
    cfg.service(health::healthz).service(health::readyz).service(time_bank::verify_page);
}

/// Registers every `/api/v1` route.
pub fn configure(cfg: &mut impl Routes) {
    accounts::configure(cfg);
    homes::configure(cfg);
    residents::configure(cfg);
    admin::configure(cfg);
    audit::configure(cfg);
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
    work_orders::configure(cfg);
    photos::configure(cfg);
    volunteers::configure(cfg);
    time_bank::configure(cfg);
    figures::configure(cfg);
    open311::configure(cfg);
    exports::configure(cfg);
    service_points::configure(cfg);
    notices::configure(cfg);
    property::configure(cfg);
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
