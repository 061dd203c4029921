//! Encryption at rest for secrets kept in the database (deployment environment variables).
//! ChaCha20-Poly1305 with a random 256-bit key kept in a file beside the database (mode 0600),
//! so a copied, exported or synced database never carries readable secrets.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
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
                write_private(&path, &k)
                    .map_err(|e| Error::internal(format!("Cannot write the secrets key {}: {e}", path.display())))?;
                k
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
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)?.write_all(bytes)
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
}
