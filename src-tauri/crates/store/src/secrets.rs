//! Encryption at rest for secrets kept in the database (deployment environment variables).
//! ChaCha20-Poly1305 with a random 256-bit key kept in a file beside the database (mode 0600),
//! so a copied, exported or backed-up database never carries readable secrets. The key is
//! this machine's: sync opens the values it sends and seals the ones it receives
//! ([`SecretBox::open_vars`], [`SecretBox::seal_vars`]), so every device reads them with its own key.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use turbocat_domain::{Error, Result};

const PREFIX: &str = "enc:v1:";

pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

fn key_path(db: &Path) -> PathBuf {
    let stem = db.file_stem().and_then(|s| s.to_str()).unwrap_or("turbocat");
    db.with_file_name(format!("{stem}.key"))
}

impl SecretBox {
    /// Loads the key beside `db`, creating it on first use.
    pub fn open(db: &Path) -> Result<SecretBox> {
        let path = key_path(db);
        let key = match std::fs::read(&path) {
            Ok(bytes) if bytes.len() == 32 => bytes,
            Ok(_) => {
                return Err(Error::internal(format!("The secrets key {} is damaged (wrong length)", path.display())))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut k = vec![0u8; 32];
                rand::thread_rng().fill_bytes(&mut k);
                match publish_private(&path, &k) {
                    Ok(()) => k,
                    // Another process (or thread) published its key first: use that one.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return SecretBox::open(db),
                    Err(e) => {
                        return Err(Error::internal(format!("Cannot write the secrets key {}: {e}", path.display())))
                    }
                }
            }
            Err(e) => return Err(Error::internal(format!("Cannot read the secrets key {}: {e}", path.display()))),
        };
        Ok(SecretBox { cipher: ChaCha20Poly1305::new(Key::from_slice(&key)) })
    }

    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ct = self.cipher.encrypt(Nonce::from_slice(&nonce), plain.as_bytes()).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        format!("{PREFIX}{}", B64.encode(out))
    }

    pub fn open_sealed(&self, sealed: &str) -> Result<String> {
        let bad = || Error::internal("A stored secret cannot be decrypted (was the key file replaced?)");
        let raw = B64.decode(sealed.strip_prefix(PREFIX).ok_or_else(bad)?).map_err(|_| bad())?;
        if raw.len() < 12 {
            return Err(bad());
        }
        let plain = self.cipher.decrypt(Nonce::from_slice(&raw[..12]), &raw[12..]).map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }

    /// Whether `value` is sealed with this key (it opens).
    pub fn is_sealed(&self, value: &str) -> bool {
        value.starts_with(PREFIX) && self.open_sealed(value).is_ok()
    }

    /// Seals every value of an environment-variable object that is not sealed with this key
    /// yet: plain text (from the hosted project, or written before sealing) becomes ciphertext.
    /// A non-string value is sealed as its JSON text. A value that only looks sealed (another
    /// key's ciphertext) stays as it is: it is not readable here, but neither is it plain.
    /// Returns whether anything changed.
    pub fn seal_vars(&self, vars: &mut Json) -> bool {
        let Json::Object(vars) = vars else { return false };
        let mut changed = false;
        for v in vars.values_mut() {
            let plain = match &mut *v {
                Json::String(s) if s.starts_with(PREFIX) => continue,
                Json::String(s) => std::mem::take(s),
                other => other.to_string(),
            };
            *v = Json::String(self.seal(&plain));
            changed = true;
        }
        changed
    }

    /// The other way: every value this key opens, in plain text (what the hosted project
    /// stores). A value it cannot open stays as it is.
    pub fn open_vars(&self, vars: &mut Json) {
        let Json::Object(vars) = vars else { return };
        for v in vars.values_mut() {
            if let Some(plain) = v.as_str().and_then(|s| self.open_sealed(s).ok()) {
                *v = Json::String(plain);
            }
        }
    }
}

/// Writes `bytes` to `path` so that no reader ever sees a partial file: into a private (0600)
/// temporary file beside it, flushed to disk, then published by a hard link, which fails with
/// `AlreadyExists` when another writer published first (never overwriting its key).
fn publish_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut nonce = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut nonce);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("turbocat.key");
    let tmp = dir.join(format!(".{name}.{}-{:016x}.partial", std::process::id(), u64::from_le_bytes(nonce)));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let written = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::hard_link(&tmp, path)
    })();
    let _ = std::fs::remove_file(&tmp);
    written?;
    // The new directory entry, durable too (a crash now keeps the key).
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// The display form of a secret: first and last 4 characters of long values, stars otherwise.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() > 12 {
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
    } else {
        "*".repeat(chars.len().max(8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_masks() {
        let dir = tempfile::tempdir().unwrap();
        let b = SecretBox::open(&dir.path().join("t.sqlite")).unwrap();
        let s = b.seal("hunter2-very-secret");
        assert!(!s.contains("hunter2"));
        assert_eq!(b.open_sealed(&s).unwrap(), "hunter2-very-secret");
        // The same key is read back on the next open.
        let b2 = SecretBox::open(&dir.path().join("t.sqlite")).unwrap();
        assert_eq!(b2.open_sealed(&s).unwrap(), "hunter2-very-secret");
        assert_eq!(mask("sk-1234567890abcdef"), "sk-1***********cdef");
        assert_eq!(mask("short"), "********");
    }

    #[test]
    fn threads_creating_the_key_at_once_all_get_the_same_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("race.sqlite");
        let sealed: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let db = &db;
                    s.spawn(move || SecretBox::open(db).unwrap().seal(&format!("v{i}")))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let b = SecretBox::open(&db).unwrap();
        for (i, s) in sealed.iter().enumerate() {
            assert_eq!(b.open_sealed(s).unwrap(), format!("v{i}"), "every thread sealed with the one published key");
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("race.key")], "no temporary file left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("race.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn vars_are_sealed_once_and_opened_back() {
        let dir = tempfile::tempdir().unwrap();
        let b = SecretBox::open(&dir.path().join("v.sqlite")).unwrap();
        let other = SecretBox::open(&dir.path().join("other.sqlite")).unwrap();
        let foreign = other.seal("not ours");
        let mut vars = serde_json::json!({"PLAIN": "p-42", "NUM": 7, "FOREIGN": foreign});
        assert!(b.seal_vars(&mut vars));
        assert!(b.is_sealed(vars["PLAIN"].as_str().unwrap()));
        assert!(b.is_sealed(vars["NUM"].as_str().unwrap()));
        assert_eq!(vars["FOREIGN"], serde_json::json!(foreign), "another key's ciphertext is left alone");
        let once = vars.clone();
        assert!(!b.seal_vars(&mut vars), "sealed values are not sealed twice");
        assert_eq!(vars, once);
        b.open_vars(&mut vars);
        assert_eq!(vars, serde_json::json!({"PLAIN": "p-42", "NUM": "7", "FOREIGN": foreign}));
    }
}
