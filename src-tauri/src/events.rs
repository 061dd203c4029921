//! Change events: every open page refreshes after a write from anywhere. A watcher thread polls
//! the store's `data_version`, which changes on any commit by any connection — this app's own
//! writes, the `turbocat` CLI on the same file, a sync — and emits `db-changed` when it moves.

use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Emitter};

use turbocat_services::Services;

use crate::Database;

/// The event the UI listens to; its payload is the new data version (opaque, only compared).
pub const DB_CHANGED: &str = "db-changed";

/// Often enough that a page refreshes before the user looks again, rare enough to cost nothing:
/// one `PRAGMA data_version` reads the WAL index in shared memory, no disk I/O.
const POLL: Duration = Duration::from_millis(400);

/// Starts the watcher on its own thread (SQLite calls stay off the main thread and tokio).
pub fn watch(app: AppHandle, database: Arc<Database>) {
    let spawned = std::thread::Builder::new().name("db-watch".into()).spawn(move || {
        // The services last seen and their data version. Versions of two connections are not
        // comparable, so a reopen (after a restore) counts as a change by itself.
        let mut seen: Option<(Arc<Services>, i64)> = None;
        loop {
            std::thread::sleep(POLL);
            // Until the database opens (or while it cannot), there is nothing to watch.
            let Ok(services) = database.services() else { continue };
            let Ok(version) = services.store().data_version() else { continue };
            let previous = seen.as_ref().map(|(s, v)| (Arc::ptr_eq(s, &services), *v));
            if is_change(previous, database.opened_version(), version) {
                // No window yet, or the app is closing: nothing to refresh.
                let _ = app.emit(DB_CHANGED, version);
            }
            seen = Some((services, version));
        }
    });
    if let Err(e) = spawned {
        eprintln!("turbocat-desktop: pages will not refresh on outside changes: {e}");
    }
}

/// Whether the watcher saw a change. `previous` is its last look (whether it was at the same
/// services, and the version then); `opened` is the version taken when the current services
/// opened. Versions of two connections are not comparable, so a reopen (after a restore) is a
/// change by itself; and on the first look the baseline is the open-time version, so a write
/// made before the watcher first looked is still reported.
fn is_change(previous: Option<(bool, i64)>, opened: Option<i64>, version: i64) -> bool {
    match previous {
        Some((true, v)) => v != version,
        Some((false, _)) => true,
        None => opened.is_some_and(|v| v != version),
    }
}

#[cfg(test)]
mod tests {
    use super::is_change;

    #[test]
    fn changes_are_seen_from_open_time_and_across_reopens() {
        assert!(!is_change(None, Some(3), 3), "nothing written since the open");
        assert!(is_change(None, Some(3), 4), "a write before the first look");
        assert!(!is_change(None, None, 4), "no baseline: take this one");
        assert!(!is_change(Some((true, 4)), Some(3), 4));
        assert!(is_change(Some((true, 4)), Some(3), 5));
        assert!(is_change(Some((false, 4)), Some(9), 4), "reopened services: versions not comparable");
    }
}
