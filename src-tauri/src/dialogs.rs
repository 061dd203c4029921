//! Native file dialogs (rfd), run on the main thread where GTK wants them, and awaited by async
//! commands without blocking anything.
//!
//! Test hook: when `TURBOCAT_DIALOG_ANSWERS` names a file, each dialog takes its answer from the
//! file's first line (and removes it) instead of opening; an empty line means "cancelled".
//! End-to-end tests drive the native dialogs this way, which WebDriver cannot reach.

use std::path::PathBuf;
use std::sync::mpsc;

use tauri::AppHandle;
use turbocat_domain::Error;

use crate::CommandResult;

pub const ANSWERS_ENV: &str = "TURBOCAT_DIALOG_ANSWERS";

/// A dialog to show: its title, a suggested file name, the folder to start in, and a filter.
pub struct Dialog {
    pub title: &'static str,
    pub file_name: Option<String>,
    pub directory: Option<PathBuf>,
    pub filter: (&'static str, &'static [&'static str]),
}

enum Kind {
    Save,
    Open,
}

pub async fn save(app: &AppHandle, dialog: Dialog) -> CommandResult<Option<PathBuf>> {
    ask(app, dialog, Kind::Save).await
}

pub async fn open(app: &AppHandle, dialog: Dialog) -> CommandResult<Option<PathBuf>> {
    ask(app, dialog, Kind::Open).await
}

async fn ask(app: &AppHandle, dialog: Dialog, kind: Kind) -> CommandResult<Option<PathBuf>> {
    if let Some(file) = std::env::var_os(ANSWERS_ENV).filter(|v| !v.is_empty()) {
        return Ok(next_answer(&PathBuf::from(file))?);
    }
    let (tx, rx) = mpsc::channel();
    app.run_on_main_thread(move || {
        let mut d = rfd::FileDialog::new().set_title(dialog.title).add_filter(dialog.filter.0, dialog.filter.1);
        if let Some(dir) = &dialog.directory {
            d = d.set_directory(dir);
        }
        if let Some(name) = &dialog.file_name {
            d = d.set_file_name(name);
        }
        let picked = match kind {
            Kind::Save => d.save_file(),
            Kind::Open => d.pick_file(),
        };
        // The command may have gone away (window closed); then nobody needs the answer.
        let _ = tx.send(picked);
    })?;
    // Wait for the user on the blocking pool, not on a tokio worker.
    let picked = tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten()).await?;
    Ok(picked)
}

fn next_answer(file: &PathBuf) -> Result<Option<PathBuf>, Error> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::internal(format!("cannot read {ANSWERS_ENV} file {}: {e}", file.display())))?;
    let mut lines = text.lines();
    let answer = lines.next().map(str::trim).unwrap_or_default().to_string();
    let rest: Vec<&str> = lines.collect();
    std::fs::write(file, rest.join("\n"))
        .map_err(|e| Error::internal(format!("cannot update {ANSWERS_ENV} file {}: {e}", file.display())))?;
    Ok((!answer.is_empty()).then(|| PathBuf::from(answer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_taken_in_order_and_empty_means_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("answers");
        std::fs::write(&file, "/tmp/a.sqlite\n\n/tmp/b.json\n").unwrap();
        assert_eq!(next_answer(&file).unwrap(), Some(PathBuf::from("/tmp/a.sqlite")));
        assert_eq!(next_answer(&file).unwrap(), None);
        assert_eq!(next_answer(&file).unwrap(), Some(PathBuf::from("/tmp/b.json")));
        assert_eq!(next_answer(&file).unwrap(), None, "no answers left reads as cancelled");
    }
}
