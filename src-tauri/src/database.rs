//! The app's handle on its database: the chosen file, opened once, on first need, off the main
//! thread. Commands get the services from here.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use turbocat_domain::Error;
use turbocat_services::{OpenOptions, Services};

use crate::app_settings;

/// Managed as Tauri state. `Services` is internally synchronized (Send + Sync), so once open it
/// is shared through an `Arc`; the Mutex below guards only the slot that holds it.
pub struct Database {
    path: PathBuf,
    options: OpenOptions,
    // Empty until an open succeeds. A failed open is not remembered, so "Try again" in the UI
    // really tries again (after the user freed the file or fixed a permission, say).
    opened: Mutex<Option<Arc<Services>>>,
    /// The data version read right after the current services opened, before any command could
    /// write: the change watcher's baseline, so a write that lands before its first look is
    /// still reported.
    opened_version: Mutex<Option<i64>>,
}

impl Database {
    pub fn new(path: PathBuf, options: OpenOptions) -> Self {
        Database { path, options, opened: Mutex::new(None), opened_version: Mutex::new(None) }
    }

    /// The database file `path` as the app opens it: a new file gets the demo content when its
    /// settings file (app_settings.rs) says so, unless `no_seed_env` (the value of
    /// `TURBOCAT_NO_SEED`) decides otherwise.
    pub fn at(path: PathBuf, no_seed_env: Option<&str>) -> Self {
        let seed_on_first_start = app_settings::seed_on_first_start(&path, no_seed_env);
        Database::new(path, OpenOptions { seed_on_first_start })
    }

    /// The services, opening the database on the first call. Blocks, possibly for as long as
    /// a migration takes, so call it only from a blocking thread (`spawn_blocking`). The lock
    /// is held while opening, so a second caller waits for that open rather than racing it.
    pub fn services(&self) -> Result<Arc<Services>, Error> {
        // A panic while opening leaves the slot empty, which is a valid state: carry on.
        let mut slot = self.opened.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(services) = slot.as_ref() {
            return Ok(Arc::clone(services));
        }
        let services = open(&self.path, self.options.clone())?;
        *self.opened_version.lock().unwrap_or_else(PoisonError::into_inner) = services.store().data_version().ok();
        *slot = Some(Arc::clone(&services));
        Ok(services)
    }
}

fn open(path: &Path, options: OpenOptions) -> Result<Arc<Services>, Error> {
    // The app-data folder does not exist before the first start.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::internal(format!("cannot create the database folder {}: {e}", dir.display())))?;
    }
    Services::open(path, options).map(Arc::new)
}

impl Database {
    /// The database file this app uses.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data version of the current services when they opened (see `opened_version`).
    pub fn opened_version(&self) -> Option<i64> {
        *self.opened_version.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets the open services, so the next command opens the file again: after a restore,
    /// the file may hold another profile or an older schema to migrate.
    pub fn reopen_later(&self) {
        *self.opened.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}
