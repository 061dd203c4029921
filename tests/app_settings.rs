//! The desktop app's "seed the demo content on first start" setting: kept in a file beside the
//! database (it matters before the database exists), honoured on a new file, and overridden by
//! TURBOCAT_NO_SEED when that is set.

use turbocat_desktop::app_settings::{self, AppSettings};
use turbocat_desktop::Database;

/// Opens a new database file the way the app does, with `setting` in its settings file (none
/// when `None`) and `env` as TURBOCAT_NO_SEED; returns how many agents it starts with.
fn agents_on_first_start(setting: Option<bool>, env: Option<&str>) -> i64 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("turbocat.sqlite");
    if let Some(seed) = setting {
        app_settings::save(&path, &AppSettings { seed_demo_on_first_start: seed }).unwrap();
    }
    let services = Database::at(path, env).services().unwrap();
    services.store().read(|c| Ok(c.query_row("SELECT count(*) FROM agents", [], |r| r.get(0)).unwrap())).unwrap()
}

#[test]
fn a_new_database_is_seeded_unless_the_setting_says_no() {
    assert_eq!(agents_on_first_start(None, None), 5, "no settings file: seeded, as a fresh install");
    assert_eq!(agents_on_first_start(Some(true), None), 5);
    assert_eq!(agents_on_first_start(Some(false), None), 0, "setting off: starts empty");
    assert_eq!(agents_on_first_start(Some(false), Some("")), 0, "an empty variable counts as unset");
}

#[test]
fn the_environment_overrides_the_setting() {
    assert_eq!(agents_on_first_start(Some(true), Some("1")), 0);
    assert_eq!(agents_on_first_start(None, Some("yes")), 0);
    assert_eq!(agents_on_first_start(Some(false), Some("0")), 5);
}

#[test]
fn the_setting_is_saved_beside_the_database_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("turbocat.sqlite");
    assert_eq!(app_settings::load(&db).unwrap(), AppSettings::default());
    app_settings::save(&db, &AppSettings { seed_demo_on_first_start: false }).unwrap();
    assert!(dir.path().join("turbocat.settings.json").is_file());
    assert!(!app_settings::load(&db).unwrap().seed_demo_on_first_start);
    assert!(!app_settings::seed_on_first_start(&db, None));
    // A damaged file is reported when read, and the first start falls back to seeding.
    std::fs::write(dir.path().join("turbocat.settings.json"), "{not json").unwrap();
    assert!(app_settings::load(&db).unwrap_err().message.contains("damaged"));
    assert!(app_settings::seed_on_first_start(&db, None));
}
