//! The local server (`docs/local-api.md`): the hosted Turbocat REST API on this machine, over
//! the same services and engine as the desktop app and the CLI, so no rule is written twice.
//!
//! - [`ServerConfig`] and [`Server`]: where it listens (loopback unless remote access is asked
//!   for), binding, serving until a shutdown signal with requests in flight finished, and
//!   `server.json` beside the database saying where it listens, from the bind to the stop.
//! - `guard`: what every request passes first: its request id, the Host and Origin checks
//!   (DNS rebinding), CORS.
//! - `http`: the hosted envelopes, errors and their status codes, JSON bodies, path ids,
//!   pagination.
//! - `auth`: who is calling (an API key, with the route's scope and the key's rate limit),
//!   and the services acting as that user for the request.
//! - `routes`: the routes, one module per area.

mod auth;
mod guard;
mod http;
mod routes;

use axum::Router;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use turbocat_engine::Engine;
use turbocat_services::Services;

/// The default port: the hosted backend's, so its clients need no change.
pub const DEFAULT_PORT: u16 = 3001;
/// Request bodies beyond this get 413.
pub const BODY_LIMIT: usize = 10 * 1024 * 1024;

/// Where the server listens and whom it answers.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Allows a non-loopback `host`, and Host headers other than loopback names.
    pub allow_remote: bool,
    /// Browser origins allowed besides the defaults (`http://localhost:3000`, `:3001`).
    pub cors_origins: Vec<String>,
    /// Where to write `server.json` (beside the database); None: not written.
    pub server_file: Option<PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            host: IpAddr::from([127, 0, 0, 1]),
            port: DEFAULT_PORT,
            allow_remote: false,
            cors_origins: Vec::new(),
            server_file: None,
        }
    }
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A non-loopback address without `allow_remote`.
    #[error("{0} is not a loopback address: anyone who can reach it could call the API; pass --allow-remote to listen there anyway")]
    Remote(IpAddr),
    /// The port is taken.
    #[error("port {port} is in use (another server on {0}); pick another with --port", port = .0.port())]
    InUse(SocketAddr),
    /// The address could not be bound otherwise.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    /// `server.json` could not be written.
    #[error("cannot write {path}: {1}", path = .0.display())]
    ServerFile(PathBuf, std::io::Error),
}

/// What every request's handler can reach.
pub(crate) struct AppState {
    pub svc: Arc<Services>,
    pub engine: Engine,
    pub cfg: ServerConfig,
    /// The bound address (for the Host check).
    pub addr: SocketAddr,
    pub started: Instant,
}

/// A bound server, not yet serving.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    _file: Option<ServerFile>,
}

/// `server.json` while it exists: written when the server is bound, removed when it is dropped
/// (after serving, or never served).
struct ServerFile(PathBuf);

impl Drop for ServerFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Server {
    /// Binds the address of `cfg` (refusing a non-loopback one without `allow_remote`).
    pub async fn bind(cfg: ServerConfig, engine: Engine) -> Result<Server, StartError> {
        if !cfg.host.is_loopback() && !cfg.allow_remote {
            return Err(StartError::Remote(cfg.host));
        }
        let want = SocketAddr::new(cfg.host, cfg.port);
        let listener = tokio::net::TcpListener::bind(want).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => StartError::InUse(want),
            _ => StartError::Bind(want, e),
        })?;
        let addr = listener.local_addr().map_err(|e| StartError::Bind(want, e))?;
        let file = match &cfg.server_file {
            Some(path) => {
                write_server_file(path, addr).map_err(|e| StartError::ServerFile(path.clone(), e))?;
                Some(ServerFile(path.clone()))
            }
            None => None,
        };
        let state = Arc::new(AppState { svc: engine.services().clone(), engine, cfg, addr, started: Instant::now() });
        Ok(Server { listener, state, _file: file })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.state.addr
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.state.addr)
    }

    /// Serves until `shutdown` resolves, then stops taking connections and lets the requests in
    /// flight finish. `server.json` (when configured) is removed at the end.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let Server { listener, state, _file } = self;
        // API keys' uses are counted in memory and written at most once a second per key
        // (docs/rules.md, "API keys"); this writes the rest within a second of the last use.
        let svc = state.svc.clone();
        let writer = tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                let s = svc.clone();
                let _ = tokio::task::spawn_blocking(move || s.api_keys().write_uses()).await;
            }
        });
        let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
        writer.abort();
        let s = state.svc.clone();
        let _ = tokio::task::spawn_blocking(move || s.api_keys().write_uses()).await;
        served
    }
}

/// Writes `server.json` (url, port, pid, startedAt), readable by its owner only.
fn write_server_file(path: &std::path::Path, addr: SocketAddr) -> std::io::Result<()> {
    let body = serde_json::json!({
        "url": format!("http://{addr}"),
        "port": addr.port(),
        "pid": std::process::id(),
        "startedAt": turbocat_domain::Timestamp::now(),
    });
    let tmp = path.with_extension("json.partial");
    {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let mut f = o.open(&tmp)?;
        std::io::Write::write_all(&mut f, serde_json::to_string_pretty(&body).unwrap_or_default().as_bytes())?;
    }
    std::fs::rename(&tmp, path)
}

/// The whole app: the routes, then the guards every request passes.
fn router(state: Arc<AppState>) -> Router {
    routes::all()
        .fallback(http::unknown_route)
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(guard::cors(&state.cfg))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::host_and_origin))
        .layer(axum::middleware::from_fn(guard::request_id))
        .with_state(state)
}
