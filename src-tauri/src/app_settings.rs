//! Settings of the app that cannot live in the database because they matter before it exists:
//! whether a new database starts with the demo content. They are a small JSON file beside the
//! database file (`turbocat.settings.json` next to `turbocat.sqlite` in the app-data folder by
//! default), like the secrets key; a test or demo that chooses another file with `TURBOCAT_DB`
//! gets its own settings and never touches the user's.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use turbocat_domain::Error;

/// When set, decides whether a new database gets the demo content, whatever the settings file
/// says: `1`, `true` or `yes` (any case) leave it empty; any other non-empty value seeds it.
pub const NO_SEED_ENV: &str = "TURBOCAT_NO_SEED";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    /// Seed the demo content on the first start of a new, empty database.
    pub seed_demo_on_first_start: bool,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings { seed_demo_on_first_start: true }
    }
}

/// The settings file of the database at `db`.
pub fn path_for(db: &Path) -> PathBuf {
    let stem = db.file_stem().and_then(|s| s.to_str()).unwrap_or("turbocat");
    db.with_file_name(format!("{stem}.settings.json"))
}

/// The settings of the database at `db`; the defaults when there is no file yet.
pub fn load(db: &Path) -> Result<AppSettings, Error> {
    let path = path_for(db);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            Error::internal(format!("The settings file {} is damaged ({e}); delete it to start over", path.display()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AppSettings::default()),
        Err(e) => Err(Error::internal(format!("Cannot read the settings file {}: {e}", path.display()))),
    }
}

/// Writes the settings of the database at `db`: a temporary file renamed over the old one, so
/// a crash never leaves half a file.
pub fn save(db: &Path, settings: &AppSettings) -> Result<(), Error> {
    let path = path_for(db);
    let cannot = |e: std::io::Error| Error::internal(format!("Cannot write the settings file {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(cannot)?;
    }
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(settings)? + "\n";
    std::fs::write(&tmp, text).map_err(cannot)?;
    std::fs::rename(&tmp, &path).map_err(cannot)
}

/// What the environment says about seeding: `Some(false)` for a yes-word in `TURBOCAT_NO_SEED`,
/// `Some(true)` for any other value, `None` when unset or empty (the settings file decides).
pub fn seed_override(no_seed_env: Option<&str>) -> Option<bool> {
    let value = no_seed_env.map(str::trim).filter(|v| !v.is_empty())?;
    Some(!matches!(value.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

/// The value of `TURBOCAT_NO_SEED` in this process's environment.
pub fn no_seed_env() -> Option<String> {
    std::env::var(NO_SEED_ENV).ok()
}

/// Whether the first start of the database at `db` seeds the demo content: the environment
/// when it says so, otherwise the settings file (seeding when it cannot be read, as a new
/// install does).
pub fn seed_on_first_start(db: &Path, no_seed_env: Option<&str>) -> bool {
    seed_override(no_seed_env).unwrap_or_else(|| load(db).unwrap_or_default().seed_demo_on_first_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_only_when_set() {
        assert_eq!(seed_override(None), None);
        assert_eq!(seed_override(Some("")), None);
        assert_eq!(seed_override(Some("  ")), None);
        for on in ["1", "true", "TRUE", " yes "] {
            assert_eq!(seed_override(Some(on)), Some(false), "{on:?}");
        }
        for off in ["0", "false", "no", "2"] {
            assert_eq!(seed_override(Some(off)), Some(true), "{off:?}");
        }
    }

    #[test]
    fn the_file_sits_beside_the_database() {
        assert_eq!(path_for(Path::new("/data/turbocat.sqlite")), Path::new("/data/turbocat.settings.json"));
        assert_eq!(path_for(Path::new("/tmp/demo.db")), Path::new("/tmp/demo.settings.json"));
    }
}
