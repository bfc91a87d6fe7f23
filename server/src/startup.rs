//! Building and running the application: store, first admin, demo data, HTTP server, jobs, and a
//! graceful shutdown on SIGINT/SIGTERM.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServerHandle, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{Compress, DefaultHeaders, ErrorHandlers};
use actix_web::{App, HttpResponse, HttpServer, web};
use haolin_shared::api::Role;
use haolin_shared::domain::PhoneNumber;
use rand::RngCore;
use secrecy::ExposeSecret;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::auth::password;
use crate::auth::tokens::TokenKeys;
use crate::events::EventBus;
use crate::observe::{Observe, RequestSpan};
use crate::ratelimit::RateLimiter;
use crate::redis_conn::RedisConn;
use crate::routes::methods::KnownPaths;
use crate::routes::{self, ApiDoc};
use crate::settings::Settings;
use crate::state::AppState;
use crate::store::{self, Grant, NewUser};
use crate::wechat::WechatClient;
use crate::{demo, jobs, web as webapp};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Store(#[from] store::StoreError),
    /// The address could not be bound, or a file could not be read or written.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// A setting is missing or wrong.
    #[error("settings: {0}")]
    Settings(String),
    /// Seeding the first admin or the demo data failed.
    #[error("seeding: {0}")]
    Seed(String),
}

/// A bound, ready-to-run server.
pub struct Application {
    addr: SocketAddr,
    server: Server,
    state: AppState,
    demo_seeded: bool,
    event_task: Option<JoinHandle<()>>,
    /// The separate metrics listener, when `HAOLIN_METRICS__BIND` is set.
    metrics: Option<(SocketAddr, Server)>,
}

/// The documented routes (health checks and `/api/v1`) and the OpenAPI document collected from
/// them. Routes are listed once, in `routes::configure_top` and `routes::configure`, which both
/// this and [`worker_routes`] run, so the document cannot miss one.
fn documented_routes() -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<BoxBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    utoipa::openapi::OpenApi,
) {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(|cfg| routes::configure_top(cfg))
        .service(utoipa_actix_web::scope("/api/v1").configure(|cfg| routes::configure(cfg)))
        .split_for_parts()
}

/// The OpenAPI document of every route the app registers, as collected from the handlers.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    documented_routes().1
}

/// The OpenAPI document served at `/api/openapi.json`, built once at start-up: the collected one
/// completed with the answers and field constraints of `routes::doc_rules`.
pub fn openapi_json(settings: &Settings) -> Result<serde_json::Value, serde_json::Error> {
    let mut doc = serde_json::to_value(openapi_document())?;
    let deployment = routes::doc_rules::Deployment {
        categories: settings.wishes.categories.clone(),
        template_ids: settings.wechat.templates.values().map(|t| t.id.clone()).collect(),
        max_photos: settings.files.max_per_subject,
    };
    routes::doc_rules::complete(&mut doc, &deployment);
    Ok(doc)
}

/// The same routes as a worker registers them: plain actix, without collecting the document again.
fn worker_routes() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new().configure(routes::configure_top).service(web::scope("/api/v1").configure(routes::configure))
}

/// The actix app: the documented routes, the OpenAPI document, the web app and the middleware.
fn app(
    state: web::Data<AppState>,
    openapi_json: web::Data<String>,
    known: web::Data<KnownPaths>,
    web_dir: PathBuf,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let body_limit = state.settings.http.body_limit;
    let app = worker_routes()
        .app_data(state)
        .app_data(openapi_json)
        .app_data(known)
        .app_data(web::PayloadConfig::new(body_limit))
        .wrap(
            ErrorHandlers::new()
                .handler(actix_web::http::StatusCode::METHOD_NOT_ALLOWED, routes::methods::method_not_allowed),
        )
        .wrap(Compress::default())
        .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
        .wrap(Observe)
        .wrap(TracingLogger::<RequestSpan>::new())
        .route("/api/openapi.json", web::get().to(openapi))
        // An operator endpoint: not in the OpenAPI document (see routes::metrics).
        .route("/metrics", web::get().to(routes::metrics::scrape))
        // Open311 GeoReport v2: its own formats and errors, not in the OpenAPI document (docs/OPEN311.md).
        .configure(routes::open311::configure_public)
        .service(web::scope("/api").default_service(web::to(routes::methods::unmatched)))
        .default_service(web::to(routes::methods::unmatched));
    if web_dir.join("index.html").is_file() {
        app.service(webapp::service(web_dir))
    } else {
        app.service(web::resource("/").to(webapp::not_built))
    }
}

/// The listener serving only `/metrics`, without a token (for a private network), on one worker.
fn metrics_server(bind: &str, data: web::Data<AppState>) -> Result<(SocketAddr, Server), StartupError> {
    let listener = TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/metrics", web::get().to(routes::metrics::scrape_open))
            .default_service(web::to(routes::methods::unmatched))
    })
    .listen(listener)?
    .workers(1)
    .disable_signals()
    .shutdown_timeout(2)
    .run();
    Ok((addr, server))
}

/// The OpenAPI document, generated from the registered routes at start-up.
async fn openapi(doc: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(doc.get_ref().clone())
}

/// The signing key: from settings, else (SQLite only) kept in the data folder.
fn jwt_secret(settings: &Settings, database_url: &str) -> Result<Vec<u8>, StartupError> {
    if let Some(secret) = &settings.jwt_secret {
        let bytes = secret.expose_secret().as_bytes().to_vec();
        if bytes.len() < 32 {
            return Err(StartupError::Settings("HAOLIN_JWT_SECRET must be at least 32 bytes".into()));
        }
        return Ok(bytes);
    }
    if !database_url.starts_with("sqlite:") {
        return Err(StartupError::Settings("HAOLIN_JWT_SECRET is required with this database".into()));
    }
    let path = settings.data_dir.join("jwt_secret");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && existing.trim().len() >= 64
    {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    std::fs::create_dir_all(&settings.data_dir)?;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &hex)?;
    Ok(hex.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// Creates the configured first admin if no account has that phone.
async fn bootstrap_admin(state: &AppState) -> Result<(), StartupError> {
    let (Some(phone), Some(pass)) = (&state.settings.admin_phone, &state.settings.admin_password) else {
        return Ok(());
    };
    let phone = PhoneNumber::parse(phone).map_err(|e| StartupError::Settings(format!("HAOLIN_ADMIN_PHONE: {e}")))?;
    if state.store.user_by_phone(phone.as_str()).await?.is_some() {
        return Ok(());
    }
    password::check_new(pass.expose_secret())
        .map_err(|e| StartupError::Settings(format!("HAOLIN_ADMIN_PASSWORD: {e}")))?;
    let hash = password::hash(pass.expose_secret().to_owned()).await.map_err(|e| StartupError::Seed(e.to_string()))?;
    let grants =
        vec![Grant { role: Role::Admin, community_id: None }, Grant { role: Role::Resident, community_id: None }];
    state
        .store
        .create_user(NewUser { phone: phone.into_inner(), name: "管理员".into(), password_hash: hash, grants }, None)
        .await?;
    tracing::info!("first admin created");
    Ok(())
}

impl Application {
    /// Opens the store, seeds what is configured and binds the listener (port 0 picks a free one).
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        // The registry notes the process's start time when first touched.
        crate::metrics::global();
        let database_url = settings.database_url();
        let store = store::connect(&database_url, settings.db_max_connections).await?;
        let secret = jwt_secret(&settings, &database_url)?;
        let access_ttl = i64::try_from(settings.auth.access_ttl.as_secs()).unwrap_or(900).max(1);
        let shutdown = CancellationToken::new();
        let redis = match &settings.redis_url {
            Some(url) => Some(Arc::new(
                RedisConn::new(url, &settings.redis_prefix)
                    .map_err(|e| StartupError::Settings(format!("REDIS_URL: {e}")))?,
            )),
            None => None,
        };
        let (events, event_task) = match &redis {
            Some(redis) => {
                let (bus, task) = EventBus::with_redis(redis.clone(), shutdown.clone());
                (bus, Some(task))
            }
            None => (EventBus::new(), None),
        };
        let wechat =
            WechatClient::from_settings(&settings, redis.clone()).map_err(StartupError::Settings)?.map(Arc::new);
        crate::photos::init_signing(&secret);
        crate::photos::init_url_ttl(settings.files.url_ttl);
        crate::photos::clear_temp(&settings.data_dir)?;
        let files = crate::photos::Files::open(settings.files_url.as_deref(), &settings.data_dir.join("files"))
            .map_err(StartupError::Settings)?;
        tracing::info!(store = %files.describe, "photo store");
        let decodes = match settings.files.decode_concurrency {
            0 => std::thread::available_parallelism().map_or(2, usize::from),
            n => n,
        };
        let state = AppState {
            files,
            decodes: Arc::new(crate::photos::Decoders::start(decodes)),
            wechat,
            store,
            tokens: Arc::new(TokenKeys::new(&secret, access_ttl)),
            settings: Arc::new(settings),
            events,
            feed: crate::events::orders::OrderFeed::new(),
            notices: crate::events::notices::NoticeFeed::new(),
            limiter: Arc::new(RateLimiter::new(redis)),
            signer: Arc::new(crate::time_bank::Signer::new(&secret)),
            shutdown,
        };
        bootstrap_admin(&state).await?;
        let demo_seeded = if state.settings.demo {
            demo::seed(&state).await.map_err(|e| StartupError::Seed(e.to_string()))?
        } else {
            false
        };
        let listener = TcpListener::bind(&state.settings.bind)?;
        let addr = listener.local_addr()?;
        let doc = openapi_json(&state.settings).map_err(|e| StartupError::Settings(e.to_string()))?;
        let known = web::Data::new(KnownPaths::from_document(&doc));
        let data = web::Data::new(state.clone());
        let doc = web::Data::new(doc.to_string());
        let web_dir = state.settings.web_dir.clone();
        let metrics = match state.settings.metrics.bind() {
            Some(bind) => Some(metrics_server(bind, data.clone())?),
            None => None,
        };
        let mut server = HttpServer::new(move || app(data.clone(), doc.clone(), known.clone(), web_dir.clone()))
            .listen(listener)?
            .disable_signals()
            .shutdown_timeout(10);
        if state.settings.http.workers > 0 {
            server = server.workers(state.settings.http.workers);
        }
        Ok(Self { addr, server: server.run(), state, demo_seeded, event_task, metrics })
    }

    /// The separate metrics listener's address, when one is configured.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(addr, _)| *addr)
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether this start seeded the demo data.
    pub fn demo_seeded(&self) -> bool {
        self.demo_seeded
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish and stops the jobs.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let shutdown = self.state.shutdown.clone();
        let jobs = jobs::spawn(self.state.clone(), shutdown.clone());
        let outbox = crate::wechat::outbox::spawn(self.state.clone(), shutdown.clone());
        let feed = crate::events::orders::spawn(self.state.clone(), shutdown.clone());
        let notice_feed = crate::events::notices::spawn(self.state.clone(), shutdown.clone());
        let handle = self.server.handle();
        let server = tokio::spawn(self.server);
        let metrics = self.metrics.map(|(_, metrics)| {
            let handle = metrics.handle();
            (handle, tokio::spawn(metrics))
        });
        tokio::select! {
            () = wait_for_signal() => tracing::info!("shutdown signal received"),
            _ = shutdown.cancelled() => {}
        }
        stop(handle, shutdown, [jobs, feed, notice_feed].into_iter().chain(self.event_task).chain(outbox)).await;
        if let Some((handle, task)) = metrics {
            handle.stop(true).await;
            let _ = task.await;
        }
        match server.await {
            Ok(result) => result,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }
}

async fn stop(handle: ServerHandle, shutdown: CancellationToken, tasks: impl Iterator<Item = JoinHandle<()>>) {
    // Cancelling first ends the event streams, so draining in-flight requests does not wait on them.
    shutdown.cancel();
    // Stop accepting, then let every request in flight finish before any worker stops: a worker
    // with nothing to do would otherwise stop its runtime at once, and with it the database
    // connections it opened, which another worker's request may be using.
    handle.pause().await;
    let drained = tokio::time::Instant::now() + Duration::from_secs(10);
    while crate::metrics::global().in_flight() > 0 && tokio::time::Instant::now() < drained {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    handle.stop(true).await;
    for task in tasks {
        if tokio::time::timeout(Duration::from_secs(10), task).await.is_err() {
            tracing::warn!("a background task did not stop in time");
        }
    }
    tracing::info!("stopped");
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
