//! The `turbocat-desktop` binary: everything lives in the library, so tests and tools can reach it.

// Without this a release build on Windows would also open a console window beside the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if turbocat_desktop::is_cli_invocation(&args) {
        std::process::exit(i32::from(turbocat_cli::run(args)));
    }
    turbocat_desktop::rendering::configure();
    turbocat_desktop::run();
}
