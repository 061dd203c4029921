//! Change events: every open page refreshes after a write from anywhere. A watcher thread polls
//! the store's `data_version`, which changes on any commit by any connection — this app's own
//! writes, the `turbocat` CLI on the same file, a sync — and emits `db-changed` when it moves.

use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Emitter};

use crate::Database;

/// The event the UI listens to; its payload is the new data version (opaque, only compared).
pub const DB_CHANGED: &str = "db-changed";

/// Often enough that a page refreshes before the user looks again, rare enough to cost nothing:
/// one `PRAGMA data_version` reads the WAL index in shared memory, no disk I/O.
const POLL: Duration = Duration::from_millis(400);

/// Starts the watcher on its own thread (SQLite calls stay off the main thread and tokio).
pub fn watch(app: AppHandle, database: Arc<Database>) {
    let spawned = std::thread::Builder::new().name("db-watch".into()).spawn(move || {
        let mut last = None;
        loop {
            std::thread::sleep(POLL);
            // Until the database opens (or while it cannot), there is nothing to watch.
            let Ok(services) = database.services() else { continue };
            let Ok(version) = services.store().data_version() else { continue };
            if last.is_some_and(|v| v != version) {
                // No window yet, or the app is closing: nothing to refresh.
                let _ = app.emit(DB_CHANGED, version);
            }
            last = Some(version);
        }
    });
    if let Err(e) = spawned {
        eprintln!("turbocat-desktop: pages will not refresh on outside changes: {e}");
    }
}
