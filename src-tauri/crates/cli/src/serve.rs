//! `turbocat serve [--host 127.0.0.1] [--port 3001] [--allow-remote] [--cors-origin URL]…`:
//! the local server (`docs/local-api.md`) in the foreground, over this database, until Ctrl-C
//! or SIGTERM; then it stops taking connections and lets the requests in flight finish. It
//! prints where it listens, and writes `server.json` beside the database while it serves.

use crate::{open_services, CliResult, Failure, EXIT_FAILED, EXIT_OK};
use clap::Args;
use std::io::Write;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use turbocat_domain::Error;
use turbocat_engine::{Engine, EngineConfig};
use turbocat_server::{Server, ServerConfig, DEFAULT_PORT};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address to listen on; only a loopback one unless --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// The port (0: a free one).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Listen on a non-loopback address and answer any Host name: anyone who can reach it can
    /// call the API with a key.
    #[arg(long)]
    pub allow_remote: bool,
    /// A browser origin allowed besides http://localhost:3000 and :3001 (repeatable).
    #[arg(long = "cors-origin", value_name = "URL")]
    pub cors_origins: Vec<String>,
}

pub fn serve(args: ServeArgs, path: &Path, json: bool) -> CliResult {
    let services = Arc::new(open_services(path)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    let cfg = ServerConfig {
        host: args.host,
        port: args.port,
        allow_remote: args.allow_remote,
        cors_origins: args.cors_origins,
        server_file: Some(path.with_file_name("server.json")),
    };
    runtime.block_on(async move {
        let engine = Engine::open(services, EngineConfig::default()).await?;
        let server = Server::bind(cfg.clone(), engine)
            .await
            .map_err(|e| Failure { code: EXIT_FAILED, error: Error::bad_request(e.to_string()) })?;
        let url = server.url();
        let mut out = std::io::stdout().lock();
        if json {
            let _ = writeln!(out, "{}", serde_json::json!({ "url": url, "port": server.local_addr().port() }));
        } else {
            if cfg.allow_remote && !cfg.host.is_loopback() {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: listening on {} — anyone who can reach this address can call the API with a key",
                    cfg.host
                );
            }
            let _ = writeln!(out, "Turbocat API listening on {url} (Ctrl-C stops it)");
            let _ = writeln!(out, "Try: curl -H 'X-API-Key: <key from `turbocat keys create`>' {url}/api/v1/agents");
        }
        let _ = out.flush();
        drop(out);
        server.serve(shutdown_signal()).await.map_err(|e| Error::internal(format!("the server stopped: {e}")))?;
        if !json {
            println!("Stopped.");
        }
        Ok::<_, Failure>(EXIT_OK)
    })
}

/// Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
