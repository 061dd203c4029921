//! Copies of the database file that are whole or absent: `turbocat db backup`, the backups taken
//! before a migration, a reset and a restore, and the staging copy of a restore.
//!
//! A copy is made with `VACUUM INTO` from a read-only connection: it reads one snapshot (a
//! single read transaction), so writers beside it keep committing and it still finishes — the
//! online backup API restarts from scratch whenever another connection writes, and never ends
//! under steady writes. The copy is written to a hidden file of its own in the destination's
//! folder ([`Partial`]): created new with mode 0600, locked for as long as it is being written,
//! flushed to disk, then published under its final name with a hard link, which fails rather
//! than replace an existing file. A crash leaves at most an unlocked partial file, which the next
//! backup into that folder removes ([`sweep_stale_partials`]); a file that is not one of ours is
//! never touched.

use crate::error::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The suffix of a copy being written.
const PARTIAL_SUFFIX: &str = ".turbocat-partial";

/// How far a copy is: bytes written so far, of about `total` (the source's size in pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub written: u64,
    pub total: u64,
}

/// A progress callback that ignores what it is told.
pub fn no_progress(_: Progress) {}

/// Opens the file at `path` read-only, without creating it or changing anything in it (a
/// read-only connection never checkpoints or removes a `-wal`).
pub fn open_read_only(path: &Path) -> StoreResult<Connection> {
    crate::check_is_database_path(path)?;
    if !path.is_file() {
        return Err(StoreError::Refused(format!("No database at {}", path.display())));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(60))?;
    Ok(conn)
}

/// A file being written beside its final name; removed when dropped unless published.
pub(crate) struct Partial {
    path: PathBuf,
    file: Option<File>,
}

impl Partial {
    /// A new, empty, locked file in `dir`, named after `name`.
    pub(crate) fn create(dir: &Path, name: &str) -> StoreResult<Partial> {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let path = dir.join(format!(".{name}.{}-{nanos}{PARTIAL_SUFFIX}", std::process::id()));
        let mut o = OpenOptions::new();
        o.read(true).write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let file = o.open(&path).map_err(|e| StoreError::io(format!("cannot create {}", path.display()), e))?;
        file.lock().map_err(|e| StoreError::io(format!("cannot lock {}", path.display()), e))?;
        Ok(Partial { path, file: Some(file) })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the copy to disk and gives it the name `dest`, which must not exist.
    pub(crate) fn publish(mut self, dest: &Path) -> StoreResult<()> {
        let synced = File::open(&self.path).and_then(|f| f.sync_all());
        synced.map_err(|e| StoreError::io(format!("cannot write {}", self.path.display()), e))?;
        match std::fs::hard_link(&self.path, dest) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists(dest)),
            // A file system without hard links: rename, after checking (a race here is the
            // only way a file could be replaced, and only on such a file system).
            Err(_) => {
                if dest.exists() {
                    return Err(exists(dest));
                }
                std::fs::rename(&self.path, dest)
                    .map_err(|e| StoreError::io(format!("cannot write {}", dest.display()), e))?;
            }
        }
        let _ = std::fs::remove_file(&self.path);
        self.file = None;
        sync_dir(dest);
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn exists(dest: &Path) -> StoreError {
    StoreError::Refused(format!(
        "{} already exists; choose another file name (backups never overwrite a file)",
        dest.display()
    ))
}

/// Flushes the folder of `path`, so that a new name in it survives a power cut.
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Removes the partial copies in `dir` that no process is writing any more (left by a crash).
/// Returns how many were removed. Only files named as [`Partial`] names them are considered, and
/// only when their lock can be taken.
pub fn sweep_stale_partials(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with('.') && name.ends_with(PARTIAL_SUFFIX)) {
            continue;
        }
        let path = entry.path();
        let Ok(f) = OpenOptions::new().read(true).write(true).open(&path) else { continue };
        if f.try_lock().is_ok() && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Copies the database at `src` into `into` (an empty file) with `VACUUM INTO`, reporting the
/// growth of the copy to `progress` about ten times a second.
pub(crate) fn copy_into(src: &Connection, into: &Path, progress: &(dyn Fn(Progress) + Sync)) -> StoreResult<u64> {
    let pages: i64 = src.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let page_size: i64 = src.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let total = (pages.max(0) * page_size.max(0)) as u64;
    let target = into.to_str().ok_or_else(|| {
        StoreError::Refused(format!("{} is not a valid UTF-8 path; choose another file name", into.display()))
    })?;
    let done = AtomicBool::new(false);
    let size_of = || std::fs::metadata(into).map(|m| m.len()).unwrap_or(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                progress(Progress { written: size_of().min(total), total });
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let out = src.execute("VACUUM INTO ?1", [target]);
        done.store(true, Ordering::Relaxed);
        out
    })?;
    let written = size_of();
    progress(Progress { written, total: written });
    Ok(written)
}

/// Backs up the database at `src` to the new file `dest` (refused when `dest` exists), while
/// other connections go on writing. Returns the size of the backup in bytes.
pub fn backup(src: &Path, dest: &Path, progress: &(dyn Fn(Progress) + Sync)) -> StoreResult<u64> {
    if dest.exists() {
        return Err(exists(dest));
    }
    let conn = open_read_only(src)?;
    let dir = match dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(format!("cannot create {}", dir.display()), e))?;
    sweep_stale_partials(&dir);
    let name = dest.file_name().and_then(|n| n.to_str()).unwrap_or("backup");
    let partial = Partial::create(&dir, name)?;
    let bytes = copy_into(&conn, partial.path(), progress)?;
    drop(conn);
    partial.publish(dest)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(dir: &Path) -> PathBuf {
        let p = dir.join("db.sqlite");
        let c = Connection::open(&p).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);").unwrap();
        p
    }

    #[test]
    fn a_backup_is_whole_private_and_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let src = db(dir.path());
        let dest = dir.path().join("out").join("b.sqlite");
        let seen = std::sync::Mutex::new(Vec::new());
        backup(&src, &dest, &|p| seen.lock().unwrap().push(p)).unwrap();
        let n: i64 = Connection::open(&dest).unwrap().query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 2);
        let last = *seen.lock().unwrap().last().unwrap();
        assert_eq!(last.written, last.total);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let before = std::fs::read(&dest).unwrap();
        let e = backup(&src, &dest, &no_progress).unwrap_err();
        assert!(e.to_string().contains("never overwrite"), "{e}");
        assert_eq!(std::fs::read(&dest).unwrap(), before);
        // Nothing but the backup is left in its folder.
        let names: Vec<_> =
            std::fs::read_dir(dest.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("b.sqlite")]);
    }

    #[test]
    fn only_abandoned_partials_of_ours_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let live = Partial::create(dir.path(), "live.sqlite").unwrap();
        let stale = dir.path().join(format!(".old.sqlite.1-2{PARTIAL_SUFFIX}"));
        std::fs::write(&stale, b"half").unwrap();
        let user = dir.path().join("report.partial");
        std::fs::write(&user, b"notes").unwrap();
        assert_eq!(sweep_stale_partials(dir.path()), 1);
        assert!(!stale.exists());
        assert!(live.path().exists(), "a partial being written is kept");
        assert!(user.exists(), "a file that is not ours is kept");
        drop(live);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
