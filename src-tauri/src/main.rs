//! The `turbocat-desktop` binary: everything lives in the library, so tests and tools can reach it.

// Without this a release build on Windows would also open a console window beside the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    turbocat_desktop::run();
}
