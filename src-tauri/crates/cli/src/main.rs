//! The `turbocat` binary: a thin wrapper over [`turbocat_cli::run`].

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(turbocat_cli::run(std::env::args_os()))
}
