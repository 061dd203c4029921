//! Build script of the desktop app: runs tauri-build, which reads tauri.conf.json, checks the
//! capabilities against the commands and permissions that exist, and prepares the context that
//! `tauri::generate_context!` embeds.

fn main() {
    // The capabilities live under src-tauri/, not beside tauri.conf.json where tauri-build looks
    // by default. With a custom pattern tauri-build no longer watches the folder itself, so we
    // do, or an edited capability would be left out of the next build.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/**/*");
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports through its exit code; `{:#}` keeps anyhow's cause chain.
        eprintln!("tauri-build failed: {error:#}");
        std::process::exit(1);
    }
}
